//! The `[calibration]` table of a calibrated scenario file.
//!
//! `migsim calibrate --out DIR` writes `DIR/calibrated.toml`: an ordinary
//! scenario file (study, n, a `[baseline]` table holding the estimates as
//! config overrides) plus this table, which records the estimates in the
//! order of `params`, their standard errors, the calibration bounds and the
//! estimated covariance of θ (row-major, `params.len()` rows). Scenario runs
//! ignore the table; `[uncertainty] from = ...` and `[sensitivity] from = ...`
//! read it through [`CalibrationTable::load`].
//!
//! ```toml
//! [calibration]
//! params = ["choice.enclave_intercept", "choice.lq_slope"]
//! estimate = [-1.2, 0.4]
//! se = [0.05, 0.02]
//! lower = [-3.0, 0.0]
//! upper = [0.0, 2.0]
//! covariance = [[0.0025, 0.0001], [0.0001, 0.0004]]
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

/// A calibrated file could not be read or is inconsistent.
#[derive(Debug, thiserror::Error)]
pub enum CalibratedFileError {
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

/// The `[calibration]` table: estimates, standard errors, bounds and
/// covariance of the free parameters, plus the fit that produced them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationTable {
    /// Dotted config keys of the free parameters, in the order of every vector below.
    pub params: Vec<String>,
    pub estimate: Vec<f64>,
    pub se: Vec<f64>,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    /// Estimated covariance of θ, row-major (`params.len()` rows of `params.len()`).
    pub covariance: Vec<Vec<f64>>,
    /// Provenance: which targets, replications per evaluation, seed and fit.
    #[serde(default)]
    pub targets: String,
    #[serde(default)]
    pub reps: usize,
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub j: f64,
    #[serde(default)]
    pub df: usize,
    #[serde(default)]
    pub p_value: f64,
    #[serde(default)]
    pub converged: bool,
}

/// What is wrong inside a `[calibration]` table: the key and the values.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TableError {
    #[error("[calibration] `params` is empty")]
    Empty,
    #[error("[calibration] `{name}` has {found} values, expected {expected} (one per param)")]
    Length {
        name: &'static str,
        found: usize,
        expected: usize,
    },
    #[error("[calibration] `covariance` must be {0} rows of {0} values")]
    CovShape(usize),
    #[error("[calibration] `{key}`: estimate and bounds must be finite with lower <= upper")]
    Bounds { key: String },
    #[error("[calibration] `{key}`: estimate {estimate} outside its bounds [{lower}, {upper}]")]
    Outside {
        key: String,
        estimate: f64,
        lower: f64,
        upper: f64,
    },
    #[error("[calibration] `{key}`: se must be finite and >= 0")]
    Se { key: String },
    #[error("[calibration] `covariance` is not symmetric and finite at ({row}, {col})")]
    Asymmetric { row: usize, col: usize },
    #[error("[calibration] `covariance` has a negative variance for `{key}`")]
    NegativeVariance { key: String },
}

#[derive(Deserialize)]
struct Outer {
    calibration: Option<CalibrationTable>,
}

impl CalibrationTable {
    /// Read the `[calibration]` table of a calibrated scenario file and check it.
    pub fn load(path: &Path) -> Result<CalibrationTable, CalibratedFileError> {
        let file = path.display().to_string();
        let src = std::fs::read_to_string(path).map_err(|source| CalibratedFileError::Read {
            file: file.clone(),
            source,
        })?;
        Self::parse(&src, &file)
    }

    /// Parse calibrated-scenario TOML; `file` labels error messages.
    pub fn parse(src: &str, file: &str) -> Result<CalibrationTable, CalibratedFileError> {
        let invalid = |message: String| CalibratedFileError::Invalid {
            file: file.to_string(),
            message,
        };
        let outer: Outer = toml::from_str(src).map_err(|e| invalid(e.message().to_string()))?;
        let table = outer.calibration.ok_or_else(|| {
            invalid("no [calibration] table: write one with `migsim calibrate --out DIR`".into())
        })?;
        table.check().map_err(|e| invalid(e.to_string()))?;
        Ok(table)
    }

    /// Shapes agree, values are finite, bounds are ordered and hold the
    /// estimate, and the covariance is symmetric with a non-negative diagonal.
    pub fn check(&self) -> Result<(), TableError> {
        let k = self.params.len();
        if k == 0 {
            return Err(TableError::Empty);
        }
        for (name, v) in [
            ("estimate", &self.estimate),
            ("se", &self.se),
            ("lower", &self.lower),
            ("upper", &self.upper),
        ] {
            if v.len() != k {
                return Err(TableError::Length {
                    name,
                    found: v.len(),
                    expected: k,
                });
            }
        }
        if self.covariance.len() != k || self.covariance.iter().any(|r| r.len() != k) {
            return Err(TableError::CovShape(k));
        }
        for (i, key) in self.params.iter().enumerate() {
            let (est, lo, hi) = (self.estimate[i], self.lower[i], self.upper[i]);
            if !(est.is_finite() && lo.is_finite() && hi.is_finite()) || lo > hi {
                return Err(TableError::Bounds { key: key.clone() });
            }
            if !(lo..=hi).contains(&est) {
                return Err(TableError::Outside {
                    key: key.clone(),
                    estimate: est,
                    lower: lo,
                    upper: hi,
                });
            }
            if !(self.se[i].is_finite() && self.se[i] >= 0.0) {
                return Err(TableError::Se { key: key.clone() });
            }
            for j in 0..k {
                let (a, b) = (self.covariance[i][j], self.covariance[j][i]);
                if !a.is_finite() || (a - b).abs() > 1e-9 * (1.0 + a.abs().max(b.abs())) {
                    return Err(TableError::Asymmetric {
                        row: i + 1,
                        col: j + 1,
                    });
                }
            }
            if self.covariance[i][i] < 0.0 {
                return Err(TableError::NegativeVariance { key: key.clone() });
            }
        }
        Ok(())
    }
}

/// The `[baseline]` of a calibrated (or any scenario) file named by
/// `baseline_from`, resolved against the directory of the naming file,
/// with its `study`; the naming file's own settings go on top of it.
pub fn baseline_from(
    name: &str,
    naming_file: &str,
) -> Result<(Option<String>, toml::Table), CalibratedFileError> {
    let dir = Path::new(naming_file).parent().unwrap_or(Path::new(""));
    let path = dir.join(name);
    let file = path.display().to_string();
    let src = std::fs::read_to_string(&path).map_err(|source| CalibratedFileError::Read {
        file: file.clone(),
        source,
    })?;
    let doc: toml::Table = toml::from_str(&src).map_err(|e| CalibratedFileError::Invalid {
        file: file.clone(),
        message: e.message().trim().to_string(),
    })?;
    let study = doc
        .get("study")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let mut out = toml::Table::new();
    match doc.get("baseline") {
        Some(toml::Value::Table(b)) => crate::studies::settings::merge_over(&mut out, b),
        Some(_) => {
            return Err(CalibratedFileError::Invalid {
                file,
                message: "`baseline` is not a table".into(),
            });
        }
        None => {
            return Err(CalibratedFileError::Invalid {
                file,
                message: "no [baseline] table to take settings from".into(),
            });
        }
    }
    Ok((study, out))
}
