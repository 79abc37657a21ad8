//! What every shipped scenario claims, it switches on: each intervention
//! moves at least one of the scenario's declared metrics (a paired mean
//! difference that is non-zero and at least two standard errors from zero
//! over four replications at a moderate n), unless its description says
//! plainly that it should not ("no effect", "should not"). The downturn
//! scenarios are checked to move pessimism, the mechanism they describe.

use std::path::PathBuf;

use migsim::scenario::{self, Scenario, StudyModel, Summary};

fn shipped() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("scenarios")
        .unwrap_or_else(|e| panic!("scenarios/: {e}"))
        .map(|e| e.unwrap_or_else(|e| panic!("{e}")).path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

fn summary(mut s: Scenario, seed: u64) -> Summary {
    s.n = Some(1500);
    s.replications = 4;
    s.seed = seed;
    s.sweep = None;
    s.uncertainty = None;
    s.experiment = None;
    let model = StudyModel {
        study: s.study,
        n: s.n,
    };
    let runs = scenario::run(&s, &model, &|_, _| {}).unwrap_or_else(|e| panic!("{}: {e}", s.file));
    Summary::of(&runs)
}

fn says_no_effect(text: &str) -> bool {
    let t = text.to_lowercase();
    [
        "no effect",
        "should not",
        "does not move",
        "leaves unchanged",
    ]
    .iter()
    .any(|w| t.contains(w))
}

#[test]
fn every_intervention_moves_a_declared_metric_or_says_it_should_not() {
    let files = shipped();
    assert!(files.len() >= 10, "{files:?}");
    for f in &files {
        let s = Scenario::load(f).unwrap_or_else(|e| panic!("{e}"));
        let declared = s.metrics.clone();
        assert!(!declared.is_empty(), "{}: declares no metrics", f.display());
        let interventions = s.interventions.clone();
        let sum = summary(s, 7);
        for i in &interventions {
            if says_no_effect(&i.description) {
                continue;
            }
            let moved: Vec<&str> = sum
                .effects
                .iter()
                .filter(|e| e.intervention == i.name && declared.contains(&e.metric))
                .filter(|e| e.estimate != 0.0 && e.estimate.abs() >= 2.0 * e.std_error)
                .map(|e| e.metric.as_str())
                .collect();
            assert!(
                !moved.is_empty(),
                "{}: intervention `{}` ({}) moves none of {declared:?}: {:?}",
                f.display(),
                i.name,
                i.description,
                sum.effects
                    .iter()
                    .filter(|e| e.intervention == i.name)
                    .map(|e| (&e.metric, e.estimate, e.std_error))
                    .collect::<Vec<_>>()
            );
        }
    }
}

/// The downturn scenarios describe a market shock to pessimism: over several
/// seeds the downturn raises mean pessimism in every run.
#[test]
fn downturn_scenarios_raise_pessimism() {
    for f in shipped() {
        let s = Scenario::load(&f).unwrap_or_else(|e| panic!("{e}"));
        if !s.name.starts_with("assets-downturn") {
            continue;
        }
        for seed in [1, 2, 3] {
            let sum = summary(s.clone(), seed);
            let e = sum
                .effects
                .iter()
                .find(|e| e.metric == "pessimism_mean")
                .unwrap_or_else(|| panic!("{}: tracks pessimism_mean", f.display()));
            assert!(
                e.ci_low > 0.0,
                "{} seed {seed}: pessimism effect {} [{}, {}]",
                f.display(),
                e.estimate,
                e.ci_low,
                e.ci_high
            );
        }
    }
}
