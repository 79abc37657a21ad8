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
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::calibrate::CalibrationTable;

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
    type Err = String;
    fn from_str(s: &str) -> Result<Method, String> {
        match s {
            "sobol" => Ok(Method::Sobol),
            "morris" => Ok(Method::Morris),
            other => Err(format!(
                "unknown method `{other}`: expected sobol or morris"
            )),
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
pub const MAX_N: usize = 1 << 16;

impl SensitivitySpec {
    /// Check `[sensitivity]`; `dir` resolves `from`.
    pub fn check(f: SensitivityFile, dir: &Path, line: usize) -> Result<SensitivitySpec, String> {
        let method = f.method.unwrap_or(Method::Sobol);
        let n = f.n.unwrap_or(match method {
            Method::Sobol => 512,
            Method::Morris => 20,
        });
        if !(2..=MAX_N).contains(&n) {
            return Err(format!(
                "[sensitivity] `n` = {n}: expected between 2 and {MAX_N}"
            ));
        }
        let replications = f.replications.unwrap_or(1);
        if !(1..=10_000).contains(&replications) {
            return Err(format!(
                "[sensitivity] `replications` = {replications}: expected between 1 and 10000"
            ));
        }
        let bootstrap = f.bootstrap.unwrap_or(500);
        if !(10..=100_000).contains(&bootstrap) {
            return Err(format!(
                "[sensitivity] `bootstrap` = {bootstrap}: expected between 10 and 100000"
            ));
        }
        let levels = f.levels.unwrap_or(4);
        if !(2..=1000).contains(&levels) {
            return Err(format!(
                "[sensitivity] `levels` = {levels}: expected between 2 and 1000"
            ));
        }
        let (keys, lower, upper, source) = match (f.from, f.params) {
            (Some(_), Some(_)) => {
                return Err("[sensitivity]: give `from` or `params`, not both".into());
            }
            (None, None) => {
                return Err("[sensitivity]: give `params` or `from = \"calibrated.toml\"`".into());
            }
            (Some(from), None) => {
                let t = CalibrationTable::load(&dir.join(&from))
                    .map_err(|e| format!("[sensitivity] `from`: {e}"))?;
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
            return Err("[sensitivity] `params` is empty".into());
        }
        for (i, key) in keys.iter().enumerate() {
            if key.is_empty() || key.split('.').any(str::is_empty) {
                return Err(format!(
                    "[sensitivity] `{key}` is not a dotted setting path"
                ));
            }
            let (lo, hi) = (lower[i], upper[i]);
            if !(lo.is_finite() && hi.is_finite() && lo < hi) {
                return Err(format!(
                    "[sensitivity] `{key}`: bounds [{lo}, {hi}] must be finite with lower < upper"
                ));
            }
        }
        if method == Method::Sobol && 2 * keys.len() > 256 {
            return Err(format!(
                "[sensitivity]: Sobol takes at most 128 parameters, got {}",
                keys.len()
            ));
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
