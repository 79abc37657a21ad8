//! Location quotients of migrant origins across destinations (STUDIES.md,
//! formula 13):
//!
//! ```text
//! LQ_ij = ( E_ij / sum_j E_ij ) / ( sum_i E_ij / sum_i sum_j E_ij )
//! ```
//!
//! with `i` the origin (home province), `j` the destination (city) and `E_ij`
//! the (optionally weighted) number of migrants from `i` living in `j`. An LQ
//! above 1 means origin `i` is over-represented in `j` relative to its share
//! of all migrants; the enclave study uses it as the instrument of enclave
//! living.
//!
//! Rows whose origin or destination label is empty are treated as missing:
//! they do not enter the counts and get `NaN` as their LQ.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::{DataFitError, EstimateError};
use crate::data::{Column, Dataset, Design, Formula, Subset, build_design_owned};

/// Name of the column `fit --lq` adds.
pub const LQ_COLUMN: &str = "lq";

/// The dataset columns a location quotient is computed from. Labels may be
/// text or numbers (province codes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LqColumns {
    pub origin: String,
    pub destination: String,
    /// Non-negative survey weights; `None` counts each row once.
    pub weight: Option<String>,
}

impl LqColumns {
    /// From the CLI form `ORIGIN,DEST` and an optional weight column.
    pub fn parse(spec: &str, weight: Option<&str>) -> Result<Self, EstimateError> {
        let parts: Vec<&str> = spec.split(',').map(str::trim).collect();
        match parts[..] {
            [o, d] if !o.is_empty() && !d.is_empty() => Ok(LqColumns {
                origin: o.to_string(),
                destination: d.to_string(),
                weight: weight.map(str::to_string),
            }),
            _ => Err(EstimateError::InvalidOption {
                option: "lq".into(),
                reason: format!("expected two columns ORIGIN,DEST; got `{spec}`"),
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
pub fn append_lq_column(
    ds: &mut Dataset,
    cols: &LqColumns,
    name: &str,
) -> Result<LocationQuotients, DataFitError> {
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

/// Read the columns `formula` uses from a CSV file, with [`LQ_COLUMN`]
/// computed from `lq` on the whole file (it replaces any `lq` column of the
/// file), then keep the rows of `subset`, and build the design.
pub fn load_design_with(
    path: &Path,
    formula: &Formula,
    lq: Option<&LqColumns>,
    subset: Option<&Subset>,
) -> Result<Design, DataFitError> {
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
    let mut ds = Dataset::read_csv_columns(path, &wanted)?;
    if let Some(cols) = lq {
        append_lq_column(&mut ds, cols, LQ_COLUMN)?;
    }
    if let Some(s) = subset {
        ds = s.apply(&ds)?;
    }
    Ok(build_design_owned(ds, formula)?)
}

/// The full origin x destination table of counts and quotients.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LqTable {
    /// Origin labels, sorted.
    pub origins: Vec<String>,
    /// Destination labels, sorted.
    pub destinations: Vec<String>,
    /// `counts[i][j]` = E_ij (sum of weights of rows from origin i in destination j).
    pub counts: Vec<Vec<f64>>,
    /// `lq[i][j]` = LQ_ij; 0 for an empty cell.
    pub lq: Vec<Vec<f64>>,
}

/// Per-row quotients and the table they come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocationQuotients {
    /// LQ of each input row's (origin, destination) cell; `NaN` for a row with a missing label.
    pub per_row: Vec<f64>,
    /// Rows skipped for a missing (empty) label.
    pub n_missing: usize,
    pub table: LqTable,
}

impl LqTable {
    /// LQ of a cell by labels, if both labels occur in the data.
    pub fn get(&self, origin: &str, destination: &str) -> Option<f64> {
        let i = self
            .origins
            .binary_search_by(|o| o.as_str().cmp(origin))
            .ok()?;
        let j = self
            .destinations
            .binary_search_by(|d| d.as_str().cmp(destination))
            .ok()?;
        Some(self.lq[i][j])
    }
}

/// Location quotient of every row's (origin, destination) cell, from two
/// label columns and optional non-negative weights (survey weights; `None`
/// counts each row once).
pub fn location_quotients<S: AsRef<str>>(
    origin: &[S],
    destination: &[S],
    weights: Option<&[f64]>,
) -> Result<LocationQuotients, EstimateError> {
    check_lengths(origin.len(), destination.len(), weights.map(<[f64]>::len))?;
    let present = |r: usize| !origin[r].as_ref().is_empty() && !destination[r].as_ref().is_empty();
    let origins = sorted_labels(origin, &present);
    let destinations = sorted_labels(destination, &present);
    let oi: BTreeMap<&str, usize> = index_of(&origins);
    let dj: BTreeMap<&str, usize> = index_of(&destinations);
    let mut counts = vec![vec![0.0; destinations.len()]; origins.len()];
    let mut cells = Vec::with_capacity(origin.len());
    for r in 0..origin.len() {
        if !present(r) {
            cells.push(None);
            continue;
        }
        let w = row_weight(weights, r)?;
        let (i, j) = (oi[origin[r].as_ref()], dj[destination[r].as_ref()]);
        counts[i][j] += w;
        cells.push(Some((i, j)));
    }
    let lq = quotients(&counts)?;
    let per_row = cells
        .iter()
        .map(|c| c.map_or(f64::NAN, |(i, j)| lq[i][j]))
        .collect();
    let n_missing = cells.iter().filter(|c| c.is_none()).count();
    Ok(LocationQuotients {
        per_row,
        n_missing,
        table: LqTable {
            origins,
            destinations,
            counts,
            lq,
        },
    })
}

/// LQ_ij from a table of counts E_ij (formula 13); 0 where E_ij = 0.
pub fn quotients(counts: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, EstimateError> {
    let n_dest = counts.first().map_or(0, Vec::len);
    let origin_tot: Vec<f64> = counts.iter().map(|row| row.iter().sum()).collect();
    let dest_tot: Vec<f64> = (0..n_dest)
        .map(|j| counts.iter().map(|row| row[j]).sum())
        .collect();
    let total: f64 = origin_tot.iter().sum();
    if total <= 0.0 {
        return Err(EstimateError::Invalid(
            "location quotient: no migrants with both an origin and a destination (total weight is 0)"
                .into(),
        ));
    }
    Ok(counts
        .iter()
        .zip(&origin_tot)
        .map(|(row, &oi)| {
            row.iter()
                .zip(&dest_tot)
                .map(|(&e, &dj)| {
                    if e > 0.0 {
                        (e / dj) / (oi / total)
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect())
}

fn check_lengths(n_o: usize, n_d: usize, n_w: Option<usize>) -> Result<(), EstimateError> {
    if n_o != n_d || n_w.is_some_and(|w| w != n_o) {
        return Err(EstimateError::Invalid(format!(
            "location quotient: origin ({n_o}), destination ({n_d}) and weight ({}) columns differ in length",
            n_w.map_or("none".to_string(), |w| w.to_string())
        )));
    }
    Ok(())
}

fn row_weight(weights: Option<&[f64]>, r: usize) -> Result<f64, EstimateError> {
    let Some(w) = weights else { return Ok(1.0) };
    let v = w[r];
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(EstimateError::Invalid(format!(
            "location quotient: weight of row {} is {v}; expected a finite number >= 0",
            r + 1
        )))
    }
}

fn sorted_labels<S: AsRef<str>>(col: &[S], present: &dyn Fn(usize) -> bool) -> Vec<String> {
    let mut v: Vec<String> = (0..col.len())
        .filter(|&r| present(r))
        .map(|r| col[r].as_ref().to_string())
        .collect();
    v.sort();
    v.dedup();
    v
}

fn index_of(labels: &[String]) -> BTreeMap<&str, usize> {
    labels
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect()
}
