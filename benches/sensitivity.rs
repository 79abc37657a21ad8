//! Time per model run of `migsim sensitivity scenarios/showcase.toml`: one
//! design row = the baseline and the three interventions simulated once at
//! the showcase's full n = 7762. A Sobol analysis of 4 parameters with
//! N = 512 takes N(k+2) = 3072 such rows (divided among the cores).

use criterion::{Criterion, criterion_group, criterion_main};
use migsim::scenario::{Scenario, StudyModel};
use migsim::sensitivity::scenario::{design_rows, prepare};

fn model_run(c: &mut Criterion) {
    let s = Scenario::load(std::path::Path::new("scenarios/showcase.toml")).expect("showcase");
    let model = StudyModel {
        study: s.study,
        n: s.n,
    };
    let plan = prepare(&s, &model, None, None).expect("plan");
    let mut r = 0;
    c.bench_function(
        "showcase sensitivity: one model run (4 arms, n=7762)",
        |b| {
            b.iter(|| {
                r = (r + 1) % plan.design.rows();
                design_rows(&s, &model, &plan, r..r + 1, &|_, _| {}).expect("row")
            })
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = model_run
}
criterion_main!(benches);
