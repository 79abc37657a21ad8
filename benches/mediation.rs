//! Mediation quasi-Bayesian simulation: 1,000 draws on n = 100,000 with a
//! logit outcome (treatment, mediator, interaction and 5 controls).
//!
//! Run: `cargo bench --bench mediation`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use faer::Mat;
use migsim::data::Design;
use migsim::estimate::mediation::{Link, Mediation, MediationModels, simulate};
use migsim::seed::{Component, stream};
use rand::Rng;
use rand_distr::StandardNormal;

const N: usize = 100_000;
const SIMS: usize = 1_000;
const CONTROLS: usize = 5;

fn bench_mediation(c: &mut Criterion) {
    let mut rng = stream(42, 0, Component::Custom(9));
    // Columns: const, t, controls; outcome adds m and t:m.
    let xm = Mat::from_fn(N, 2 + CONTROLS, |_, j| match j {
        0 => 1.0,
        1 => f64::from(u8::from(rng.random::<f64>() < 0.5)),
        _ => rng.sample(StandardNormal),
    });
    let xy = Mat::from_fn(N, 4 + CONTROLS, |i, j| match j {
        j if j < 2 + CONTROLS => xm[(i, j)],
        j if j == 2 + CONTROLS => 0.5 * xm[(i, 1)] + xm[(i, 2)],
        _ => xm[(i, 1)] * (0.5 * xm[(i, 1)] + xm[(i, 2)]),
    });
    let km = xm.ncols();
    let ky = xy.ncols();
    let mut draw_rng = stream(7, 0, Component::Estimator);
    let diagonal = |k: usize| Mat::from_fn(k, k, |i, j| if i == j { 1e-4 } else { 0.0 });
    let (vm, vy) = (diagonal(km), diagonal(ky));
    let md = simulate::draw_coefficients(&vec![0.2; km], &vm, SIMS, &mut draw_rng).unwrap();
    let od = simulate::draw_coefficients(&vec![0.1; ky], &vy, SIMS, &mut draw_rng).unwrap();
    let models = MediationModels {
        mediator_x: xm.as_ref(),
        mediator_treat: 1,
        outcome_x: xy.as_ref(),
        outcome_treat: 1,
        outcome_mediator: 2 + CONTROLS,
        outcome_interaction: Some(3 + CONTROLS),
        link: Some(Link::Logit),
        sigma: 1.0,
        control_value: 0.0,
        treat_value: 1.0,
    };
    let mut g = c.benchmark_group("mediation");
    g.sample_size(10);
    g.bench_function("simulate_1000_sims_n1e5_logit", |b| {
        b.iter(|| black_box(simulate::simulate(&models, md.as_ref(), od.as_ref(), 3)))
    });
    let design = fit_design(&xm, &mut rng);
    let mut spec = Mediation::new("t", "m");
    spec.interaction = true;
    spec.sims = SIMS;
    g.bench_function("fit_1000_sims_n1e5_logit", |b| {
        b.iter(|| black_box(spec.fit(&design).map(|r| r.effects.len())))
    });
    g.finish();
}

/// Outcome design `y ~ const + t + m + controls` with a simulated mediator
/// and logit outcome, for the whole `Mediation::fit`.
fn fit_design(xm: &Mat<f64>, rng: &mut migsim::seed::SimRng) -> Design {
    let m: Vec<f64> = (0..N)
        .map(|i| 0.3 + 0.8 * xm[(i, 1)] + 0.2 * xm[(i, 2)] + rng.sample::<f64, _>(StandardNormal))
        .collect();
    let y: Vec<f64> = (0..N)
        .map(|i| {
            let eta = -0.3 + 0.4 * xm[(i, 1)] + 0.6 * m[i] + 0.2 * xm[(i, 3)];
            let u: f64 = rng.random();
            f64::from(u8::from(u < 1.0 / (1.0 + (-eta).exp())))
        })
        .collect();
    let names: Vec<String> = ["const", "t", "m"]
        .iter()
        .map(|s| s.to_string())
        .chain((0..CONTROLS).map(|c| format!("x{c}")))
        .collect();
    Design {
        y_name: "y".into(),
        y,
        x: Mat::from_fn(N, 3 + CONTROLS, |i, j| match j {
            0 | 1 => xm[(i, j)],
            2 => m[i],
            _ => xm[(i, j - 1)],
        }),
        names,
        clusters: None,
        n_dropped: 0,
    }
}

criterion_group!(benches, bench_mediation);
criterion_main!(benches);
