//! CSV-to-design (and, once `fit_by_name` knows logit, CSV-to-answer) on a
//! 300,000-row file with 20 numeric regressors drawn from a known logit.
//!
//! Run: `cargo bench --bench fit_csv`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use migsim::data::{Dataset, Formula, load_design};
use migsim::estimate::{FitOptions, fit_by_name};
use migsim::seed::{Component, stream};
use rand::Rng;
use rand_distr::StandardNormal;

const ROWS: usize = 300_000;
const K: usize = 20;

/// y ~ Bernoulli(logistic(0.3 + sum_j b_j x_j)), b_j = (j - 9.5) / 20, x ~ N(0, 1).
fn write_logit_csv(path: &Path) {
    let mut rng = stream(20240611, 0, Component::Custom(3));
    let mut text = String::with_capacity(ROWS * (K + 1) * 11);
    text.push('y');
    for j in 0..K {
        let _ = write!(text, ",x{j}");
    }
    text.push('\n');
    let mut x = [0.0f64; K];
    for _ in 0..ROWS {
        let mut eta = 0.3;
        for (j, xj) in x.iter_mut().enumerate() {
            *xj = rng.sample(StandardNormal);
            eta += (j as f64 - 9.5) / 20.0 * *xj;
        }
        let y = u8::from(rng.random::<f64>() < 1.0 / (1.0 + (-eta).exp()));
        let _ = write!(text, "{y}");
        for xj in x {
            let _ = write!(text, ",{xj:.6}");
        }
        text.push('\n');
    }
    std::fs::write(path, text).expect("write bench CSV");
}

fn formula() -> Formula {
    let x = (0..K)
        .map(|j| format!("x{j}"))
        .collect::<Vec<_>>()
        .join(",");
    Formula::parse("y", Some(&x), None, None, true).expect("formula")
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("logit_300k.csv");
    write_logit_csv(&path);
    let f = formula();
    let cols = f.columns();
    let mut g = c.benchmark_group("csv_300k_x20");
    g.sample_size(10);
    g.bench_function("read_csv_columns", |b| {
        b.iter(|| black_box(Dataset::read_csv_columns(&path, &cols).expect("read")))
    });
    g.bench_function("load_design", |b| {
        b.iter(|| black_box(load_design(&path, &f).expect("design")))
    });
    let design = load_design(&path, &f).expect("design");
    match fit_by_name("logit", &design, &FitOptions::default()) {
        Ok(_) => {
            g.bench_function("csv_to_logit_answer", |b| {
                b.iter(|| {
                    let d = load_design(&path, &f).expect("design");
                    black_box(fit_by_name("logit", &d, &FitOptions::default()).expect("fit"))
                })
            });
        }
        Err(e) => eprintln!("csv_to_logit_answer skipped: {e}"),
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
