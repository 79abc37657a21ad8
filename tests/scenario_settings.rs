//! Scenario overrides are held against the settings registry before any
//! simulation runs (`migsim run`): an unknown dotted key gets the
//! registry's error naming the key and the file, and a value outside a
//! setting's bounds gets an error naming the key, the value and the
//! bounds. Also `migsim settings <study>` as a table and `--scenario` as a
//! scenario file the binary accepts.

use std::path::Path;
use std::process::{Command, Output};

use migsim::scenario::schema::Scenario;
use migsim::studies::StudyName;
use migsim::studies::settings::registry;

fn migsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args(args)
        .output()
        .expect("the migsim binary runs")
}

/// Run scenario `text` from a temporary folder; the failure's stderr and
/// whether the output folder was created.
fn run_failing(text: &str) -> (String, String, bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, text).expect("write scenario");
    let out = dir.path().join("out");
    let o = migsim(&[
        "run",
        file.to_str().expect("utf-8 path"),
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    assert!(!o.status.success(), "accepted:\n{text}");
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    (err, file.display().to_string(), Path::new(&out).exists())
}

fn scenario(baseline: &str, set: &str) -> String {
    format!(
        "name = \"bad\"\nstudy = \"enclave\"\nn = 200\nreplications = 2\nseed = 1\n\n\
         [baseline]\n{baseline}\n\n[[intervention]]\nname = \"iv\"\nset = {{ {set} }}\n"
    )
}

/// A share setting of the enclave study (bounds [0, 1]) and another
/// numeric setting to use as a harmless intervention.
fn share_key() -> String {
    registry(StudyName::Enclave)
        .expect("registry")
        .into_iter()
        .find(|s| s.value.is_some() && s.lower == 0.0 && s.upper == 1.0 && !s.lower_open)
        .expect("a share setting")
        .key
}

#[test]
fn unknown_keys_are_named_with_the_file_before_anything_runs() {
    let share = share_key();
    for (baseline, set, key, context) in [
        (
            "\"policy.no_such_setting\" = 1.0".to_string(),
            format!("\"{share}\" = 0.5"),
            "policy.no_such_setting",
            "[baseline]",
        ),
        (
            String::new(),
            "\"zenou.no_such_rate\" = 0.5".to_string(),
            "zenou.no_such_rate",
            "intervention `iv`",
        ),
    ] {
        let (err, file, ran) = run_failing(&scenario(&baseline, &set));
        for want in [key, file.as_str(), context, "migsim settings enclave"] {
            assert!(err.contains(want), "`{want}` missing from: {err}");
        }
        assert!(!ran, "output written despite: {err}");
    }
}

#[test]
fn values_outside_the_bounds_name_key_value_and_bounds() {
    let share = share_key();
    for (baseline, set, context) in [
        (
            format!("\"{share}\" = 1.5"),
            format!("\"{share}\" = 0.5"),
            "[baseline]",
        ),
        (
            String::new(),
            format!("\"{share}\" = 1.5"),
            "intervention `iv`",
        ),
    ] {
        let (err, file, ran) = run_failing(&scenario(&baseline, &set));
        for want in [share.as_str(), "1.5", "[0, 1]", file.as_str(), context] {
            assert!(err.contains(want), "`{want}` missing from: {err}");
        }
        assert!(!ran, "output written despite: {err}");
    }
}

#[test]
fn settings_table_and_starter_scenario_from_the_binary() {
    for study in StudyName::ALL {
        let name = study.to_string();
        let table = migsim(&["settings", &name]);
        assert!(table.status.success());
        let text = String::from_utf8_lossy(&table.stdout);
        let n = registry(study).expect("registry").len();
        assert!(
            text.starts_with(&format!("Settings of the {name} study ({n} keys)")),
            "{text}"
        );
        assert_eq!(text.lines().count(), n + 2, "{name}: one line per key");
        let starter = migsim(&["settings", &name, "--scenario"]);
        assert!(starter.status.success());
        let scn = Scenario::parse(&String::from_utf8_lossy(&starter.stdout), "starter.toml")
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(scn.study, study);
        assert_eq!(scn.interventions.len(), 1);
    }
}
