//! Every shipped scenario runs (tiny n, two replications) and writes its
//! reports; an intervention that sets a policy to its default changes
//! nothing in any study (common random numbers).

use std::path::PathBuf;

use migsim::report::run_files as output;
use migsim::scenario::{self, Scenario, StudyModel, Summary};
use migsim::studies::StudyName;

fn small_n(study: StudyName) -> usize {
    match study {
        StudyName::Enclave => 300,
        StudyName::Assets => 300,
        StudyName::Talent => 200,
    }
}

fn run(mut s: Scenario) -> (scenario::Runs, Summary) {
    s.n = Some(small_n(s.study));
    s.replications = 2;
    if let Some(sw) = s.sweep.as_mut() {
        sw.values.truncate(2);
    }
    if let Some(u) = s.uncertainty.as_mut() {
        u.draws = 3;
        u.replications = Some(1);
    }
    if let Some(e) = s.experiment.as_mut() {
        e.replications = Some(1);
    }
    let model = StudyModel {
        study: s.study,
        n: s.n,
    };
    let runs = scenario::run(&s, &model, &|_, _| {}).unwrap_or_else(|e| panic!("{}: {e}", s.file));
    let summary = Summary::of(&runs);
    (runs, summary)
}

#[test]
fn every_shipped_scenario_runs_and_writes_reports() {
    let mut files: Vec<PathBuf> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 7, "{files:?}");
    let mut studies = Vec::new();
    for f in &files {
        let s = Scenario::load(f).unwrap_or_else(|e| panic!("{e}"));
        studies.push(s.study);
        let (runs, summary) = run(s);
        assert!(!summary.effects.is_empty(), "{}", f.display());
        let dir = tempfile::tempdir().unwrap();
        let written = output::write_all(dir.path(), &runs, &summary).unwrap();
        assert_eq!(
            written.len(),
            5 + usize::from(!runs.draws.is_empty()) + usize::from(!runs.experiment.is_empty())
        );
        if s_has_experiment(&summary) {
            let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
            assert!(html.contains("<h2>Experiment over"), "{}", f.display());
        }
        if summary.uncertainty.is_some() {
            assert!(
                summary
                    .effects
                    .iter()
                    .all(|e| e.draws == 3 && e.total().is_some())
            );
            let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
            assert!(
                md.contains("incl. parameter uncertainty"),
                "{}",
                f.display()
            );
        }
    }
    for st in StudyName::ALL {
        assert!(studies.contains(&st), "no scenario for {st}");
    }
}

fn s_has_experiment(s: &Summary) -> bool {
    s.experiment.is_some()
}

/// Per study, one shipped scenario with `[uncertainty]` and one with
/// `[sensitivity]`; each sensitivity design runs at a tiny size and writes
/// its files.
#[test]
fn shipped_uncertainty_and_sensitivity_scenarios_run() {
    let mut unc = Vec::new();
    let mut sens = Vec::new();
    for e in std::fs::read_dir("scenarios").unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let s = Scenario::load(&p).unwrap_or_else(|e| panic!("{e}"));
        if s.uncertainty.is_some() {
            unc.push(s.study);
        }
        if s.sensitivity.is_some() {
            sens.push(s.study);
            let mut s = s;
            s.n = Some(small_n(s.study));
            let model = StudyModel {
                study: s.study,
                n: s.n,
            };
            let a = migsim::sensitivity::analyse(&s, &model, None, Some(3), &|_, _| {})
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            assert!(!a.indices.is_empty());
            let dir = tempfile::tempdir().unwrap();
            let written = migsim::report::sensitivity_files::write_all(dir.path(), &a).unwrap();
            assert_eq!(written.len(), 6);
        }
    }
    for st in StudyName::ALL {
        assert!(unc.contains(&st), "no [uncertainty] scenario for {st}");
        assert!(sens.contains(&st), "no [sensitivity] scenario for {st}");
    }
}

#[test]
fn setting_policies_to_their_defaults_changes_nothing() {
    let cases = [
        (
            "enclave",
            "set = { \"policy.dispersal_share\" = 0.0 }\n[[intervention]]\nname = \"b\"\nscale = { \"policy.platform_lambda_mult\" = 1.0 }",
        ),
        (
            "assets",
            "set = { \"policy.pessimism_shift_sd\" = 0.0, \"policy.housing_price_change\" = 0.0 }",
        ),
        (
            "talent",
            "set = { \"policy.unit_support_south_boost\" = 0.0, \"policy.particip_boost_sd\" = 0.0 }",
        ),
    ];
    for (study, iv) in cases {
        let src = format!(
            "name = \"crn\"\nstudy = \"{study}\"\nreplications = 2\nseed = 5\n[[intervention]]\nname = \"a\"\n{iv}\n"
        );
        let (_, summary) = run(Scenario::parse(&src, study).unwrap());
        for e in &summary.effects {
            assert_eq!(
                (e.estimate, e.ci_low, e.ci_high),
                (0.0, 0.0, 0.0),
                "{study}: {e:?}"
            );
        }
    }
}
