//! Enclave cohort simulation: the survey-size cohort with its truth, and a
//! 10^6-migrant cohort (power analysis beyond survey size) with and without
//! the potential-outcome runs; and the published tables at scale
//! (`migsim replicate enclave --n 50000`: every table, and Table 3 (Lewbel
//! 2SLS) and Table 4 (matching) alone, the two that dominated).

// StudyError is large (clippy::result_large_err); the bench only unwraps it.
#![allow(clippy::result_large_err)]

use criterion::{Criterion, criterion_group, criterion_main};
use migsim::replicate::Tables;
use migsim::studies::StudyName;
use migsim::studies::enclave::{Config, simulate};

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("enclave");
    g.sample_size(10);
    let cfg = Config::default();
    g.bench_function("survey_n_7762_with_truth", |b| {
        b.iter(|| simulate(&cfg, 1).map(|s| s.metrics["share_up"]))
    });
    let mut big = Config {
        n: 1_000_000,
        ..Config::default()
    };
    big.truth.potential_outcomes = false;
    g.bench_function("cohort_n_1e6", |b| {
        b.iter(|| simulate(&big, 1).map(|s| s.metrics["share_up"]))
    });
    big.truth.potential_outcomes = true;
    g.bench_function("cohort_n_1e6_with_truth", |b| {
        b.iter(|| simulate(&big, 1).map(|s| s.metrics["share_up"]))
    });
    g.finish();
}

fn tables(c: &mut Criterion) {
    let mut g = c.benchmark_group("enclave_replicate_n_50000");
    g.sample_size(10);
    let none = toml::Table::new();
    let run = |t: &Tables| {
        migsim::replicate::replicate_tables(StudyName::Enclave, &none, Some(50_000), 1, t)
            .map(|r| r.rows.len())
    };
    g.bench_function("all_tables", |b| b.iter(|| run(&Tables::All)));
    for table in ["Table 3", "Table 4"] {
        let names = [table.to_string()];
        g.bench_function(table, |b| b.iter(|| run(&Tables::Only(&names))));
    }
    g.finish();
}

criterion_group!(benches, bench, tables);
criterion_main!(benches);
