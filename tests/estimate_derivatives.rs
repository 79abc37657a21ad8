//! Analytic log-likelihood derivatives of logit and probit against finite
//! differences, and probit accuracy far in the tail.

use faer::Mat;
use migsim::estimate::Link;
use migsim::estimate::binary::BinaryLik;
use migsim::estimate::newton::LogLik;
use proptest::prelude::*;

fn data(n: usize) -> (Mat<f64>, Vec<f64>) {
    let x = Mat::from_fn(n, 3, |i, j| match j {
        0 => 1.0,
        1 => ((i as f64 * 1.37).sin() * 1e3).fract() * 2.0,
        _ => f64::from(u8::from(i % 3 == 0)),
    });
    let y = (0..n)
        .map(|i| f64::from(u8::from((i as f64 * 0.71).cos() > 0.2)))
        .collect();
    (x, y)
}

/// Central difference with step h: truncation O(h^2 f''') ~ 1e-10 and
/// rounding O(eps |ll| / h) ~ 1e-9 for |ll| ~ 100; tolerance 1e-6 relative
/// to max(1, |derivative|).
fn check_link(link: Link, b: [f64; 3], weighted: bool) {
    let (x, y) = data(60);
    let w: Vec<f64> = (0..60).map(|i| f64::from(i % 4)).collect();
    let lik = BinaryLik {
        link,
        x: &x,
        y: &y,
        w: weighted.then_some(&w[..]),
    };
    let e = lik.eval(&b);
    let h = 1e-5;
    for j in 0..3 {
        let mut bp = b;
        let mut bm = b;
        bp[j] += h;
        bm[j] -= h;
        let fd = (lik.value(&bp) - lik.value(&bm)) / (2.0 * h);
        let g = e.grad[j];
        assert!(
            (fd - g).abs() <= 1e-6 * g.abs().max(1.0),
            "{link:?} grad[{j}]: {g} vs {fd}"
        );
        let (gp, gm) = (lik.eval(&bp).grad, lik.eval(&bm).grad);
        for l in 0..3 {
            let fd = (gp[l] - gm[l]) / (2.0 * h);
            let a = e.hess[(l, j)];
            assert!(
                (fd - a).abs() <= 1e-6 * a.abs().max(1.0),
                "{link:?} hess[{l},{j}]: {a} vs {fd}"
            );
        }
    }
    assert!((lik.value(&b) - e.ll).abs() <= 1e-12 * e.ll.abs());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn logit_derivatives_match_finite_differences(
        b in prop::array::uniform3(-3.0f64..3.0),
        weighted in any::<bool>(),
    ) {
        check_link(Link::Logit, b, weighted);
    }

    #[test]
    fn probit_derivatives_match_finite_differences(
        b in prop::array::uniform3(-3.0f64..3.0),
        weighted in any::<bool>(),
    ) {
        check_link(Link::Probit, b, weighted);
    }
}

#[test]
fn probit_is_finite_and_exact_at_index_minus_forty() {
    let x = Mat::from_fn(1, 1, |_, _| 1.0);
    let lik = |y: &'static [f64]| {
        BinaryLik {
            link: Link::Probit,
            x: &x,
            y,
            w: None,
        }
        .eval(&[if y[0] > 0.5 { -40.0 } else { 40.0 }])
    };
    // y = 1 at index -40; scipy.stats.norm.logcdf(-40); mpmath (40 digits)
    // for phi/Phi and its derivative.
    let e = lik(&[1.0]);
    assert!((e.ll / -804.608_442_013_753_9 - 1.0).abs() < 1e-14);
    assert!((e.grad[0] / 40.024_968_847_207_26 - 1.0).abs() < 1e-13);
    assert!((e.hess[(0, 0)] / -0.999_377_331_621_408_6 - 1.0).abs() < 1e-9);
    // y = 0 at index +40 is the mirror image.
    let e0 = lik(&[0.0]);
    assert!((e0.ll / -804.608_442_013_753_9 - 1.0).abs() < 1e-14);
    assert!((e0.grad[0] / -40.024_968_847_207_26 - 1.0).abs() < 1e-13);
}

/// Frequency weights are row counts: the weighted log-likelihood, gradient
/// and Hessian equal those of the design with each row repeated w_i times.
#[test]
fn frequency_weights_equal_repeated_rows() {
    let (x, y) = data(40);
    let w: Vec<f64> = (0..40).map(|i| f64::from((i * 7) % 3)).collect();
    let rows: Vec<usize> = (0..40)
        .flat_map(|i| std::iter::repeat_n(i, w[i] as usize))
        .collect();
    let xr = Mat::from_fn(rows.len(), 3, |r, j| x[(rows[r], j)]);
    let yr: Vec<f64> = rows.iter().map(|&i| y[i]).collect();
    let b = [0.3, -0.7, 1.1];
    for link in [Link::Logit, Link::Probit] {
        let weighted = BinaryLik {
            link,
            x: &x,
            y: &y,
            w: Some(&w),
        }
        .eval(&b);
        let repeated = BinaryLik {
            link,
            x: &xr,
            y: &yr,
            w: None,
        }
        .eval(&b);
        assert!((weighted.ll - repeated.ll).abs() <= 1e-12 * repeated.ll.abs());
        for j in 0..3 {
            assert!((weighted.grad[j] - repeated.grad[j]).abs() <= 1e-12);
            for l in 0..3 {
                assert!((weighted.hess[(j, l)] - repeated.hess[(j, l)]).abs() <= 1e-11);
            }
        }
    }
}
