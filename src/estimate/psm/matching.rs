//! Matching on a scalar score: impute each target unit's counterfactual from
//! donor units of the other arm.
//!
//! Donors are sorted once by (score, row) — O(n log n) — and each target is
//! located by binary search. Nearest neighbours come from two pointers
//! expanding left and right of that position; radius and kernel windows are
//! the donors with |p_j - p_i| <= h, found by two binary searches.
//!
//! Every method is linear in the donors' outcomes: Y_hat_i = sum_j w_ij Y_j.
//! [`Imputation`] keeps, per donor, sum_i w_ij and sum_i w_ij^2, which the
//! balance table and the Abadie-Imbens variance need.

use super::method::closed_window;
pub use super::method::{Imputation, Kernel, Method};
use super::smooth;
use super::spline;
use super::window_sums::WindowSums;

/// Donors sorted by score.
#[derive(Debug, Clone)]
pub(crate) struct Donors {
    /// Donor positions (into the caller's donor slice) in ascending score order.
    order: Vec<usize>,
    scores: Vec<f64>,
}

impl Donors {
    /// Sort `scores` ascending, ties by position, so every later step is deterministic.
    pub fn new(scores: &[f64]) -> Self {
        let mut pairs: Vec<(f64, usize)> = scores.iter().copied().zip(0..).collect();
        pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let (scores, order) = pairs.into_iter().unzip();
        Donors { order, scores }
    }

    /// Donor positions of the k nearest to `s` (all ties at the k-th
    /// distance included), skipping sorted position `skip`.
    pub fn nearest(&self, s: f64, k: usize, skip: Option<usize>) -> Vec<usize> {
        let mut out = self.nearest_sorted(s, k, skip);
        out.iter_mut().for_each(|r| *r = self.order[*r]);
        out
    }

    /// As [`Donors::nearest`], as sorted positions.
    fn nearest_sorted(&self, s: f64, k: usize, skip: Option<usize>) -> Vec<usize> {
        let n = self.scores.len();
        let start = self.scores.partition_point(|&p| p < s);
        let (mut lo, mut hi) = (start, start);
        let dist = |r: usize| (self.scores[r] - s).abs();
        let mut out: Vec<usize> = Vec::with_capacity(k + 2);
        let mut kth = f64::INFINITY;
        loop {
            while lo > 0 && Some(lo - 1) == skip {
                lo -= 1;
            }
            while hi < n && Some(hi) == skip {
                hi += 1;
            }
            let left = (lo > 0).then(|| dist(lo - 1));
            let right = (hi < n).then(|| dist(hi));
            let take_left = match (left, right) {
                (None, None) => break,
                (Some(l), Some(r)) => l <= r,
                (l, _) => l.is_some(),
            };
            let (r, d) = if take_left {
                lo -= 1;
                (lo, left.unwrap_or(f64::INFINITY))
            } else {
                hi += 1;
                (hi - 1, right.unwrap_or(f64::INFINITY))
            };
            if out.len() >= k && d > kth {
                break;
            }
            out.push(r);
            if out.len() == k {
                kth = d;
            }
        }
        out
    }

    /// Sorted positions r with |scores[r] - s| <= h.
    fn window(&self, s: f64, h: f64) -> std::ops::Range<usize> {
        closed_window(&self.scores, s, h)
    }
}

/// Impute every target's counterfactual from the donors with `method`.
///
/// * Epanechnikov and uniform kernels, radius: O(log n) per target and per
///   donor by `WindowSums` — the means from the donors' prefix sums, each
///   donor's sum_i w_ij = sum_i K_ij / S0_i from the targets' prefix sums of
///   1 / S0_i (K is symmetric, so the same window predicate holds from either
///   side; radius matching is the uniform kernel on |p_j - s| <= caliper).
///   These methods' SEs come from the bootstrap, so `weight_sq` (read only
///   by the Abadie-Imbens variance of nearest-neighbour matching) is NaN.
///   Against direct sums in target order the values move in the last digits
///   only (compensated prefix sums; `WindowSums` bounds the error).
/// * Tricube and Gaussian kernels and local linear: O((n + m) log n) window
///   sums of `super::smooth`, parallel over fixed groups of targets (the
///   same result for any number of threads); `weight_sq` NaN as above.
/// * Nearest neighbour: direct sums in target order.
///
/// Weights are accumulated in the donors' sorted order and put back into the
/// caller's order at the end.
pub fn impute(
    targets: &[f64],
    donor_scores: &[f64],
    donor_y: &[f64],
    method: &Method,
) -> Imputation {
    if let Method::Spline { knots } = *method {
        let unmatched = || Imputation {
            imputed: vec![None; targets.len()],
            weight: vec![0.0; donor_y.len()],
            weight_sq: vec![0.0; donor_y.len()],
        };
        return spline::impute(targets, donor_scores, donor_y, knots).unwrap_or_else(unmatched);
    }
    if WindowSums::supports(method) {
        return window_impute(targets, donor_scores, donor_y, method);
    }
    let donors = Donors::new(donor_scores);
    let y: Vec<f64> = donors.order.iter().map(|&j| donor_y[j]).collect();
    let (imputed, weight, weight_sq) = if smooth::handles(method).is_some() {
        let fits = smooth::fits(targets, &donors.scores, &y, method);
        let weight = smooth::donor_weights(targets, &fits, &donors.scores, method);
        let imputed = fits.iter().map(|f| f.map(|f| f.mean)).collect();
        (imputed, weight, vec![f64::NAN; y.len()])
    } else {
        sequential_direct(&donors, &y, targets, method)
    };
    let mut out = Imputation {
        imputed,
        weight: vec![0.0; y.len()],
        weight_sq: vec![0.0; y.len()],
    };
    for (r, &j) in donors.order.iter().enumerate() {
        out.weight[j] = weight[r];
        out.weight_sq[j] = weight_sq[r];
    }
    out
}

type Direct = (Vec<Option<f64>>, Vec<f64>, Vec<f64>);

fn sequential_direct(donors: &Donors, y: &[f64], targets: &[f64], method: &Method) -> Direct {
    let (mut weight, mut weight_sq) = (vec![0.0; y.len()], vec![0.0; y.len()]);
    let mut imputed = Vec::with_capacity(targets.len());
    let mut buf: Vec<(usize, f64)> = Vec::new();
    for &s in targets {
        buf.clear();
        donor_weights(donors, s, method, &mut buf);
        if buf.is_empty() {
            imputed.push(None);
            continue;
        }
        let mut yhat = 0.0;
        for &(r, w) in &buf {
            yhat += w * y[r];
            weight[r] += w;
            weight_sq[r] += w * w;
        }
        imputed.push(Some(yhat));
    }
    (imputed, weight, weight_sq)
}

/// The window-sum path of [`impute`] for the Epanechnikov and uniform kernels
/// and radius matching.
fn window_impute(
    targets: &[f64],
    donor_scores: &[f64],
    donor_y: &[f64],
    method: &Method,
) -> Imputation {
    use rayon::prelude::*;
    let sums = WindowSums::new(donor_scores, donor_y);
    let parts: Vec<Option<(f64, f64)>> =
        targets.par_iter().map(|&s| sums.sums(s, method)).collect();
    let inv_mass: Vec<f64> = parts
        .iter()
        .map(|p| p.map_or(0.0, |(_, m)| 1.0 / m))
        .collect();
    let by_target = WindowSums::new(targets, &inv_mass);
    let weight: Vec<f64> = donor_scores
        .par_iter()
        .map(|&p| by_target.sums(p, method).map_or(0.0, |(w, _)| w.max(0.0)))
        .collect();
    Imputation {
        imputed: parts.iter().map(|p| p.map(|(ky, m)| ky / m)).collect(),
        weight_sq: vec![f64::NAN; donor_y.len()],
        weight,
    }
}

/// Only the targets' counterfactuals (no donor weights): what a bootstrap
/// draw needs. The Epanechnikov and uniform kernels and radius matching take
/// O(log n) per target (`WindowSums`), the other kernels and local linear
/// the window sums of `super::smooth`, the spline its fit without the donor
/// weights (`spline::impute_means`, the same values); nearest neighbour
/// goes through [`impute`].
pub fn impute_means(
    targets: &[f64],
    donor_scores: &[f64],
    donor_y: &[f64],
    method: &Method,
) -> Vec<Option<f64>> {
    use rayon::prelude::*;
    if let Method::Spline { knots } = *method {
        return spline::impute_means(targets, donor_scores, donor_y, knots)
            .unwrap_or_else(|| vec![None; targets.len()]);
    }
    if !WindowSums::supports(method) {
        if smooth::handles(method).is_none() {
            return impute(targets, donor_scores, donor_y, method).imputed;
        }
        let donors = Donors::new(donor_scores);
        let y: Vec<f64> = donors.order.iter().map(|&j| donor_y[j]).collect();
        let fits = smooth::fits(targets, &donors.scores, &y, method);
        return fits.iter().map(|f| f.map(|f| f.mean)).collect();
    }
    let sums = WindowSums::new(donor_scores, donor_y);
    targets.par_iter().map(|&s| sums.mean(s, method)).collect()
}

/// Weights (sorted donor position, w_ij) for one target with score `s`;
/// empty if unmatched.
fn donor_weights(d: &Donors, s: f64, method: &Method, buf: &mut Vec<(usize, f64)>) {
    match *method {
        Method::Nearest { k, caliper } => {
            let cal = caliper.unwrap_or(f64::INFINITY);
            buf.extend(
                d.nearest_sorted(s, k, None)
                    .into_iter()
                    .filter(|&r| (d.scores[r] - s).abs() <= cal)
                    .map(|r| (r, 1.0)),
            );
            normalise(buf);
        }
        Method::Radius { caliper } => {
            buf.extend(d.window(s, caliper).map(|r| (r, 1.0)));
            normalise(buf);
        }
        // Kernel and local linear: window sums in `smooth`; spline: `spline`.
        Method::Kernel { .. } | Method::LocalLinear { .. } | Method::Spline { .. } => {}
    }
}

fn normalise(buf: &mut Vec<(usize, f64)>) {
    let total: f64 = buf.iter().map(|t| t.1).sum();
    if total > 0.0 {
        buf.iter_mut().for_each(|t| t.1 /= total);
    } else {
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_includes_ties_at_kth_distance() {
        let d = Donors::new(&[0.1, 0.3, 0.5, 0.3, 0.9]);
        let mut got = d.nearest(0.3, 1, None);
        got.sort();
        assert_eq!(got, vec![1, 3]);
        let mut two = d.nearest(0.4, 2, None);
        two.sort();
        assert_eq!(two, vec![1, 2, 3]);
    }

    #[test]
    fn nearest_skips_own_position() {
        let d = Donors::new(&[0.1, 0.2, 0.6]);
        assert_eq!(d.nearest(0.2, 1, Some(1)), vec![0]);
    }

    fn random(n: usize, seed: u64) -> Vec<f64> {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        (0..n).map(|_| rng.random::<f64>()).collect()
    }

    /// Window-sum means and donor weights (sum_i K_ij / S0_i) against a
    /// plain double loop.
    #[test]
    fn window_sum_weights_match_brute_force() {
        for (seed, h) in [(1, 0.06), (2, 0.01), (3, 0.3)] {
            let (pt, pc, yc) = (
                random(700, seed),
                random(900, seed + 10),
                random(900, seed + 20),
            );
            let yc: Vec<f64> = yc.iter().map(|v| 1e3 + v).collect();
            for kernel in [Kernel::Epanechnikov, Kernel::Uniform] {
                let m = Method::Kernel {
                    kernel,
                    bandwidth: h,
                };
                let got = impute(&pt, &pc, &yc, &m);
                let mut weight = vec![0.0; pc.len()];
                for (t, &s) in pt.iter().enumerate() {
                    let k: Vec<f64> = pc.iter().map(|&p| kernel.weight((p - s) / h)).collect();
                    let mass: f64 = k.iter().sum();
                    let want = (mass > 0.0)
                        .then(|| k.iter().zip(&yc).map(|(a, b)| a * b).sum::<f64>() / mass);
                    match (got.imputed[t], want) {
                        (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9 * b.abs(), "{a} vs {b}"),
                        (a, b) => assert_eq!(a, b),
                    }
                    if mass > 0.0 {
                        weight
                            .iter_mut()
                            .zip(&k)
                            .for_each(|(w, kj)| *w += kj / mass);
                    }
                }
                for (a, b) in got.weight.iter().zip(&weight) {
                    assert!(
                        (a - b).abs() < 1e-9 * (1.0 + b.abs()),
                        "{kernel:?} {h}: {a} vs {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn local_linear_is_exact_on_a_line() {
        let p = [0.1, 0.2, 0.3, 0.45, 0.5];
        let y: Vec<f64> = p.iter().map(|v| 2.0 - 3.0 * v).collect();
        let m = Method::LocalLinear {
            kernel: Kernel::Tricube,
            bandwidth: 0.8,
        };
        let out = impute(&[0.33], &p, &y, &m);
        let got = out.imputed[0].unwrap_or(f64::NAN);
        assert!((got - (2.0 - 3.0 * 0.33)).abs() < 1e-12, "{got}");
    }
}
