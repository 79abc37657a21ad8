//! Kernel-weighted donor means in O(log n) per target, for kernels that are
//! polynomials in the score distance: prefix sums over donors sorted by score.
//!
//! With d_j = p_j - s and the window W = {j : |d_j| < h} (|d_j| <= h for the
//! uniform kernel and radius matching), the Epanechnikov kernel
//! K = 1 - d^2 / h^2 gives
//!
//!   sum_W K     = c0 - (c2 - 2 s c1 + s^2 c0) / h^2,
//!   sum_W K Y   = y0 - (y2 - 2 s y1 + s^2 y0) / h^2,
//!
//! where c_r = sum_W q^r and y_r = sum_W Y q^r (q = p - centre, s likewise)
//! are differences of prefix sums. The uniform kernel and radius matching need
//! c0 and y0 only. The bootstrap of kernel matching calls this once per target
//! per draw, where the direct sum costs O(window).
//!
//! The expansion loses about log10(max q^2 / h^2) digits to cancellation;
//! when the kernel mass is small against the window count (all donors near
//! the edge of the window) the target is summed directly instead.

use super::matching::{Kernel, Method};

/// Below this share of the window count, sum_W K is recomputed directly.
const MIN_MASS_SHARE: f64 = 1e-6;

/// Donors sorted by score with prefix sums of q^r and Y q^r, r = 0..2.
/// Windows are located on the raw scores, with the comparisons of the direct
/// sums in [`super::matching`], so both see the same donors.
#[derive(Debug, Clone)]
pub struct WindowSums {
    centre: f64,
    /// Scores, ascending.
    p: Vec<f64>,
    /// Outcomes in the same order.
    y: Vec<f64>,
    /// Prefix sums (length n + 1) of q, q^2, Y, Y q, Y q^2.
    q1: Vec<f64>,
    q2: Vec<f64>,
    y0: Vec<f64>,
    y1: Vec<f64>,
    y2: Vec<f64>,
}

impl WindowSums {
    /// Whether `method` is a kernel this module sums in closed form.
    pub fn supports(method: &Method) -> bool {
        matches!(
            method,
            Method::Radius { .. }
                | Method::Kernel {
                    kernel: Kernel::Epanechnikov | Kernel::Uniform,
                    ..
                }
        )
    }

    pub fn new(scores: &[f64], y: &[f64]) -> Self {
        let mut pairs: Vec<(f64, f64)> = scores.iter().copied().zip(y.iter().copied()).collect();
        pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let centre = match (pairs.first(), pairs.last()) {
            (Some(a), Some(b)) => 0.5 * (a.0 + b.0),
            _ => 0.0,
        };
        let (p, y): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
        let q: Vec<f64> = p.iter().map(|v| v - centre).collect();
        let prefix = |f: &dyn Fn(usize) -> f64| {
            let mut acc = 0.0;
            std::iter::once(0.0)
                .chain((0..q.len()).map(|i| {
                    acc += f(i);
                    acc
                }))
                .collect::<Vec<f64>>()
        };
        WindowSums {
            q1: prefix(&|i| q[i]),
            q2: prefix(&|i| q[i] * q[i]),
            y0: prefix(&|i| y[i]),
            y1: prefix(&|i| y[i] * q[i]),
            y2: prefix(&|i| y[i] * q[i] * q[i]),
            centre,
            p,
            y,
        }
    }

    /// Kernel-weighted mean of the donors' Y around score `s`; `None` when the
    /// window holds no donor with positive weight. `method` must be one that
    /// [`WindowSums::supports`].
    pub fn mean(&self, s: f64, method: &Method) -> Option<f64> {
        match *method {
            Method::Radius { caliper: h }
            | Method::Kernel {
                kernel: Kernel::Uniform,
                bandwidth: h,
            } => {
                let (lo, hi) = self.closed(s, h);
                (hi > lo).then(|| (self.y0[hi] - self.y0[lo]) / (hi - lo) as f64)
            }
            _ => self.epanechnikov(s, bandwidth(method)),
        }
    }

    fn epanechnikov(&self, s: f64, h: f64) -> Option<f64> {
        let lo = self.p.partition_point(|&v| v <= s - h);
        let hi = self.p.partition_point(|&v| v < s + h).max(lo);
        if hi == lo {
            return None;
        }
        let d = |c: &[f64]| c[hi] - c[lo];
        let count = (hi - lo) as f64;
        let h2 = h * h;
        let s_raw = s;
        let s = s - self.centre;
        let mass = count - (d(&self.q2) - 2.0 * s * d(&self.q1) + s * s * count) / h2;
        let ky = d(&self.y0) - (d(&self.y2) - 2.0 * s * d(&self.y1) + s * s * d(&self.y0)) / h2;
        if mass > MIN_MASS_SHARE * count {
            return Some(ky / mass);
        }
        let (mut m, mut t) = (0.0, 0.0);
        for r in lo..hi {
            let u = (self.p[r] - s_raw) / h;
            let k = Kernel::Epanechnikov.weight(u);
            m += k;
            t += k * self.y[r];
        }
        (m > 0.0).then(|| t / m)
    }

    /// Sorted positions lo..hi with |p - s| <= h.
    fn closed(&self, s: f64, h: f64) -> (usize, usize) {
        let lo = self.p.partition_point(|&v| v < s - h);
        let hi = self.p.partition_point(|&v| v <= s + h).max(lo);
        (lo, hi)
    }
}

fn bandwidth(method: &Method) -> f64 {
    match *method {
        Method::Kernel { bandwidth, .. } | Method::LocalLinear { bandwidth, .. } => bandwidth,
        Method::Radius { caliper } => caliper,
        Method::Nearest { caliper, .. } => caliper.unwrap_or(f64::INFINITY),
        Method::Spline { .. } => f64::INFINITY,
    }
}

#[cfg(test)]
mod tests {
    use super::super::matching::impute;
    use super::*;
    use proptest::prelude::*;

    fn methods(h: f64) -> [Method; 3] {
        [
            Method::Radius { caliper: h },
            Method::Kernel {
                kernel: Kernel::Uniform,
                bandwidth: h,
            },
            Method::Kernel {
                kernel: Kernel::Epanechnikov,
                bandwidth: h,
            },
        ]
    }

    proptest! {
        /// Closed-form window sums agree with the direct O(window) sums.
        #[test]
        fn agrees_with_direct_sums(
            donors in prop::collection::vec((0.0f64..1.0, 0.0f64..1.0), 1..200),
            targets in prop::collection::vec(0.0f64..1.0, 1..40),
            h in 0.005f64..0.5,
        ) {
            let (p, y): (Vec<f64>, Vec<f64>) = donors.into_iter().unzip();
            let sums = WindowSums::new(&p, &y);
            for m in methods(h) {
                let direct = impute(&targets, &p, &y, &m).imputed;
                for (t, want) in targets.iter().zip(direct) {
                    let got = sums.mean(*t, &m);
                    match (got, want) {
                        (Some(a), Some(b)) => prop_assert!((a - b).abs() <= 1e-9, "{m:?} {a} {b}"),
                        (None, None) => {}
                        other => prop_assert!(false, "{m:?} at {t}: {other:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn donors_on_the_window_edge_carry_no_epanechnikov_weight() {
        let sums = WindowSums::new(&[0.25, 0.75], &[1.0, 0.0]);
        let m = Method::Kernel {
            kernel: Kernel::Epanechnikov,
            bandwidth: 0.25,
        };
        assert_eq!(sums.mean(0.5, &m), None);
        assert_eq!(sums.mean(0.375, &m), Some(1.0));
        let radius = Method::Radius { caliper: 0.25 };
        assert_eq!(sums.mean(0.5, &radius), Some(0.5));
    }
}
