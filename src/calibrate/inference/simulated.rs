//! What the inference simulates: the numerical Jacobian G of the moments
//! m(θ) at the optimum, and the targets' joint sampling variation (each
//! target's estimate on independent cohorts, their covariance and the
//! correlation C of `Σ = S C S`).

use rayon::prelude::*;

use crate::calibrate::objective::{Evaluation, Objective};

/// Step h of the numerical Jacobian as a share of each search range.
pub const JACOBIAN_STEP: f64 = 0.025;

/// Offsets (in units of h) of the points the Jacobian's slope is fitted to.
/// With common random numbers a simulated moment is piecewise constant in
/// θ (discrete outcomes flip one by one, and a flip can move a logit
/// coefficient by a tenth of its SE at the published N), so a two-point
/// difference over a small step measures those jumps; a least-squares
/// slope over ±h, ±2h (a span of 10% of the range) averages them out.
pub const JACOBIAN_OFFSETS: [f64; 4] = [-2.0, -1.0, 1.0, 2.0];

/// G (targets × params): per parameter, the least-squares slope
/// `Σ (x − x̄)(m − m̄) / Σ (x − x̄)²` of each moment over the points
/// `θ_j + c h`, c in [`JACOBIAN_OFFSETS`], `h = JACOBIAN_STEP (upper − lower)`
/// (clamped to the bounds), all evaluated as one batch. A moment missing at
/// any point makes its entry NaN. Returns G and the evaluations used.
pub fn jacobian(objective: &Objective, theta: &[f64]) -> (Vec<Vec<f64>>, usize) {
    let k = theta.len();
    let c = JACOBIAN_OFFSETS.len();
    let mut points = Vec::with_capacity(c * k);
    for (j, p) in objective.free.iter().enumerate() {
        let h = JACOBIAN_STEP * (p.upper - p.lower);
        for off in JACOBIAN_OFFSETS {
            let mut a = theta.to_vec();
            a[j] = (theta[j] + off * h).clamp(p.lower, p.upper);
            points.push(a);
        }
    }
    let evals: Vec<Evaluation> = objective.evaluate_batch(&points);
    let m = objective.targets.len();
    let mut g = vec![vec![f64::NAN; k]; m];
    for j in 0..k {
        let xs: Vec<f64> = points[j * c..(j + 1) * c].iter().map(|p| p[j]).collect();
        for (i, row) in g.iter_mut().enumerate() {
            let ys: Option<Vec<f64>> = evals[j * c..(j + 1) * c]
                .iter()
                .map(|e| e.moments[i])
                .collect();
            row[j] = ys.map_or(f64::NAN, |ys| slope(&xs, &ys));
        }
    }
    (g, points.len())
}

/// Least-squares slope of `ys` on `xs` (NaN when the xs do not vary).
pub fn slope(xs: &[f64], ys: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let (xm, ym) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let sxx: f64 = xs.iter().map(|x| (x - xm).powi(2)).sum();
    let sxy: f64 = xs.iter().zip(ys).map(|(x, y)| (x - xm) * (y - ym)).sum();
    if sxx > 0.0 { sxy / sxx } else { f64::NAN }
}

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
