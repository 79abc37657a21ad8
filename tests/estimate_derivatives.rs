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
fn check_link(link: Link, b: [f64; 3]) {
    let (x, y) = data(60);
    let lik = BinaryLik { link, x: &x, y: &y };
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
    fn logit_derivatives_match_finite_differences(b in prop::array::uniform3(-3.0f64..3.0)) {
        check_link(Link::Logit, b);
    }

    #[test]
    fn probit_derivatives_match_finite_differences(b in prop::array::uniform3(-3.0f64..3.0)) {
        check_link(Link::Probit, b);
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
