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
//! The maths only; reading the label columns from a dataset is in
//! `data::lq_columns`.
//!
//! Rows whose origin or destination label is empty are treated as missing:
//! they do not enter the counts and get `NaN` as their LQ.

use std::collections::BTreeMap;

use serde::Serialize;

/// Why no location quotient could be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LqError {
    /// Every row lacks a label or has weight 0, so `sum_i sum_j E_ij = 0`.
    #[error(
        "location quotient: no migrants with both an origin and a destination (total weight is 0)"
    )]
    NoMigrants,
    /// The label and weight columns have different lengths.
    #[error(
        "location quotient: origin ({origin}), destination ({destination}) and weight ({weight}) columns differ in length"
    )]
    Lengths {
        /// Rows of the origin column.
        origin: usize,
        /// Rows of the destination column.
        destination: usize,
        /// Rows of the weight column, or `none` without weights.
        weight: String,
    },
    /// A weight is negative, NaN or infinite.
    #[error("location quotient: weight of row {row} is {value}; expected a finite number >= 0")]
    Weight {
        /// 1-based row of the weight.
        row: usize,
        /// The weight found.
        value: f64,
    },
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
    /// The origin × destination table the quotients come from.
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
) -> Result<LocationQuotients, LqError> {
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
pub fn quotients(counts: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, LqError> {
    let n_dest = counts.first().map_or(0, Vec::len);
    let origin_tot: Vec<f64> = counts.iter().map(|row| row.iter().sum()).collect();
    let dest_tot: Vec<f64> = (0..n_dest)
        .map(|j| counts.iter().map(|row| row[j]).sum())
        .collect();
    let total: f64 = origin_tot.iter().sum();
    if total <= 0.0 {
        return Err(LqError::NoMigrants);
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

fn check_lengths(n_o: usize, n_d: usize, n_w: Option<usize>) -> Result<(), LqError> {
    if n_o != n_d || n_w.is_some_and(|w| w != n_o) {
        return Err(LqError::Lengths {
            origin: n_o,
            destination: n_d,
            weight: n_w.map_or("none".to_string(), |w| w.to_string()),
        });
    }
    Ok(())
}

fn row_weight(weights: Option<&[f64]>, r: usize) -> Result<f64, LqError> {
    let Some(w) = weights else { return Ok(1.0) };
    let v = w[r];
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(LqError::Weight {
            row: r + 1,
            value: v,
        })
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
