//! Spline-smoothing matching: the donors' outcome regressed on their score by
//! a natural cubic regression spline, evaluated at each target's score.
//!
//! psmatch2's `spline` option smooths the comparison outcomes on the score
//! with a cubic spline of `nknots` knots (default: the fourth root of the
//! number of comparison units). Here the spline is the restricted cubic
//! spline of Stone & Koo (1985) — cubic between knots, linear beyond the
//! outer ones — with Harrell's (2015, Section 2.4.6) default knot quantiles,
//! fitted by least squares. With basis rows b(p) = [1, p, c_1(p), ...,
//! c_{K-2}(p)],
//!
//!   c_j(p) = [(p - t_j)+^3 - (p - t_{K-1})+^3 (t_K - t_j) / (t_K - t_{K-1})
//!             + (p - t_K)+^3 (t_{K-1} - t_j) / (t_K - t_{K-1})] / (t_K - t_1)^2,
//!
//! (scores mapped to [0, 1] over the donors first: the spline space and the
//! quantile knots are equivariant under that affine map, and the basis stays
//! well conditioned when the scores span a narrow range), and G = B'B over
//! the donors, Y_hat_i = b_i' G^-1 B'Y, so the weight of
//! donor j in target i's counterfactual is w_ij = b_i' G^-1 b_j: summed over
//! targets, a' b_j with a = G^-1 sum_i b_i; squared and summed,
//! b_j' G^-1 T G^-1 b_j with T = sum_i b_i b_i'.

use faer::Mat;

use super::method::Imputation;
use crate::estimate::linalg;

/// Most knots a spline may have (the default reaches it at 5.6 million donors).
pub const MAX_KNOTS: usize = 50;

/// Knots when none are given: max(3, round(n_donors^(1/4))), as psmatch2,
/// at most [`MAX_KNOTS`].
pub fn default_knots(n_donors: usize) -> usize {
    ((n_donors as f64).powf(0.25).round() as usize).clamp(3, MAX_KNOTS)
}

/// Harrell's default knot quantiles for k knots (rms::rcspline.eval).
fn knot_probs(k: usize) -> Vec<f64> {
    match k {
        3 => vec![0.1, 0.5, 0.9],
        4 => vec![0.05, 0.35, 0.65, 0.95],
        5 => vec![0.05, 0.275, 0.5, 0.725, 0.95],
        6 => vec![0.05, 0.23, 0.41, 0.59, 0.77, 0.95],
        7 => vec![0.025, 0.1833, 0.3417, 0.5, 0.6583, 0.8167, 0.975],
        _ => (0..k)
            .map(|i| 0.025 + 0.95 * i as f64 / (k - 1) as f64)
            .collect(),
    }
}

/// Quantile of sorted values, linear interpolation (R type 7, numpy default).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = q * (sorted.len() - 1) as f64;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Distinct knots at the default quantiles of donor scores already sorted
/// ascending; fewer than three distinct values leave a straight line (no
/// cubic terms).
fn knots_of_sorted(sorted: &[f64], k: usize) -> Vec<f64> {
    let mut t: Vec<f64> = knot_probs(k)
        .into_iter()
        .map(|q| quantile(sorted, q))
        .collect();
    t.dedup();
    if t.len() < 3 { Vec::new() } else { t }
}

/// Basis row b(p) for knots `t` (1, p and the K - 2 restricted cubic terms).
#[cfg(test)]
fn basis(p: f64, t: &[f64]) -> Vec<f64> {
    let mut b = Vec::with_capacity(t.len().max(2));
    basis_into(p, t, &mut b);
    b
}

/// `basis` written into `b` (cleared first), so that a caller evaluating
/// many rows reuses one buffer.
fn basis_into(p: f64, t: &[f64], b: &mut Vec<f64>) {
    b.clear();
    b.extend([1.0, p]);
    let Some((&tk, &tk1)) = t.last().zip(t.len().checked_sub(2).and_then(|i| t.get(i))) else {
        return;
    };
    let cube = |v: f64| v.max(0.0).powi(3);
    let norm = (tk - t[0]).powi(2);
    for &tj in &t[..t.len() - 2] {
        let c = cube(p - tj) - cube(p - tk1) * (tk - tj) / (tk - tk1)
            + cube(p - tk) * (tk1 - tj) / (tk - tk1);
        b.push(c / norm);
    }
}

/// The spline fitted to the donors: the scores' affine map to [0, 1], the
/// knots, the donors' basis, the coefficients and (B'B)^-1.
struct Fitted {
    lo: f64,
    scale: f64,
    t: Vec<f64>,
    bd: Mat<f64>,
    beta: Vec<f64>,
    g_inv: Mat<f64>,
}

impl Fitted {
    /// Fit with K knots (default [`default_knots`]), K lowered until the
    /// donors identify it, down to a straight line; `None` when not even a
    /// line is identified.
    fn new(donor_scores: &[f64], donor_y: &[f64], k: Option<usize>) -> Option<Self> {
        if donor_scores.is_empty() {
            return None;
        }
        let (lo, hi) = donor_scores
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        let scale = if hi > lo { hi - lo } else { 1.0 };
        let mut sorted: Vec<f64> = donor_scores.iter().map(|&p| (p - lo) / scale).collect();
        sorted.sort_by(f64::total_cmp);
        let n_distinct = 1 + sorted.windows(2).filter(|w| w[0] != w[1]).count();
        let k = k
            .unwrap_or_else(|| default_knots(donor_scores.len()))
            .min(MAX_KNOTS)
            .min(n_distinct);
        (3..=k)
            .rev()
            .map(|kk| knots_of_sorted(&sorted, kk))
            .chain(std::iter::once(Vec::new()))
            .find_map(|t| {
                let mut fit = Fitted {
                    lo,
                    scale,
                    t,
                    bd: Mat::zeros(0, 0),
                    beta: Vec::new(),
                    g_inv: Mat::zeros(0, 0),
                };
                fit.bd = fit.rows(donor_scores);
                (fit.beta, fit.g_inv) = least_squares(&fit.bd, donor_y)?;
                Some(fit)
            })
    }

    /// Basis rows b((p - lo) / scale) of the scores `s`, one row each.
    fn rows(&self, s: &[f64]) -> Mat<f64> {
        let width = 2 + self.t.len().saturating_sub(2);
        let mut out = Mat::<f64>::zeros(s.len(), width);
        let mut b = Vec::with_capacity(width);
        for (i, &p) in s.iter().enumerate() {
            basis_into((p - self.lo) / self.scale, &self.t, &mut b);
            for (j, v) in b.iter().enumerate() {
                out[(i, j)] = *v;
            }
        }
        out
    }

    /// The fitted value b(s)' beta at score `s`, with `b` as scratch.
    fn mean(&self, s: f64, b: &mut Vec<f64>) -> f64 {
        basis_into((s - self.lo) / self.scale, &self.t, b);
        (0..b.len()).map(|j| b[j] * self.beta[j]).sum::<f64>()
    }
}

/// Spline counterfactuals of the targets and the donors' weights. When the
/// donors cannot identify K knots (the basis is rank deficient, e.g. a score
/// with few distinct values), K is lowered until they can, down to a straight
/// line; `None` when not even a line is identified (one distinct score). K is at
/// most the number of distinct donor scores.
pub fn impute(
    targets: &[f64],
    donor_scores: &[f64],
    donor_y: &[f64],
    k: Option<usize>,
) -> Option<Imputation> {
    let fit = Fitted::new(donor_scores, donor_y, k)?;
    let (bd, g_inv) = (&fit.bd, &fit.g_inv);
    let bt = fit.rows(targets);
    let column = |v: Vec<f64>| Mat::from_fn(v.len(), 1, |i, _| v[i]);
    let a = g_inv * column(linalg::xt_vec(&bt, &vec![1.0; bt.nrows()]));
    let m = g_inv * linalg::weighted_gram(&bt, &vec![1.0; bt.nrows()]) * g_inv;
    let dot =
        |x: &Mat<f64>, i: usize, v: &[f64]| (0..x.ncols()).map(|j| x[(i, j)] * v[j]).sum::<f64>();
    let a: Vec<f64> = a.col(0).iter().copied().collect();
    let imputed = (0..bt.nrows())
        .map(|i| Some(dot(&bt, i, &fit.beta)))
        .collect();
    let weight = (0..bd.nrows()).map(|i| dot(bd, i, &a)).collect();
    let mut mb = vec![0.0; m.nrows()];
    let weight_sq = (0..bd.nrows())
        .map(|i| {
            for (r, v) in mb.iter_mut().enumerate() {
                *v = (0..m.ncols()).map(|c| m[(r, c)] * bd[(i, c)]).sum();
            }
            dot(bd, i, &mb)
        })
        .collect();
    Some(Imputation {
        imputed,
        weight,
        weight_sq,
    })
}

/// Only the targets' counterfactuals of [`impute`] (what a bootstrap draw
/// needs): the same fit and the same values, without the donors' weights;
/// `None` where [`impute`] gives `None`.
pub fn impute_means(
    targets: &[f64],
    donor_scores: &[f64],
    donor_y: &[f64],
    k: Option<usize>,
) -> Option<Vec<Option<f64>>> {
    let fit = Fitted::new(donor_scores, donor_y, k)?;
    let mut b = Vec::with_capacity(fit.beta.len());
    Some(targets.iter().map(|&s| Some(fit.mean(s, &mut b))).collect())
}

/// Least squares of `y` on `b` by tall-skinny QR (`[B | y] = Q [R, Q'y]`):
/// the coefficients R^-1 Q'y and (B'B)^-1 = R^-1 R^-T; `None` when `B` is
/// rank deficient.
fn least_squares(b: &Mat<f64>, y: &[f64]) -> Option<(Vec<f64>, Mat<f64>)> {
    let k = b.ncols();
    if b.nrows() <= k {
        return None;
    }
    let raug = linalg::tsqr_r(b, Some(y));
    let r = raug.as_ref().get(..k, ..k);
    if linalg::first_dependency(r, b.nrows()).is_some() {
        return None;
    }
    let mut beta = Mat::from_fn(k, 1, |i, _| raug[(i, k)]);
    r.solve_upper_triangular_in_place(beta.as_mut());
    let mut r_inv = Mat::from_fn(k, k, |i, j| f64::from(u8::from(i == j)));
    r.solve_upper_triangular_in_place(r_inv.as_mut());
    let g_inv = &r_inv * r_inv.transpose();
    Some((beta.col(0).iter().copied().collect(), g_inv))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cubic spline reproduces any straight line exactly, and the donor
    /// weights of each target sum to one (the constant is in the basis).
    #[test]
    fn reproduces_lines_and_weights_sum_to_the_target_count() {
        let p: Vec<f64> = (0..200).map(|i| ((i * 37) % 200) as f64 / 200.0).collect();
        let y: Vec<f64> = p.iter().map(|v| 1.5 - 2.0 * v).collect();
        let targets = [0.05, 0.33, 0.7, 0.99];
        let imp = impute(&targets, &p, &y, Some(5)).unwrap_or_else(|| panic!("singular"));
        for (&s, got) in targets.iter().zip(&imp.imputed) {
            let got = got.unwrap_or(f64::NAN);
            assert!((got - (1.5 - 2.0 * s)).abs() < 1e-10, "{s}: {got}");
        }
        let total: f64 = imp.weight.iter().sum();
        assert!((total - targets.len() as f64).abs() < 1e-9, "{total}");
    }

    /// The bootstrap's means-only path gives exactly the full imputation's
    /// counterfactuals (the same fit, the same arithmetic), over many draws,
    /// knot counts and the fallback to fewer knots.
    #[test]
    fn means_only_equal_full_imputation_bit_for_bit() {
        use rand::{Rng, SeedableRng};
        for seed in 0..40u64 {
            let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
            let n = rng.random_range(2..400);
            let levels = if seed % 5 == 0 { 3.0 } else { 1e9 };
            let p: Vec<f64> = (0..n)
                .map(|_| (rng.random::<f64>() * levels).floor() / levels)
                .collect();
            let y: Vec<f64> = p.iter().map(|v| v * v + rng.random::<f64>()).collect();
            let targets: Vec<f64> = (0..50).map(|_| rng.random::<f64>()).collect();
            let k = [None, Some(3), Some(7), Some(MAX_KNOTS)][(seed % 4) as usize];
            let full = impute(&targets, &p, &y, k).map(|imp| imp.imputed);
            let means = impute_means(&targets, &p, &y, k);
            assert_eq!(full, means, "seed {seed}");
        }
    }

    #[test]
    fn basis_is_linear_beyond_the_outer_knots() {
        let t = [0.1, 0.3, 0.5, 0.9];
        let at = |p: f64| basis(p, &t);
        for j in 2..4 {
            let (a, b, c) = (at(1.0)[j], at(1.2)[j], at(1.4)[j]);
            assert!(((c - b) - (b - a)).abs() < 1e-12, "term {j}");
            assert_eq!(at(0.05)[j], 0.0);
        }
    }

    /// Two distinct donor scores identify only a line: the fit falls back to
    /// it and passes through the two group means; one distinct score
    /// identifies nothing.
    #[test]
    fn few_distinct_scores_fall_back_to_fewer_knots() {
        let p = [0.2, 0.2, 0.2, 0.6, 0.6];
        let y = [1.0, 2.0, 3.0, 5.0, 7.0];
        let imp = impute(&[0.2, 0.4, 0.6], &p, &y, Some(9)).unwrap_or_else(|| panic!("none"));
        let got: Vec<f64> = imp.imputed.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
        for (g, want) in got.iter().zip([2.0, 4.0, 6.0]) {
            assert!((g - want).abs() < 1e-12, "{got:?}");
        }
        assert!(impute(&[0.2], &[0.3, 0.3, 0.3], &[1.0, 2.0, 3.0], None).is_none());
        assert!(impute(&[0.2], &[], &[], Some(5)).is_none());
    }
}
