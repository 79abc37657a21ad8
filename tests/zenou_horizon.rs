//! The weak-tie choice over a finite stay (`zenou::horizon`): the closed
//! form of the two-state chain's mean probability up against a direct RK4
//! integration of its forward equation, the T -> infinity limit against the
//! steady-state choice, and the optimum against a central-difference
//! derivative and a fine grid.

use migsim::zenou::analytic::e_star;
use migsim::zenou::choice::{ChoiceModel, Cost};
use migsim::zenou::horizon::{Stay, mean_up, prob_up};

fn model() -> ChoiceModel {
    ChoiceModel::new(0.6, 0.24, 1.0, 0.2, Cost { c0: 0.5, c1: 1.0 }).unwrap()
}

/// The closed form against a direct integration (RK4 on the chain's
/// forward equation dp/dt = a (1 - p) - delta p, trapezoid for the mean).
#[test]
fn mean_up_matches_the_integrated_chain() {
    let (lambda, delta) = (0.6, 0.24);
    let r = delta / lambda;
    for (omega, p0, t_end) in [(0.3, 0.2, 1.0), (0.54, 0.0, 7.5), (0.9, 1.0, 20.0)] {
        let e = e_star(r, omega);
        let a = delta * e / (1.0 - e);
        let f = |p: f64| a * (1.0 - p) - delta * p;
        let steps = 20_000;
        let h = t_end / steps as f64;
        let (mut p, mut area) = (p0, 0.0);
        for _ in 0..steps {
            let (k1, k2) = (f(p), f(p + h / 2.0 * f(p)));
            let k3 = f(p + h / 2.0 * k2);
            let k4 = f(p + h * k3);
            let next = p + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
            area += h * (p + next) / 2.0;
            p = next;
        }
        let stay = Stay::new(p0, t_end).unwrap();
        let m = mean_up(r, delta, omega, stay);
        assert!((m - area / t_end).abs() < 1e-8, "omega {omega}: {m}");
        assert!((prob_up(r, delta, omega, p0, t_end) - p).abs() < 1e-10);
    }
}

#[test]
fn long_stays_give_the_steady_state_choice() {
    let m = model();
    for x in [0.0, 0.5, 1.0] {
        let steady = m.best_omega(x).unwrap().omega;
        let long = m.best_omega_over(x, Stay::new(0.2, 1e9).unwrap()).unwrap();
        assert!((long.omega - steady).abs() < 1e-6, "x {x}");
    }
}

/// At an interior optimum the derivative of EV_T (central difference)
/// vanishes and EV_T is no higher anywhere on a fine grid.
#[test]
fn the_choice_is_a_maximum_of_ev_over_the_stay() {
    let m = model();
    for (x, p0, years) in [(0.0, 0.2, 2.0), (1.0, 0.2, 7.5), (0.5, 0.8, 4.0)] {
        let stay = Stay::new(p0, years).unwrap();
        let c = m.best_omega_over(x, stay).unwrap();
        assert!(!c.corner);
        let h = 1e-5;
        let d = (m.ev_over(c.omega + h, x, stay) - m.ev_over(c.omega - h, x, stay)) / (2.0 * h);
        assert!(d.abs() < 1e-6, "x {x}, years {years}: dEV/domega {d}");
        let top = (1..=10_000)
            .map(|k| m.ev_over(k as f64 / 10_000.0, x, stay))
            .fold(f64::NEG_INFINITY, f64::max);
        assert!(c.ev >= top - 1e-12);
    }
}

#[test]
fn rejects_bad_stays() {
    assert!(Stay::new(1.5, 3.0).is_err());
    assert!(Stay::new(0.2, 0.0).is_err());
    assert!(Stay::new(0.2, f64::NAN).is_err());
}
