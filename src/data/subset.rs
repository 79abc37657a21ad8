//! Row filters `COL OP VALUE` (a regional subsample, one survey wave, ...).
//!
//! OP is one of `==`, `!=`, `<`, `<=`, `>`, `>=`. VALUE is a number, or, for
//! `==` and `!=` on a text column, a label (quotes optional). Rows where COL
//! is missing are dropped whatever the comparison (as R's `subset`).

use std::fmt;

use super::dataset::{Column, Dataset};
use super::error::DataError;

/// Comparison of a subset filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Op {
    /// Operators, longest first so `<=` is not read as `<`.
    const TOKENS: [(&'static str, Op); 6] = [
        ("==", Op::Eq),
        ("!=", Op::Ne),
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("<", Op::Lt),
        (">", Op::Gt),
    ];

    fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Op::Eq => ord == Equal,
            Op::Ne => ord != Equal,
            Op::Lt => ord == Less,
            Op::Le => ord != Greater,
            Op::Gt => ord == Greater,
            Op::Ge => ord != Less,
        }
    }
}

/// A parsed row filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Subset {
    /// The column compared.
    pub column: String,
    /// The comparison.
    pub op: Op,
    /// The value as written (quotes removed).
    pub value: String,
    text: String,
}

impl fmt::Display for Subset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl TryFrom<&str> for Subset {
    type Error = DataError;

    fn try_from(text: &str) -> Result<Self, DataError> {
        let bad = |reason: &str| DataError::BadSubset {
            subset: text.to_string(),
            reason: reason.to_string(),
        };
        let (at, token, op) = Op::TOKENS
            .iter()
            .filter_map(|&(t, op)| text.find(t).map(|at| (at, t, op)))
            .min_by_key(|&(at, t, _)| (at, std::cmp::Reverse(t.len())))
            .ok_or_else(|| bad("expected `COLUMN OP VALUE` with OP one of ==, !=, <, <=, >, >="))?;
        let column = text[..at].trim();
        let value = text[at + token.len()..].trim();
        let value = ['"', '\'']
            .iter()
            .find_map(|&q| value.strip_prefix(q).and_then(|v| v.strip_suffix(q)))
            .unwrap_or(value);
        if column.is_empty() {
            return Err(bad("no column before the operator"));
        }
        if value.is_empty() {
            return Err(bad("no value after the operator"));
        }
        let stray = |t: &str| t.contains(['=', '!', '<', '>']);
        if stray(column) || stray(value) {
            return Err(bad(
                "expected one comparison `COLUMN OP VALUE` with OP one of ==, !=, <, <=, >, >=",
            ));
        }
        Ok(Subset {
            column: column.to_string(),
            op,
            value: value.to_string(),
            text: text.trim().to_string(),
        })
    }
}

impl Subset {
    /// The rows of `data` that satisfy the filter; an error names an unknown
    /// column, a value of the wrong kind, or a filter that keeps no row.
    pub fn apply(&self, data: &Dataset) -> Result<Dataset, DataError> {
        let col = data.require(&self.column)?;
        let rows: Vec<usize> = match col {
            Column::Numeric(v) => {
                let x: f64 = self.value.parse().map_err(|_| self.bad_value("a number"))?;
                (0..v.len())
                    .filter(|&i| v[i].partial_cmp(&x).is_some_and(|o| self.op.holds(o)))
                    .collect()
            }
            Column::Categorical(c) => {
                if !matches!(self.op, Op::Eq | Op::Ne) {
                    return Err(self.bad_value("a numeric column for <, <=, >, >="));
                }
                (0..c.codes.len())
                    .filter(|&i| {
                        c.get(i)
                            .is_some_and(|s| self.op.holds(s.cmp(self.value.as_str())))
                    })
                    .collect()
            }
        };
        if rows.is_empty() {
            return Err(DataError::EmptySubset {
                file: data.source().to_string(),
                subset: self.text.clone(),
            });
        }
        Ok(data.select_rows(&rows))
    }

    fn bad_value(&self, expected: &str) -> DataError {
        DataError::BadSubset {
            subset: self.text.clone(),
            reason: format!("column `{}` needs {expected}", self.column),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Dataset {
        let cells = [Some("south"), Some("north"), None, Some("south")];
        Dataset::from_columns(
            "t.csv",
            vec![
                ("x".into(), Column::Numeric(vec![1.0, 0.0, 1.0, f64::NAN])),
                (
                    "region".into(),
                    Column::Categorical(super::super::Categorical::from_cells(&cells)),
                ),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn rows(s: &str) -> Result<usize, String> {
        let sub = Subset::try_from(s).map_err(|e| e.to_string())?;
        sub.apply(&data())
            .map(|d| d.n_rows())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn filters_numbers_and_labels_dropping_missing() {
        assert_eq!(rows("x == 1"), Ok(2));
        assert_eq!(rows("x != 1"), Ok(1));
        assert_eq!(rows("x>=0"), Ok(3));
        assert_eq!(rows("x < 1"), Ok(1));
        assert_eq!(rows("region == \"south\""), Ok(2));
        assert_eq!(rows("region != south"), Ok(1));
        assert_eq!(rows("region == 'south'"), Ok(2));
        assert!(rows("region == \"south'").is_err());
    }

    #[test]
    fn errors_name_the_problem() {
        let err = |s: &str| rows(s).err().unwrap_or_default();
        assert!(err("x = 1").contains("expected `COLUMN OP VALUE`"));
        assert!(err("nope == 1").contains("no column `nope`"));
        assert!(err("x == a").contains("column `x` needs a number"));
        assert!(err("region < b").contains("numeric column"));
        assert!(err("x > 5").contains("keeps no rows"));
        assert!(err("== 1").contains("no column before"));
        assert!(err("x == 1 == 2").contains("one comparison"));
        assert!(err("x => 0").contains("one comparison"));
        assert!(err("x <== 0").contains("one comparison"));
    }
}
