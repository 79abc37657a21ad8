//! Endogenous weak-tie choice (Zenou 2013, eqs. 7–11).
//!
//! An agent in an enclave of degree `x` in [0, 1] picks `omega` in (0, 1] to
//! maximise `EV(omega, x) = e*(omega) (y - s x) - C(omega, x)` with the cost
//! `C = (c0 + c1 x) omega^2 / 2`, which has the properties of (7):
//! `C_omega > 0`, `C_x > 0`, `C_omega(0, x) = 0`, `C_omega,x = c1 omega > 0`,
//! `C_omega,omega = c0 + c1 x > 0`. Where (5) holds, `e*` is increasing and
//! concave, so EV is concave on `[omega_min, 1]` and the interior optimum meets
//! the first-order condition `e*'(omega) (y - s x) = (c0 + c1 x) omega`; by
//! the implicit function theorem `d omega*/dx < 0` and hence `d e*/dx < 0`.

use super::analytic::{de_star_domega, e_star, omega_min};
use super::error::{ZenouError, check};
use super::solve::brent_min;

/// `C(omega, x) = (c0 + c1 x) omega^2 / 2`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Cost {
    /// Cost of weak ties outside an enclave (`x = 0`).
    pub c0: f64,
    /// Extra cost per unit of enclave degree `x`.
    pub c1: f64,
}

impl Cost {
    /// `C(omega, x) = (c0 + c1 x) omega^2 / 2`.
    pub fn value(&self, omega: f64, x: f64) -> f64 {
        (self.c0 + self.c1 * x) * omega * omega / 2.0
    }

    /// `dC/d omega`.
    pub fn d_omega(&self, omega: f64, x: f64) -> f64 {
        (self.c0 + self.c1 * x) * omega
    }
}

/// The choice problem of one agent.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ChoiceModel {
    /// Job-information rate lambda.
    pub lambda: f64,
    /// Job-loss rate delta.
    pub delta: f64,
    /// Income from being up.
    pub y: f64,
    /// Living cost per unit of enclave degree.
    pub s: f64,
    /// Cost of weak-tie contact `C(omega, x)`.
    pub cost: Cost,
}

/// The chosen omega and what it implies.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct OmegaChoice {
    /// The maximiser; 0 at the corner where no omega in (0, 1] beats `EV -> 0`
    /// as omega -> 0 (weak ties not worth their cost).
    pub omega: f64,
    /// The steady-state share up e*(omega) at the choice (eq. 6).
    pub e_star: f64,
    /// The value `EV(omega, x) = e*(omega) (y - s x) - C(omega, x)` at the choice.
    pub ev: f64,
    /// Whether the choice is the corner `omega = 0`.
    pub corner: bool,
}

impl ChoiceModel {
    /// Checked model: `lambda > 0`, `delta >= 0`, `y > s >= 0`, `c0 > 0`, `c1 > 0`.
    pub fn new(lambda: f64, delta: f64, y: f64, s: f64, cost: Cost) -> Result<Self, ZenouError> {
        check("lambda", lambda, "a finite number > 0", lambda > 0.0)?;
        check("delta", delta, "a finite number >= 0", delta >= 0.0)?;
        check("s", s, "a finite number >= 0", s >= 0.0)?;
        check("y", y, "a finite number > s", y > s)?;
        check("c0", cost.c0, "a finite number > 0", cost.c0 > 0.0)?;
        check("c1", cost.c1, "a finite number > 0", cost.c1 > 0.0)?;
        Ok(Self {
            lambda,
            delta,
            y,
            s,
            cost,
        })
    }

    fn ratio(&self) -> f64 {
        self.delta / self.lambda
    }

    /// `EV(omega, x)`.
    pub fn ev(&self, omega: f64, x: f64) -> f64 {
        e_star(self.ratio(), omega) * (self.y - self.s * x) - self.cost.value(omega, x)
    }

    /// `dEV/d omega`; zero at an interior optimum.
    pub fn dev_domega(&self, omega: f64, x: f64) -> f64 {
        de_star_domega(self.ratio(), omega) * (self.y - self.s * x) - self.cost.d_omega(omega, x)
    }

    /// `omega*(x)`: Brent's maximiser on `[omega_min, 1]` where EV is concave,
    /// compared with the corner `omega -> 0` (EV -> 0).
    pub fn best_omega(&self, x: f64) -> Result<OmegaChoice, ZenouError> {
        check("x", x, "a number in [0, 1]", (0.0..=1.0).contains(&x))?;
        let corner = OmegaChoice {
            omega: 0.0,
            e_star: 0.0,
            ev: 0.0,
            corner: true,
        };
        let Some(lo) = omega_min(self.ratio()) else {
            return Ok(corner);
        };
        let (omega, neg) = brent_min(|w| -self.ev(w, x), lo, 1.0, 1e-12);
        if -neg <= 0.0 {
            return Ok(corner);
        }
        Ok(OmegaChoice {
            omega,
            e_star: e_star(self.ratio(), omega),
            ev: -neg,
            corner: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_invalid_parameters() {
        let c = Cost { c0: 0.1, c1: 0.2 };
        assert!(ChoiceModel::new(1.0, 0.3, 1.0, 1.0, c).is_err());
        assert!(ChoiceModel::new(1.0, 0.3, 1.0, 0.5, Cost { c0: 0.0, c1: 0.2 }).is_err());
        let m = ChoiceModel::new(1.0, 0.3, 1.0, 0.5, c).unwrap();
        assert!(m.best_omega(1.5).is_err());
    }

    #[test]
    fn prohibitive_cost_gives_the_corner() {
        let m = ChoiceModel::new(1.0, 0.3, 1.0, 0.5, Cost { c0: 50.0, c1: 1.0 }).unwrap();
        assert!(m.best_omega(0.5).unwrap().corner);
    }
}
