//! The `[sensitivity]` table of a scenario: which parameters vary, over
//! which ranges, by which method (run by `crate::sensitivity::scenario`).
//!
//! ```toml
//! [sensitivity]
//! method = "sobol"               # or "morris"
//! n = 512                        # Sobol base samples, or Morris trajectories
//! replications = 2               # study runs per arm at each design point
//! bootstrap = 500                # Sobol bootstrap resamples
//! levels = 4                     # Morris grid levels
//! params = { "zenou.lambda" = { lower = 0.2, upper = 0.4 } }
//! # or: from = "calibrated.toml"  (estimate ± 2 SE, clipped to the calibration bounds)
//! # or: from = "DIR/posterior.csv" (the posterior's weighted 2.5% and 97.5% quantiles)
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::calibrate::smc::PosteriorSample;
use crate::calibrate::smc::posterior_file::is_posterior_file;
use crate::studies::calibrated::CalibrationTable;

/// Sobol indices or Morris screening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Sobol,
    Morris,
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Method::Sobol => "sobol",
            Method::Morris => "morris",
        })
    }
}

impl std::str::FromStr for Method {
    type Err = SensitivitySpecError;
    fn from_str(s: &str) -> Result<Method, SensitivitySpecError> {
        match s {
            "sobol" => Ok(Method::Sobol),
            "morris" => Ok(Method::Morris),
            other => Err(SensitivitySpecError::Method(other.to_string())),
        }
    }
}

/// `[sensitivity]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitivityFile {
    pub method: Option<Method>,
    pub n: Option<usize>,
    pub replications: Option<usize>,
    pub bootstrap: Option<usize>,
    pub levels: Option<usize>,
    pub from: Option<String>,
    pub params: Option<BTreeMap<String, RangeFile>>,
}

/// One parameter's range as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeFile {
    pub lower: f64,
    pub upper: f64,
}

/// A checked `[sensitivity]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivitySpec {
    pub method: Method,
    /// Sobol base samples N, or Morris trajectories r.
    pub n: usize,
    pub replications: usize,
    pub bootstrap: usize,
    pub levels: usize,
    pub keys: Vec<String>,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    pub source: String,
    pub line: usize,
}

/// Largest `n` accepted (Sobol: the sequence length of `sobol_burley`).
pub(crate) const MAX_N: usize = 1 << 16;

/// Errors of a `[sensitivity]` table; each names the key and the value
/// found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SensitivitySpecError {
    #[error("unknown method `{0}`: expected sobol or morris")]
    Method(String),
    #[error("[sensitivity] `{key}` = {value}: expected between {low} and {high}")]
    Range {
        key: &'static str,
        value: usize,
        low: usize,
        high: usize,
    },
    #[error("[sensitivity]: give `from` or `params`, not both")]
    Both,
    #[error("[sensitivity]: give `params` or `from = \"calibrated.toml\"`")]
    Neither,
    #[error("[sensitivity] `from`: {0}")]
    From(String),
    #[error("[sensitivity] `params` is empty")]
    Empty,
    #[error("[sensitivity] `{0}` is not a dotted setting path")]
    Path(String),
    #[error("[sensitivity] `{key}`: bounds [{lower}, {upper}] must be finite with lower < upper")]
    Bounds { key: String, lower: f64, upper: f64 },
    #[error("[sensitivity]: Sobol takes at most 128 parameters, got {0}")]
    TooMany(usize),
}

impl SensitivitySpec {
    /// Check `[sensitivity]`; `dir` resolves `from`.
    pub fn check(
        f: SensitivityFile,
        dir: &Path,
        line: usize,
    ) -> Result<SensitivitySpec, SensitivitySpecError> {
        let method = f.method.unwrap_or(Method::Sobol);
        let n = f.n.unwrap_or(match method {
            Method::Sobol => 512,
            Method::Morris => 20,
        });
        if !(2..=MAX_N).contains(&n) {
            return Err(SensitivitySpecError::Range {
                key: "n",
                value: n,
                low: 2,
                high: MAX_N,
            });
        }
        let replications = f.replications.unwrap_or(1);
        if !(1..=10_000).contains(&replications) {
            return Err(SensitivitySpecError::Range {
                key: "replications",
                value: replications,
                low: 1,
                high: 10_000,
            });
        }
        let bootstrap = f.bootstrap.unwrap_or(500);
        if !(10..=100_000).contains(&bootstrap) {
            return Err(SensitivitySpecError::Range {
                key: "bootstrap",
                value: bootstrap,
                low: 10,
                high: 100_000,
            });
        }
        let levels = f.levels.unwrap_or(4);
        if !(2..=1000).contains(&levels) {
            return Err(SensitivitySpecError::Range {
                key: "levels",
                value: levels,
                low: 2,
                high: 1000,
            });
        }
        let (keys, lower, upper, source) = match (f.from, f.params) {
            (Some(_), Some(_)) => return Err(SensitivitySpecError::Both),
            (None, None) => return Err(SensitivitySpecError::Neither),
            (Some(from), None) if is_posterior_file(&from) => {
                let p = PosteriorSample::load(&dir.join(&from))
                    .map_err(|e| SensitivitySpecError::From(e.to_string()))?;
                let lo = (0..p.params.len()).map(|j| p.quantile(j, 0.025)).collect();
                let hi = (0..p.params.len()).map(|j| p.quantile(j, 0.975)).collect();
                (p.params, lo, hi, from)
            }
            (Some(from), None) => {
                let t = CalibrationTable::load(&dir.join(&from))
                    .map_err(|e| SensitivitySpecError::From(e.to_string()))?;
                let lo = (0..t.params.len())
                    .map(|i| (t.estimate[i] - 2.0 * t.se[i]).max(t.lower[i]))
                    .collect();
                let hi = (0..t.params.len())
                    .map(|i| (t.estimate[i] + 2.0 * t.se[i]).min(t.upper[i]))
                    .collect();
                (t.params, lo, hi, from)
            }
            (None, Some(p)) => {
                let (mut k, mut lo, mut hi) = (vec![], vec![], vec![]);
                for (key, r) in p {
                    k.push(key);
                    lo.push(r.lower);
                    hi.push(r.upper);
                }
                (k, lo, hi, "params".to_string())
            }
        };
        if keys.is_empty() {
            return Err(SensitivitySpecError::Empty);
        }
        for (i, key) in keys.iter().enumerate() {
            if key.is_empty() || key.split('.').any(str::is_empty) {
                return Err(SensitivitySpecError::Path(key.clone()));
            }
            let (lo, hi) = (lower[i], upper[i]);
            if !(lo.is_finite() && hi.is_finite() && lo < hi) {
                return Err(SensitivitySpecError::Bounds {
                    key: key.clone(),
                    lower: lo,
                    upper: hi,
                });
            }
        }
        if method == Method::Sobol && 2 * keys.len() > 256 {
            return Err(SensitivitySpecError::TooMany(keys.len()));
        }
        Ok(SensitivitySpec {
            method,
            n,
            replications,
            bootstrap,
            levels,
            keys,
            lower,
            upper,
            source,
            line,
        })
    }
}
