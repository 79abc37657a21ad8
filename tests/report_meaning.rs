//! Reports and summary.json say what each number is: the measurement
//! window of every metric, the point estimate's definition, notes on
//! zero-width (deterministic) intervals, warnings on effects of fewer than
//! a handful of agents, and the sources; `migsim replicate` cites its paper.

use std::process::Command;

use migsim::report::run_files;
use migsim::scenario::summary::{deterministic_notes, small_effect_warnings};
use migsim::scenario::{self, Effect, Scenario, StudyModel, Summary};
use migsim::studies::StudyName;

#[test]
fn the_showcase_report_states_windows_definitions_and_sources() {
    let mut s = Scenario::load(std::path::Path::new("scenarios/showcase.toml")).unwrap();
    s.n = Some(500);
    s.replications = 3;
    let model = StudyModel {
        study: s.study,
        n: s.n,
    };
    let runs = scenario::run(&s, &model, &|_, _| {}).unwrap();
    let summary = Summary::of(&runs);
    let dir = tempfile::tempdir().unwrap();
    run_files::write_all(dir.path(), &runs, &summary).unwrap();
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    let w = json["metric_windows"]["share_up"].as_str().unwrap();
    assert!(
        w.contains("years 1 to 10") && w.contains("not at year 10"),
        "{w}"
    );
    assert!(
        json["point_estimate"]
            .as_str()
            .unwrap()
            .contains("paired difference")
    );
    // Existing fields are still there (scripts read them).
    for k in [
        "effects",
        "warnings",
        "metrics",
        "arms",
        "horizon",
        "uncertainty",
    ] {
        assert!(json.get(k).is_some(), "{k}");
    }
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(
        md.contains("measured as an average over years 1 to 10 in the city"),
        "{md}"
    );
    assert!(md.contains("## Sources") && md.contains("Zenou") && md.contains("Liu, Qichao"));
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("What each number is") && html.contains("Journal of Urban Economics"));
}

#[test]
fn zero_width_intervals_get_a_note_and_tiny_effects_a_warning() {
    let constant = Effect::paired("share_up", "p", &[0.5, 0.6, 0.7], &[0.5, 0.6, 0.7]);
    let noisy = Effect::paired("share_up", "q", &[0.5, 0.6, 0.7], &[0.51, 0.62, 0.7]);
    let notes = deterministic_notes(&[constant.clone(), noisy.clone()]);
    assert_eq!(notes.len(), 1);
    assert!(notes[0].contains("`share_up` under `p`") && notes[0].contains("zero-width"));
    // One agent of 3,624 in every replication: fewer than a handful.
    let one = 1.0 / 3624.0;
    let tiny = Effect::paired("share_up", "t", &[0.5, 0.6], &[0.5 + one, 0.6 + one]);
    let w = small_effect_warnings(StudyName::Enclave, &[tiny.clone(), noisy], Some(3624.0));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("about 1.0 of 3624 agents"), "{}", w[0]);
    // Not a share: no agent count.
    let level = Effect::paired("omega_mean", "t", &[0.5, 0.6], &[0.5001, 0.6001]);
    assert!(small_effect_warnings(StudyName::Enclave, &[level], Some(3624.0)).is_empty());
}

#[test]
fn replicate_cites_its_paper() {
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args(["replicate", "talent", "--n", "400", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = v["sources"][0].as_str().unwrap();
    assert!(
        s.contains("中国社会科学院大学学报") && s.contains("2025"),
        "{s}"
    );
}

/// The README's list of sources names every paper the reports and
/// `migsim replicate` cite (`CITATIONS`): each entry's author (where it
/// has one), subject, journal and data set appear there.
#[test]
fn the_readme_cites_every_source() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let sources = readme
        .split("## Sources")
        .nth(1)
        .expect("README has a Sources section");
    for c in migsim::studies::citation::CITATIONS {
        let mut anchors: Vec<String> = Vec::new();
        if !c.starts_with("Authors") {
            anchors.push(c.split(" (").next().unwrap().to_string());
        }
        for part in c.split("Journal of ").skip(1) {
            let end = part.find(['.', '(', ',']).unwrap_or(part.len());
            anchors.push(format!("Journal of {}", part[..end].trim()));
        }
        if let Some(sub) = c.split("subject").nth(1).and_then(|t| t.split(": ").nth(1)) {
            let end = sub.find(['(', '.']).unwrap_or(sub.len());
            anchors.push(sub[..end].trim().to_string());
        }
        if let Some(d) = c.split("Data: ").nth(1) {
            let end = d.find([',', ';']).unwrap_or(d.len());
            anchors.push(d[..end].trim_end_matches('.').trim().to_string());
        }
        assert!(anchors.len() >= 2, "{c}: {anchors:?}");
        for a in anchors {
            assert!(
                sources.contains(&a),
                "README's sources lack `{a}` (from {c})"
            );
        }
    }
}
