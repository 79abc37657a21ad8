//! The settings registry (`migsim settings`): every key of each study's
//! config with its default, bounds, unit and meaning. Checked against the
//! config itself: every listed key is accepted as an override at its
//! default, a misspelt key is not, every default lies within its bounds,
//! a value just outside a finite bound is rejected, and the starter
//! scenario with every setting uncommented is a valid scenario.

use std::process::Command;

use migsim::scenario::schema::Scenario;
use migsim::studies::settings::{lookup, registry, set_dotted, starter_scenario};
use migsim::studies::{StudyName, simulate};

fn accepts(study: StudyName, key: &str, v: toml::Value) -> bool {
    let mut t = toml::Table::new();
    set_dotted(&mut t, key, v);
    migsim::replicate::replicate_tables(
        study,
        &t,
        Some(400),
        1,
        &migsim::replicate::Tables::Only(&[]),
    )
    .is_ok()
}

#[test]
fn every_key_is_a_setting_with_its_default_inside_its_bounds() {
    for study in StudyName::ALL {
        let rows = registry(study).unwrap();
        assert!(rows.len() > 30, "{study}: {} settings", rows.len());
        for s in &rows {
            if let Some(v) = s.value {
                assert!(
                    s.admits(v) || s.unit == "count",
                    "{study} {}: default {v} outside {}",
                    s.key,
                    s.bounds_text()
                );
            }
            if s.unit == "share" {
                assert!(s.lower == 0.0 && s.upper == 1.0);
            }
        }
        let documented = rows.iter().filter(|s| !s.meaning.is_empty()).count();
        assert!(
            documented * 10 >= rows.len() * 9,
            "{study}: {documented} of {} documented",
            rows.len()
        );
    }
    let boost = lookup(StudyName::Talent, "policy.unit_support_south_boost").unwrap();
    assert!(!boost.meaning.is_empty());
    assert!(lookup(StudyName::Talent, "policy.unit_support_south_bost").is_err());
}

#[test]
fn bounds_agree_with_validation() {
    for study in [StudyName::Enclave, StudyName::Assets] {
        for s in registry(study).unwrap() {
            let Some(v) = s.value else { continue };
            // Counts and other integer settings take integers, not floats.
            if s.unit == "count"
                || s.constraint
                    .as_deref()
                    .is_some_and(|c| c.contains("integer"))
            {
                continue;
            }
            // The default itself (as a float) is accepted.
            assert!(
                accepts(study, &s.key, toml::Value::Float(v)),
                "{study} {} at default",
                s.key
            );
            if s.lower.is_finite() {
                assert!(
                    !accepts(study, &s.key, toml::Value::Float(s.lower - 1e-3)),
                    "{study} {} below",
                    s.key
                );
            }
            if s.upper.is_finite() {
                assert!(
                    !accepts(study, &s.key, toml::Value::Float(s.upper + 1e-3)),
                    "{study} {} above",
                    s.key
                );
            }
        }
        assert!(!accepts(
            study,
            "policy.no_such_key",
            toml::Value::Float(1.0)
        ));
    }
}

#[test]
fn starter_scenario_uncommented_is_valid_and_changes_nothing() {
    for study in StudyName::ALL {
        let text = starter_scenario(study).unwrap();
        let uncommented: String = text
            .lines()
            .map(|l| match l.strip_prefix("# \"") {
                Some(rest) => format!("\"{}", rest.split("    #").next().unwrap()),
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let sc = Scenario::parse(&uncommented, "starter.toml")
            .unwrap_or_else(|e| panic!("{study}: {e}\n{uncommented}"));
        // Every default restated: the cohort is the default one.
        let a = simulate(study, &sc.baseline, Some(400), 5).unwrap().metrics;
        let b = simulate(study, &toml::Table::new(), Some(400), 5)
            .unwrap()
            .metrics;
        assert_eq!(a, b, "{study}");
    }
}

#[test]
fn cli_lists_settings_as_json() {
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args(["settings", "enclave", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "network.homophily_enclave")
        .unwrap();
    assert_eq!(row["lower"], 0.0);
    assert_eq!(row["upper"], 1.0);
    assert!(row["meaning"].as_str().unwrap().contains("weak ties"));
    let bad = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args(["settings", "villages"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("villages"));
}
