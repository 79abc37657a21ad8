//! The J test of the over-identifying restrictions for a non-optimal
//! weight.
//!
//! With `W = diag(1/se²)` and the targets' covariance `Σ = S C S` (not
//! `W⁻¹`), `Q(θ̂) / (1 + 1/R)` is not χ²: the moment residual at the
//! optimum, `ĝ = m(θ̂) − m_pub`, has covariance
//! `Ω = (1 + 1/R) M Σ M'`, `M = I − G (G'WG)⁻¹ G'W` (published sampling
//! noise plus the simulation noise of R cohorts, projected off the fitted
//! directions), of rank `K − P`, and `J = ĝ' Ω⁺ ĝ ~ χ²(K − P)`.
//!
//! It is computed in the scaled space `r = W^{1/2} ĝ`, `A = W^{1/2} G`:
//! `W^{1/2} M W^{-1/2} = H = I − A A⁺` is the orthogonal projection off
//! the columns of A, so `Ω̃ = W^{1/2} Ω W^{1/2} = (1 + 1/R) H C H`, and
//! `J = r' Ω̃⁺ r` with the pseudo-inverse taken over the `K − rank(A)`
//! largest eigenvalues of Ω̃. This equals `ĝ' Ω⁻ ĝ` for every generalised
//! inverse of Ω because ĝ lies in the range of Ω (the first-order
//! condition `G'W ĝ = 0` puts ĝ in the range of M); a residual component
//! along the fitted directions (an optimiser stopped short) is dropped.

use faer::{Mat, Side};
use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::variance::scaled;

/// A J statistic, its degrees of freedom and χ² p-value (None when df = 0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct JTest {
    /// `J = r' (Σ/…)⁺ r`, the over-identification statistic.
    pub j: f64,
    /// Degrees of freedom: targets minus identified parameters.
    pub df: usize,
    /// Upper tail of χ²(df) at J.
    pub p_value: Option<f64>,
}

/// Upper tail of χ²(df) at `x`; None when df = 0.
fn chi2_sf(x: f64, df: usize) -> Option<f64> {
    (df > 0)
        .then(|| ChiSquared::new(df as f64).ok())
        .flatten()
        .map(|d| d.sf(x))
}

/// The naive J = Q(θ̂) / (1 + 1/R) with its χ²(df) p-value: correct only
/// when Σ = W⁻¹ (uncorrelated targets); the fallback when G is unusable.
pub fn j_test(q: f64, reps: usize, df: usize) -> (f64, Option<f64>) {
    let j = q / (1.0 + 1.0 / reps.max(1) as f64);
    (j, chi2_sf(j, df))
}

/// `H = I − U_r U_r'` from the SVD of `A = W^{1/2} G` (U_r: the left
/// singular vectors of singular values above the rank tolerance), and the
/// rank r; None when G has a non-finite entry.
fn residual_projection(g: &[Vec<f64>], se: &[f64]) -> Option<(Mat<f64>, usize)> {
    let a = scaled(g, se);
    let (m, k) = (a.nrows(), a.ncols());
    if (0..m).any(|i| (0..k).any(|j| !a[(i, j)].is_finite())) {
        return None;
    }
    let svd = a.thin_svd().ok()?;
    let s = svd.S().column_vector();
    let smax = (0..s.nrows()).map(|i| s[i].abs()).fold(0.0, f64::max);
    let tol = smax * 1e-8 * (m.max(k) as f64);
    let u = svd.U();
    let kept: Vec<usize> = (0..s.nrows()).filter(|&i| s[i].abs() > tol).collect();
    let h = Mat::from_fn(m, m, |i, l| {
        let proj: f64 = kept.iter().map(|&c| u[(i, c)] * u[(l, c)]).sum();
        f64::from(u8::from(i == l)) - proj
    });
    Some((h, kept.len()))
}

/// `J = ĝ' Ω⁺ ĝ` (see the module doc) for the residual `resid = m(θ̂) −
/// m_pub`, Jacobian `g` (targets × params, row-major), published SEs `se`
/// and the targets' correlation `corr`, with `df = K − rank(W^{1/2} G)`
/// (targets − parameters when G has full column rank; fewer when Ω̃ has
/// fewer positive eigenvalues). None when G is not finite or the
/// eigendecomposition fails.
pub fn j_statistic(
    resid: &[f64],
    g: &[Vec<f64>],
    se: &[f64],
    corr: &[Vec<f64>],
    reps: usize,
) -> Option<JTest> {
    let m = resid.len();
    let (h, rank) = residual_projection(g, se)?;
    let scale = 1.0 + 1.0 / reps.max(1) as f64;
    let c = Mat::from_fn(m, m, |i, l| corr[i][l]);
    let hch = &h * &c * &h;
    let omega = Mat::from_fn(m, m, |i, l| scale * 0.5 * (hch[(i, l)] + hch[(l, i)]));
    let eig = omega.self_adjoint_eigen(Side::Lower).ok()?;
    let (vals, vecs) = (eig.S().column_vector(), eig.U());
    let lmax = (0..m).map(|i| vals[i]).fold(0.0, f64::max);
    let tol = lmax * 1e-10 * m as f64;
    // Eigenvalues come in nondecreasing order: the top K − rank span the range.
    let r: Vec<f64> = resid.iter().zip(se).map(|(x, s)| x / s).collect();
    let mut j = 0.0;
    let mut df = 0;
    for i in (rank.min(m)..m).filter(|&i| vals[i] > tol) {
        let proj: f64 = (0..m).map(|l| vecs[(l, i)] * r[l]).sum();
        j += proj * proj / vals[i];
        df += 1;
    }
    j.is_finite().then(|| JTest {
        j,
        df,
        p_value: chi2_sf(j, df),
    })
}
