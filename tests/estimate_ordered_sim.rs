//! Ordered logit / probit: recovery of known parameters from simulated data
//! and finite-difference checks of the analytic score and Hessian.

use faer::Mat;
use migsim::data::Design;
use migsim::estimate::ordered::{Link, OrderedData};
use migsim::estimate::{FitOptions, FitResult, fit_by_name};
use migsim::seed::{self, Component, SimRng};
use proptest::prelude::*;
use rand::Rng;
use rand_distr::StandardNormal;

/// Latent-error draw: logistic by inversion, normal from rand_distr.
fn draw_error(rng: &mut SimRng, link: Link) -> f64 {
    match link {
        Link::Logit => {
            let u: f64 = rng.random_range(1e-300..1.0);
            (u / (1.0 - u)).ln()
        }
        Link::Probit => rng.sample(StandardNormal),
    }
}

/// `n` observations with a continuous regressor, a dummy and their
/// interaction; y* = x'b + e, y = category index of y* among `kappa`, coded 1..J.
fn simulate(link: Link, n: usize, beta: &[f64; 3], kappa: &[f64], seed: u64) -> Design {
    let mut rng = seed::stream(seed, 0, Component::Custom(31));
    let mut rows = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    for _ in 0..n {
        let a: f64 = rng.sample(StandardNormal);
        let d = f64::from(u8::from(rng.random::<f64>() < 0.4));
        let x = [a, d, a * d];
        let ystar: f64 =
            x.iter().zip(beta).map(|(x, b)| x * b).sum::<f64>() + draw_error(&mut rng, link);
        y.push(1.0 + kappa.iter().filter(|&&k| k < ystar).count() as f64);
        rows.push(x);
    }
    Design {
        y_name: "y".into(),
        y,
        x: Mat::from_fn(n, 3, |i, j| rows[i][j]),
        names: vec!["a".into(), "d".into(), "a:d".into()],
        clusters: None,
        n_dropped: 0,
    }
}

fn assert_within_4_se(r: &FitResult, beta: &[f64; 3], kappa: &[f64]) {
    let truth = beta.iter().chain(kappa);
    for (row, t) in r.coefficients.iter().chain(&r.thresholds).zip(truth) {
        let z = (row.estimate - t) / row.std_error;
        assert!(
            z.abs() < 4.0,
            "{}: {} vs true {t} (se {})",
            row.name,
            row.estimate,
            row.std_error
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

    #[test]
    fn recovers_known_parameters(
        seed in 0u64..1_000_000,
        b0 in -1.0f64..1.0, b1 in -1.0f64..1.0, b2 in -0.5f64..0.5,
        k0 in -1.5f64..-0.5, gap1 in 0.3f64..1.5, gap2 in 0.3f64..1.5,
        probit in any::<bool>(),
    ) {
        let link = if probit { Link::Probit } else { Link::Logit };
        let beta = [b0, b1, b2];
        let kappa = [k0, k0 + gap1, k0 + gap1 + gap2];
        let d = simulate(link, 20_000, &beta, &kappa, seed);
        let name = if probit { "oprobit" } else { "ologit" };
        let r = fit_by_name(name, &d, &FitOptions::default()).unwrap();
        prop_assert!(r.info.converged);
        assert_within_4_se(&r, &beta, &kappa);
        let names: Vec<&str> = r.thresholds.iter().map(|t| t.name.as_str()).collect();
        prop_assert_eq!(names, vec!["1/2", "2/3", "3/4"]);
    }

    #[test]
    fn analytic_score_and_hessian_match_finite_differences(
        seed in 0u64..1_000_000,
        b in prop::array::uniform3(-1.5f64..1.5),
        k0 in -2.0f64..0.0, gap1 in 0.05f64..2.0, gap2 in 0.05f64..2.0,
        probit in any::<bool>(),
    ) {
        let link = if probit { Link::Probit } else { Link::Logit };
        let d = simulate(link, 200, &[0.5, -0.3, 0.2], &[-0.5, 0.4, 1.2], seed);
        let cat: Vec<usize> = d.y.iter().map(|&v| v as usize - 1).collect();
        let data = OrderedData { x: &d.x, cat: &cat, ncat: 4 };
        let theta = vec![b[0], b[1], b[2], k0, k0 + gap1, k0 + gap1 + gap2];
        let ev = data.evaluate(link, &theta);
        prop_assert!((ev.ll - data.log_likelihood(link, &theta)).abs() < 1e-9 * ev.ll.abs());
        let scores = data.scores(link, &theta);
        for j in 0..theta.len() {
            let h = 1e-5 * theta[j].abs().max(1.0);
            let mut up = theta.clone();
            let mut dn = theta.clone();
            up[j] += h;
            dn[j] -= h;
            let fd = (data.log_likelihood(link, &up) - data.log_likelihood(link, &dn)) / (2.0 * h);
            prop_assert!((fd - ev.grad[j]).abs() < 1e-5 * ev.grad[j].abs().max(1.0), "grad {j}: {fd} vs {}", ev.grad[j]);
            let col_sum: f64 = (0..scores.nrows()).map(|i| scores[(i, j)]).sum();
            prop_assert!((col_sum - ev.grad[j]).abs() < 1e-9 * ev.grad[j].abs().max(1.0));
            let (gu, gd) = (data.evaluate(link, &up).grad, data.evaluate(link, &dn).grad);
            for m in 0..theta.len() {
                let fd2 = (gu[m] - gd[m]) / (2.0 * h);
                let an = ev.hess[(m, j)];
                prop_assert!((fd2 - an).abs() < 1e-5 * an.abs().max(1.0), "hess ({m},{j}): {fd2} vs {an}");
            }
        }
    }
}
