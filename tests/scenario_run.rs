//! Scenario runner on a fake study with known effects: common random
//! numbers, scaling, sweeps, thread-count independence, output files.

mod scenario_fake;

use migsim::report::run_files as output;
use migsim::scenario::{self, ArmKind, Runs, Scenario, Summary};

fn scn() -> Scenario {
    Scenario::parse(scenario_fake::SCENARIO, "fake.toml").unwrap()
}

fn run(s: &Scenario) -> Runs {
    scenario::run(s, &scenario_fake::model(), &|_, _| {}).unwrap()
}

fn effect<'a>(s: &'a Summary, metric: &str, iv: &str) -> &'a scenario::Effect {
    s.effects
        .iter()
        .find(|e| e.metric == metric && e.intervention == iv)
        .unwrap()
}

#[test]
fn setting_a_default_gives_exactly_zero_effect() {
    let s = Summary::of(&run(&scn()));
    for m in ["share", "level"] {
        let e = effect(&s, m, "default-boost");
        assert_eq!((e.estimate, e.ci_low, e.ci_high), (0.0, 0.0, 0.0), "{e:?}");
    }
}

#[test]
fn known_effects_are_recovered() {
    let runs = run(&scn());
    let s = Summary::of(&runs);
    // level_mult 1 -> 2 doubles `level`, so each replication's effect equals its baseline.
    let e = effect(&s, "level", "double-level");
    assert!((e.estimate - e.baseline_mean).abs() < 1e-12, "{e:?}");
    assert!((e.counterfactual_mean - 2.0 * e.baseline_mean).abs() < 1e-12);
    // boost 0.1 moves the threshold of a uniform by 0.1: true effect 0.1;
    // with n = 400 per replication the sd of an effect is sqrt(0.1*0.9/400) = 0.015.
    let e = effect(&s, "share", "boost");
    assert!(e.ci_low < 0.1 && 0.1 < e.ci_high, "{e:?}");
    assert!((e.estimate - 0.1).abs() < 0.03, "{e:?}");
    // Replications draw different populations.
    let base = runs.series(0, 0);
    assert!(base.windows(2).any(|w| w[0] != w[1]));
}

#[test]
fn same_results_whatever_the_thread_count() {
    let s = scn();
    let with = |k: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .unwrap()
            .install(|| run(&s))
    };
    let (a, b) = (with(1), with(3));
    assert_eq!(a.outcomes, b.outcomes);
    assert_eq!(a.seeds, b.seeds);
}

#[test]
fn sweep_effects_grow_with_the_setting() {
    let s = Summary::of(&run(&scn()));
    let sw = s.sweep.as_ref().unwrap();
    let share: Vec<f64> = sw
        .points
        .iter()
        .filter(|e| e.metric == "share")
        .map(|e| e.estimate)
        .collect();
    assert_eq!(share.len(), 3);
    assert_eq!(share[0], 0.0);
    assert!(share[0] < share[1] && share[1] < share[2], "{share:?}");
    assert!(
        s.arms
            .iter()
            .all(|a| !matches!(a.kind, ArmKind::Sweep { .. }))
    );
}

#[test]
fn horizon_sets_the_study_key_and_paths_are_banded() {
    let s = Summary::of(&run(&scn()));
    assert_eq!(s.paths.len(), 1);
    let p = &s.paths[0];
    assert_eq!(p.times, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
    assert_eq!(p.bands.len(), 4);
    assert!(p.bands[0].effect.is_none());
    let last = p.bands[0].level[4];
    assert!(last.ci_low <= last.mean && last.mean <= last.ci_high);
}

#[test]
fn scale_and_set_are_listed_as_changes() {
    let runs = run(&scn());
    let dbl = runs.arms.iter().find(|a| a.name == "double-level").unwrap();
    assert_eq!(dbl.changes.len(), 1);
    assert_eq!(dbl.changes[0].key, "policy.level_mult");
    assert_eq!(
        (
            dbl.changes[0].baseline.as_str(),
            dbl.changes[0].value.as_str()
        ),
        ("1", "2")
    );
    let def = runs
        .arms
        .iter()
        .find(|a| a.name == "default-boost")
        .unwrap();
    assert!(def.changes.is_empty());
}

#[test]
fn writes_every_output_file() {
    let runs = run(&scn());
    let s = Summary::of(&runs);
    let dir = tempfile::tempdir().unwrap();
    let files = output::write_all(dir.path(), &runs, &s).unwrap();
    assert_eq!(files.len(), 5);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(json["study"], "enclave");
    assert_eq!(json["scenario"], "fake");
    let effects = json["effects"].as_array().unwrap();
    assert_eq!(effects.len(), 2 * 3);
    for k in ["metric", "intervention", "estimate", "ci_low", "ci_high"] {
        assert!(effects[0].get(k).is_some(), "{k}");
    }
    let reps = std::fs::read_to_string(dir.path().join("replications.csv")).unwrap();
    // 6 replications x (baseline + 3 interventions + 3 sweep points) x 2 metrics + header.
    assert_eq!(reps.lines().count(), 6 * 7 * 2 + 1);
    let paths = std::fs::read_to_string(dir.path().join("paths.csv")).unwrap();
    assert_eq!(paths.lines().count(), 4 * 5 + 1);
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(
        html.matches("<svg").count() >= 2 + 1 + 2,
        "effect, path and sweep charts"
    );
    assert!(!html.contains("src=") && !html.contains("<script") && !html.contains("<link"));
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(
        md.contains("Boost raised share by 0.1") || md.contains("Boost raised share by 0.09"),
        "{md}"
    );
    assert!(
        md.contains("Default boost left share unchanged in every replication"),
        "{md}"
    );
}
