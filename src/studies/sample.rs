//! A user's sample (setting `population = "FILE.csv"`, `migsim cohort
//! STUDY --population FILE.csv`), shared by the studies: a study names the
//! covariates it can take from a file (the survey's cohort column names) and
//! the range each must lie in; the file's columns of those names replace the
//! drawn ones, one agent per row, in file order. Covariates the file lacks
//! are drawn from the configured marginals as usual (the same draws as
//! without a file). Other columns, simulated outcomes among them, are never
//! read: they are listed as ignored. A cell outside its range, text or an
//! empty cell is refused naming the file, row and column.

use std::path::Path;

use crate::data::{Column, Dataset};
use crate::studies::StudyError;

/// The checked covariates of a sample file.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The sample file as named.
    pub file: String,
    /// Its data rows (the cohort size unless `n` is given).
    pub rows: usize,
    /// Covariates read from the file, in the study's order.
    pub from_file: Vec<&'static str>,
    /// Covariates drawn from the defaults.
    pub drawn: Vec<&'static str>,
    /// File columns that are not covariates (outcomes included).
    pub ignored: Vec<String>,
    cols: Vec<Option<Vec<f64>>>,
}

/// The accepted range of a covariate, as a check and its wording.
pub type Range = fn(&str) -> (fn(f64) -> bool, &'static str);

/// A 0/1 indicator.
pub fn binary() -> (fn(f64) -> bool, &'static str) {
    (|v| v == 0.0 || v == 1.0, "0 or 1")
}

/// Any finite number.
pub fn finite() -> (fn(f64) -> bool, &'static str) {
    (|v| v.is_finite(), "a finite number")
}

impl Sample {
    /// Read the columns of `path` named in `covariates`, checked with `range`.
    pub fn read(
        path: &Path,
        covariates: &'static [&'static str],
        range: Range,
    ) -> Result<Sample, StudyError> {
        let data = Dataset::read_csv(path)?;
        let file = path.display().to_string();
        let bad = |col: &str, at: String, why: String| {
            StudyError::invalid("population", format!("{file} {at} column `{col}`: {why}"))
        };
        let mut cols = Vec::with_capacity(covariates.len());
        for &name in covariates {
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
            covariates
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
            .filter(|n| !covariates.contains(&n.as_str()))
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

    /// Replace the drawn covariate columns `cov` (the study's order) by the
    /// file's; `cov` must have `rows` entries per column.
    pub fn overlay(&self, cov: &mut [&mut Vec<f64>]) -> Result<(), StudyError> {
        for (k, c) in self.cols.iter().enumerate() {
            if let Some(v) = c {
                if cov[k].len() != v.len() {
                    return Err(StudyError::invalid(
                        "population",
                        format!(
                            "{} has {} rows but the study has n = {} agents: set n = {}",
                            self.file,
                            v.len(),
                            cov[k].len(),
                            v.len()
                        ),
                    ));
                }
                (*cov[k]).clone_from(v);
            }
        }
        Ok(())
    }
}
