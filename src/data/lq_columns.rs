//! Location quotients (STUDIES.md formula 13,
//! `LQ_ij = (E_ij / sum_j E_ij) / (sum_i E_ij / sum_i sum_j E_ij)`) as a
//! column of a dataset: which columns hold the origin, destination and
//! weight, and reading them from a dataset or CSV file into the maths of
//! [`crate::numeric::lq`]. Rows whose origin or destination label is empty
//! are treated as missing: they do not enter the counts and get `NaN` as
//! their LQ.

use super::build::build_design_owned;
use super::dataset::{Column, Dataset};
use super::design::Design;
use super::error::DataError;
use super::formula::Formula;
use super::subset::Subset;
use crate::numeric::lq;
pub(crate) use crate::numeric::lq::LocationQuotients;

/// Name of the column `fit --lq` adds.
pub(crate) const LQ_COLUMN: &str = "lq";

/// The dataset columns a location quotient is computed from. Labels may be
/// text or numbers (province codes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LqColumns {
    /// Column of the origin label `i` (home province).
    pub origin: String,
    /// Column of the destination label `j` (city).
    pub destination: String,
    /// Non-negative survey weights; `None` counts each row once.
    pub weight: Option<String>,
}

impl LqColumns {
    /// From the CLI form `ORIGIN,DEST` and an optional weight column.
    pub fn parse(spec: &str, weight: Option<&str>) -> Result<Self, DataError> {
        let parts: Vec<&str> = spec.split(',').map(str::trim).collect();
        match parts[..] {
            [o, d] if !o.is_empty() && !d.is_empty() => Ok(LqColumns {
                origin: o.to_string(),
                destination: d.to_string(),
                weight: weight.map(str::to_string),
            }),
            _ => Err(DataError::BadLqColumns {
                spec: spec.to_string(),
            }),
        }
    }

    /// The columns read, origin first.
    pub fn columns(&self) -> Vec<&str> {
        let mut v = vec![self.origin.as_str(), self.destination.as_str()];
        v.extend(self.weight.as_deref());
        v
    }
}

/// Compute every row's LQ_ij from the columns of `ds` and append it as the
/// numeric column `name` (empty where a label is missing).
pub(crate) fn append_lq_column(
    ds: &mut Dataset,
    cols: &LqColumns,
    name: &str,
) -> Result<LocationQuotients, DataError> {
    let origin = ds.require(&cols.origin)?.labels();
    let destination = ds.require(&cols.destination)?.labels();
    let weights = match &cols.weight {
        Some(w) => ds.numeric_columns(&[w.as_str()])?.pop(),
        None => None,
    };
    let lq = location_quotients(&origin, &destination, weights.as_deref())?;
    ds.push_column(name, Column::Numeric(lq.per_row.clone()))?;
    Ok(lq)
}

/// The data columns a fit of `formula` with `lq` and `subset` reads: the
/// formula's (less the computed `lq`), the label columns, the subset column.
pub fn wanted_columns<'a>(
    formula: &'a Formula,
    lq: Option<&'a LqColumns>,
    subset: Option<&'a Subset>,
) -> Vec<&'a str> {
    let mut wanted: Vec<&str> = formula.columns();
    if let Some(cols) = lq {
        wanted.retain(|c| *c != LQ_COLUMN);
        wanted.extend(cols.columns());
    }
    if let Some(s) = subset {
        wanted.push(&s.column);
    }
    let mut seen = std::collections::HashSet::new();
    wanted.retain(|c| seen.insert(*c));
    wanted
}

/// The design of `formula` on `ds` with the `lq` column (computed on every
/// row) added and then only the `subset` rows kept.
pub fn design_with(
    mut ds: Dataset,
    formula: &Formula,
    lq: Option<&LqColumns>,
    subset: Option<&Subset>,
) -> Result<Design, DataError> {
    if let Some(cols) = lq {
        append_lq_column(&mut ds, cols, LQ_COLUMN)?;
    }
    if let Some(s) = subset {
        ds = s.apply(&ds)?;
    }
    build_design_owned(ds, formula)
}

/// [`lq::location_quotients`] (formula 13 per row), its error as a
/// [`DataError`].
pub fn location_quotients<S: AsRef<str>>(
    origin: &[S],
    destination: &[S],
    weights: Option<&[f64]>,
) -> Result<LocationQuotients, DataError> {
    Ok(lq::location_quotients(origin, destination, weights)?)
}
