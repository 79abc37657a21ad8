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

use super::spline;
use super::window_sums::WindowSums;

/// Smoothing kernel K(u) on the standardised distance u = (p_j - p_i) / h.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// (1 - u^2) on |u| < 1 (psmatch2's default for `kernel`).
    Epanechnikov,
    /// exp(-u^2 / 2), cut off at |u| > 10 where it is below 2e-22 of its peak.
    Gaussian,
    /// (1 - |u|^3)^3 on |u| < 1 (psmatch2's default for `llr`).
    Tricube,
    /// 1 on |u| <= 1.
    Uniform,
}

impl Kernel {
    /// Half-width of the support in units of the bandwidth.
    fn reach(self) -> f64 {
        match self {
            Kernel::Gaussian => 10.0,
            _ => 1.0,
        }
    }

    /// K(u), up to a constant that cancels in the weights.
    pub fn weight(self, u: f64) -> f64 {
        let a = u.abs();
        match self {
            Kernel::Epanechnikov if a < 1.0 => 1.0 - u * u,
            Kernel::Tricube if a < 1.0 => (1.0 - a * a * a).powi(3),
            Kernel::Uniform if a <= 1.0 => 1.0,
            Kernel::Gaussian if a <= 10.0 => (-0.5 * u * u).exp(),
            _ => 0.0,
        }
    }
}

/// How a target's counterfactual is built from the donors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    /// Mean of the k nearest donors, with replacement. All donors tied with
    /// the k-th distance are included (as Stata's `teffects` and R's
    /// `Matching` with `ties = TRUE`); with a caliper, donors farther than it
    /// are dropped and a target with none left is unmatched.
    Nearest { k: usize, caliper: Option<f64> },
    /// Mean of all donors within `caliper` (psmatch2 `radius`).
    Radius { caliper: f64 },
    /// Kernel-weighted mean, w_ij = K(u_ij) / sum_j K(u_ij) (psmatch2 `kernel`).
    Kernel { kernel: Kernel, bandwidth: f64 },
    /// Intercept of the kernel-weighted local linear regression of Y_j on
    /// p_j - p_i: w_ij = K_ij (S2 - d_j S1) / (S0 S2 - S1^2), S_r = sum K d^r
    /// (Fan 1992; psmatch2 `llr`).
    LocalLinear { kernel: Kernel, bandwidth: f64 },
    /// Natural cubic regression spline of the donors' Y on their score,
    /// evaluated at the target's score (psmatch2 `spline`; see
    /// [`super::spline`]). `knots: None` = max(3, round(n_donors^(1/4))).
    Spline { knots: Option<usize> },
}

/// Donors sorted by score.
#[derive(Debug, Clone)]
pub struct Donors {
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

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Smallest and largest donor score.
    pub fn range(&self) -> Option<(f64, f64)> {
        Some((*self.scores.first()?, *self.scores.last()?))
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

/// Positions in ascending `sorted` scores with s - h <= p <= s + h (radius
/// matching's window).
pub(crate) fn closed_window(sorted: &[f64], s: f64, h: f64) -> std::ops::Range<usize> {
    let lo = sorted.partition_point(|&p| p < s - h);
    let hi = sorted.partition_point(|&p| p <= s + h);
    lo..hi.max(lo)
}

/// Positions in ascending `sorted` scores whose standardised distance
/// u = (p - s) / h satisfies |u| <= reach (|u| < reach when `open`). u is
/// computed exactly as the kernel weights compute it and is monotone in p, so
/// two binary searches find the window and every path sees the same donors.
pub(crate) fn kernel_window(
    sorted: &[f64],
    s: f64,
    h: f64,
    reach: f64,
    open: bool,
) -> std::ops::Range<usize> {
    let u = |p: f64| (p - s) / h;
    let (lo, hi) = if open {
        (
            sorted.partition_point(|&p| u(p) <= -reach),
            sorted.partition_point(|&p| u(p) < reach),
        )
    } else {
        (
            sorted.partition_point(|&p| u(p) < -reach),
            sorted.partition_point(|&p| u(p) <= reach),
        )
    };
    lo..hi.max(lo)
}

/// Counterfactuals of the targets and the donors' accumulated weights.
#[derive(Debug, Clone)]
pub struct Imputation {
    /// Y_hat per target, `None` when it has no usable donor (unmatched).
    pub imputed: Vec<Option<f64>>,
    /// sum over targets of w_ij, per donor.
    pub weight: Vec<f64>,
    /// sum over targets of w_ij^2, per donor.
    pub weight_sq: Vec<f64>,
}

/// Impute every target's counterfactual from the donors with `method`.
///
/// * Epanechnikov and uniform kernels: O(log n) per target and per donor by
///   [`WindowSums`] — the means from the donors' prefix sums, each donor's
///   sum_i w_ij = sum_i K_ij / S0_i from the targets' prefix sums of 1 / S0_i
///   (K is symmetric, so the same window predicate holds from either side).
///   These methods' SEs come from the bootstrap, so `weight_sq` (read only
///   by the Abadie-Imbens variance of nearest-neighbour matching) is NaN.
/// * Other kernels and local linear: direct O(window) sums, targets in
///   score order split into fixed chunks run in parallel, each accumulating
///   donor weights over its contiguous donor span; chunks are added in order,
///   so the result does not depend on the number of threads.
/// * Nearest neighbour, radius: direct sums in target order.
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
    if matches!(method, Method::Kernel { .. }) && WindowSums::supports(method) {
        return window_impute(targets, donor_scores, donor_y, method);
    }
    let donors = Donors::new(donor_scores);
    let y: Vec<f64> = donors.order.iter().map(|&j| donor_y[j]).collect();
    let (imputed, weight, weight_sq) = match method {
        Method::Kernel { .. } | Method::LocalLinear { .. } => {
            chunked_direct(&donors, &y, targets, method)
        }
        _ => sequential_direct(&donors, &y, targets, method),
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

/// Targets per parallel chunk, and chunks in flight at once (bounds the
/// memory of the chunks' donor-span accumulators). Fixed, so the chunking
/// and the summation order do not depend on the thread count.
const CHUNK: usize = 1024;
const CHUNKS_IN_FLIGHT: usize = 32;

/// One chunk's imputations and its accumulated donor weights over the
/// sorted donor positions `start..start + weight.len()`.
struct ChunkOut {
    imputed: Vec<(usize, Option<f64>)>,
    start: usize,
    weight: Vec<f64>,
    weight_sq: Vec<f64>,
}

fn chunked_direct(donors: &Donors, y: &[f64], targets: &[f64], method: &Method) -> Direct {
    use rayon::prelude::*;
    let mut order: Vec<usize> = (0..targets.len()).collect();
    order.sort_unstable_by(|&a, &b| targets[a].total_cmp(&targets[b]).then(a.cmp(&b)));
    let (h, reach) = match *method {
        Method::Kernel { kernel, bandwidth } | Method::LocalLinear { kernel, bandwidth } => {
            (bandwidth, kernel.reach())
        }
        _ => (f64::INFINITY, 1.0),
    };
    let span = |ids: &[usize]| -> std::ops::Range<usize> {
        let (first, last) = (targets[ids[0]], targets[ids[ids.len() - 1]]);
        let a = kernel_window(&donors.scores, first, h, reach, false).start;
        let b = kernel_window(&donors.scores, last, h, reach, false).end;
        a..b.max(a)
    };
    let run = |ids: &[usize]| -> ChunkOut {
        let sp = span(ids);
        let (mut weight, mut weight_sq) = (vec![0.0; sp.len()], vec![0.0; sp.len()]);
        let mut buf: Vec<(usize, f64)> = Vec::new();
        let mut imputed = Vec::with_capacity(ids.len());
        for &t in ids {
            buf.clear();
            donor_weights(donors, targets[t], method, &mut buf);
            if buf.is_empty() {
                imputed.push((t, None));
                continue;
            }
            let mut yhat = 0.0;
            for &(r, w) in &buf {
                yhat += w * y[r];
                weight[r - sp.start] += w;
                weight_sq[r - sp.start] += w * w;
            }
            imputed.push((t, Some(yhat)));
        }
        ChunkOut {
            imputed,
            start: sp.start,
            weight,
            weight_sq,
        }
    };
    let mut imputed = vec![None; targets.len()];
    let (mut weight, mut weight_sq) = (vec![0.0; y.len()], vec![0.0; y.len()]);
    let chunks: Vec<&[usize]> = order.chunks(CHUNK).collect();
    for batch in chunks.chunks(CHUNKS_IN_FLIGHT) {
        let outs: Vec<ChunkOut> = batch.par_iter().map(|ids| run(ids)).collect();
        for c in outs {
            for (t, v) in c.imputed {
                imputed[t] = v;
            }
            for (k, (w, w2)) in c.weight.iter().zip(&c.weight_sq).enumerate() {
                weight[c.start + k] += w;
                weight_sq[c.start + k] += w2;
            }
        }
    }
    (imputed, weight, weight_sq)
}

/// The window-sum path of [`impute`] for the Epanechnikov and uniform kernels.
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
/// draw needs. Kernels with closed-form window sums take O(log n) per target
/// ([`WindowSums`]); the others are summed directly.
pub fn impute_means(
    targets: &[f64],
    donor_scores: &[f64],
    donor_y: &[f64],
    method: &Method,
) -> Vec<Option<f64>> {
    if !WindowSums::supports(method) {
        return impute(targets, donor_scores, donor_y, method).imputed;
    }
    use rayon::prelude::*;
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
        Method::Kernel { kernel, bandwidth } => {
            kernel_terms(d, s, kernel, bandwidth, buf);
            normalise(buf);
        }
        Method::LocalLinear { kernel, bandwidth } => {
            kernel_terms(d, s, kernel, bandwidth, buf);
            local_linear(&d.scores, s, buf);
        }
        Method::Spline { .. } => {}
    }
}

fn kernel_terms(d: &Donors, s: f64, kernel: Kernel, h: f64, buf: &mut Vec<(usize, f64)>) {
    for r in kernel_window(&d.scores, s, h, kernel.reach(), false) {
        let w = kernel.weight((d.scores[r] - s) / h);
        if w > 0.0 {
            buf.push((r, w));
        }
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

/// Turn kernel weights K_ij into local-linear weights; clears `buf` when the
/// window holds fewer than two distinct scores (the local slope is undefined).
fn local_linear(p: &[f64], s: f64, buf: &mut Vec<(usize, f64)>) {
    let (mut s0, mut s1, mut s2) = (0.0, 0.0, 0.0);
    for &(j, k) in buf.iter() {
        let dj = p[j] - s;
        s0 += k;
        s1 += k * dj;
        s2 += k * dj * dj;
    }
    let den = s0 * s2 - s1 * s1;
    if den.is_nan() || den <= 1e-12 * s0 * s2 {
        buf.clear();
        return;
    }
    buf.iter_mut()
        .for_each(|t| t.1 = t.1 * (s2 - (p[t.0] - s) * s1) / den);
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

    /// The chunked parallel direct sums are bit-identical on 1 and 4
    /// threads, and equal to the one-target-at-a-time sums up to rounding.
    #[test]
    fn chunked_direct_sums_do_not_depend_on_threads() {
        let (pt, pc, yc) = (random(5000, 7), random(3000, 8), random(3000, 9));
        for m in [
            Method::Kernel {
                kernel: Kernel::Tricube,
                bandwidth: 0.05,
            },
            Method::LocalLinear {
                kernel: Kernel::Gaussian,
                bandwidth: 0.02,
            },
        ] {
            let on = |threads: usize| {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .map_err(|e| e.to_string());
                let run = || impute(&pt, &pc, &yc, &m);
                match pool {
                    Ok(p) => p.install(run),
                    Err(e) => panic!("{e}"),
                }
            };
            let (one, four) = (on(1), on(4));
            assert_eq!(one.imputed, four.imputed);
            assert_eq!(one.weight, four.weight);
            assert_eq!(one.weight_sq, four.weight_sq);
            let donors = Donors::new(&pc);
            let y: Vec<f64> = donors.order.iter().map(|&j| yc[j]).collect();
            let (seq, w, _) = sequential_direct(&donors, &y, &pt, &m);
            for (a, b) in one.imputed.iter().zip(&seq) {
                match (a, b) {
                    (Some(a), Some(b)) => assert!((a - b).abs() < 1e-12),
                    (a, b) => assert_eq!(a, b),
                }
            }
            for (r, &j) in donors.order.iter().enumerate() {
                assert!((one.weight[j] - w[r]).abs() < 1e-9);
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
