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
/// Weights are accumulated in the donors' sorted order (contiguous windows)
/// and put back into the caller's order at the end.
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
    let donors = Donors::new(donor_scores);
    let y: Vec<f64> = donors.order.iter().map(|&j| donor_y[j]).collect();
    let (mut weight, mut weight_sq) = (vec![0.0; y.len()], vec![0.0; y.len()]);
    let mut imputed = Vec::with_capacity(targets.len());
    let mut buf: Vec<(usize, f64)> = Vec::new();
    for &s in targets {
        if let Method::Kernel { kernel, bandwidth } = *method {
            let acc = (&mut weight[..], &mut weight_sq[..]);
            imputed.push(kernel_mean(&donors, &y, s, kernel, bandwidth, acc));
            continue;
        }
        buf.clear();
        donor_weights(&donors, s, method, &mut buf);
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
    let sums = WindowSums::new(donor_scores, donor_y);
    targets.iter().map(|&s| sums.mean(s, method)).collect()
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

/// Kernel-weighted mean of the sorted donors' `y` around `s`, adding each
/// donor's normalised weight (and its square) to `acc`. The window is
/// contiguous in sorted order, so every pass is over plain slices.
fn kernel_mean(
    d: &Donors,
    y: &[f64],
    s: f64,
    kernel: Kernel,
    h: f64,
    acc: (&mut [f64], &mut [f64]),
) -> Option<f64> {
    let win = kernel_window(&d.scores, s, h, kernel.reach(), false);
    let k: Vec<f64> = d.scores[win.clone()]
        .iter()
        .map(|&p| kernel.weight((p - s) / h))
        .collect();
    let total = lanes_sum(k.iter().copied());
    if total.is_nan() || total <= 0.0 {
        return None;
    }
    let inv = 1.0 / total;
    let (weight, weight_sq) = acc;
    for ((w, w2), &kj) in weight[win.clone()]
        .iter_mut()
        .zip(&mut weight_sq[win.clone()])
        .zip(&k)
    {
        let v = kj * inv;
        *w += v;
        *w2 += v * v;
    }
    Some(lanes_sum(k.iter().zip(&y[win]).map(|(a, b)| a * b)) * inv)
}

/// Sum in four interleaved accumulators (breaks the add-latency chain;
/// the order is fixed, so the result is deterministic).
fn lanes_sum(v: impl Iterator<Item = f64>) -> f64 {
    let mut acc = [0.0; 4];
    for (i, x) in v.enumerate() {
        acc[i & 3] += x;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
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
