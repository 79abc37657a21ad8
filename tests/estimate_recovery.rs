//! OLS, logit and probit recover known coefficients from large simulated
//! samples within 4 standard errors (proptest over seeds and coefficients),
//! and fits do not depend on the number of rayon threads.

use faer::Mat;
use migsim::data::Design;
use migsim::estimate::ordered::OrderedLogit;
use migsim::estimate::{FitOptions, FitResult, Link, Logit, Ols, Probit, SeKind};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

/// Which outcome to draw from the index `x'b`.
#[derive(Debug, Clone, Copy)]
enum Model {
    Ols,
    Binary(Link),
}

/// Design `(const, x ~ N(0,1), d ~ Bernoulli(0.3), u ~ U(-1,1))` and an
/// outcome from `model` with coefficients `beta`.
fn simulate(model: Model, beta: [f64; 4], n: usize, seed: u64) -> Design {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Mat::<f64>::zeros(n, 4);
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let row = [
            1.0,
            rng.sample::<f64, _>(StandardNormal),
            f64::from(u8::from(rng.random::<f64>() < 0.3)),
            rng.random_range(-1.0..1.0),
        ];
        let idx: f64 = row.iter().zip(beta).map(|(a, b)| a * b).sum();
        let u: f64 = rng.random();
        y.push(match model {
            Model::Ols => idx + migsim::estimate::normal::quantile(u),
            Model::Binary(Link::Logit) => f64::from(u8::from(idx + (u / (1.0 - u)).ln() > 0.0)),
            Model::Binary(Link::Probit) => {
                f64::from(u8::from(idx + migsim::estimate::normal::quantile(u) > 0.0))
            }
        });
        for (j, v) in row.into_iter().enumerate() {
            x[(i, j)] = v;
        }
    }
    Design {
        y_name: "y".into(),
        y,
        x,
        names: ["const", "x", "d", "u"].map(String::from).to_vec(),
        clusters: None,
        n_dropped: 0,
    }
}

fn fit(model: Model, d: &Design, opts: FitOptions) -> FitResult {
    match model {
        Model::Ols => Ols::new(opts).fit(d),
        Model::Binary(Link::Logit) => Logit::new(opts).fit(d),
        Model::Binary(Link::Probit) => Probit::new(opts).fit(d),
    }
    .unwrap()
}

fn within_4_se(model: Model, beta: [f64; 4], seed: u64) -> Result<(), TestCaseError> {
    let d = simulate(model, beta, 20_000, seed);
    let res = fit(model, &d, FitOptions::default());
    for (row, b) in res.coefficients.iter().zip(beta) {
        let z = (row.estimate - b) / row.std_error;
        prop_assert!(
            z.abs() < 4.0,
            "{model:?} seed {seed} {}: {} vs {b} (z {z:.2})",
            row.name,
            row.estimate
        );
    }
    Ok(())
}

fn coefficients() -> impl Strategy<Value = [f64; 4]> {
    (-1.0f64..0.5, 0.2f64..1.2, -0.8f64..0.8, -1.5f64..1.5).prop_map(|(a, b, c, d)| [a, b, c, d])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]

    #[test]
    fn ols_logit_and_probit_recover_known_coefficients(beta in coefficients(), seed in any::<u64>()) {
        for model in [Model::Ols, Model::Binary(Link::Logit), Model::Binary(Link::Probit)] {
            within_4_se(model, beta, seed)?;
        }
    }
}

/// Bitwise equality of everything a fit reports.
fn same(a: &FitResult, b: &FitResult) {
    assert_eq!(a.to_json(), b.to_json());
    assert_eq!(a.vcov, b.vcov);
}

#[test]
fn fits_are_identical_with_one_and_two_threads() {
    // 3 row blocks of linalg::BLOCK, so the blocked passes split across threads.
    let n = 3 * migsim::estimate::linalg::BLOCK + 101;
    let pool = |k| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .unwrap()
    };
    let robust = FitOptions {
        se: SeKind::Robust,
        ..FitOptions::default()
    };
    for model in [
        Model::Ols,
        Model::Binary(Link::Logit),
        Model::Binary(Link::Probit),
    ] {
        let d = simulate(model, [-0.5, 1.0, 0.7, -1.5], n, 7);
        let one = pool(1).install(|| fit(model, &d, robust.clone()));
        let two = pool(2).install(|| fit(model, &d, robust.clone()));
        same(&one, &two);
    }
    let mut d = simulate(Model::Ols, [0.0, 1.0, 0.7, -1.5], n, 8);
    d.y =
        d.y.iter()
            .map(|v| (v.clamp(-2.0, 2.0) + 2.0).floor())
            .collect();
    d.x = Mat::from_fn(n, 3, |i, j| d.x[(i, j + 1)]);
    d.names.remove(0);
    let ologit = |k: usize| pool(k).install(|| OrderedLogit::new(robust.clone()).fit(&d).unwrap());
    same(&ologit(1), &ologit(2));
}
