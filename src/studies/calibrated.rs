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

/// Q of a point whose targets could not all be computed: far above any fit
/// (the calibration objective's value there; a table whose `j` is this
/// large records a failed fit).
pub const PENALTY: f64 = 1e12;

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
    /// Point estimates θ̂.
    pub estimate: Vec<f64>,
    /// Standard errors, the square roots of the covariance's diagonal.
    pub se: Vec<f64>,
    /// Lower search bounds.
    pub lower: Vec<f64>,
    /// Upper search bounds.
    pub upper: Vec<f64>,
    /// Estimated covariance of θ, row-major (`params.len()` rows of `params.len()`).
    pub covariance: Vec<Vec<f64>>,
    /// Provenance: which targets (replications per evaluation, seed and fit
    /// follow).
    #[serde(default)]
    pub targets: String,
    /// Cohorts per objective evaluation.
    #[serde(default)]
    pub reps: usize,
    /// Master seed of the cohorts.
    #[serde(default)]
    pub seed: u64,
    /// Hansen's J statistic of the overidentifying restrictions.
    #[serde(default)]
    pub j: f64,
    /// Degrees of freedom of J (targets minus free parameters).
    #[serde(default)]
    pub df: usize,
    /// p-value of J under χ²(df).
    #[serde(default)]
    pub p_value: f64,
    /// Whether the optimiser converged.
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
    #[error(
        "[calibration] j = {0:e} comes from the failure penalty: the calibration that \
         wrote this file failed (no target estimate); rerun `migsim calibrate`"
    )]
    Failed(f64),
}

#[derive(Deserialize)]
struct Outer {
    calibration: Option<CalibrationTable>,
}

impl CalibrationTable {
    /// Read the `[calibration]` table of a calibrated scenario file and check it.
    pub fn load(path: &Path) -> Result<CalibrationTable, CalibratedFileError> {
        let file = path.display().to_string();
        let src = crate::input::read_text(path).map_err(|source| CalibratedFileError::Read {
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
        // J = Q / (1 + 1/R) >= PENALTY / 2 only where Q is the penalty.
        if self.j >= PENALTY / 2.0 {
            return Err(TableError::Failed(self.j));
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

/// Longest `baseline_from` chain followed (a file, its parent, …).
pub const CHAIN_LIMIT: usize = 16;

/// The `[baseline]` of a calibrated (or any scenario) file named by
/// `baseline_from`, resolved against the directory of the naming file,
/// with its `study`; the naming file's own settings go on top of it.
///
/// A named file may itself name a `baseline_from`: the chain is applied in
/// order, oldest first (grandparent, then parent on top of it), so a child
/// → parent → grandparent chain carries every file's settings, the nearest
/// winning. A chain that comes back to a file already in it (a file naming
/// itself, A → B → A) is refused naming the files in order; every file of
/// the chain must be for the same study.
pub fn baseline_from(
    name: &str,
    naming_file: &str,
) -> Result<(Option<String>, toml::Table), CalibratedFileError> {
    let start = Path::new(naming_file);
    let mut chain = vec![(
        naming_file.to_string(),
        std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf()),
    )];
    // Nearest first: the named file, its parent, …
    let mut layers: Vec<(String, Option<String>, toml::Table)> = Vec::new();
    let mut next = Some(name.to_string());
    let mut from_dir = start.parent().unwrap_or(Path::new("")).to_path_buf();
    while let Some(name) = next.take() {
        let path = from_dir.join(&name);
        let file = path.display().to_string();
        let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if chain.iter().any(|(_, k)| *k == key) {
            let names: Vec<&str> = chain.iter().map(|(f, _)| f.as_str()).collect();
            return Err(CalibratedFileError::Invalid {
                file: naming_file.to_string(),
                message: format!(
                    "`baseline_from` chain comes back to a file already in it: {} -> {file}",
                    names.join(" -> ")
                ),
            });
        }
        if chain.len() > CHAIN_LIMIT {
            return Err(CalibratedFileError::Invalid {
                file: naming_file.to_string(),
                message: format!("`baseline_from` chain longer than {CHAIN_LIMIT} files"),
            });
        }
        chain.push((file.clone(), key));
        let (study, baseline, parent) = one_baseline(&path)?;
        if let Some((near_file, Some(near), _)) = layers.last()
            && study.as_deref().is_some_and(|s| s != near)
        {
            return Err(CalibratedFileError::Invalid {
                file: near_file.clone(),
                message: format!(
                    "`baseline_from`: {file} is for the {} study, this file for {near}",
                    study.unwrap_or_default()
                ),
            });
        }
        layers.push((file, study, baseline));
        next = parent;
        from_dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    }
    let study = layers.first().and_then(|(_, s, _)| s.clone());
    let mut out = toml::Table::new();
    for (_, _, b) in layers.iter().rev() {
        super::settings::merge_over(&mut out, b);
    }
    Ok((study, out))
}

/// One file of a chain: its `study`, `[baseline]` and `baseline_from`.
#[allow(clippy::type_complexity)]
fn one_baseline(
    path: &Path,
) -> Result<(Option<String>, toml::Table, Option<String>), CalibratedFileError> {
    let file = path.display().to_string();
    let src = crate::input::read_text(path).map_err(|source| CalibratedFileError::Read {
        file: file.clone(),
        source,
    })?;
    let invalid = |message: String| CalibratedFileError::Invalid {
        file: file.clone(),
        message,
    };
    let doc: toml::Table = toml::from_str(&src).map_err(|e| invalid(e.message().trim().into()))?;
    let study = doc
        .get("study")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let parent = match doc.get("baseline_from") {
        None => None,
        Some(toml::Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(invalid("`baseline_from` is not a string".into())),
    };
    let baseline = match doc.get("baseline") {
        Some(toml::Value::Table(b)) => b.clone(),
        Some(_) => return Err(invalid("`baseline` is not a table".into())),
        None if parent.is_some() => toml::Table::new(),
        None => return Err(invalid("no [baseline] table to take settings from".into())),
    };
    Ok((study, baseline, parent))
}
