//! Every registered study is covered by every layer that dispatches on a
//! study: the study registry itself (name, key, parsing), the settings
//! registry (`migsim settings` and its starter scenario), the scenario
//! checks (settings bounds and a scenario run's plan), `replicate` (the
//! analysis registry lists the study in its place and its declared targets
//! are rows the paper's tables produce) and `calibrate` (default targets
//! and free set, checked against the settings registry).

use std::collections::BTreeSet;

use migsim::calibrate::spec::{default_free_params, default_targets};
use migsim::replicate::{self, Tables, analysis};
use migsim::scenario::settings_check::Registry;
use migsim::scenario::{self, Model, Scenario, StudyModel};
use migsim::studies::settings::{registry, starter_scenario};
use migsim::studies::{StudyDef, StudyName};

fn registered() -> Vec<StudyName> {
    StudyName::ALL.into_iter().collect()
}

#[test]
fn the_list_names_each_study_once_and_parses_back() {
    let all = registered();
    assert_eq!(all.len(), StudyName::COUNT);
    let keys: BTreeSet<&str> = all.iter().map(|s| s.as_str()).collect();
    assert_eq!(keys.len(), all.len(), "keys are distinct");
    for study in all {
        let def: &dyn StudyDef = study.def();
        assert!(!def.metrics().is_empty(), "{study}: metrics");
        assert!(!def.citations().is_empty(), "{study}: citations");
        assert_eq!(study.as_str().parse::<StudyName>().ok(), Some(study));
    }
    let e = "fourth".parse::<StudyName>().unwrap_err().to_string();
    for study in registered() {
        assert!(e.contains(&format!("{study}")), "{e}");
    }
}

#[test]
fn settings_and_scenario_checks_cover_every_study() {
    for study in registered() {
        let rows = registry(study).unwrap_or_else(|e| panic!("{study}: {e}"));
        assert!(rows.iter().any(|s| s.key == "n"), "{study}: has n");
        let checks = Registry::of(study).unwrap_or_else(|e| panic!("{study}: {e}"));
        // Every default passes the scenario bounds check, and an unknown key
        // is refused naming the study.
        for s in &rows {
            let v: toml::Value = toml::from_str::<toml::Table>(&format!("v = {}", s.default))
                .unwrap_or_else(|e| panic!("{study} {}: {e}", s.key))["v"]
                .clone();
            assert!(checks.check_value(&s.key, &v).is_ok(), "{study} {}", s.key);
        }
        let e = checks
            .check_value("no_such.key", &toml::Value::Float(1.0))
            .unwrap_err()
            .to_string();
        assert!(e.contains(&format!("migsim settings {study}")), "{e}");
        // The starter scenario plans against the study's model.
        let text = starter_scenario(study).unwrap_or_else(|e| panic!("{study}: {e}"));
        let scn = Scenario::parse(&text, "starter.toml").unwrap_or_else(|e| panic!("{study}: {e}"));
        assert_eq!(scn.study, study);
        let model = StudyModel { study, n: scn.n };
        assert_eq!(model.horizon(), study.def().horizon());
        let arms = scenario::check(&scn, &model).unwrap_or_else(|e| panic!("{study}: {e}"));
        assert_eq!(arms.len(), 2, "{study}: baseline and one intervention");
    }
}

#[test]
fn replicate_and_calibrate_cover_every_study() {
    for study in registered() {
        let paper = analysis(study);
        assert_eq!(
            paper.study(),
            study,
            "the analysis list is in registry order"
        );
        let targets = default_targets(study);
        assert!(!targets.is_empty(), "{study}: default targets");
        let free = default_free_params(study).unwrap_or_else(|e| panic!("{study}: {e}"));
        assert!(!free.is_empty(), "{study}: default free set");
        // The declared targets are rows of the paper's tables, each with a
        // published SE (so each is marked a target).
        let tables: Vec<String> = targets
            .iter()
            .map(|t| t.table.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let rep = replicate::replicate_tables(
            study,
            &toml::Table::new(),
            Some(1500),
            7,
            &Tables::Only(&tables),
        )
        .unwrap_or_else(|e| panic!("{study}: {e}"));
        for t in &targets {
            let row = rep
                .rows
                .iter()
                .find(|r| r.table == t.table && r.spec.starts_with(&t.spec) && r.term == t.term)
                .unwrap_or_else(|| panic!("{study}: no row for target {t:?}"));
            // A declared target is a target row: a value written into the
            // model (an `input`) is matched by construction, so it is never
            // a calibration target either.
            assert!(
                row.role == replicate::Role::Target,
                "{study}: {t:?} is {:?}",
                row.role
            );
        }
    }
}
