//! Closed-form steady state of the Zenou (2013) dyad model.
//!
//! With `r = delta / lambda`, a steady state with `e* > 0` exists iff
//! `r < (omega + sqrt(omega (4 - 3 omega))) / 2` (eq. 5), and then
//! `e*(omega) = (sqrt(lambda [lambda + 4 delta (1 - omega)]) - 2 delta + 2 lambda omega - lambda) / (2 lambda omega)`
//! (eq. 6). Outside (5) the only steady state is `e* = 0`.

use super::error::{ZenouError, check};

/// Parameters of the homogeneous dyad model.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Params {
    /// Rate at which an up agent hears of a good job (> 0).
    pub lambda: f64,
    /// Rate at which an up agent falls down (>= 0).
    pub delta: f64,
    /// Probability that a contact is a weak tie, in (0, 1].
    pub omega: f64,
}

impl Params {
    /// Checked parameters: `lambda > 0`, `delta >= 0`, `omega` in (0, 1].
    pub fn new(lambda: f64, delta: f64, omega: f64) -> Result<Self, ZenouError> {
        check("lambda", lambda, "a finite number > 0", lambda > 0.0)?;
        check("delta", delta, "a finite number >= 0", delta >= 0.0)?;
        check(
            "omega",
            omega,
            "a number in (0, 1]",
            omega > 0.0 && omega <= 1.0,
        )?;
        Ok(Self {
            lambda,
            delta,
            omega,
        })
    }

    /// `delta / lambda`.
    pub fn ratio(&self) -> f64 {
        self.delta / self.lambda
    }

    /// Largest `delta / lambda` for which (5) holds at this omega.
    pub fn ratio_bound(&self) -> f64 {
        ratio_bound(self.omega)
    }

    /// Existence condition (5).
    pub fn exists(&self) -> bool {
        self.ratio() < self.ratio_bound()
    }

    /// Steady-state share up, eq. (6); 0 outside (5).
    pub fn e_star(&self) -> f64 {
        e_star(self.ratio(), self.omega)
    }

    /// `d e* / d omega` (0 outside (5)).
    pub fn de_star_domega(&self) -> f64 {
        de_star_domega(self.ratio(), self.omega)
    }
}

/// Right-hand side of (5): `(omega + sqrt(omega (4 - 3 omega))) / 2`.
pub fn ratio_bound(omega: f64) -> f64 {
    (omega + (omega * (4.0 - 3.0 * omega)).sqrt()) / 2.0
}

/// Smallest omega in (0, 1] at which (5) holds for `r = delta / lambda`:
/// the lower root of `omega^2 - (1 + r) omega + r^2 = 0`, written as
/// `2 r^2 / (1 + r + sqrt((1 + r)^2 - 4 r^2))` to avoid cancellation.
/// `None` when no omega in (0, 1] satisfies (5) (`r >= 1`).
pub(crate) fn omega_min(r: f64) -> Option<f64> {
    if !(0.0..1.0).contains(&r) {
        return None;
    }
    let disc = (1.0 + r) * (1.0 + r) - 4.0 * r * r;
    Some(2.0 * r * r / (1.0 + r + disc.sqrt()))
}

/// Numerator of (6) divided by lambda: `sqrt(1 + 4 r (1 - omega)) - 2 r + 2 omega - 1`.
fn numerator(r: f64, omega: f64) -> f64 {
    (1.0 + 4.0 * r * (1.0 - omega)).sqrt() - 2.0 * r + 2.0 * omega - 1.0
}

/// Eq. (6) in terms of `r = delta / lambda`; 0 outside (5), never NaN for
/// `r >= 0`, `omega` in (0, 1].
pub fn e_star(r: f64, omega: f64) -> f64 {
    if r >= ratio_bound(omega) {
        return 0.0;
    }
    (numerator(r, omega) / (2.0 * omega)).clamp(0.0, 1.0)
}

/// `d e*/d omega = (N'(omega) omega - N(omega)) / (2 omega^2)` with
/// `N' = 2 - 2 r / sqrt(1 + 4 r (1 - omega))`; 0 outside (5).
pub fn de_star_domega(r: f64, omega: f64) -> f64 {
    if r >= ratio_bound(omega) {
        return 0.0;
    }
    let s = (1.0 + 4.0 * r * (1.0 - omega)).sqrt();
    let dn = 2.0 - 2.0 * r / s;
    (dn * omega - numerator(r, omega)) / (2.0 * omega * omega)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn omega_one_is_the_sis_endemic_level() {
        // With omega = 1 the model is the SIS epidemic: e* = 1 - delta/lambda.
        for r in [0.0, 0.1, 0.5, 0.9] {
            assert!((e_star(r, 1.0) - (1.0 - r)).abs() < 1e-14);
        }
        assert_eq!(e_star(1.2, 1.0), 0.0);
    }

    #[test]
    fn omega_min_is_where_the_bound_binds() {
        for r in [1e-4, 0.05, 0.3, 0.7, 0.99] {
            let w = omega_min(r).unwrap();
            assert!((ratio_bound(w) - r).abs() < 1e-12 * (1.0 + r), "r={r}");
        }
        assert_eq!(omega_min(1.0), None);
    }

    #[test]
    fn rejects_out_of_range_parameters() {
        assert!(Params::new(0.0, 0.1, 0.5).is_err());
        assert!(Params::new(1.0, -0.1, 0.5).is_err());
        assert!(Params::new(1.0, 0.1, 0.0).is_err());
        assert!(Params::new(1.0, 0.1, 1.01).is_err());
        assert!(Params::new(1.0, f64::NAN, 0.5).is_err());
        assert!(Params::new(1.0, 0.0, 1.0).is_ok());
    }
}
