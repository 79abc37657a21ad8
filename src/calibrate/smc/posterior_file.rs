//! `posterior.csv`: weighted posterior draws, one column per free
//! parameter (its dotted key) plus `weight`, one row per particle, as
//! `migsim calibrate --method smc --out DIR` writes it and
//! `[uncertainty] from = "DIR/posterior.csv"` / `[sensitivity] from = …`
//! read it. Weights are normalised on reading. `--format parquet` writes
//! the same columns as `posterior.parquet` ([`crate::columnar`]), which
//! `from = "DIR/posterior.parquet"` reads (numeric columns of any width;
//! a null or text cell is refused by row and column, rows counted as in
//! the CSV form, the header being row 1).
//!
//! A weighted quantile is the inverse of the weighted empirical CDF:
//! `q(p) = min { x_(i) : Σ_{j ≤ i} w_(j) ≥ p }` over the sorted draws.

use std::path::Path;

use rand::Rng;

use crate::columnar::{ColumnTable, Values, is_parquet};
use crate::seed::SimRng;

fn invalid(file: &str, message: String) -> PosteriorFileError {
    PosteriorFileError::Invalid {
        file: file.to_string(),
        message,
    }
}

/// Most rows a posterior file may hold (checked before allocating more).
pub const MAX_ROWS: usize = 1_000_000;

/// A posterior file could not be read or is inconsistent.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PosteriorFileError {
    /// The file could not be read.
    #[error("cannot read {file}: {message}")]
    Read {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A cell is not a finite number, or a row has the wrong length.
    #[error("{file}, row {row}, column `{column}`: {message}")]
    Cell {
        /// The file.
        file: String,
        /// The row (1 = header).
        row: usize,
        /// The column.
        column: String,
        /// What is wrong.
        message: String,
    },
    /// The header or the weights are invalid.
    #[error("{file}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
}

/// Weighted draws of the free parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct PosteriorSample {
    /// The free parameters' dotted keys, in column order.
    pub params: Vec<String>,
    /// One row per draw, in the order of `params`.
    pub draws: Vec<Vec<f64>>,
    /// Normalised weights.
    pub weights: Vec<f64>,
}

impl PosteriorSample {
    /// The file's text: header `params…,weight`, shortest round-trip numbers.
    pub fn to_csv(&self) -> String {
        let mut s = self.params.join(",");
        s.push_str(",weight\n");
        for (x, w) in self.draws.iter().zip(&self.weights) {
            for v in x {
                s.push_str(&format!("{v},"));
            }
            s.push_str(&format!("{w}\n"));
        }
        s
    }

    /// Read a posterior file: Parquet by its `.parquet` name, else CSV.
    pub fn load(path: &Path) -> Result<PosteriorSample, PosteriorFileError> {
        let file = path.display().to_string();
        if is_parquet(path) {
            let table = ColumnTable::read_parquet(path).map_err(|e| PosteriorFileError::Read {
                file: file.clone(),
                message: e.to_string(),
            })?;
            return PosteriorSample::from_table(&table, &file);
        }
        let text = std::fs::read_to_string(path).map_err(|e| PosteriorFileError::Read {
            file: file.clone(),
            message: e.to_string(),
        })?;
        PosteriorSample::parse(&text, &file)
    }

    /// Parse the text of `file`; errors name the row (1 = header) and column.
    pub fn parse(text: &str, file: &str) -> Result<PosteriorSample, PosteriorFileError> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let (_, header) = lines
            .next()
            .ok_or_else(|| invalid(file, "is empty".into()))?;
        let cols: Vec<String> = header.split(',').map(|c| c.trim().to_string()).collect();
        let rows = lines.map(|(at, line)| {
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            (
                at + 1,
                cells
                    .iter()
                    .map(|cell| {
                        cell.parse::<f64>()
                            .map_err(|_| format!("`{cell}` is not a finite number"))
                    })
                    .collect(),
            )
        });
        PosteriorSample::from_rows(cols, rows, file)
    }

    /// The draws of a typed table (a Parquet file's columns): the same
    /// checks as [`PosteriorSample::parse`]; integer columns are read as
    /// numbers, a null or text cell is refused.
    pub fn from_table(t: &ColumnTable, file: &str) -> Result<PosteriorSample, PosteriorFileError> {
        let n = t.n_rows();
        if n > MAX_ROWS {
            return Err(invalid(file, format!("more than {MAX_ROWS} rows")));
        }
        let cols: Vec<String> = t.columns.iter().map(|(c, _)| c.clone()).collect();
        let cell = |v: &Values, i: usize| -> Result<f64, String> {
            let null = || "an empty (null) cell; expected a finite number".to_string();
            match v {
                Values::Int(x) => x[i].map(|v| v as f64).ok_or_else(null),
                Values::UInt(x) => x[i].map(|v| v as f64).ok_or_else(null),
                Values::Float(x) => x[i].ok_or_else(null),
                Values::Text(x) => Err(format!(
                    "`{}` is text; expected a finite number",
                    x[i].as_deref().unwrap_or("")
                )),
            }
        };
        let rows = (0..n).map(|i| (i + 2, t.columns.iter().map(|(_, v)| cell(v, i)).collect()));
        PosteriorSample::from_rows(cols, rows, file)
    }

    /// Check the header `cols` (dotted keys, then `weight`) and the rows
    /// (row number, cells), normalise the weights.
    fn from_rows(
        cols: Vec<String>,
        rows: impl Iterator<Item = (usize, Vec<Result<f64, String>>)>,
        file: &str,
    ) -> Result<PosteriorSample, PosteriorFileError> {
        if cols.last().map(String::as_str) != Some("weight") {
            return Err(invalid(
                file,
                format!(
                    "the last column must be `weight`, found `{}`",
                    cols.last().map_or("", String::as_str)
                ),
            ));
        }
        let params = cols[..cols.len() - 1].to_vec();
        if params.is_empty() {
            return Err(invalid(file, "no parameter columns before `weight`".into()));
        }
        for (i, p) in params.iter().enumerate() {
            if p.is_empty() || p.split('.').any(str::is_empty) {
                return Err(invalid(
                    file,
                    format!("column {} `{p}` is not a dotted setting path", i + 1),
                ));
            }
            if params[..i].contains(p) {
                return Err(invalid(file, format!("column `{p}` is given twice")));
            }
        }
        let (mut draws, mut weights) = (Vec::new(), Vec::new());
        for (row, cells) in rows {
            if draws.len() == MAX_ROWS {
                return Err(invalid(file, format!("more than {MAX_ROWS} rows")));
            }
            if cells.len() != cols.len() {
                return Err(PosteriorFileError::Cell {
                    file: file.to_string(),
                    row,
                    column: "-".into(),
                    message: format!("{} cells, expected {}", cells.len(), cols.len()),
                });
            }
            let mut vals = Vec::with_capacity(cols.len());
            for (c, v) in cells.into_iter().enumerate() {
                let v = v.and_then(|v| {
                    if v.is_finite() {
                        Ok(v)
                    } else {
                        Err(format!("`{v}` is not a finite number"))
                    }
                });
                vals.push(v.map_err(|message| PosteriorFileError::Cell {
                    file: file.to_string(),
                    row,
                    column: cols[c].clone(),
                    message,
                })?);
            }
            let w = vals.pop().unwrap_or(f64::NAN);
            if w < 0.0 {
                return Err(PosteriorFileError::Cell {
                    file: file.to_string(),
                    row,
                    column: "weight".into(),
                    message: format!("weight {w} is negative"),
                });
            }
            draws.push(vals);
            weights.push(w);
        }
        let total: f64 = weights.iter().sum();
        if draws.is_empty() || !(total > 0.0 && total.is_finite()) {
            return Err(invalid(file, "no draw with a positive weight".into()));
        }
        weights.iter_mut().for_each(|w| *w /= total);
        Ok(PosteriorSample {
            params,
            draws,
            weights,
        })
    }

    /// Values of parameter `j`.
    pub fn column(&self, j: usize) -> Vec<f64> {
        self.draws.iter().map(|d| d[j]).collect()
    }

    /// Weighted quantile `p` of parameter `j`.
    pub fn quantile(&self, j: usize, p: f64) -> f64 {
        weighted_quantile(&self.column(j), &self.weights, p)
    }

    /// Weighted mean of each parameter.
    pub fn mean(&self) -> Vec<f64> {
        (0..self.params.len())
            .map(|j| {
                self.draws
                    .iter()
                    .zip(&self.weights)
                    .map(|(d, w)| w * d[j])
                    .sum()
            })
            .collect()
    }

    /// One draw's index, chosen with probability its weight (inversion of
    /// the cumulative weights by one uniform from `rng`).
    pub fn pick(&self, rng: &mut SimRng) -> usize {
        let u: f64 = rng.random();
        let mut c = 0.0;
        for (i, w) in self.weights.iter().enumerate() {
            c += w;
            if u < c {
                return i;
            }
        }
        self.weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
    }
}

/// Whether a scenario's `from = "…"` names a posterior file (`.csv` or
/// `.parquet`) rather than a `calibrated.toml`.
pub fn is_posterior_file(from: &str) -> bool {
    from.ends_with(".csv") || is_parquet(Path::new(from))
}

/// `min { x_(i) : Σ_{j ≤ i} w_(j) ≥ p·Σw }` (NaN for no draws).
pub fn weighted_quantile(x: &[f64], w: &[f64], p: f64) -> f64 {
    let mut idx: Vec<usize> = (0..x.len()).filter(|&i| w[i] > 0.0).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let total: f64 = idx.iter().map(|&i| w[i]).sum();
    let mut c = 0.0;
    for &i in &idx {
        c += w[i];
        if c >= p * total * (1.0 - 1e-12) {
            return x[i];
        }
    }
    idx.last().map_or(f64::NAN, |&i| x[i])
}
