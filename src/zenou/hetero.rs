//! Mean-field steady state when groups of agents have different weak-tie
//! probabilities `omega_i` (dyads are formed within a group).
//!
//! Up agents of group j send weak-tie contacts at rate `lambda omega_j`, each
//! to a uniformly random agent, so every down agent is reached at rate
//! `lambda Phi` with `Phi = sum_j p_j omega_j e_j`. Given `Phi`, group i's dyads
//! form the birth–death chain Q0 -> Q1 at `2 lambda Phi`, Q1 -> Q2 at
//! `lambda (1 - omega_i + Phi)`, Q1 -> Q0 at `delta`, Q2 -> Q1 at `2 delta`, whose
//! stationary share up is
//!
//! ```text
//! e_i(Phi) = lambda Phi (delta + lambda (1 - omega_i + Phi))
//!            / (delta^2 + 2 lambda Phi delta + lambda^2 Phi (1 - omega_i + Phi)).
//! ```
//!
//! The steady state solves `Phi = sum_i p_i omega_i e_i(Phi)`; a positive root
//! exists iff `sum_i p_i omega_i lambda (delta + lambda (1 - omega_i)) / delta^2 > 1`,
//! which with one group is condition (5), and the root then reproduces (6).

use super::error::{ZenouError, check};
use super::solve::brent_root;

/// A group: its population share and its weak-tie probability.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Group {
    pub share: f64,
    pub omega: f64,
}

/// Mean-field steady state with heterogeneous omega.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HeteroSteadyState {
    pub exists: bool,
    /// Weak-tie contact intensity `Phi = sum_i p_i omega_i e_i`.
    pub phi: f64,
    /// Share up within each group.
    pub e_groups: Vec<f64>,
    /// Overall share up `sum_i p_i e_i`.
    pub e: f64,
}

/// `e_i(Phi) / Phi`, finite at `Phi = 0` when `delta > 0`.
fn e_over_phi(lambda: f64, delta: f64, omega: f64, phi: f64) -> f64 {
    let b = lambda * (1.0 - omega + phi);
    lambda * (delta + b) / (delta * delta + 2.0 * lambda * phi * delta + lambda * phi * b)
}

fn validate(lambda: f64, delta: f64, groups: &[Group]) -> Result<(), ZenouError> {
    check("lambda", lambda, "a finite number > 0", lambda > 0.0)?;
    check("delta", delta, "a finite number >= 0", delta >= 0.0)?;
    if groups.is_empty() {
        return Err(ZenouError::InvalidParameter {
            name: "groups",
            value: 0.0,
            expected: "at least one group",
        });
    }
    let mut total = 0.0;
    for g in groups {
        check(
            "group share",
            g.share,
            "a number in (0, 1]",
            g.share > 0.0 && g.share <= 1.0,
        )?;
        check(
            "group omega",
            g.omega,
            "a number in (0, 1]",
            g.omega > 0.0 && g.omega <= 1.0,
        )?;
        total += g.share;
    }
    check(
        "sum of group shares",
        total,
        "1 (within 1e-9)",
        (total - 1.0).abs() < 1e-9,
    )?;
    Ok(())
}

/// Solve the heterogeneous mean-field steady state.
pub fn steady_state(
    lambda: f64,
    delta: f64,
    groups: &[Group],
) -> Result<HeteroSteadyState, ZenouError> {
    validate(lambda, delta, groups)?;
    let phi_max: f64 = groups.iter().map(|g| g.share * g.omega).sum();
    if delta == 0.0 {
        return Ok(HeteroSteadyState {
            exists: true,
            phi: phi_max,
            e_groups: vec![1.0; groups.len()],
            e: 1.0,
        });
    }
    let h = |phi: f64| {
        groups
            .iter()
            .map(|g| g.share * g.omega * e_over_phi(lambda, delta, g.omega, phi))
            .sum::<f64>()
            - 1.0
    };
    let phi = if h(0.0) > 0.0 {
        brent_root(h, 0.0, phi_max, 1e-16).unwrap_or(0.0)
    } else {
        0.0
    };
    let e_groups: Vec<f64> = groups
        .iter()
        .map(|g| phi * e_over_phi(lambda, delta, g.omega, phi))
        .collect();
    let e = groups.iter().zip(&e_groups).map(|(g, e)| g.share * e).sum();
    Ok(HeteroSteadyState {
        exists: phi > 0.0,
        phi,
        e_groups,
        e,
    })
}

/// Right-hand side of the grouped ODEs, `q = (Q0_1, Q1_1, Q2_1, Q0_2, ...)`,
/// each group's Q summing to 1/2.
#[cfg(test)]
fn hetero_rhs(lambda: f64, delta: f64, groups: &[Group], q: &[f64], dq: &mut [f64]) {
    let phi: f64 = groups
        .iter()
        .enumerate()
        .map(|(i, g)| g.share * g.omega * (2.0 * q[3 * i + 2] + q[3 * i + 1]))
        .sum();
    for (i, g) in groups.iter().enumerate() {
        let (q0, q1, q2) = (q[3 * i], q[3 * i + 1], q[3 * i + 2]);
        let up = 2.0 * lambda * phi * q0;
        let up2 = lambda * (1.0 - g.omega + phi) * q1;
        dq[3 * i] = delta * q1 - up;
        dq[3 * i + 1] = up - delta * q1 - up2 + 2.0 * delta * q2;
        dq[3 * i + 2] = up2 - 2.0 * delta * q2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zenou::analytic;
    use crate::zenou::ode::{OdeOptions, dopri5_steady};

    #[test]
    fn one_group_reproduces_eq_6() {
        for &(l, d, w) in &[
            (1.0, 0.3, 0.4),
            (2.0, 0.1, 0.05),
            (1.0, 0.7, 0.9),
            (1.0, 0.9, 0.3),
        ] {
            let s = steady_state(
                l,
                d,
                &[Group {
                    share: 1.0,
                    omega: w,
                }],
            )
            .unwrap();
            let e = analytic::e_star(d / l, w);
            assert_eq!(s.exists, e > 0.0);
            assert!((s.e - e).abs() < 1e-12, "{l} {d} {w}: {} vs {e}", s.e);
        }
    }

    #[test]
    fn two_groups_match_the_grouped_odes() {
        let groups = [
            Group {
                share: 0.3,
                omega: 0.1,
            },
            Group {
                share: 0.7,
                omega: 0.6,
            },
        ];
        let s = steady_state(1.0, 0.35, &groups).unwrap();
        assert!(s.exists);
        let q0 = [0.125, 0.25, 0.125, 0.125, 0.25, 0.125];
        let ode = dopri5_steady(
            |q, dq| hetero_rhs(1.0, 0.35, &groups, q, dq),
            &q0,
            &OdeOptions::default(),
        );
        assert!(ode.converged);
        for i in 0..2 {
            let e_i = 2.0 * ode.y[3 * i + 2] + ode.y[3 * i + 1];
            assert!((e_i - s.e_groups[i]).abs() < 1e-8);
        }
        // Everyone receives weak-tie news at the same rate lambda Phi, but the
        // low-omega group passes more news inside its dyads: it is up more.
        assert!(s.e_groups[0] > s.e_groups[1]);
    }

    #[test]
    fn rejects_shares_not_summing_to_one() {
        let g = [Group {
            share: 0.5,
            omega: 0.5,
        }];
        assert!(steady_state(1.0, 0.3, &g).is_err());
    }
}
