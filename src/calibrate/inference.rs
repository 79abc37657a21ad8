//! Inference at the optimum: a regression Jacobian G of m(θ), the
//! sandwich `V = (1 + 1/R) (G'WG)⁻¹ G'W Σ W G (G'WG)⁻¹` with
//! `Σ = S C S`, `S = diag(se_pub)` and C the correlation of the target
//! estimates across simulated cohorts at θ̂ (published tables give each
//! row's SE but not how rows estimated on one sample co-vary; rows such as
//! a coefficient in two nested models are correlated near 0.9, and a
//! diagonal Σ understates V), the J statistic and identification
//! diagnostics (rank and condition number of `W^{1/2} G` from its SVD, and
//! the parameters loading on its null space).

use faer::Mat;
use rayon::prelude::*;
use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::objective::{Evaluation, Objective};
use crate::replicate::Tables;

/// Step h of the numerical Jacobian as a share of each search range.
pub const JACOBIAN_STEP: f64 = 0.025;

/// Offsets (in units of h) of the points the Jacobian's slope is fitted to.
/// With common random numbers a simulated moment is piecewise constant in
/// θ (discrete outcomes flip one by one, and a flip can move a logit
/// coefficient by a tenth of its SE at the published N), so a two-point
/// difference over a small step measures those jumps; a least-squares
/// slope over ±h, ±2h (a span of 10% of the range) averages them out.
pub const JACOBIAN_OFFSETS: [f64; 4] = [-2.0, -1.0, 1.0, 2.0];

/// Independent cohorts at θ̂ whose target estimates give the correlation C.
pub const CORRELATION_COHORTS: u64 = 32;

/// Identification diagnostics of `W^{1/2} G`.
#[derive(Debug, Clone, Serialize)]
pub struct Identification {
    pub rank: usize,
    pub condition_number: f64,
    pub singular_values: Vec<f64>,
    /// Free parameters the targets do not pin down (large weight on a null
    /// or near-null direction of G).
    pub unidentified: Vec<String>,
}

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

/// Each target's estimate on each cohort of `seeds` at θ (None for a cohort
/// on which any target failed), cohorts in parallel, results in seed order.
pub fn target_draws(objective: &Objective, theta: &[f64], seeds: &[u64]) -> Vec<Option<Vec<f64>>> {
    let tables = Tables::Only(&objective.tables);
    seeds
        .par_iter()
        .map(|&s| {
            let rows = objective.rows(theta, s, &tables).ok()?;
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

/// `W^{1/2} G` with `W = diag(1 / se²)`.
fn scaled(g: &[Vec<f64>], se: &[f64]) -> Mat<f64> {
    let k = g.first().map_or(0, Vec::len);
    Mat::from_fn(g.len(), k, |i, j| g[i][j] / se[i])
}

/// SVD diagnostics and the pseudo-inverse of `G'WG` on its identified subspace.
pub fn identify(
    g: &[Vec<f64>],
    se: &[f64],
    names: &[String],
) -> (Identification, Option<Mat<f64>>) {
    let k = names.len();
    let a = scaled(g, se);
    let finite = (0..a.nrows()).all(|i| (0..k).all(|j| a[(i, j)].is_finite()));
    let svd = if finite { a.svd().ok() } else { None };
    let Some(svd) = svd else {
        return (
            Identification {
                rank: 0,
                condition_number: f64::INFINITY,
                singular_values: Vec::new(),
                unidentified: names.to_vec(),
            },
            None,
        );
    };
    let s_col = svd.S().column_vector();
    let mut s: Vec<f64> = (0..k)
        .map(|i| if i < s_col.nrows() { s_col[i] } else { 0.0 })
        .collect();
    s.iter_mut().for_each(|x| *x = x.abs());
    let smax = s.iter().copied().fold(0.0, f64::max);
    let tol = smax * 1e-8 * (a.nrows().max(k) as f64);
    let rank = s.iter().filter(|&&x| x > tol).count();
    let smin = s.iter().copied().fold(f64::INFINITY, f64::min);
    let condition_number = if smin > 0.0 {
        smax / smin
    } else {
        f64::INFINITY
    };
    let v = svd.V();
    // Weak directions: singular value below tolerance or below 1e-6 of the largest.
    let weak: Vec<usize> = (0..k).filter(|&i| s[i] <= tol.max(1e-6 * smax)).collect();
    let unidentified = (0..k)
        .filter(|&j| weak.iter().any(|&i| v[(j, i)].abs() > 0.3))
        .map(|j| names[j].clone())
        .collect();
    let mut pinv = Mat::<f64>::zeros(k, k);
    for i in 0..k {
        if s[i] > tol {
            let w = 1.0 / (s[i] * s[i]);
            for r in 0..k {
                for c in 0..k {
                    pinv[(r, c)] += v[(r, i)] * v[(c, i)] * w;
                }
            }
        }
    }
    (
        Identification {
            rank,
            condition_number,
            singular_values: s,
            unidentified,
        },
        (rank > 0).then_some(pinv),
    )
}

#[allow(clippy::needless_range_loop)] // k x k matrix products by index
/// `V = (1 + 1/R) P (G'W Σ W G) P` with `P = (G'WG)⁺`, `W = diag(1/se²)`,
/// `Σ_il = se_i se_l C_il` (so `(WΣW)_il = C_il / (se_i se_l)`); row-major k × k.
pub fn sandwich(
    g: &[Vec<f64>],
    se: &[f64],
    corr: &[Vec<f64>],
    pinv: &Mat<f64>,
    reps: usize,
) -> Vec<Vec<f64>> {
    let k = pinv.nrows();
    let mut meat = vec![vec![0.0; k]; k];
    for (i, gi) in g.iter().enumerate() {
        for (l, gl) in g.iter().enumerate() {
            let wsw = corr[i][l] / (se[i] * se[l]);
            for r in 0..k {
                for c in 0..k {
                    meat[r][c] += gi[r] * wsw * gl[c];
                }
            }
        }
    }
    let scale = 1.0 + 1.0 / reps.max(1) as f64;
    let mut out = vec![vec![0.0; k]; k];
    for r in 0..k {
        for c in 0..k {
            let mut acc = 0.0;
            for a in 0..k {
                for b in 0..k {
                    acc += pinv[(r, a)] * meat[a][b] * pinv[(b, c)];
                }
            }
            out[r][c] = scale * acc;
        }
    }
    for r in 0..k {
        for c in 0..r {
            let m = 0.5 * (out[r][c] + out[c][r]);
            out[r][c] = m;
            out[c][r] = m;
        }
    }
    out
}

/// J = Q(θ̂) / (1 + 1/R), χ² with `targets − params` df; its p-value
/// (None when df = 0).
pub fn j_test(q: f64, reps: usize, df: usize) -> (f64, Option<f64>) {
    let j = q / (1.0 + 1.0 / reps.max(1) as f64);
    let p = (df > 0)
        .then(|| ChiSquared::new(df as f64).ok())
        .flatten()
        .map(|d| d.sf(j));
    (j, p)
}
