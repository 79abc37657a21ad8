//! Model formulas: outcome, regressor terms (`a`, `a^2`, `a:b`), fixed
//! effects, cluster variable and whether the design carries a constant.

use super::error::DataError;

/// One regressor: the product of its factor columns (`a^2` is `a` times `a`),
/// named exactly as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The term as written (`a`, `a^2`, `a:b`): the design column's name.
    pub name: String,
    /// The columns multiplied together (`[a, a]` for `a^2`).
    pub factors: Vec<String>,
}

impl Term {
    /// Parse `a`, `a^2` or `a:b[:c...]`.
    pub fn parse(spec: &str) -> Result<Self, DataError> {
        let name = spec.trim();
        let bad = |reason: &str| DataError::BadTerm {
            term: name.to_string(),
            reason: reason.to_string(),
        };
        if name.is_empty() {
            return Err(bad("empty term (check for a doubled or trailing comma)"));
        }
        let factors: Vec<String> = if let Some((base, power)) = name.split_once('^') {
            if power.trim() != "2" {
                return Err(bad("only squares are supported (`a^2`)"));
            }
            vec![base.trim().to_string(); 2]
        } else {
            name.split(':').map(|f| f.trim().to_string()).collect()
        };
        if factors.iter().any(|f| f.is_empty() || f.contains('^')) {
            return Err(bad(
                "expected `a`, `a^2` or `a:b` with column names on both sides",
            ));
        }
        Ok(Term {
            name: name.to_string(),
            factors,
        })
    }
}

/// A model specification over the columns of a dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula {
    /// Outcome column.
    pub y: String,
    /// Regressor terms, in design order after `const`.
    pub x_terms: Vec<Term>,
    /// Fixed-effect columns: one dummy per level but the first (sorted).
    pub fe: Vec<String>,
    /// Cluster variable for cluster-robust standard errors.
    pub cluster: Option<String>,
    /// Whether the design starts with a constant column named `const`.
    pub intercept: bool,
}

impl Formula {
    /// Parse the CLI form: `--x a,b,a^2,a:b --fe COL,... --cluster COL`.
    pub fn parse(
        y: &str,
        x: Option<&str>,
        fe: Option<&str>,
        cluster: Option<&str>,
        intercept: bool,
    ) -> Result<Self, DataError> {
        let y = y.trim();
        if y.is_empty() {
            return Err(DataError::BadTerm {
                term: y.to_string(),
                reason: "the outcome column name is empty".to_string(),
            });
        }
        let x_terms = match x.map(str::trim) {
            None | Some("") => Vec::new(),
            Some(list) => list.split(',').map(Term::parse).collect::<Result<_, _>>()?,
        };
        let fe = match fe.map(str::trim) {
            None | Some("") => Vec::new(),
            Some(list) => list
                .split(',')
                .map(|c| match c.trim() {
                    "" => Err(DataError::BadTerm {
                        term: list.to_string(),
                        reason: "empty fixed-effect column name".to_string(),
                    }),
                    c => Ok(c.to_string()),
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(Formula {
            y: y.to_string(),
            x_terms,
            fe,
            cluster: cluster
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty()),
            intercept,
        })
    }

    /// Every column the model reads (outcome, factors, fixed effects,
    /// cluster), each once, in first-use order.
    pub fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let all = std::iter::once(self.y.as_str())
            .chain(
                self.x_terms
                    .iter()
                    .flat_map(|t| t.factors.iter().map(String::as_str)),
            )
            .chain(self.fe.iter().map(String::as_str))
            .chain(self.cluster.as_deref());
        for c in all {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }
}
