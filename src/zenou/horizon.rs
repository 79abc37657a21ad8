//! The weak-tie choice over a finite stay in the city: the information a
//! migrant receives from arrival to year T, not only in the steady state.
//!
//! One migrant's job state is a two-state Markov chain: down -> up at rate
//! `a`, up -> down at rate `delta`. The up rate is the one under which the
//! chain's stationary probability is Zenou's steady state (2013, eq. 6),
//! `a / (a + delta) = e*(omega)`, i.e. `a(omega) = delta e* / (1 - e*)`:
//! the migrant meets the steady-state environment of the city. Starting
//! from `p0` (the entry state: the share up on arrival) the chain gives
//! (Karlin and Taylor 1975, ch. 4)
//!
//!   P(up at t) = e* + (p0 - e*) exp(-k t),      k = a + delta = delta / (1 - e*),
//!
//! and the mean over the stay [0, T]
//!
//!   m_T(omega) = (1/T) int_0^T P(up at t) dt
//!              = e* + (p0 - e*) (1 - exp(-k T)) / (k T).
//!
//! The migrant picks omega maximising
//!
//!   EV_T(omega, x) = m_T(omega) (y - s x) - C(omega, x)
//!
//! (the paper's EV with e* replaced by m_T). As T -> infinity
//! `m_T -> e*` and the choice is the steady-state one (`choice::best_omega`).
//! A higher omega raises e* and also speeds the approach to it (k rises with
//! e*), so with p0 < e* a short stay weighs the speed of the climb as well as
//! its end. Below `omega_min` (eq. 5 fails) e* = 0 and
//! `m_T = p0 (1 - exp(-delta T)) / (delta T)` does not depend on omega, so
//! there the best omega is the corner 0 (no weak-tie cost).

use super::analytic::{e_star, omega_min};
use super::choice::{ChoiceModel, OmegaChoice};
use super::error::{ZenouError, check};
use super::solve::brent_min;

/// `(1 - exp(-u)) / u`, 1 at u = 0.
fn relaxation(u: f64) -> f64 {
    if u < 1e-10 { 1.0 } else { -(-u).exp_m1() / u }
}

/// Entry state and length of the stay.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Stay {
    /// Probability of being up on arrival, in [0, 1].
    pub p0: f64,
    /// Years in the city over which information counts, > 0.
    pub years: f64,
}

impl Stay {
    /// A checked stay: `p0` in [0, 1], `years` finite and > 0.
    pub fn new(p0: f64, years: f64) -> Result<Self, ZenouError> {
        check(
            "p0",
            p0,
            "a probability in [0, 1]",
            (0.0..=1.0).contains(&p0),
        )?;
        check("years", years, "a finite number of years > 0", years > 0.0)?;
        Ok(Self { p0, years })
    }
}

/// `m_T`: the mean probability of being up over `[0, T]` for `r = delta /
/// lambda`, rate `delta` and weak-tie share `omega`. At `delta = 0` (nobody
/// falls, e* = 1) the chain jumps to e* at once and `m_T = e*`.
pub fn mean_up(r: f64, delta: f64, omega: f64, stay: Stay) -> f64 {
    let e = e_star(r, omega);
    if delta <= 0.0 || e >= 1.0 {
        return e;
    }
    let k = delta / (1.0 - e);
    e + (stay.p0 - e) * relaxation(k * stay.years)
}

/// `P(up at t)` of the chain (the integrand of [`mean_up`]).
pub fn prob_up(r: f64, delta: f64, omega: f64, p0: f64, t: f64) -> f64 {
    let e = e_star(r, omega);
    if delta <= 0.0 || e >= 1.0 {
        return e;
    }
    e + (p0 - e) * (-delta / (1.0 - e) * t).exp()
}

/// Grid points over `[omega_min, 1]` before Brent's refinement: `EV_T` need
/// not be concave, so the best grid cell is found first.
const GRID: usize = 64;

impl ChoiceModel {
    /// `EV_T(omega, x) = m_T(omega) (y - s x) - C(omega, x)`.
    pub fn ev_over(&self, omega: f64, x: f64, stay: Stay) -> f64 {
        let m = mean_up(self.delta / self.lambda, self.delta, omega, stay);
        m * (self.y - self.s * x) - self.cost.value(omega, x)
    }

    /// `omega*_T(x)`: the best of a grid over `[omega_min, 1]`, refined by
    /// Brent's minimiser in the neighbouring cells, compared with the corner
    /// omega = 0 (`EV_T = m_T(0) (y - s x)`).
    pub fn best_omega_over(&self, x: f64, stay: Stay) -> Result<OmegaChoice, ZenouError> {
        check("x", x, "a number in [0, 1]", (0.0..=1.0).contains(&x))?;
        let r = self.delta / self.lambda;
        let corner_ev = mean_up(r, self.delta, 0.0, stay) * (self.y - self.s * x);
        let corner = OmegaChoice {
            omega: 0.0,
            e_star: 0.0,
            ev: corner_ev,
            corner: true,
        };
        let Some(lo) = omega_min(r) else {
            return Ok(corner);
        };
        let ev = |w: f64| self.ev_over(w, x, stay);
        let step = (1.0 - lo) / GRID as f64;
        let best = (0..=GRID)
            .map(|k| lo + step * k as f64)
            .max_by(|a, b| ev(*a).total_cmp(&ev(*b)))
            .unwrap_or(1.0);
        let (a, b) = ((best - step).max(lo), (best + step).min(1.0));
        let (omega, neg) = brent_min(|w| -ev(w), a, b, 1e-12);
        if -neg <= corner_ev {
            return Ok(corner);
        }
        Ok(OmegaChoice {
            omega,
            e_star: e_star(r, omega),
            ev: -neg,
            corner: false,
        })
    }
}
