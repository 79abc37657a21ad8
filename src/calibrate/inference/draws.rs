//! The targets' joint sampling variation, simulated: each target's
//! estimate on independent cohorts at θ, their covariance and correlation
//! (the C of `Σ = S C S`).

use rayon::prelude::*;

use crate::calibrate::objective::Objective;

/// Independent cohorts at θ̂ whose target estimates give the correlation C.
pub const CORRELATION_COHORTS: u64 = 32;

/// Each target's estimate on each cohort of `seeds` at θ (None for a cohort
/// on which any target failed), cohorts in parallel, results in seed order.
pub fn target_draws(objective: &Objective, theta: &[f64], seeds: &[u64]) -> Vec<Option<Vec<f64>>> {
    objective.with_target_tables(|tables| {
        seeds
            .par_iter()
            .map(|&s| {
                let rows = objective.rows(theta, s, tables).ok()?;
                objective
                    .targets
                    .iter()
                    .map(|t| {
                        rows.iter()
                            .find(|r| t.matches(r))
                            .and_then(|r| r.synthetic)
                            .filter(|v| v.is_finite())
                    })
                    .collect()
            })
            .collect()
    })
}

/// Sample mean and covariance `Σ_il = Σ_c (x_ci − x̄_i)(x_cl − x̄_l) / (n − 1)`
/// over the complete draws; None with fewer than 3 of them.
pub fn covariance(draws: &[Option<Vec<f64>>]) -> Option<(Vec<f64>, Vec<Vec<f64>>)> {
    let full: Vec<&Vec<f64>> = draws.iter().flatten().collect();
    let m = full.first()?.len();
    if full.len() < 3 {
        return None;
    }
    let n = full.len() as f64;
    let mean: Vec<f64> = (0..m)
        .map(|i| full.iter().map(|d| d[i]).sum::<f64>() / n)
        .collect();
    let cov = (0..m)
        .map(|i| {
            (0..m)
                .map(|l| {
                    full.iter()
                        .map(|d| (d[i] - mean[i]) * (d[l] - mean[l]))
                        .sum::<f64>()
                        / (n - 1.0)
                })
                .collect()
        })
        .collect();
    Some((mean, cov))
}

/// Correlation `C_il = Σ_il / sqrt(Σ_ii Σ_ll)` of a covariance; None when a
/// variance is not positive.
pub fn correlation(cov: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let sd: Vec<f64> = (0..cov.len()).map(|i| cov[i][i].sqrt()).collect();
    if sd.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
        return None;
    }
    Some(
        cov.iter()
            .enumerate()
            .map(|(i, row)| {
                row.iter()
                    .enumerate()
                    .map(|(l, c)| c / (sd[i] * sd[l]))
                    .collect()
            })
            .collect(),
    )
}
