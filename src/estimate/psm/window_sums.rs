//! Kernel-weighted donor means in O(log n) per target, for kernels that are
//! polynomials in the score distance: prefix sums over donors sorted by score.
//!
//! With d_j = p_j - s, the window W = {j : |d_j| < h} (|d_j| <= h for the
//! uniform kernel, on the raw scores for radius matching) and the
//! Epanechnikov kernel K = 1 - d^2 / h^2,
//!
//!   sum_W K     = c0 - (c2 - 2 s c1 + s^2 c0) / h^2,
//!   sum_W K Y~  = y0 - (y2 - 2 s y1 + s^2 y0) / h^2,
//!
//! where c_r = sum_W q^r and y_r = sum_W Y~ q^r (q = p - centre, s likewise,
//! Y~ = Y - mean Y of the donors, added back to the mean) are differences of
//! prefix sums. The uniform kernel and radius matching need c0 and y0 only.
//! A bootstrap draw of kernel matching calls this once per target, where the
//! direct sum costs O(window).
//!
//! Accuracy: the prefix sums are compensated (Neumaier), so a window's c_r
//! and y_r carry an error of a few eps times their own size, not the size of
//! the whole prefix. The expansion then loses about log10(c2 / (h^2 c0))
//! digits to cancellation; [`WindowSums::mean`] bounds that error and sums the
//! target's window directly when the bound exceeds [`MEAN_TOL`] relative to
//! the mean, so the result always agrees with the direct sums to about that
//! tolerance.

use super::method::{Kernel, Method, closed_window, kernel_window};

/// Largest error (relative to 1 + |mean|) accepted from the closed form.
const MEAN_TOL: f64 = 1e-11;

/// Prefix sums with a running compensation term: sum over [0, i) is
/// `hi[i] + lo[i]`.
#[derive(Debug, Clone)]
struct Compensated {
    hi: Vec<f64>,
    lo: Vec<f64>,
}

impl Compensated {
    fn new(terms: impl Iterator<Item = f64>) -> Self {
        let (mut s, mut c) = (0.0f64, 0.0f64);
        let (mut hi, mut lo) = (vec![0.0], vec![0.0]);
        for x in terms {
            let t = s + x;
            c += if s.abs() >= x.abs() {
                (s - t) + x
            } else {
                (x - t) + s
            };
            s = t;
            hi.push(s);
            lo.push(c);
        }
        Compensated { hi, lo }
    }

    /// Sum over sorted positions [a, b).
    fn range(&self, a: usize, b: usize) -> f64 {
        (self.hi[b] - self.hi[a]) + (self.lo[b] - self.lo[a])
    }
}

/// Donors sorted by score with compensated prefix sums of q^r and Y~ q^r,
/// r = 0..2.
#[derive(Debug, Clone)]
pub struct WindowSums {
    centre: f64,
    y_mean: f64,
    /// Largest |Y~|.
    y_max: f64,
    /// Scores, ascending.
    p: Vec<f64>,
    /// Centred outcomes Y~ in the same order.
    y: Vec<f64>,
    q1: Compensated,
    q2: Compensated,
    y0: Compensated,
    y1: Compensated,
    y2: Compensated,
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
        let y_mean = y.iter().sum::<f64>() / y.len().max(1) as f64;
        let (p, y): (Vec<f64>, Vec<f64>) = pairs.into_iter().map(|(p, v)| (p, v - y_mean)).unzip();
        let q: Vec<f64> = p.iter().map(|v| v - centre).collect();
        let sums = |f: &dyn Fn(usize) -> f64| Compensated::new((0..q.len()).map(f));
        WindowSums {
            q1: sums(&|i| q[i]),
            q2: sums(&|i| q[i] * q[i]),
            y0: sums(&|i| y[i]),
            y1: sums(&|i| y[i] * q[i]),
            y2: sums(&|i| y[i] * q[i] * q[i]),
            y_max: y.iter().fold(0.0, |m, v| m.max(v.abs())),
            centre,
            y_mean,
            p,
            y,
        }
    }

    /// Kernel-weighted mean of the donors' Y around score `s`; `None` when the
    /// window holds no donor with positive weight. `method` must be one that
    /// [`WindowSums::supports`].
    pub fn mean(&self, s: f64, method: &Method) -> Option<f64> {
        self.parts(s, method).map(|(m, _)| m + self.y_mean)
    }

    /// `(sum_W K Y, sum_W K)` around score `s` (the kernel's mass), with the
    /// accuracy of [`WindowSums::mean`] relative to the mass; `None` as there.
    pub fn sums(&self, s: f64, method: &Method) -> Option<(f64, f64)> {
        self.parts(s, method)
            .map(|(m, mass)| ((m + self.y_mean) * mass, mass))
    }

    /// Centred mean and kernel mass.
    fn parts(&self, s: f64, method: &Method) -> Option<(f64, f64)> {
        match *method {
            Method::Radius { caliper: h } => {
                let w = closed_window(&self.p, s, h);
                self.flat(w.start, w.end)
            }
            Method::Kernel {
                kernel: Kernel::Uniform,
                bandwidth: h,
            } => {
                let w = kernel_window(&self.p, s, h, 1.0, false);
                self.flat(w.start, w.end)
            }
            Method::Kernel { bandwidth: h, .. } => self.epanechnikov(s, h),
            _ => None,
        }
    }

    /// Mean of Y~ over [lo, hi) and the count; the closed form's error is a
    /// few eps times the largest |Y~|.
    fn flat(&self, lo: usize, hi: usize) -> Option<(f64, f64)> {
        (hi > lo).then(|| {
            let count = (hi - lo) as f64;
            let mean = self.y0.range(lo, hi) / count;
            if 4.0 * f64::EPSILON * self.y_max <= MEAN_TOL * (1.0 + (mean + self.y_mean).abs()) {
                (mean, count)
            } else {
                (self.y[lo..hi].iter().sum::<f64>() / count, count)
            }
        })
    }

    fn epanechnikov(&self, s: f64, h: f64) -> Option<(f64, f64)> {
        let w = kernel_window(&self.p, s, h, 1.0, true);
        let (lo, hi) = (w.start, w.end);
        if hi == lo {
            return None;
        }
        let count = (hi - lo) as f64;
        let sc = s - self.centre;
        let (c1, c2) = (self.q1.range(lo, hi), self.q2.range(lo, hi));
        let h2 = h * h;
        let mass = count - (c2 - 2.0 * sc * c1 + sc * sc * count) / h2;
        let (y0, y1, y2) = (
            self.y0.range(lo, hi),
            self.y1.range(lo, hi),
            self.y2.range(lo, hi),
        );
        let ky = y0 - (y2 - 2.0 * sc * y1 + sc * sc * y0) / h2;
        // |c1| <= sqrt(c0 c2) (Cauchy-Schwarz); each term's rounding error is
        // a few eps times its size.
        let size = (c2 + 2.0 * sc.abs() * (count * c2).sqrt() + sc * sc * count) / h2 + count;
        let err_mass = 8.0 * f64::EPSILON * size;
        let err_ky = err_mass * self.y_max;
        if mass > 0.0 {
            let m = ky / mass;
            if err_ky + m.abs() * err_mass <= MEAN_TOL * (1.0 + (m + self.y_mean).abs()) * mass
                && err_mass <= MEAN_TOL * mass
            {
                return Some((m, mass));
            }
        }
        let (mut m, mut t) = (0.0, 0.0);
        for r in lo..hi {
            let k = Kernel::Epanechnikov.weight((self.p[r] - s) / h);
            m += k;
            t += k * self.y[r];
        }
        (m > 0.0).then(|| (t / m, m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};

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

    /// Kernel-weighted means by a plain loop over every donor.
    pub(crate) fn brute_force_means(
        targets: &[f64],
        p: &[f64],
        y: &[f64],
        m: &Method,
    ) -> Vec<Option<f64>> {
        targets
            .iter()
            .map(|&s| {
                let (mut mass, mut ky) = (0.0, 0.0);
                for (&pj, &yj) in p.iter().zip(y) {
                    let k = match *m {
                        Method::Radius { caliper: h } => {
                            f64::from(u8::from(pj >= s - h && pj <= s + h))
                        }
                        Method::Kernel { kernel, bandwidth } => kernel.weight((pj - s) / bandwidth),
                        _ => f64::NAN,
                    };
                    mass += k;
                    ky += k * yj;
                }
                (mass > 0.0).then(|| ky / mass)
            })
            .collect()
    }

    /// Every target's closed-form mean against the direct O(window) sums.
    fn agree(p: &[f64], y: &[f64], targets: &[f64], h: f64) -> Result<(), String> {
        let sums = WindowSums::new(p, y);
        for m in methods(h) {
            let direct = brute_force_means(targets, p, y, &m);
            for (t, want) in targets.iter().zip(direct) {
                match (sums.mean(*t, &m), want) {
                    (Some(a), Some(b)) if (a - b).abs() <= 1e-9 * (1.0 + b.abs()) => {}
                    (None, None) => {}
                    other => return Err(format!("{m:?} at {t}: {other:?}")),
                }
            }
        }
        Ok(())
    }

    proptest! {
        /// Including offset outcomes, tiny bandwidths and targets exactly one
        /// bandwidth from a donor (the window edges).
        #[test]
        fn agrees_with_direct_sums(
            donors in prop::collection::vec((0.0f64..1.0, 0.0f64..1.0), 1..200),
            targets in prop::collection::vec(0.0f64..1.0, 1..40),
            log_h in -5.0f64..-0.3,
            offset in prop::sample::select(vec![0.0, 1e4, -3e6]),
        ) {
            let h = 10f64.powf(log_h);
            let (p, y): (Vec<f64>, Vec<f64>) =
                donors.iter().map(|&(p, y)| (p, offset + y)).unzip();
            let mut t = targets;
            t.extend(p.iter().take(10).flat_map(|&v| [v + h, v - h]));
            prop_assert_eq!(agree(&p, &y, &t, h), Ok(()));
        }
    }

    /// Many donors, outcomes far from zero, a narrow bandwidth: the prefix
    /// sums' rounding grows with the prefix, the window's does not.
    #[test]
    fn large_samples_with_offset_outcomes_agree() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(5);
        let n = 200_000;
        let p: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
        let y: Vec<f64> = (0..n).map(|_| 1e4 + 100.0 * rng.random::<f64>()).collect();
        let targets: Vec<f64> = (0..300).map(|_| rng.random::<f64>()).collect();
        for h in [1e-3, 1e-4, 1e-5] {
            assert_eq!(agree(&p, &y, &targets, h), Ok(()), "h = {h}");
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
