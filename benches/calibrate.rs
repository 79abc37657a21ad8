//! One objective evaluation of `migsim calibrate` per study: the default
//! target set on one cohort (R = 1) at the paper's N, so the cost of a
//! calibration is about evaluations x R x this (evaluations of one step and
//! the R cohorts run in parallel).
//!
//! An evaluation computes only the specifications its targets read.
//!
//! Run: `cargo bench --bench calibrate -- --warm-up-time 1 --measurement-time 5`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use migsim::calibrate::Options;
use migsim::calibrate::optimise::Search;
use migsim::calibrate::run::setup;
use migsim::studies::StudyName;

fn bench_objective(c: &mut Criterion) {
    let mut g = c.benchmark_group("calibrate_objective_r1");
    for study in StudyName::ALL {
        let opts = Options {
            study,
            targets_file: None,
            free: None,
            reps: 1,
            seed: 1,
            n: None,
            search: Search::default(),
            self_check: false,
            heldout: false,
            geography_cohorts: 0,
        };
        let (objective, theta0, _) = setup(&opts).expect("default targets resolve");
        g.bench_with_input(
            BenchmarkId::new(study.as_str(), objective.n),
            &theta0,
            |b, t| b.iter(|| objective.evaluate(black_box(t))),
        );
    }
    g.finish();
}

// Defaults that the command line (`--warm-up-time`, `--measurement-time`) overrides.
criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench_objective
}
criterion_main!(benches);
