//! What a matching method is: the smoothing kernels, the methods, the donor
//! windows every path of [`super::matching`] agrees on, and the imputation
//! they return. Shared by the direct sums, the window sums and the spline, so
//! none of those imports another.

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
    pub(crate) fn reach(self) -> f64 {
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
    Nearest {
        /// Neighbours per target.
        k: usize,
        /// Largest score distance of a donor; `None`: no limit.
        caliper: Option<f64>,
    },
    /// Mean of all donors within `caliper` (psmatch2 `radius`).
    Radius {
        /// Largest score distance of a donor.
        caliper: f64,
    },
    /// Kernel-weighted mean, w_ij = K(u_ij) / sum_j K(u_ij) (psmatch2 `kernel`).
    Kernel {
        /// The kernel `K`.
        kernel: Kernel,
        /// Bandwidth `h`: `u_ij = (p_j - p_i) / h`.
        bandwidth: f64,
    },
    /// Intercept of the kernel-weighted local linear regression of Y_j on
    /// p_j - p_i: w_ij = K_ij (S2 - d_j S1) / (S0 S2 - S1^2), S_r = sum K d^r
    /// (Fan 1992; psmatch2 `llr`).
    LocalLinear {
        /// The kernel `K`.
        kernel: Kernel,
        /// Bandwidth `h`: `K_ij = K((p_j - p_i) / h)`.
        bandwidth: f64,
    },
    /// Natural cubic regression spline of the donors' Y on their score,
    /// evaluated at the target's score (psmatch2 `spline`; see
    /// `super::spline`). `knots: None` = max(3, round(n_donors^(1/4))).
    Spline {
        /// Interior knots; `None`: `max(3, round(n_donors^(1/4)))`.
        knots: Option<usize>,
    },
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
