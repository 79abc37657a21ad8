//! A user's sample (`population = "FILE.csv"`, `migsim cohort enclave
//! --population FILE.csv`): the Table 1 covariates of [`COVARIATES`] are
//! read from the file's columns of the same names (the survey's cohort
//! column names), one migrant per row, in file order; the covariates the
//! file lacks are drawn from the configured marginals as usual (the same
//! draws as without a file), and so are geography (city, province, year,
//! LQ: dyads must share them), ability and every later stage. Columns that
//! are not Table 1 covariates are ignored and listed.
//!
//! Accepted values: 0/1 for `male, married, healthy, nonfarm,
//! land_transfer`; `age` in [16, 65]; `edu_years` in [0, 30]; `hh_size` a
//! whole number in [1, 100]; `village_outflow` in [0, 1]; `ln_hh_income`,
//! `ln_school_dist` finite. Anything else (or an empty cell) is refused
//! naming the file, row and column.

use std::path::Path;

use super::population::COVARIATES;
use crate::data::{Column, Dataset};
use crate::studies::StudyError;

/// The checked covariates of a sample file.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub file: String,
    pub rows: usize,
    /// Covariates read from the file, in [`COVARIATES`] order.
    pub from_file: Vec<&'static str>,
    /// Covariates drawn from the defaults.
    pub drawn: Vec<&'static str>,
    /// File columns that are not covariates.
    pub ignored: Vec<String>,
    cols: Vec<Option<Vec<f64>>>,
}

/// The accepted range of covariate `name`, as a check and its wording.
fn range(name: &str) -> (fn(f64) -> bool, &'static str) {
    match name {
        "male" | "married" | "healthy" | "nonfarm" | "land_transfer" => {
            (|v| v == 0.0 || v == 1.0, "0 or 1")
        }
        "age" => (|v| (16.0..=65.0).contains(&v), "an age in [16, 65]"),
        "edu_years" => (
            |v| (0.0..=30.0).contains(&v),
            "years of schooling in [0, 30]",
        ),
        "hh_size" => (
            |v| (1.0..=100.0).contains(&v) && v.fract() == 0.0,
            "a whole number of household members in [1, 100]",
        ),
        "village_outflow" => (|v| (0.0..=1.0).contains(&v), "a share in [0, 1]"),
        _ => (|v| v.is_finite(), "a finite number"),
    }
}

impl Sample {
    /// Read and check the covariates of `path`.
    pub fn read(path: &Path) -> Result<Sample, StudyError> {
        let data = Dataset::read_csv(path)?;
        let file = path.display().to_string();
        let bad = |col: &str, at: String, why: String| {
            StudyError::invalid("population", format!("{file} {at} column `{col}`: {why}"))
        };
        let mut cols = Vec::with_capacity(COVARIATES.len());
        for name in COVARIATES {
            let Some(col) = data.column(name) else {
                cols.push(None);
                continue;
            };
            let v = match col {
                Column::Numeric(v) => v,
                Column::Categorical(c) => {
                    let (i, text) = c.first_non_numeric().unwrap_or((0, ""));
                    return Err(bad(
                        name,
                        data.loc(i).to_string(),
                        format!("`{text}` is not a number: expected {}", range(name).1),
                    ));
                }
            };
            let (ok, expected) = range(name);
            if let Some(i) = v.iter().position(|&x| !ok(x)) {
                let shown = if v[i].is_nan() {
                    "an empty cell".to_string()
                } else {
                    format!("{}", v[i])
                };
                return Err(bad(
                    name,
                    data.loc(i).to_string(),
                    format!("{shown}: expected {expected}"),
                ));
            }
            cols.push(Some(v.clone()));
        }
        let (from_file, drawn) =
            COVARIATES
                .iter()
                .zip(&cols)
                .fold((vec![], vec![]), |(mut f, mut d), (n, c)| {
                    if c.is_some() {
                        f.push(*n)
                    } else {
                        d.push(*n)
                    }
                    (f, d)
                });
        let ignored = data
            .names()
            .iter()
            .filter(|n| !COVARIATES.contains(&n.as_str()))
            .cloned()
            .collect();
        Ok(Sample {
            file,
            rows: data.n_rows(),
            from_file,
            drawn,
            ignored,
            cols,
        })
    }

    /// Replace the drawn covariate columns `cov` ([`COVARIATES`] order) by
    /// the file's; `cov` must have `rows` entries per column.
    pub fn overlay(&self, cov: &mut [Vec<f64>]) -> Result<(), StudyError> {
        for (k, c) in self.cols.iter().enumerate() {
            if let Some(v) = c {
                if cov[k].len() != v.len() {
                    return Err(StudyError::invalid(
                        "population",
                        format!(
                            "{} has {} rows but the study has n = {} migrants: set n = {}",
                            self.file,
                            v.len(),
                            cov[k].len(),
                            v.len()
                        ),
                    ));
                }
                cov[k].clone_from(v);
            }
        }
        Ok(())
    }
}
