//! Inference at the optimum: a central-difference Jacobian G of m(θ), the
//! sandwich `V = (1 + 1/R) (G'WG)⁻¹ G'W Σ W G (G'WG)⁻¹` with
//! `Σ = diag(se_pub²)`, the J statistic and identification diagnostics
//! (rank and condition number of `W^{1/2} G` from its SVD, and the
//! parameters loading on its null space).

use faer::Mat;
use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::objective::{Evaluation, Objective};

/// Relative step of the numerical Jacobian (share of each search range):
/// large enough to step over the small discontinuities of simulated moments.
pub const JACOBIAN_STEP: f64 = 0.02;

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

/// G (targets × params), with the points it needed evaluated as one batch.
/// A moment missing at a step makes that column NaN.
pub fn jacobian(objective: &Objective, theta: &[f64]) -> (Vec<Vec<f64>>, usize) {
    let k = theta.len();
    let mut points = Vec::with_capacity(2 * k);
    let mut steps = Vec::with_capacity(k);
    for (j, p) in objective.free.iter().enumerate() {
        let h = JACOBIAN_STEP * (p.upper - p.lower);
        let up = (theta[j] + h).min(p.upper);
        let down = (theta[j] - h).max(p.lower);
        let mut a = theta.to_vec();
        a[j] = up;
        let mut b = theta.to_vec();
        b[j] = down;
        points.push(a);
        points.push(b);
        steps.push(up - down);
    }
    let evals: Vec<Evaluation> = objective.evaluate_batch(&points);
    let m = objective.targets.len();
    let mut g = vec![vec![f64::NAN; k]; m];
    for j in 0..k {
        let (a, b) = (&evals[2 * j], &evals[2 * j + 1]);
        for (i, row) in g.iter_mut().enumerate() {
            if let (Some(x), Some(y)) = (a.moments[i], b.moments[i]) {
                row[j] = (x - y) / steps[j];
            }
        }
    }
    (g, points.len())
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
/// `Σ = diag(se²)`; row-major k × k.
pub fn sandwich(g: &[Vec<f64>], se: &[f64], pinv: &Mat<f64>, reps: usize) -> Vec<Vec<f64>> {
    let k = pinv.nrows();
    let mut meat = vec![vec![0.0; k]; k];
    for (i, row) in g.iter().enumerate() {
        let w = 1.0 / (se[i] * se[i]);
        let wsw = w * se[i] * se[i] * w;
        for r in 0..k {
            for c in 0..k {
                meat[r][c] += row[r] * wsw * row[c];
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
