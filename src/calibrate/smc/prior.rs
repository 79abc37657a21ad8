//! Priors of the free parameters: uniform on the calibration bounds by
//! default, or a normal truncated to them, set per parameter in the
//! targets file:
//!
//! ```toml
//! [[prior]]
//! key = "index.unit_support"
//! dist = "normal"        # or "uniform" (on the [[free]] bounds)
//! mean = 1.0
//! sd = 0.5
//! ```
//!
//! A truncated normal on `[a, b]` is drawn by inversion,
//! `x = μ + σ Φ⁻¹(Φ(α) + u (Φ(β) − Φ(α)))`, `α = (a − μ)/σ`, `β = (b − μ)/σ`,
//! so it never rejects; its log density, up to a constant, is
//! `−½ ((x − μ)/σ)²` inside the bounds and `−∞` outside.

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::numeric::normal;

/// A prior entry of the targets file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorEntry {
    /// The free parameter's dotted key.
    pub key: String,
    /// `uniform` or `normal`.
    pub dist: String,
    /// Normal: the mean before truncation.
    pub mean: Option<f64>,
    /// Normal: the SD before truncation.
    pub sd: Option<f64>,
}

/// One parameter's prior, always within its calibration bounds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "lowercase")]
pub enum Prior {
    /// Uniform on `[lower, upper]`.
    Uniform {
        /// Lower bound.
        lower: f64,
        /// Upper bound.
        upper: f64,
    },
    /// `N(mean, sd²)` truncated to `[lower, upper]`.
    Normal {
        /// The normal's mean.
        mean: f64,
        /// The normal's SD.
        sd: f64,
        /// Lower bound.
        lower: f64,
        /// Upper bound.
        upper: f64,
    },
}

/// Why a `[[prior]]` entry is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PriorError {
    /// An unknown distribution name.
    #[error("[[prior]] `{key}`: unknown dist `{dist}`: expected uniform or normal")]
    Dist {
        /// The dotted key.
        key: String,
        /// The distribution as written.
        dist: String,
    },
    /// A normal prior without a finite mean and a positive SD.
    #[error("[[prior]] `{key}`: a normal prior needs finite `mean` and `sd` > 0")]
    Normal {
        /// The dotted key.
        key: String,
    },
    /// A uniform prior given a mean or SD.
    #[error(
        "[[prior]] `{key}`: a uniform prior takes no `mean` or `sd` (it spans the [[free]] bounds)"
    )]
    UniformArgs {
        /// The dotted key.
        key: String,
    },
    /// The key is not a free parameter.
    #[error("[[prior]] `{key}` is not a free parameter of this calibration")]
    NotFree {
        /// The dotted key.
        key: String,
    },
    /// The key has two priors.
    #[error("[[prior]] `{key}` is given twice")]
    Twice {
        /// The dotted key.
        key: String,
    },
    /// The normal puts no mass in the bounds.
    #[error(
        "[[prior]] `{key}`: normal({mean}, {sd}) puts less than 1e-12 of its mass in the bounds [{lower}, {upper}]"
    )]
    NoMass {
        /// The dotted key.
        key: String,
        /// The normal's mean.
        mean: f64,
        /// The normal's SD.
        sd: f64,
        /// Lower bound.
        lower: f64,
        /// Upper bound.
        upper: f64,
    },
}

impl Prior {
    /// The prior of `entry` on the bounds `[lower, upper]`.
    pub fn from_entry(e: &PriorEntry, lower: f64, upper: f64) -> Result<Prior, PriorError> {
        match e.dist.as_str() {
            "uniform" => match (e.mean, e.sd) {
                (None, None) => Ok(Prior::Uniform { lower, upper }),
                _ => Err(PriorError::UniformArgs { key: e.key.clone() }),
            },
            "normal" => match (e.mean, e.sd) {
                (Some(mean), Some(sd)) if mean.is_finite() && sd.is_finite() && sd > 0.0 => {
                    let p = Prior::Normal {
                        mean,
                        sd,
                        lower,
                        upper,
                    };
                    let (fa, fb) = p.cdf_bounds();
                    if fb - fa < 1e-12 {
                        return Err(PriorError::NoMass {
                            key: e.key.clone(),
                            mean,
                            sd,
                            lower,
                            upper,
                        });
                    }
                    Ok(p)
                }
                _ => Err(PriorError::Normal { key: e.key.clone() }),
            },
            other => Err(PriorError::Dist {
                key: e.key.clone(),
                dist: other.to_string(),
            }),
        }
    }

    /// `(lower, upper)`: the support.
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Prior::Uniform { lower, upper } | Prior::Normal { lower, upper, .. } => (lower, upper),
        }
    }

    /// `(Φ(α), Φ(β))` of a normal prior; `(0, 1)` for a uniform.
    fn cdf_bounds(&self) -> (f64, f64) {
        match *self {
            Prior::Uniform { .. } => (0.0, 1.0),
            Prior::Normal {
                mean,
                sd,
                lower,
                upper,
            } => (
                normal::cdf((lower - mean) / sd),
                normal::cdf((upper - mean) / sd),
            ),
        }
    }

    /// Log density up to a constant; `−∞` outside the bounds.
    pub fn ln_density(&self, x: f64) -> f64 {
        let (lo, hi) = self.bounds();
        if !(lo..=hi).contains(&x) {
            return f64::NEG_INFINITY;
        }
        match *self {
            Prior::Uniform { .. } => 0.0,
            Prior::Normal { mean, sd, .. } => -0.5 * ((x - mean) / sd).powi(2),
        }
    }

    /// One draw (by inversion; never outside the bounds).
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let u: f64 = rng.random();
        let (lo, hi) = self.bounds();
        let x = match *self {
            Prior::Uniform { lower, upper } => lower + u * (upper - lower),
            Prior::Normal { mean, sd, .. } => {
                let (fa, fb) = self.cdf_bounds();
                let p = (fa + u * (fb - fa)).clamp(1e-300, 1.0 - 1e-16);
                mean + sd * normal::quantile(p)
            }
        };
        x.clamp(lo, hi)
    }
}

/// The joint prior: independent per parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Priors(pub Vec<Prior>);

impl Priors {
    /// `Σ_j ln p_j(x_j)` (−∞ outside the bounds).
    pub fn ln_density(&self, x: &[f64]) -> f64 {
        self.0.iter().zip(x).map(|(p, v)| p.ln_density(*v)).sum()
    }

    /// One draw, each coordinate from its own prior.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Vec<f64> {
        self.0.iter().map(|p| p.sample(rng)).collect()
    }

    /// Priors of `keys` on `bounds`: uniform unless an entry names the key.
    pub fn resolve(
        keys: &[String],
        bounds: &[(f64, f64)],
        entries: &[(PriorEntry, usize)],
    ) -> Result<Priors, (PriorError, usize)> {
        let mut out: Vec<Prior> = bounds
            .iter()
            .map(|&(lower, upper)| Prior::Uniform { lower, upper })
            .collect();
        let mut seen: Vec<&str> = Vec::new();
        for (e, line) in entries {
            let at = |err| (err, *line);
            if seen.contains(&e.key.as_str()) {
                return Err(at(PriorError::Twice { key: e.key.clone() }));
            }
            seen.push(&e.key);
            let i = keys
                .iter()
                .position(|k| *k == e.key)
                .ok_or_else(|| at(PriorError::NotFree { key: e.key.clone() }))?;
            out[i] = Prior::from_entry(e, bounds[i].0, bounds[i].1).map_err(at)?;
        }
        Ok(Priors(out))
    }
}
