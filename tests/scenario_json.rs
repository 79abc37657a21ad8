//! Scenarios as JSON in the TOML schema: every shipped file reads back as
//! JSON that checks to the same scenario, and bad JSON gets the parser's
//! messages with no misleading line numbers.

use migsim::scenario::Scenario;
use migsim::scenario::json::{json_to_toml, toml_to_json};

fn shipped() -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    assert!(v.len() >= 10, "{v:?}");
    v
}

/// The checked scenario from JSON equals the one from the file (compared
/// through its Debug form with the file label and line numbers aside).
#[test]
fn every_shipped_scenario_round_trips_through_json() {
    for p in shipped() {
        let src = std::fs::read_to_string(&p).unwrap();
        let file = p.display().to_string();
        let from_file = Scenario::parse(&src, &file).unwrap();
        let json = toml_to_json(&src, &file).unwrap();
        let from_json = Scenario::from_json(&json, &file).unwrap();
        let norm = |s: &Scenario| {
            let d = format!("{s:?}");
            regex_free_strip_lines(&d)
        };
        assert_eq!(norm(&from_file), norm(&from_json), "{file}");
        assert_eq!(from_json.name, from_file.name);
    }
}

/// `line: N` fields removed (the TOML rendering reorders tables).
fn regex_free_strip_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("line: ") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 6..];
        let skip = tail.find([',', ' ', '}']).unwrap_or(tail.len());
        rest = &tail[skip..];
    }
    out.push_str(rest);
    out
}

#[test]
fn bad_json_gets_the_parser_message_without_a_line() {
    let v: serde_json::Value = serde_json::from_str(
        r#"{"name": "x", "study": "enclave", "replications": 2, "bogus_key": 1}"#,
    )
    .unwrap();
    let e = Scenario::from_json(&v, "request body")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("request body: "), "{e}");
    assert!(e.contains("bogus_key"), "{e}");
    assert!(!e.contains(" line "), "{e}");

    let e = json_to_toml(&serde_json::json!([1, 2]), "request body")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("expected a JSON object") && e.contains("an array"),
        "{e}"
    );

    let e = json_to_toml(&serde_json::json!({"a": {"b": null}}), "request body")
        .unwrap_err()
        .to_string();
    assert!(e.contains("`a.b` is null"), "{e}");
}
