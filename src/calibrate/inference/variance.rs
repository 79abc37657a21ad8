//! Identification diagnostics of `W^{1/2} G` from its SVD (rank, condition
//! number, the parameters loading on its null space), the pseudo-inverse
//! `(G'WG)⁺` on the identified subspace, and the sandwich covariance of θ̂
//! for the non-optimal (diagonal) weight.

use faer::Mat;
use serde::Serialize;

/// Identification diagnostics of `W^{1/2} G`.
#[derive(Debug, Clone, Serialize)]
pub struct Identification {
    /// Numerical rank of `W^{1/2} G`.
    pub rank: usize,
    /// Largest over smallest singular value (∞ when one is 0).
    pub condition_number: f64,
    /// Singular values of `W^{1/2} G`, one per parameter.
    pub singular_values: Vec<f64>,
    /// Free parameters the targets do not pin down (large weight on a null
    /// or near-null direction of G).
    pub unidentified: Vec<String>,
}

/// `W^{1/2} G` with `W = diag(1 / se²)`.
pub fn scaled(g: &[Vec<f64>], se: &[f64]) -> Mat<f64> {
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
