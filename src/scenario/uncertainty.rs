//! Parameter uncertainty of a scenario: the `[uncertainty]` table, the
//! distribution it states and the draws from it.
//!
//! ```toml
//! [uncertainty]
//! draws = 40                     # K parameter draws
//! replications = 4               # per draw (default: the scenario's)
//! from = "calibrated.toml"       # estimates, covariance and bounds of `migsim calibrate --out`
//! # or from = "DIR/posterior.csv" (weighted draws of `migsim calibrate --method smc --out DIR`;
//! #   "DIR/posterior.parquet" with `--format parquet`)
//! # or, instead of `from`, independent truncated normals:
//! params = { "zenou.lambda" = { mean = 0.3, sd = 0.05, lower = 0.1, upper = 0.5 } }
//! ```
//!
//! Draw `d` is `θ_d ~ N(mean, Σ)` truncated to the bounds (rejection, from
//! its own stream `seed::derive(master, d, UNCERTAINTY_STREAM)`), with
//! `Σ = L Lᵀ` factored through the symmetric eigendecomposition so a
//! singular but positive semi-definite covariance is accepted and an
//! indefinite one refused. With `from = "….csv"` or `"….parquet"` (a posterior file,
//! [`PosteriorSample`]) draw `d` is instead one of the posterior draws,
//! picked with probability its weight by one uniform of the same stream.

use std::collections::BTreeMap;
use std::path::Path;

use faer::{Mat, Side};
use rand_distr::{Distribution, StandardNormal};
use serde::Deserialize;

use crate::calibrate::smc::PosteriorSample;
use crate::calibrate::smc::posterior_file::is_posterior_file;
use crate::seed::{self, Component};
use crate::studies::calibrated::CalibrationTable;

/// Stream tag of the parameter draws.
pub(crate) const UNCERTAINTY_STREAM: u64 = 0x0D2A_3500;
/// Stream tag of the study seeds of draw runs.
pub(crate) const DRAW_RUN_STREAM: u64 = 0x0D2A_3501;
/// Rejection tries per draw before the bounds are declared too tight.
pub(crate) const MAX_TRIES: usize = 10_000;
/// Most draws a scenario may ask for (sizes are checked before allocating).
pub(crate) const MAX_DRAWS: usize = 100_000;

/// `[uncertainty]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncertaintyFile {
    /// `draws`: parameter draws K.
    pub draws: usize,
    /// `replications`: replications per draw (default: the scenario's).
    pub replications: Option<usize>,
    /// `from`: a calibrated.toml (estimates and covariance) or posterior.csv.
    pub from: Option<String>,
    /// `params`: dotted setting -> truncated normal.
    pub params: Option<BTreeMap<String, PriorFile>>,
}

/// One parameter's distribution as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorFile {
    /// Mean of the normal.
    pub mean: f64,
    /// Its standard deviation (> 0).
    pub sd: f64,
    /// Lower truncation bound.
    pub lower: f64,
    /// Upper truncation bound.
    pub upper: f64,
}

/// A checked parameter distribution.
#[derive(Debug, Clone)]
pub struct Uncertainty {
    /// Parameter draws K.
    pub draws: usize,
    /// Replications per draw; `None` = the scenario's.
    pub replications: Option<usize>,
    /// The drawn settings (dotted keys).
    pub keys: Vec<String>,
    /// Mean of each (the multivariate normal's centre).
    pub mean: Vec<f64>,
    /// Lower truncation bound of each.
    pub lower: Vec<f64>,
    /// Upper truncation bound of each.
    pub upper: Vec<f64>,
    /// `L` with `L Lᵀ = Σ`, row-major.
    pub factor: Vec<Vec<f64>>,
    /// Where the distribution came from ("calibrated.toml" or "params").
    pub source: String,
    /// Line of `[uncertainty]`, for messages.
    pub line: usize,
    /// Weighted posterior draws (`from = "….csv"`), resampled by weight.
    pub posterior: Option<std::sync::Arc<PosteriorSample>>,
}

impl Uncertainty {
    /// Check `[uncertainty]`; `dir` is the scenario file's folder, against
    /// which `from` is resolved. Errors name the offending key.
    pub fn check(
        f: UncertaintyFile,
        dir: &Path,
        line: usize,
    ) -> Result<Uncertainty, UncertaintyError> {
        if f.draws < 2 || f.draws > MAX_DRAWS {
            return Err(UncertaintyError::Draws(f.draws));
        }
        if f.replications == Some(0) {
            return Err(UncertaintyError::Replications);
        }
        let mut posterior = None;
        let (keys, mean, lower, upper, cov, source) = match (f.from, f.params) {
            (Some(_), Some(_)) => return Err(UncertaintyError::Both),
            (None, None) => return Err(UncertaintyError::Neither),
            (Some(from), None) if is_posterior_file(&from) => {
                let p = PosteriorSample::load(&dir.join(&from))
                    .map_err(|e| UncertaintyError::From(e.to_string()))?;
                let spec = from_posterior(&p, from);
                posterior = Some(std::sync::Arc::new(p));
                spec
            }
            (Some(from), None) => {
                let t = CalibrationTable::load(&dir.join(&from))
                    .map_err(|e| UncertaintyError::From(e.to_string()))?;
                (t.params, t.estimate, t.lower, t.upper, t.covariance, from)
            }
            (None, Some(params)) => from_priors(params)?,
        };
        for (i, key) in keys.iter().enumerate() {
            let (m, lo, hi) = (mean[i], lower[i], upper[i]);
            if !(m.is_finite() && lo.is_finite() && hi.is_finite() && lo < hi) {
                return Err(UncertaintyError::Bounds { key: key.clone() });
            }
            if !(lo..=hi).contains(&m) {
                return Err(UncertaintyError::MeanOutside {
                    key: key.clone(),
                    mean: m,
                    lower: lo,
                    upper: hi,
                });
            }
        }
        let factor = sqrt_factor(&keys, &cov)?;
        Ok(Uncertainty {
            draws: f.draws,
            replications: f.replications,
            keys,
            mean,
            lower,
            upper,
            factor,
            source,
            line,
            posterior,
        })
    }

    /// Parameter vector of draw `d` (truncated multivariate normal).
    pub fn draw(&self, master: u64, d: usize) -> Result<Vec<f64>, UncertaintyError> {
        let mut rng = seed::stream(master, d as u64, Component::Custom(UNCERTAINTY_STREAM));
        if let Some(p) = &self.posterior {
            return Ok(p.draws[p.pick(&mut rng)].clone());
        }
        let k = self.keys.len();
        for _ in 0..MAX_TRIES {
            let z: Vec<f64> = (0..k).map(|_| StandardNormal.sample(&mut rng)).collect();
            let x: Vec<f64> = (0..k)
                .map(|i| self.mean[i] + (0..k).map(|j| self.factor[i][j] * z[j]).sum::<f64>())
                .collect();
            if (0..k).all(|i| (self.lower[i]..=self.upper[i]).contains(&x[i])) {
                return Ok(x);
            }
        }
        Err(UncertaintyError::Truncation {
            keys: self.keys.join(", "),
        })
    }
}

/// Errors of an `[uncertainty]` table; each names the key at fault and the
/// value found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UncertaintyError {
    /// `draws` outside 2 to `MAX_DRAWS`.
    #[error("[uncertainty] `draws` = {0}: expected between 2 and {MAX_DRAWS}")]
    Draws(usize),
    /// `replications` is 0.
    #[error("[uncertainty] `replications` must be at least 1")]
    Replications,
    /// Both `from` and `params` given.
    #[error("[uncertainty]: give `from` or `params`, not both")]
    Both,
    /// Neither `from` nor `params` given.
    #[error("[uncertainty]: give `from = \"calibrated.toml\"` or `params`")]
    Neither,
    /// The `from` file could not be read or used (why).
    #[error("[uncertainty] `from`: {0}")]
    From(String),
    /// A parameter's mean or bounds are not finite, or the bounds not increasing.
    #[error("[uncertainty] `{key}`: mean and bounds must be finite with lower < upper")]
    Bounds {
        /// The key at fault.
        key: String,
    },
    /// A parameter's mean lies outside its bounds.
    #[error("[uncertainty] `{key}`: mean {mean} outside its bounds [{lower}, {upper}]")]
    MeanOutside {
        /// The key at fault.
        key: String,
        /// Mean found.
        mean: f64,
        /// Lower bound found.
        lower: f64,
        /// Upper bound found.
        upper: f64,
    },
    #[error(
        "[uncertainty]: fewer than 1 in {MAX_TRIES} draws fall within the bounds of {keys}; widen them or narrow the distribution"
    )]
    /// The bounds keep fewer than 1 in `MAX_TRIES` draws.
    Truncation {
        /// The keys concerned.
        keys: String,
    },
    /// `params` has no entry.
    #[error("[uncertainty] `params` is empty")]
    Empty,
    /// A parameter key is not a dotted setting path.
    #[error("[uncertainty] `{0}` is not a dotted setting path")]
    Path(String),
    /// A standard deviation is negative or not finite.
    #[error("[uncertainty] `{key}`: sd must be finite and >= 0, got {sd}")]
    Sd {
        /// The key at fault.
        key: String,
        /// Standard deviation found.
        sd: f64,
    },
    /// The covariance is not k x k.
    #[error("[uncertainty] covariance must be {0} rows of {0}")]
    CovShape(usize),
    /// The covariance's eigendecomposition failed.
    #[error("[uncertainty] covariance has no eigendecomposition")]
    NoEigen,
    #[error(
        "[uncertainty] covariance is not positive semi-definite (eigenvalue {eigenvalue:.3e}, mostly along `{key}`)"
    )]
    /// The covariance has a negative eigenvalue.
    NotPsd {
        /// The most negative eigenvalue of the covariance.
        eigenvalue: f64,
        /// The key at fault.
        key: String,
    },
}

type Spec = (
    Vec<String>,
    Vec<f64>,
    Vec<f64>,
    Vec<f64>,
    Vec<Vec<f64>>,
    String,
);

/// Keys, weighted mean, range of the draws and weighted covariance of a
/// posterior file (the range bounds every draw, so the checks below hold).
fn from_posterior(p: &PosteriorSample, from: String) -> Spec {
    let k = p.params.len();
    let mean = p.mean();
    let col = |j: usize| p.column(j);
    let lower = (0..k)
        .map(|j| col(j).into_iter().fold(f64::INFINITY, f64::min))
        .collect();
    let upper = (0..k)
        .map(|j| col(j).into_iter().fold(f64::NEG_INFINITY, f64::max))
        .collect();
    let cov = (0..k)
        .map(|a| {
            (0..k)
                .map(|b| {
                    p.draws
                        .iter()
                        .zip(&p.weights)
                        .map(|(x, w)| w * (x[a] - mean[a]) * (x[b] - mean[b]))
                        .sum()
                })
                .collect()
        })
        .collect();
    (p.params.clone(), mean, lower, upper, cov, from)
}

fn from_priors(params: BTreeMap<String, PriorFile>) -> Result<Spec, UncertaintyError> {
    if params.is_empty() {
        return Err(UncertaintyError::Empty);
    }
    let k = params.len();
    let mut cov = vec![vec![0.0; k]; k];
    let (mut keys, mut mean, mut lower, mut upper) = (vec![], vec![], vec![], vec![]);
    for (i, (key, p)) in params.into_iter().enumerate() {
        if key.is_empty() || key.split('.').any(str::is_empty) {
            return Err(UncertaintyError::Path(key));
        }
        if !(p.sd.is_finite() && p.sd >= 0.0) {
            return Err(UncertaintyError::Sd { key, sd: p.sd });
        }
        cov[i][i] = p.sd * p.sd;
        keys.push(key);
        mean.push(p.mean);
        lower.push(p.lower);
        upper.push(p.upper);
    }
    Ok((keys, mean, lower, upper, cov, "params".into()))
}

/// `L` with `L Lᵀ = Σ` from the eigendecomposition `Σ = U diag(s) Uᵀ`:
/// `L = U diag(sqrt(s))`; eigenvalues below `-1e-8 max|s|` mean Σ is not
/// positive semi-definite.
fn sqrt_factor(keys: &[String], cov: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, UncertaintyError> {
    let k = keys.len();
    if cov.len() != k || cov.iter().any(|r| r.len() != k) {
        return Err(UncertaintyError::CovShape(k));
    }
    let m = Mat::from_fn(k, k, |i, j| cov[i][j]);
    let evd = m
        .self_adjoint_eigen(Side::Lower)
        .map_err(|_| UncertaintyError::NoEigen)?;
    let (u, s) = (evd.U(), evd.S().column_vector());
    let scale = (0..k).map(|j| s[j].abs()).fold(0.0, f64::max).max(1e-300);
    if let Some(j) = (0..k).find(|&j| s[j] < -1e-8 * scale) {
        let (i, _) = (0..k)
            .map(|i| (i, u[(i, j)].abs()))
            .fold((0, 0.0), |a, b| if b.1 > a.1 { b } else { a });
        return Err(UncertaintyError::NotPsd {
            eigenvalue: s[j],
            key: keys[i].clone(),
        });
    }
    Ok((0..k)
        .map(|i| (0..k).map(|j| u[(i, j)] * s[j].max(0.0).sqrt()).collect())
        .collect())
}
