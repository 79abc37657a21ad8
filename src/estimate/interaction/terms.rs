//! Design columns as monomials in the two interacted variables, so that
//! d eta / da, d eta / db and d2 eta / da db follow every column that
//! involves them (`a`, `b`, `a:b`, `a^2`, `a:c`, ...).

use faer::MatRef;

use crate::estimate::EstimateError;

const WHO: &str = "the interaction effect";

/// Column j = a^pa b^pb prod_m x_{other_m}^{p_m}.
#[derive(Debug, Clone)]
struct Monomial {
    pa: i32,
    pb: i32,
    others: Vec<(usize, i32)>,
}

/// The columns that move with a or b, and where a and b live.
#[derive(Debug, Clone)]
pub(crate) struct Terms {
    pub ia: usize,
    pub ib: usize,
    dynamic: Vec<(usize, Monomial)>,
}

/// A design row at chosen (a, b) with its partial derivatives in a and b.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub x: Vec<f64>,
    pub xa: Vec<f64>,
    pub xb: Vec<f64>,
    pub xab: Vec<f64>,
}

/// `name` or `name^p` (p a positive integer).
fn factor(f: &str) -> (&str, i32) {
    match f.rsplit_once('^') {
        Some((base, p)) => match p.parse::<i32>() {
            Ok(p) if p > 0 => (base, p),
            _ => (f, 1),
        },
        None => (f, 1),
    }
}

/// The two plain variable names of an interaction term `a:b`.
pub(crate) fn split_term(term: &str) -> Result<(String, String), EstimateError> {
    let parts: Vec<&str> = term.split(':').collect();
    match parts.as_slice() {
        [a, b]
            if !a.is_empty() && !b.is_empty() && a != b && !a.contains('^') && !b.contains('^') =>
        {
            Ok((a.to_string(), b.to_string()))
        }
        _ => Err(EstimateError::InvalidOption {
            option: "interaction-effect".into(),
            reason: format!("`{term}` is not a product of two distinct variables `a:b`"),
        }),
    }
}

impl Terms {
    /// Parse every column name; the term `a:b` (or `b:a`) and the main
    /// effects' base columns `a` and `b` must be in the design.
    pub fn new(names: &[String], a: &str, b: &str) -> Result<Self, EstimateError> {
        let find = |col: &str| {
            names
                .iter()
                .position(|n| n == col)
                .ok_or_else(|| EstimateError::MissingColumn {
                    estimator: WHO.into(),
                    column: col.to_string(),
                })
        };
        let (ia, ib) = (find(a)?, find(b)?);
        let mut dynamic = Vec::new();
        let mut has_term = false;
        for (j, name) in names.iter().enumerate() {
            let (mut pa, mut pb, mut others) = (0, 0, Vec::new());
            for f in name.split(':') {
                match factor(f) {
                    (v, p) if v == a => pa += p,
                    (v, p) if v == b => pb += p,
                    (v, p) => others.push((v, p)),
                }
            }
            has_term |= pa == 1 && pb == 1 && others.is_empty();
            if pa + pb > 0 {
                let others = others
                    .into_iter()
                    .map(|(v, p)| find(v).map(|c| (c, p)))
                    .collect::<Result<_, _>>()?;
                dynamic.push((j, Monomial { pa, pb, others }));
            }
        }
        if !has_term {
            return Err(EstimateError::MissingColumn {
                estimator: WHO.into(),
                column: format!("{a}:{b}"),
            });
        }
        Ok(Terms { ia, ib, dynamic })
    }

    /// Design row `i` with (a, b) set to the given values.
    pub fn row(&self, x: MatRef<'_, f64>, i: usize, a: f64, b: f64) -> Row {
        let k = x.ncols();
        let mut r = Row {
            x: (0..k).map(|j| x[(i, j)]).collect(),
            xa: vec![0.0; k],
            xb: vec![0.0; k],
            xab: vec![0.0; k],
        };
        for (j, m) in &self.dynamic {
            let rest: f64 = m.others.iter().map(|&(c, p)| x[(i, c)].powi(p)).product();
            let pw = |v: f64, p: i32| if p == 0 { 1.0 } else { v.powi(p) };
            let dp = |v: f64, p: i32| {
                if p == 0 {
                    0.0
                } else {
                    f64::from(p) * pw(v, p - 1)
                }
            };
            r.x[*j] = pw(a, m.pa) * pw(b, m.pb) * rest;
            r.xa[*j] = dp(a, m.pa) * pw(b, m.pb) * rest;
            r.xb[*j] = pw(a, m.pa) * dp(b, m.pb) * rest;
            r.xab[*j] = dp(a, m.pa) * dp(b, m.pb) * rest;
        }
        r
    }

    /// Check that the columns built from a and b reproduce the design (a
    /// column named `a:b` that is not a times b would give wrong effects).
    pub fn verify(&self, x: MatRef<'_, f64>, names: &[String]) -> Result<(), EstimateError> {
        for i in 0..x.nrows() {
            let r = self.row(x, i, x[(i, self.ia)], x[(i, self.ib)]);
            for (j, _) in &self.dynamic {
                let (want, got) = (x[(i, *j)], r.x[*j]);
                if (want - got).abs() > 1e-8 * (1.0 + want.abs()) {
                    return Err(EstimateError::Invalid(format!(
                        "interaction effect: column `{}` row {} is {want}, but the product of its factors is {got}",
                        names[*j],
                        i + 1
                    )));
                }
            }
        }
        Ok(())
    }
}
