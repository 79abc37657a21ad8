//! Recovery harness throughput: one replication of the shipped specs, and
//! each enclave estimator alone on one simulated cohort (N = 7,762); and one
//! enclave replication at N = 200,000 (issue 27: a census-sized sample; the
//! cost is about linear in N, so N = 10^6 takes about 5 times as long).
//! 1,000 replications on c cores take about 1000 x (one replication) / c.
//!
//! Run: cargo bench --bench recovery

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use migsim::recovery::Spec;
use migsim::recovery::estimands::simulate;
use migsim::recovery::run::replicate;

fn load(name: &str) -> Spec {
    Spec::load(Path::new(&format!("scenarios/recovery/{name}.toml"))).expect("shipped spec")
}

fn replications(c: &mut Criterion) {
    let mut g = c.benchmark_group("recovery_replication");
    g.sample_size(10);
    for name in ["logit_well_specified", "enclave_endogenous"] {
        let spec = load(name);
        g.bench_function(name, |b| {
            b.iter(|| replicate(black_box(&spec), 0).expect("runs"))
        });
    }
    g.finish();
}

fn enclave_parts(c: &mut Criterion) {
    let spec = load("enclave_endogenous");
    let mut g = c.benchmark_group("enclave_parts");
    g.sample_size(10);
    g.bench_function("simulate", |b| {
        b.iter(|| simulate(&spec.source, spec.n, black_box(1), 0).expect("simulates"))
    });
    let sim = simulate(&spec.source, spec.n, 1, 0).expect("simulates");
    for plan in &spec.estimators {
        g.bench_function(plan.label.as_str(), |b| {
            b.iter(|| plan.fit(black_box(&sim.cohort), 7).expect("fits"))
        });
    }
    g.finish();
}

fn at_scale(c: &mut Criterion) {
    let mut spec = load("enclave_endogenous");
    spec.n = Some(200_000);
    let mut g = c.benchmark_group("recovery_replication_n_200000");
    g.sample_size(10);
    g.bench_function("enclave_endogenous", |b| {
        b.iter(|| replicate(black_box(&spec), 0).expect("runs"))
    });
    g.finish();
}

criterion_group!(benches, replications, enclave_parts, at_scale);
criterion_main!(benches);
