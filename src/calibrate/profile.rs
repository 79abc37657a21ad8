//! Profile of the calibration objective over one setting the targets do not
//! pin (issue 30 item 5: report the identified set, not a value kept for
//! the story): `migsim calibrate STUDY --profile KEY=V1,V2,...`.
//!
//! At each value v the setting is fixed (`KEY = v`, an override beneath the
//! free set, [`super::run::calibrate_at`]) and the free set refitted on the
//! same cohorts (common random numbers). The distance statistic
//!
//!   D(v) = (Q(v) - min_v' Q(v')) / (1 + 1/R)
//!
//! is χ² with 1 df under the hypothesis that the setting equals v (the
//! diagonal-Σ form of the D test used for the hand-set values); the values
//! with `D(v) < 3.84` form the 95% profile set: the data cannot tell its
//! members apart.

use serde::Serialize;
use toml::{Table, Value};

use super::CalibrateError;
use super::run::{Options, calibrate_at};
use crate::studies::settings::set_dotted;

/// χ²(1) 95% point.
pub const CHI2_1_95: f64 = 3.841_458_820_694_124;

/// One value of the profiled setting.
#[derive(Debug, Clone, Serialize)]
pub struct ProfilePoint {
    pub value: f64,
    pub q: f64,
    pub d: f64,
    /// `D < 3.84`: inside the 95% profile set.
    pub in_set: bool,
    pub converged: bool,
    /// `(key, estimate)` of the refitted free set.
    pub estimates: Vec<(String, f64)>,
}

/// The profile over `values` of `key`.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub key: String,
    pub reps: usize,
    pub seed: u64,
    pub points: Vec<ProfilePoint>,
}

/// Refit at each value of `key` (which must not be in the free set).
pub fn profile(opts: &Options, key: &str, values: &[f64]) -> Result<Profile, CalibrateError> {
    if values.is_empty() || values.iter().any(|v| !v.is_finite()) {
        return Err(CalibrateError::Free {
            key: key.into(),
            reason: format!("--profile needs finite values, got {values:?}"),
        });
    }
    let mut fits = Vec::new();
    for &v in values {
        let mut base = Table::new();
        set_dotted(&mut base, key, Value::Float(v));
        let cal = calibrate_at(opts, base)?;
        if cal.params.iter().any(|p| p.name == key) {
            return Err(CalibrateError::Free {
                key: key.into(),
                reason: "is free; profile a setting outside the free set".into(),
            });
        }
        fits.push((v, cal));
    }
    let q_min = fits
        .iter()
        .map(|(_, c)| c.fit.q)
        .fold(f64::INFINITY, f64::min);
    let scale = 1.0 + 1.0 / opts.reps.max(1) as f64;
    let points = fits
        .into_iter()
        .map(|(value, c)| {
            let d = (c.fit.q - q_min) / scale;
            ProfilePoint {
                value,
                q: c.fit.q,
                d,
                in_set: d < CHI2_1_95,
                converged: c.fit.converged,
                estimates: c
                    .params
                    .iter()
                    .map(|p| (p.name.clone(), p.estimate))
                    .collect(),
            }
        })
        .collect();
    Ok(Profile {
        key: key.into(),
        reps: opts.reps,
        seed: opts.seed,
        points,
    })
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Profile of {} (free set refitted at each value; R = {}, seed = {}; D = (Q - Q_min) / (1 + 1/R), χ²(1))",
            self.key, self.reps, self.seed
        )?;
        for p in &self.points {
            let est: Vec<String> = p
                .estimates
                .iter()
                .map(|(k, v)| format!("{k} {v:.4}"))
                .collect();
            writeln!(
                f,
                "  {} = {:<8} Q {:>9.4}  D {:>8.3}  {}{}  {}",
                self.key,
                p.value,
                p.q,
                p.d,
                if p.in_set {
                    "in the 95% set"
                } else {
                    "rejected     "
                },
                if p.converged { "" } else { " (not converged)" },
                est.join(", ")
            )?;
        }
        let set: Vec<String> = self
            .points
            .iter()
            .filter(|p| p.in_set)
            .map(|p| p.value.to_string())
            .collect();
        writeln!(f, "95% profile set: {{{}}}", set.join(", "))
    }
}
