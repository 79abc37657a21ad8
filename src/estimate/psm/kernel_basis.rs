//! Kernels written as sums of per-donor features, so that kernel-weighted
//! moments over a window are sums of prefix sums.
//!
//! Scores are measured in bandwidths from a centre g shared by a group of
//! nearby targets: q = (p - g) / h for a donor, t = (s - g) / h for a target,
//! u = q - t. With features F_n(q) = w(q) q^n (n = 0..=D), each kernel moment
//! term is a linear combination of them:
//!
//!   K(u) u^e = sum_n a_n(t, e, side) F_n(q),
//!
//! * polynomial kernels (w = 1): on each side of the target K(u) is a
//!   polynomial, K(u) = sum_k k_k u^k (Epanechnikov 1 - u^2, uniform 1,
//!   tricube 1 -+ 3u^3 + 3u^6 -+ u^9 for u >= 0 / u < 0), and a_n are the
//!   coefficients of K(q - t) (q - t)^e as a polynomial in q (a Taylor shift);
//! * the Gaussian (w = exp(-q^2 / 2)): exp(-(q - t)^2 / 2) =
//!   exp(-t^2 / 2) sum_i (t q)^i / i! w(q), the series of the fast Gauss
//!   transform (Greengard and Strain 1991) about the group centre, truncated
//!   after [`GAUSS_TERMS`] terms. With |t| <= 1/4 and |q| <= 10.25 inside a
//!   window, |t q| <= 2.6 and the truncation error is below
//!   2.6^29 / 29! e^5.2 < 1e-17 relative to each donor's own weight, so the
//!   series is exact to rounding and the cut-off at |u| = 10 stays the only
//!   approximation (as in the direct sums).

use super::method::Kernel;

/// Terms of the Gaussian series (see the module notes).
pub const GAUSS_TERMS: usize = 29;

/// A kernel's feature basis for moments up to u^emax.
#[derive(Debug, Clone)]
pub(crate) struct Basis {
    /// Polynomial coefficients in u on the right (u >= 0) and left (u < 0)
    /// sides; empty for the Gaussian.
    right: Vec<f64>,
    left: Vec<f64>,
    gauss: bool,
    /// Highest feature index D.
    pub degree: usize,
    /// Widest group of targets, in bandwidths (|t| <= width / 2).
    pub group_width: f64,
}

impl Basis {
    pub fn new(kernel: Kernel, emax: usize) -> Self {
        let poly = |right: Vec<f64>, left: Vec<f64>| Basis {
            degree: right.len() - 1 + emax,
            right,
            left,
            gauss: false,
            group_width: 0.5,
        };
        match kernel {
            Kernel::Uniform => poly(vec![1.0], vec![1.0]),
            Kernel::Epanechnikov => poly(vec![1.0, 0.0, -1.0], vec![1.0, 0.0, -1.0]),
            Kernel::Tricube => {
                let mut r = vec![0.0; 10];
                let mut l = vec![0.0; 10];
                for (k, c) in [(0, 1.0), (3, -3.0), (6, 3.0), (9, -1.0)] {
                    r[k] = c;
                    l[k] = if k % 2 == 1 { -c } else { c };
                }
                poly(r, l)
            }
            Kernel::Gaussian => Basis {
                right: Vec::new(),
                left: Vec::new(),
                gauss: true,
                degree: GAUSS_TERMS - 1 + emax,
                group_width: 0.5,
            },
        }
    }

    /// F_0..=F_D at q into `out`.
    #[inline]
    pub fn features(&self, q: f64, out: &mut [f64]) {
        let mut x = if self.gauss {
            (-0.5 * q * q).exp()
        } else {
            1.0
        };
        for f in out.iter_mut() {
            *f = x;
            x *= q;
        }
    }

    /// a_n(t, e, side) into `out` (length D + 1): K(q - t) (q - t)^e =
    /// sum_n out[n] F_n(q) on the given side of the target.
    pub fn coefficients(&self, t: f64, e: usize, left: bool, out: &mut [f64]) {
        out.iter_mut().for_each(|a| *a = 0.0);
        if self.gauss {
            // exp(-t^2/2) sum_i t^i / i! q^i, then times (q - t)^e.
            let mut c = (-0.5 * t * t).exp();
            for (i, a) in out.iter_mut().take(GAUSS_TERMS).enumerate() {
                *a = c;
                c *= t / (i + 1) as f64;
            }
            for _ in 0..e {
                times_q_minus_t(out, t);
            }
            return;
        }
        let k = if left { &self.left } else { &self.right };
        // Polynomial in u: k_k u^(k + e); then shift u = q - t (Horner).
        let m = k.len() + e;
        out[e..m].copy_from_slice(k);
        taylor_shift(&mut out[..m], -t);
    }

    /// Largest |F_n(q)| for |q| <= r.
    pub fn feature_max(&self, n: usize, r: f64) -> f64 {
        let n_f = n as f64;
        if self.gauss {
            let q = r.min(n_f.sqrt());
            (-0.5 * q * q).exp() * q.powi(n as i32)
        } else {
            r.powi(n as i32)
        }
    }
}

/// Multiply the polynomial `c` (coefficients of q^0, q^1, ...) by (q - t);
/// the top coefficient must be free.
fn times_q_minus_t(c: &mut [f64], t: f64) {
    for n in (0..c.len()).rev() {
        let lower = if n > 0 { c[n - 1] } else { 0.0 };
        c[n] = lower - t * c[n];
    }
}

/// Replace the coefficients of P(u) by those of P(q + shift) in q.
fn taylor_shift(c: &mut [f64], shift: f64) {
    let m = c.len();
    for i in 0..m {
        for j in (i..m.saturating_sub(1)).rev() {
            c[j] += shift * c[j + 1];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// sum_n a_n F_n(q) against K(u) u^e computed directly, on both sides,
    /// for every kernel and power, at offsets inside a group.
    #[test]
    fn coefficients_reproduce_the_kernel_moments() {
        for kernel in [
            Kernel::Uniform,
            Kernel::Epanechnikov,
            Kernel::Tricube,
            Kernel::Gaussian,
        ] {
            let b = Basis::new(kernel, 2);
            let (mut f, mut a) = (vec![0.0; b.degree + 1], vec![0.0; b.degree + 1]);
            for t in [-0.25, -0.1, 0.0, 0.07, 0.25] {
                for i in 0..=200 {
                    let u = -kernel.reach() + 2.0 * kernel.reach() * f64::from(i) / 200.0;
                    let q = u + t;
                    b.features(q, &mut f);
                    for e in 0..=2 {
                        b.coefficients(t, e, u < 0.0, &mut a);
                        let got: f64 = a.iter().zip(&f).map(|(x, y)| x * y).sum();
                        let want = kernel.weight(u) * u.powi(e as i32);
                        let open_edge = u.abs() == kernel.reach();
                        assert!(
                            open_edge || (got - want).abs() < 1e-12,
                            "{kernel:?} t {t} u {u} e {e}: {got} vs {want}"
                        );
                    }
                }
            }
        }
    }
}
