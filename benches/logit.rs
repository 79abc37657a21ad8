//! Logit on an in-memory design with n = 1e6 rows and k = 20 columns.

use criterion::{Criterion, criterion_group, criterion_main};
use faer::Mat;
use migsim::data::Design;
use migsim::estimate::{FitOptions, Logit};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn design(n: usize, k: usize) -> Design {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let x = Mat::from_fn(n, k, |_, j| {
        if j == 0 {
            1.0
        } else {
            rng.random_range(-1.0..1.0)
        }
    });
    let beta: Vec<f64> = (0..k).map(|j| 0.5 - (j as f64) / k as f64).collect();
    let y = (0..n)
        .map(|i| {
            let idx: f64 = (0..k).map(|j| x[(i, j)] * beta[j]).sum();
            f64::from(u8::from(rng.random::<f64>() < 1.0 / (1.0 + (-idx).exp())))
        })
        .collect();
    let mut names = vec!["const".to_string()];
    names.extend((1..k).map(|j| format!("x{j}")));
    Design {
        y_name: "y".into(),
        y,
        x,
        names,
        clusters: None,
        n_dropped: 0,
    }
}

fn bench(c: &mut Criterion) {
    let d = design(1_000_000, 20);
    let model = Logit::new(FitOptions::default());
    let mut g = c.benchmark_group("logit");
    g.sample_size(10);
    g.bench_function("n1e6_k20", |b| b.iter(|| model.fit(&d).unwrap()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
