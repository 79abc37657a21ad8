//! Logit and probit recover known coefficients from large simulated samples
//! (seeded), within 4 standard errors.

use faer::Mat;
use migsim::data::Design;
use migsim::estimate::{FitOptions, Link, Logit, Probit};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

const BETA: [f64; 4] = [-0.5, 1.0, 0.7, -1.5];

fn simulate(link: Link, n: usize, seed: u64) -> Design {
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
        let idx: f64 = row.iter().zip(BETA).map(|(a, b)| a * b).sum();
        let u: f64 = rng.random();
        let eps = match link {
            Link::Logit => (u / (1.0 - u)).ln(),
            Link::Probit => migsim::estimate::normal::quantile(u),
        };
        for (j, v) in row.into_iter().enumerate() {
            x[(i, j)] = v;
        }
        y.push(f64::from(u8::from(idx + eps > 0.0)));
    }
    let names = ["const", "x", "d", "u"].map(String::from).to_vec();
    Design {
        y_name: "y".into(),
        y,
        x,
        names,
        clusters: None,
        n_dropped: 0,
    }
}

#[test]
fn logit_and_probit_recover_known_coefficients() {
    for seed in [1u64, 2, 3] {
        for link in [Link::Logit, Link::Probit] {
            let d = simulate(link, 20_000, seed);
            let res = match link {
                Link::Logit => Logit::new(FitOptions::default()).fit(&d),
                Link::Probit => Probit::new(FitOptions::default()).fit(&d),
            }
            .unwrap();
            for (row, b) in res.coefficients.iter().zip(BETA) {
                let z = (row.estimate - b) / row.std_error;
                assert!(
                    z.abs() < 4.0,
                    "{link:?} seed {seed} {}: {} vs {b} (z {z:.2})",
                    row.name,
                    row.estimate
                );
            }
        }
    }
}
