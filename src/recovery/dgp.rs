//! The built-in known-coefficient logit data-generating process.
//!
//! Covariates x_k are drawn independently from their distributions, then
//!
//!   y_i = 1{ u_i < Lambda(eta_i) },  eta_i = b_0 + sum_k b_k x_ik,  u_i ~ U(0, 1),
//!
//! with Lambda the logistic CDF. Truth: `params.beta_const` = b_0 and
//! `params.beta_<x>` = b_x (covariates without a coefficient have b = 0), and
//! the sample average marginal effects `effects.ame_<x>` =
//! mean_i Lambda(eta_i) (1 - Lambda(eta_i)) b_x, which vary by replication.

use std::collections::BTreeMap;

use rand::Rng;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use super::RecoveryError;
use crate::data::{Column, Dataset};
use crate::numeric::logistic_stable as logistic;
use crate::seed::{self, Component};
use crate::studies::{Simulated, Truth};

/// Sample size when the spec gives none.
pub const DEFAULT_N: usize = 1000;

/// Distribution of one covariate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum Covariate {
    Normal { mean: f64, sd: f64 },
    Uniform { low: f64, high: f64 },
    Bernoulli { p: f64 },
}

impl Covariate {
    fn validate(&self, name: &str) -> Result<(), RecoveryError> {
        let bad = |what: String| Err(RecoveryError::Dgp(format!("covariate `{name}`: {what}")));
        match *self {
            Covariate::Normal { mean, sd }
                if !(mean.is_finite() && sd.is_finite() && sd >= 0.0) =>
            {
                bad(format!(
                    "normal needs a finite mean and sd >= 0, got mean {mean}, sd {sd}"
                ))
            }
            Covariate::Uniform { low, high }
                if !(low.is_finite() && high.is_finite() && low < high) =>
            {
                bad(format!(
                    "uniform needs finite low < high, got [{low}, {high}]"
                ))
            }
            Covariate::Bernoulli { p } if !(0.0..=1.0).contains(&p) => {
                bad(format!("bernoulli needs p in [0, 1], got {p}"))
            }
            _ => Ok(()),
        }
    }

    /// Transform a standard normal draw `z` and a uniform draw `u`.
    fn transform(&self, z: f64, u: f64) -> f64 {
        match *self {
            Covariate::Normal { mean, sd } => mean + sd * z,
            Covariate::Uniform { low, high } => low + (high - low) * u,
            Covariate::Bernoulli { p } => f64::from(u < p),
        }
    }
}

/// A logit model with known coefficients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogitDgp {
    /// Sample size (the spec's top-level `n` or `--n` take precedence).
    #[serde(default)]
    pub n: Option<usize>,
    pub intercept: f64,
    /// b_x by covariate name.
    pub coefficients: BTreeMap<String, f64>,
    pub covariates: BTreeMap<String, Covariate>,
}

impl LogitDgp {
    /// Check that every coefficient has a covariate and all values are valid.
    pub fn validate(&self) -> Result<(), RecoveryError> {
        if !self.intercept.is_finite() {
            return Err(RecoveryError::Dgp(format!(
                "intercept must be finite, got {}",
                self.intercept
            )));
        }
        for (name, b) in &self.coefficients {
            if !self.covariates.contains_key(name) {
                return Err(RecoveryError::Dgp(format!(
                    "coefficient `{name}` has no entry in `covariates`"
                )));
            }
            if !b.is_finite() {
                return Err(RecoveryError::Dgp(format!(
                    "coefficient `{name}` must be finite, got {b}"
                )));
            }
        }
        for (name, c) in &self.covariates {
            if name == "y" || name.starts_with("true_") {
                return Err(RecoveryError::Dgp(format!(
                    "covariate name `{name}` is reserved"
                )));
            }
            c.validate(name)?;
        }
        Ok(())
    }

    /// The cohort (`y` and the covariates) and the truth, from `seed`.
    /// Every covariate consumes one normal and one uniform per row, so
    /// changing a distribution's parameters does not shift other draws.
    pub fn simulate(&self, n: usize, seed: u64) -> Result<Simulated, RecoveryError> {
        self.validate()?;
        // eta, p, y and one column per covariate, 8 bytes each per row.
        let per_row = 8 * (self.covariates.len() as u128 + 3);
        crate::resources::check_items("n", n, n as u128, per_row, "rows")?;
        let mut rng = seed::stream(seed, 0, Component::Population);
        let mut eta = vec![self.intercept; n];
        let mut columns = Vec::with_capacity(self.covariates.len() + 1);
        for (name, dist) in &self.covariates {
            let b = self.coefficients.get(name).copied().unwrap_or(0.0);
            let x: Vec<f64> = (0..n)
                .map(|_| {
                    let z: f64 = rng.sample(StandardNormal);
                    let u: f64 = rng.random();
                    dist.transform(z, u)
                })
                .collect();
            for (e, xi) in eta.iter_mut().zip(&x) {
                *e += b * xi;
            }
            columns.push((name.clone(), Column::Numeric(x)));
        }
        let mut out_rng = seed::stream(seed, 0, Component::Engine);
        let p: Vec<f64> = eta.iter().map(|e| logistic(*e)).collect();
        let y: Vec<f64> = p
            .iter()
            .map(|pi| f64::from(out_rng.random::<f64>() < *pi))
            .collect();
        columns.insert(0, ("y".to_string(), Column::Numeric(y)));
        let cohort = Dataset::from_columns("logit DGP", columns)
            .map_err(|e| RecoveryError::Dgp(e.to_string()))?;
        Ok(Simulated {
            cohort,
            truth: self.truth(&p),
            metrics: BTreeMap::new(),
            paths: Vec::new(),
        })
    }

    fn truth(&self, p: &[f64]) -> Truth {
        let mut truth = Truth::default();
        truth.params.insert("beta_const".into(), self.intercept);
        let density = p.iter().map(|pi| pi * (1.0 - pi)).sum::<f64>() / p.len().max(1) as f64;
        for name in self.covariates.keys() {
            let b = self.coefficients.get(name).copied().unwrap_or(0.0);
            truth.params.insert(format!("beta_{name}"), b);
            truth.effects.insert(format!("ame_{name}"), density * b);
        }
        truth
    }
}

/// Logistic CDF, computed without overflow.
#[cfg(test)]
mod tests {
    use super::*;

    fn dgp() -> LogitDgp {
        toml::from_str(
            r#"
            intercept = -0.5
            coefficients = { x1 = 1.0, d = 0.8 }
            [covariates]
            x1 = { dist = "normal", mean = 0.0, sd = 1.0 }
            d = { dist = "bernoulli", p = 0.4 }
            w = { dist = "uniform", low = -1.0, high = 1.0 }
            "#,
        )
        .unwrap()
    }

    #[test]
    fn moments_match_the_distributions() {
        let s = dgp().simulate(40_000, 3).unwrap();
        let mean = |c: &str| {
            let v = s.cohort.numeric_columns(&[c]).unwrap().remove(0);
            v.iter().sum::<f64>() / v.len() as f64
        };
        // Means within 4 standard errors of the population values.
        assert!((mean("x1") - 0.0).abs() < 4.0 / 200.0);
        assert!((mean("d") - 0.4).abs() < 4.0 * (0.24f64 / 40_000.0).sqrt());
        assert!((mean("w") - 0.0).abs() < 4.0 * (1.0f64 / 3.0 / 40_000.0).sqrt());
        assert_eq!(s.truth.params["beta_w"], 0.0);
        assert_eq!(s.truth.params["beta_d"], 0.8);
    }

    #[test]
    fn same_seed_same_cohort_and_reserved_names_rejected() {
        let a = dgp().simulate(50, 9).unwrap();
        let b = dgp().simulate(50, 9).unwrap();
        assert_eq!(a.cohort, b.cohort);
        let mut bad = dgp();
        bad.coefficients.insert("zz".into(), 1.0);
        let e = bad.simulate(10, 1).unwrap_err().to_string();
        assert!(e.contains("zz"), "{e}");
    }
}
