//! The analytic side: eq (6) and (5), its derivative, the ODEs, the
//! heterogeneous solver and the weak-tie choice, checked against independent
//! references (finite differences, the ODE integration, the first-order
//! condition).

use migsim::zenou::Params;
use migsim::zenou::analytic::{de_star_domega, e_star, ratio_bound};
use migsim::zenou::choice::{ChoiceModel, Cost};
use migsim::zenou::hetero::{Group, steady_state};
use migsim::zenou::ode::{HALF_UP, OdeOptions, dyad_steady_state};
use proptest::prelude::*;

/// `(r, omega)` strictly inside (5), with r at most 99% of the bound.
fn inside() -> impl Strategy<Value = (f64, f64)> {
    (0.02f64..1.0, 0.0f64..0.99).prop_map(|(w, frac)| (frac * ratio_bound(w), w))
}

proptest! {
    #[test]
    fn e_star_lies_in_the_unit_interval_inside_5((r, w) in inside()) {
        let e = e_star(r, w);
        prop_assert!(e > 0.0 && e <= 1.0, "e*={e}");
        prop_assert!(e < 1.0 || r == 0.0);
    }

    #[test]
    fn e_star_increases_and_is_concave_in_omega((r, w) in inside()) {
        // Step small enough to stay inside (5) and in (0, 1], big enough for
        // the second difference to beat rounding (error ~ eps / h^2 = 2e-10).
        let h = 1e-3;
        prop_assume!(w - h > 0.0 && w + h <= 1.0 && r < ratio_bound(w - h));
        let (lo, mid, hi) = (e_star(r, w - h), e_star(r, w), e_star(r, w + h));
        prop_assert!(hi > mid && mid > lo);
        prop_assert!(hi - 2.0 * mid + lo < 1e-9);
    }

    #[test]
    fn derivative_matches_central_difference((r, w) in inside()) {
        let h = 1e-6;
        prop_assume!(w - h > 0.0 && w + h <= 1.0 && r < ratio_bound(w - h));
        let fd = (e_star(r, w + h) - e_star(r, w - h)) / (2.0 * h);
        let an = de_star_domega(r, w);
        prop_assert!((fd - an).abs() < 1e-6 * (1.0 + an.abs()), "fd {fd} an {an}");
    }

    #[test]
    fn outside_5_there_is_no_positive_steady_state(w in 0.01f64..1.0, extra in 1.0f64..3.0) {
        let r = ratio_bound(w) * extra;
        prop_assert_eq!(e_star(r, w), 0.0);
        prop_assert_eq!(de_star_domega(r, w), 0.0);
    }

    #[test]
    fn one_group_heterogeneous_solver_equals_eq_6((r, w) in inside(), lambda in 0.1f64..5.0) {
        let s = steady_state(lambda, r * lambda, &[Group { share: 1.0, omega: w }]).unwrap();
        prop_assert!((s.e - e_star(r, w)).abs() < 1e-10);
    }
}

#[test]
fn ode_reaches_eq_6_to_1e_8() {
    let cases = [
        (1.0, 0.3, 0.4),
        (1.0, 0.65, 0.4),
        (1.0, 0.2, 0.05),
        (2.0, 0.1, 0.9),
        (1.0, 0.0, 0.3),
        (3.0, 2.7, 1.0),
        (1.0, 0.05, 0.02),
    ];
    for (l, d, w) in cases {
        let p = Params::new(l, d, w).unwrap();
        for q0 in [HALF_UP, [0.4, 0.09, 0.01], [0.01, 0.04, 0.45]] {
            let s = dyad_steady_state(&p, q0, &OdeOptions::default());
            assert!(s.converged, "{l} {d} {w}");
            assert!(
                (s.e - p.e_star()).abs() < 1e-8,
                "{l} {d} {w}: ode {} e* {}",
                s.e,
                p.e_star()
            );
        }
    }
}

#[test]
fn ode_dies_out_outside_5() {
    let p = Params::new(1.0, 0.9, 0.4).unwrap();
    assert!(!p.exists());
    let s = dyad_steady_state(&p, HALF_UP, &OdeOptions::default());
    assert!(s.converged);
    assert!(s.e.abs() < 1e-8, "{}", s.e);
}

#[test]
fn weak_tie_choice_comparative_statics_over_a_grid() {
    let xs: Vec<f64> = (0..=10).map(|i| i as f64 / 10.0).collect();
    let (mut interior_pairs, mut cases) = (0, 0);
    for lambda in [1.0, 2.0] {
        for r in [0.05, 0.2, 0.4] {
            for y in [1.0, 3.0] {
                for s_frac in [0.2, 0.6] {
                    for (c0, c1) in [(0.05, 0.1), (0.2, 0.5), (0.5, 1.0)] {
                        let m =
                            ChoiceModel::new(lambda, r * lambda, y, s_frac * y, Cost { c0, c1 })
                                .unwrap();
                        let opt: Vec<_> = xs.iter().map(|&x| m.best_omega(x).unwrap()).collect();
                        cases += 1;
                        for (k, o) in opt.iter().enumerate() {
                            if !o.corner && o.omega < 1.0 - 1e-6 {
                                // interior optimum: first-order condition holds
                                let foc = m.dev_domega(o.omega, xs[k]);
                                assert!(foc.abs() < 1e-6, "FOC {foc}");
                            }
                        }
                        for pair in opt.windows(2) {
                            let (a, b) = (pair[0], pair[1]);
                            assert!(b.omega <= a.omega + 1e-9, "omega* rose with x");
                            assert!(b.e_star <= a.e_star + 1e-9, "e* rose with x");
                            if !a.corner && !b.corner && a.omega < 1.0 - 1e-6 {
                                assert!(b.omega < a.omega && b.e_star < a.e_star);
                                interior_pairs += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    // The grid must exercise the interior case, where the statics are strict.
    assert!(
        interior_pairs > cases * 3,
        "{interior_pairs} interior pairs in {cases} cases"
    );
}
