//! The held-out rows tested jointly given the targets (issue 30 item 3).
//!
//! Over R cohorts at the published N, row j's estimates `x_cj` give the
//! simulated mean `m_j` and covariance `Σ̂` (denominator R − 1), and its
//! correlation `C`. The published estimates `b` come from one sample of the
//! same size, so under the model `b ~ N(μ, D C D)` with `D = diag(s)` the
//! published SEs (the published tables give no correlations; the
//! simulation's, at the published N, stand in), and `m ~ N(μ, Σ̂ / R)`:
//!
//! `d = m − b`,  `V = Σ̂ / R + D C D`.
//!
//! With the rows split into targets T and held-out rows H, the held-out
//! deviation given the targets' is `d_H|T = d_H − V_HT V_TT⁺ d_T`, of
//! covariance `V_H|T = V_HH − V_HT V_TT⁺ V_TH` (the Schur complement), and
//!
//! `χ² = d_H|T' V_H|T⁺ d_H|T`,  `df = rank(V_H|T)`,
//!
//! which equals `d' V⁺ d − d_T' V_TT⁺ d_T` when V is invertible: what the
//! held-out rows add to the targets' fit. A held-out row that moves with
//! the targets (a near-duplicate) has almost no conditional variance and
//! adds almost no degrees of freedom. Both inverses are rank-revealing: in
//! the correlation metric of the matrix, eigen-directions with an
//! eigenvalue below `REL_TOL` of the largest are dropped (near-collinear
//! rows; with R cohorts the sample covariance has rank at most R − 1), and
//! the rank kept is the df.
//!
//! V is estimated from R cohorts, so the reference is Hotelling's rather
//! than χ²(df) (which over-rejects when df is not small against R): with
//! `ν = R − 1 − rank(V_TT)` degrees of freedom left to the covariance given
//! the targets, `(ν − df + 1) χ² / (ν df) ~ F(df, ν − df + 1)` (exact for
//! Gaussian rows when the published SEs equal the simulated ones); at most
//! ν − 1 directions (the largest) are tested, and with ν < 2 there is no
//! test (raise the cohorts).

use faer::{Mat, Side};
use serde::Serialize;

use crate::estimate::dist::f_sf;

/// Eigenvalues below this share of the largest (correlation metric) are
/// dropped from a pseudo-inverse: directions with less than 1% of the
/// largest variance are, from R = 20 cohorts, mostly estimation noise.
pub(crate) const REL_TOL: f64 = 1e-2;

/// The joint χ² of the held-out rows given the targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JointTest {
    /// `d_H|T' V_H|T^+ d_H|T`: the held-out deviations given the targets'
    /// ([`conditional_chi2`]).
    pub chi2: f64,
    /// The rank of `V_H|T` kept.
    pub df: usize,
    /// Hotelling p-value of `chi2` ([`hotelling_p`]); None when df = 0.
    pub p_value: Option<f64>,
    /// Held-out rows in the test.
    pub rows: usize,
    /// Target rows conditioned on.
    pub targets: usize,
    /// Cohorts the covariance was simulated over.
    pub cohorts: usize,
}

/// Symmetric `a` restricted to `idx`.
fn sub(a: &Mat<f64>, rows: &[usize], cols: &[usize]) -> Mat<f64> {
    Mat::from_fn(rows.len(), cols.len(), |i, j| a[(rows[i], cols[j])])
}

/// A generalised inverse of symmetric PSD `a` and its rank: in the
/// correlation metric `B = S^-1/2 A S^-1/2` (`S = diag(a)`), the
/// eigen-directions of B above `REL_TOL` of its largest eigenvalue,
/// `A⁻ = S^-1/2 B⁺ S^-1/2`. Rows with a non-positive diagonal are dropped
/// (zero rows and columns). None when the eigendecomposition fails.
pub(crate) fn pinv_sym(a: &Mat<f64>) -> Option<(Mat<f64>, usize)> {
    pinv_sym_capped(a, usize::MAX)
}

/// [`pinv_sym`] keeping at most `max_rank` eigen-directions (the largest).
pub(crate) fn pinv_sym_capped(a: &Mat<f64>, max_rank: usize) -> Option<(Mat<f64>, usize)> {
    let n = a.nrows();
    let s: Vec<f64> = (0..n)
        .map(|i| {
            let d = a[(i, i)];
            if d > 0.0 && d.is_finite() {
                1.0 / d.sqrt()
            } else {
                0.0
            }
        })
        .collect();
    if n == 0 || s.iter().all(|x| *x == 0.0) {
        return Some((Mat::zeros(n, n), 0));
    }
    let b = Mat::from_fn(n, n, |i, j| 0.5 * (a[(i, j)] + a[(j, i)]) * s[i] * s[j]);
    let eig = b.self_adjoint_eigen(Side::Lower).ok()?;
    let (vals, vecs) = (eig.S().column_vector(), eig.U());
    let lmax = (0..n).map(|i| vals[i]).fold(0.0, f64::max);
    if lmax <= 0.0 {
        return Some((Mat::zeros(n, n), 0));
    }
    // Eigenvalues come in nondecreasing order: the largest are last.
    let mut kept: Vec<usize> = (0..n).filter(|&k| vals[k] > REL_TOL * lmax).collect();
    if kept.len() > max_rank {
        kept.drain(..kept.len() - max_rank);
    }
    let inv = Mat::from_fn(n, n, |i, j| {
        let bij: f64 = kept
            .iter()
            .map(|&k| vecs[(i, k)] * vecs[(j, k)] / vals[k])
            .sum();
        bij * s[i] * s[j]
    });
    Some((inv, kept.len()))
}

/// The conditional χ² of the module doc for deviation `d` and covariance
/// `v` (both over targets first, then held-out rows), the first `n_targets`
/// entries the targets: `(χ², rank of V_H|T kept, rank of V_TT kept)`,
/// at most `max_rank` held-out directions. None when an eigendecomposition
/// fails or `v` is not finite.
pub fn conditional_chi2(
    d: &[f64],
    v: &Mat<f64>,
    n_targets: usize,
    max_rank: usize,
) -> Option<(f64, usize, usize)> {
    let k = d.len();
    if v.nrows() != k || v.ncols() != k || n_targets > k {
        return None;
    }
    if d.iter().any(|x| !x.is_finite()) || (0..k).any(|i| (0..k).any(|j| !v[(i, j)].is_finite())) {
        return None;
    }
    let t: Vec<usize> = (0..n_targets).collect();
    let h: Vec<usize> = (n_targets..k).collect();
    let dt = Mat::from_fn(t.len(), 1, |i, _| d[t[i]]);
    let dh = Mat::from_fn(h.len(), 1, |i, _| d[h[i]]);
    let vhh = sub(v, &h, &h);
    let (dc, vc, rank_t) = if t.is_empty() {
        (dh, vhh.clone(), 0)
    } else {
        let (vtt_inv, rank_t) = pinv_sym(&sub(v, &t, &t))?;
        let vht = sub(v, &h, &t);
        let a = &vht * &vtt_inv;
        let dc = &dh - &a * &dt;
        let vc = &vhh - &a * vht.transpose();
        (dc, vc, rank_t)
    };
    // A held-out row the targets determine (conditional variance below
    // REL_TOL of its marginal one) carries no information of its own.
    let keep: Vec<usize> = (0..h.len())
        .filter(|&i| vc[(i, i)] > REL_TOL * vhh[(i, i)] && vc[(i, i)] > 0.0)
        .collect();
    let vk = sub(&vc, &keep, &keep);
    let (inv, rank) = pinv_sym_capped(&vk, max_rank)?;
    let x = Mat::from_fn(keep.len(), 1, |i, _| dc[(keep[i], 0)]);
    let q = (x.transpose() * &inv * &x)[(0, 0)];
    q.is_finite().then_some((q.max(0.0), rank, rank_t))
}

/// Sample mean and covariance (denominator n − 1) of `draws` (cohorts ×
/// rows); None with fewer than 2 cohorts.
pub(crate) fn mean_cov(draws: &[Vec<f64>]) -> Option<(Vec<f64>, Mat<f64>)> {
    let n = draws.len();
    let k = draws.first()?.len();
    if n < 2 || draws.iter().any(|r| r.len() != k) {
        return None;
    }
    let mean: Vec<f64> = (0..k)
        .map(|j| draws.iter().map(|r| r[j]).sum::<f64>() / n as f64)
        .collect();
    let cov = Mat::from_fn(k, k, |i, j| {
        draws
            .iter()
            .map(|r| (r[i] - mean[i]) * (r[j] - mean[j]))
            .sum::<f64>()
            / (n as f64 - 1.0)
    });
    Some((mean, cov))
}

/// P-value of a quadratic form `q` in `p` directions whose covariance was
/// estimated with `nu` degrees of freedom (Hotelling): `(ν − p + 1) q /
/// (ν p) ~ F(p, ν − p + 1)`; it tends to χ²(p) as ν grows.
pub fn hotelling_p(q: f64, p: usize, nu: usize) -> f64 {
    let (p, nu) = (p as f64, nu as f64);
    let d2 = nu - p + 1.0;
    if d2 < 1.0 {
        return f64::NAN;
    }
    f_sf(q * d2 / (nu * p), p, d2)
}

/// The joint test from `draws` (cohorts × rows, targets first: the first
/// `n_targets` columns), the published values and SEs of the same rows.
pub fn joint_test(
    draws: &[Vec<f64>],
    published: &[f64],
    published_se: &[f64],
    n_targets: usize,
) -> Option<JointTest> {
    let (mean, cov) = mean_cov(draws)?;
    let k = mean.len();
    if published.len() != k || published_se.len() != k {
        return None;
    }
    let r = draws.len() as f64;
    let sd: Vec<f64> = (0..k).map(|i| cov[(i, i)].max(0.0).sqrt()).collect();
    let v = Mat::from_fn(k, k, |i, j| {
        let corr = if sd[i] > 0.0 && sd[j] > 0.0 {
            cov[(i, j)] / (sd[i] * sd[j])
        } else {
            f64::from(u8::from(i == j))
        };
        cov[(i, j)] / r + published_se[i] * published_se[j] * corr
    });
    let d: Vec<f64> = mean.iter().zip(published).map(|(m, b)| m - b).collect();
    // Degrees of freedom of the covariance given the targets: R − 1 less
    // the targets' rank; at most ν − 1 held-out directions are tested.
    let (_, _, rank_t) = conditional_chi2(&d, &v, n_targets, 0)?;
    let nu = (draws.len() - 1).saturating_sub(rank_t);
    if nu < 2 {
        return None;
    }
    let (chi2, df, _) = conditional_chi2(&d, &v, n_targets, nu - 1)?;
    Some(JointTest {
        chi2,
        df,
        p_value: (df > 0).then(|| hotelling_p(chi2, df, nu)),
        rows: k - n_targets,
        targets: n_targets,
        cohorts: draws.len(),
    })
}

/// Pearson correlation of `a` and `b` over the pairs where both are
/// finite; None with fewer than 3 pairs or no variance.
pub fn correlation(a: &[Option<f64>], b: &[Option<f64>]) -> Option<f64> {
    let pairs: Vec<(f64, f64)> = a
        .iter()
        .zip(b)
        .filter_map(|(x, y)| Some((x.filter(|v| v.is_finite())?, y.filter(|v| v.is_finite())?)))
        .collect();
    if pairs.len() < 3 {
        return None;
    }
    let n = pairs.len() as f64;
    let (mx, my) = pairs
        .iter()
        .fold((0.0, 0.0), |(sx, sy), (x, y)| (sx + x / n, sy + y / n));
    let (sxy, sxx, syy) = pairs.iter().fold((0.0, 0.0, 0.0), |(a, b, c), (x, y)| {
        (
            a + (x - mx) * (y - my),
            b + (x - mx).powi(2),
            c + (y - my).powi(2),
        )
    });
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}
