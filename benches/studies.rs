//! Cohort simulation through the study dispatch (`studies::simulate`):
//! assets at the paper's N = 3,624, talent at the paper's N = 777 and at
//! N = 100,000. Each iteration includes the truth (potential outcomes).
//! And `studies_check`: resolving and validating a config from an override
//! table (`StudyDef::check`: defaults serialised, the overrides merged in,
//! deserialised, validated), the work a `CheckedConfig` saves on every
//! simulation after its first.
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

fn bench_check(c: &mut Criterion) {
    let mut overrides = toml::Table::new();
    let mut policy = toml::Table::new();
    policy.insert("dispersal_share".into(), toml::Value::Float(0.5));
    overrides.insert("policy".into(), toml::Value::Table(policy));
    let none = toml::Table::new();
    let mut g = c.benchmark_group("studies_check");
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for study in StudyName::ALL {
        let table = if study == StudyName::Enclave {
            &overrides
        } else {
            &none
        };
        g.bench_function(study.as_str(), |b| {
            b.iter(|| {
                study
                    .def()
                    .check(black_box(table), Some(1000))
                    .expect("valid overrides")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_studies, bench_check);
criterion_main!(benches);
