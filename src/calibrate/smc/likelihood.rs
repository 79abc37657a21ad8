//! The synthetic likelihood of the published targets (Bayesian synthetic
//! likelihood, Price et al. 2018, with the covariance fixed by the
//! published SEs and the between-geography variance instead of estimated
//! from simulations):
//!
//! `y_pub,j ~ N(m_j(θ), (1 + 1/R) σ_j²)` independently, with
//! `σ_j² = se_pub,j² + τ_j²` ([`crate::calibrate::geography`]) and
//! `m_j(θ)` the mean of target j over the R common-random-number cohorts
//! of the objective. A cohort at the published N estimates a target with
//! variance `se_j² + τ_j²` (its sample and its own geography), and so does
//! the published table, so `y_pub − m(θ)` has variance `σ_j² (1 + 1/R)`;
//! hence `ln L(θ) = −Q(θ) / (2 (1 + 1/R))` up to a constant, with Q the
//! objective of indirect inference (weighted by `1/σ_j²`). With
//! `--geography-cohorts 0`, `τ_j² = 0` and σ is the published SE. Published
//! tables give no covariances between rows, so the covariance is diagonal,
//! as in Q. A θ at which a target cannot be computed on any cohort has
//! `ln L = −∞`.

use std::sync::atomic::{AtomicU64, Ordering};

use super::prior::Priors;
use super::sampler::Target;
use crate::calibrate::objective::{Objective, PENALTY};

/// The posterior of a calibration: priors and the objective.
pub struct StudyTarget<'a> {
    /// The objective whose Q gives `ln L`.
    pub objective: &'a Objective<'a>,
    /// The priors of its free parameters.
    pub priors: Priors,
    /// Cohorts simulated so far (points × R).
    pub simulations: AtomicU64,
}

impl<'a> StudyTarget<'a> {
    /// The posterior of `objective` under `priors`, no cohort simulated yet.
    pub fn new(objective: &'a Objective<'a>, priors: Priors) -> StudyTarget<'a> {
        StudyTarget {
            objective,
            priors,
            simulations: AtomicU64::new(0),
        }
    }
}

/// `ln L` of an objective value Q with R cohorts per evaluation.
pub fn ln_likelihood_of_q(q: f64, reps: usize) -> f64 {
    if !q.is_finite() || q >= PENALTY {
        return f64::NEG_INFINITY;
    }
    -q / (2.0 * (1.0 + 1.0 / reps.max(1) as f64))
}

impl Target for StudyTarget<'_> {
    fn priors(&self) -> &Priors {
        &self.priors
    }

    fn ln_likelihood(&self, points: &[Vec<f64>]) -> Vec<f64> {
        if points.is_empty() {
            return Vec::new();
        }
        let reps = self.objective.seeds.len();
        self.simulations
            .fetch_add((points.len() * reps) as u64, Ordering::Relaxed);
        self.objective
            .evaluate_batch(points)
            .iter()
            .map(|e| ln_likelihood_of_q(e.q, reps))
            .collect()
    }
}
