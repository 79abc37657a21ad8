//! Scenario runner on the shipped showcase (enclave) at a reduced size.

use criterion::{Criterion, criterion_group, criterion_main};
use migsim::scenario::{self, Scenario, StudyModel, Summary};

fn showcase(c: &mut Criterion) {
    let mut s = Scenario::load(std::path::Path::new("scenarios/showcase.toml")).expect("showcase");
    s.n = Some(1000);
    s.replications = 4;
    let model = StudyModel {
        study: s.study,
        n: s.n,
    };
    c.bench_function("showcase n=1000 reps=4 (4 arms)", |b| {
        b.iter(|| Summary::of(&scenario::run(&s, &model, &|_, _| {}).expect("run")))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = showcase
}
criterion_main!(benches);
