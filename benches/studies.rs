//! Cohort simulation through the study dispatch (`studies::simulate`):
//! assets at the paper's N = 3,624, talent at the paper's N = 777 and at
//! N = 100,000. Each iteration includes the truth (potential outcomes).
//!
//! Run: `cargo bench --bench studies`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use migsim::studies::{self, StudyName};

fn bench_studies(c: &mut Criterion) {
    let overrides = toml::Table::new();
    let mut g = c.benchmark_group("studies_simulate");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (name, study, n) in [
        ("assets", StudyName::Assets, 3_624),
        ("talent", StudyName::Talent, 777),
        ("talent", StudyName::Talent, 100_000),
    ] {
        g.bench_with_input(BenchmarkId::new(name, n), &n, |b, &n| {
            b.iter(|| {
                studies::simulate(study, &overrides, Some(n), black_box(1))
                    .expect("default config simulates")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_studies);
criterion_main!(benches);
