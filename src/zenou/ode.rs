//! The three dyad ODEs of Zenou (2013) and an adaptive Dormand–Prince 5(4)
//! integrator that runs them to steady state.
//!
//! The integrator is written here (about 80 lines, Dormand & Prince 1980,
//! coefficients as in Hairer, Nørsett & Wanner, "Solving ODEs I", table 5.2,
//! with the standard PI-free step controller) rather than taken from a crate:
//! the maintained Rust ODE crates pull in nalgebra and offer no steady-state
//! stop, which is all this model needs.
//!
//! ```text
//! dQ0/dt = delta Q1 - 2 omega e lambda Q0
//! dQ1/dt = 2 omega e lambda Q0 - [delta + lambda - omega lambda + omega lambda e] Q1 + 2 delta Q2
//! dQ2/dt = [1 - omega + omega e] lambda Q1 - 2 delta Q2,      e = 2 Q2 + Q1.
//! ```

use super::analytic::Params;

/// Settings of the steady-state integration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OdeOptions {
    /// Relative tolerance of one step.
    pub rtol: f64,
    /// Absolute tolerance of one step.
    pub atol: f64,
    /// Stop when `max |dy/dt|` falls below this (steady state reached). It
    /// must sit above the noise floor of error-controlled steps, about
    /// `rtol |y| |J|`; the distance to the fixed point is then about
    /// `steady_tol / |slowest eigenvalue|`.
    pub steady_tol: f64,
    /// Give up at this time (result marked not converged).
    pub t_max: f64,
    /// Give up after this many accepted and rejected steps.
    pub max_steps: usize,
}

impl Default for OdeOptions {
    fn default() -> Self {
        Self {
            rtol: 1e-12,
            atol: 1e-14,
            steady_tol: 1e-11,
            t_max: 1e9,
            max_steps: 2_000_000,
        }
    }
}

/// End point of a steady-state integration.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SteadyState {
    pub y: Vec<f64>,
    pub t: f64,
    pub steps: usize,
    /// `max |dy/dt|` at `y`.
    pub residual: f64,
    pub converged: bool,
}

const A: [[f64; 6]; 6] = [
    [1.0 / 5.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [3.0 / 40.0, 9.0 / 40.0, 0.0, 0.0, 0.0, 0.0],
    [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0, 0.0, 0.0, 0.0],
    [
        19372.0 / 6561.0,
        -25360.0 / 2187.0,
        64448.0 / 6561.0,
        -212.0 / 729.0,
        0.0,
        0.0,
    ],
    [
        9017.0 / 3168.0,
        -355.0 / 33.0,
        46732.0 / 5247.0,
        49.0 / 176.0,
        -5103.0 / 18656.0,
        0.0,
    ],
    [
        35.0 / 384.0,
        0.0,
        500.0 / 1113.0,
        125.0 / 192.0,
        -2187.0 / 6784.0,
        11.0 / 84.0,
    ],
];
/// Fifth-order weights minus embedded fourth-order weights.
const E: [f64; 7] = [
    71.0 / 57600.0,
    0.0,
    -71.0 / 16695.0,
    71.0 / 1920.0,
    -17253.0 / 339200.0,
    22.0 / 525.0,
    -1.0 / 40.0,
];

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// Integrate the autonomous system `dy/dt = f(y)` from `y0` until
/// `max |f(y)| < steady_tol` (or the time/step limits).
pub(crate) fn dopri5_steady(
    f: impl Fn(&[f64], &mut [f64]),
    y0: &[f64],
    opts: &OdeOptions,
) -> SteadyState {
    let n = y0.len();
    let mut y = y0.to_vec();
    let mut k = vec![vec![0.0; n]; 7];
    let mut tmp = vec![0.0; n];
    let mut y_new = vec![0.0; n];
    f(&y, &mut k[0]);
    let mut h = 1e-3 / max_abs(&k[0]).max(1e-3);
    let mut t = 0.0;
    let mut steps = 0;
    while steps < opts.max_steps && t < opts.t_max {
        let residual = max_abs(&k[0]);
        if residual < opts.steady_tol {
            return SteadyState {
                y,
                t,
                steps,
                residual,
                converged: true,
            };
        }
        steps += 1;
        for s in 0..6 {
            for i in 0..n {
                tmp[i] = y[i] + h * (0..=s).map(|j| A[s][j] * k[j][i]).sum::<f64>();
            }
            f(&tmp, &mut k[s + 1]);
        }
        y_new.copy_from_slice(&tmp);
        let mut err = 0.0;
        for i in 0..n {
            let e_i = h * (0..7).map(|j| E[j] * k[j][i]).sum::<f64>();
            let sc = opts.atol + opts.rtol * y[i].abs().max(y_new[i].abs());
            err += (e_i / sc).powi(2);
        }
        let err = (err / n as f64).sqrt();
        let factor = (0.9 * err.powf(-0.2)).clamp(0.2, 5.0);
        if err <= 1.0 {
            t += h;
            y.copy_from_slice(&y_new);
            k.swap(0, 6);
        }
        h *= if err <= 1.0 { factor } else { factor.min(1.0) };
    }
    let residual = max_abs(&k[0]);
    SteadyState {
        y,
        t,
        steps,
        residual,
        converged: residual < opts.steady_tol,
    }
}

/// Right-hand side of the dyad ODEs for `q = (Q0, Q1, Q2)`.
pub(crate) fn dyad_rhs(p: &Params, q: &[f64], dq: &mut [f64]) {
    let (l, d, w) = (p.lambda, p.delta, p.omega);
    let e = 2.0 * q[2] + q[1];
    let inflow = 2.0 * w * e * l * q[0];
    dq[0] = d * q[1] - inflow;
    dq[1] = inflow - (d + l - w * l + w * l * e) * q[1] + 2.0 * d * q[2];
    dq[2] = (1.0 - w + w * e) * l * q[1] - 2.0 * d * q[2];
}

/// Steady state of the dyad ODEs reached from `q0` (which must sum to 1/2).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DyadSteadyState {
    /// `(Q0, Q1, Q2)`.
    pub q: [f64; 3],
    /// `e = 2 Q2 + Q1`.
    pub e: f64,
    pub t: f64,
    pub converged: bool,
}

/// The start used by default: each agent up independently with probability 1/2.
pub const HALF_UP: [f64; 3] = [0.125, 0.25, 0.125];

/// Integrate the dyad ODEs from `q0` to steady state. Time is measured in
/// units of `1 / (lambda + delta)` internally so the tolerances are scale-free.
pub fn dyad_steady_state(p: &Params, q0: [f64; 3], opts: &OdeOptions) -> DyadSteadyState {
    let scale = p.lambda + p.delta;
    let rhs = |q: &[f64], dq: &mut [f64]| {
        dyad_rhs(p, q, dq);
        dq.iter_mut().for_each(|x| *x /= scale);
    };
    let s = dopri5_steady(rhs, &q0, opts);
    let q = [s.y[0], s.y[1], s.y[2]];
    DyadSteadyState {
        q,
        e: 2.0 * q[2] + q[1],
        t: s.t / scale,
        converged: s.converged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_decay_is_integrated_accurately() {
        // dy/dt = -y: check the state against exp(-t) where integration stops.
        let s = dopri5_steady(|y, dy| dy[0] = -y[0], &[1.0], &OdeOptions::default());
        assert!(s.converged);
        assert!((s.y[0] - (-s.t).exp()).abs() < 1e-12);
    }

    #[test]
    fn dyad_mass_is_conserved() {
        let p = Params::new(1.0, 0.3, 0.4).unwrap();
        let s = dyad_steady_state(&p, HALF_UP, &OdeOptions::default());
        assert!((s.q.iter().sum::<f64>() - 0.5).abs() < 1e-12);
    }
}
