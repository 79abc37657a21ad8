//! Nearest-neighbour propensity-score matching on n = 10^6: the matching
//! alone, matching + Abadie-Imbens SE + balance on given scores, and `fit`
//! (logit score estimated first). Epanechnikov kernel matching on the first
//! 20,000 units, side by side: the direct O(window) sums with donor weights
//! (`impute`, the point estimate) against the O(log n) window sums that a
//! bootstrap draw uses (`impute_means`).
//!
//! Issue 12 item 7c at full size: kernel (Epanechnikov, bandwidth 0.06)
//! matching on 10^6 rows and local linear (tricube, bandwidth 0.8) on
//! 200,000 rows, each `fit_with_scores` with 2 bootstrap draws (point
//! estimate, donor weights, balance table, SEs); both by window sums
//! (`window_sums` for the Epanechnikov kernel, `kernel_sums` for the
//! local-linear and the tricube and Gaussian kernels).
//!
//! `cargo bench --bench psm` (`-- psm_kernel_1e6` / `-- psm_llr_2e5` for one group)

use criterion::{Criterion, criterion_group, criterion_main};
use faer::Mat;
use migsim::data::Design;
use migsim::estimate::psm::{Psm, matching};
use migsim::seed::{self, Component};
use rand::Rng;
use std::hint::black_box;

const N: usize = 1_000_000;

fn data() -> (Design, Vec<f64>) {
    let mut rng = seed::stream(1, 0, Component::Custom(7));
    let x: Vec<f64> = (0..N).map(|_| rng.random::<f64>() * 4.0 - 2.0).collect();
    let p: Vec<f64> = x.iter().map(|v| 1.0 / (1.0 + (-(v - 0.8)).exp())).collect();
    let d: Vec<f64> = p
        .iter()
        .map(|&q| f64::from(u8::from(rng.random::<f64>() < q)))
        .collect();
    let y: Vec<f64> = (0..N)
        .map(|i| x[i] + 0.5 * d[i] + rng.random::<f64>())
        .collect();
    let design = Design {
        y_name: "y".into(),
        y,
        x: Mat::from_fn(N, 3, |i, j| [1.0, x[i], d[i]][j]),
        names: vec!["const".into(), "x".into(), "d".into()],
        clusters: None,
        n_dropped: 0,
    };
    (design, p)
}

fn bench(c: &mut Criterion) {
    let (design, p) = data();
    let treated: Vec<usize> = (0..N).filter(|&i| design.x[(i, 2)] == 1.0).collect();
    let controls: Vec<usize> = (0..N).filter(|&i| design.x[(i, 2)] == 0.0).collect();
    let pt: Vec<f64> = treated.iter().map(|&i| p[i]).collect();
    let pc: Vec<f64> = controls.iter().map(|&i| p[i]).collect();
    let yc: Vec<f64> = controls.iter().map(|&i| design.y[i]).collect();
    let mut g = c.benchmark_group("psm_nn_1e6");
    g.sample_size(10);
    let m = matching::Method::Nearest {
        k: 1,
        caliper: None,
    };
    g.bench_function("impute_k1", |b| {
        b.iter(|| black_box(matching::impute(&pt, &pc, &yc, &m)))
    });
    let spec = Psm::new("d");
    g.bench_function("fit_with_scores_k1_ai_se_balance", |b| {
        b.iter(|| black_box(spec.fit_with_scores(&design, &p).map(|r| r.effects.len())))
    });
    g.bench_function("fit_logit_score_k1_ai_se_balance", |b| {
        b.iter(|| black_box(spec.fit(&design).map(|r| r.effects.len())))
    });
    g.finish();
}

fn kernel(c: &mut Criterion) {
    let (design, p) = data();
    let n = 20_000;
    let arm = |t: f64| -> Vec<usize> { (0..n).filter(|&i| design.x[(i, 2)] == t).collect() };
    let (treated, controls) = (arm(1.0), arm(0.0));
    let pt: Vec<f64> = treated.iter().map(|&i| p[i]).collect();
    let pc: Vec<f64> = controls.iter().map(|&i| p[i]).collect();
    let yc: Vec<f64> = controls.iter().map(|&i| design.y[i]).collect();
    let m = matching::Method::Kernel {
        kernel: matching::Kernel::Epanechnikov,
        bandwidth: 0.06,
    };
    let mut g = c.benchmark_group("psm_kernel_2e4");
    g.sample_size(10);
    g.bench_function("impute", |b| {
        b.iter(|| black_box(matching::impute(&pt, &pc, &yc, &m)))
    });
    g.bench_function("window_sums_impute_means", |b| {
        b.iter(|| black_box(matching::impute_means(&pt, &pc, &yc, &m)))
    });
    g.finish();
}

/// `fit_with_scores` on the first `n` rows with `method` and 2 bootstrap draws.
fn full_fit(c: &mut Criterion, group: &str, n: usize, method: matching::Method) {
    let (design, p) = data();
    let head = Design {
        y: design.y[..n].to_vec(),
        x: Mat::from_fn(n, 3, |i, j| design.x[(i, j)]),
        ..design
    };
    let spec = Psm {
        method,
        bootstrap: Some(2),
        ..Psm::new("d")
    };
    let mut g = c.benchmark_group(group);
    g.sample_size(10);
    g.bench_function("fit_with_scores_bootstrap2", |b| {
        b.iter(|| {
            black_box(
                spec.fit_with_scores(&head, &p[..n])
                    .map(|r| r.effects.len()),
            )
        })
    });
    g.finish();
}

fn kernel_1e6(c: &mut Criterion) {
    let m = matching::Method::Kernel {
        kernel: matching::Kernel::Epanechnikov,
        bandwidth: 0.06,
    };
    full_fit(c, "psm_kernel_1e6", N, m);
}

fn llr_2e5(c: &mut Criterion) {
    let m = matching::Method::LocalLinear {
        kernel: matching::Kernel::Tricube,
        bandwidth: 0.8,
    };
    full_fit(c, "psm_llr_2e5", 200_000, m);
}

criterion_group!(benches, bench, kernel, kernel_1e6, llr_2e5);
criterion_main!(benches);
