//! Scenario file errors name the file, the line and the key.

mod scenario_fake;

use migsim::scenario::{self, Scenario};

fn err(src: &str) -> String {
    Scenario::parse(src, "s.toml").unwrap_err().to_string()
}

fn run_err(src: &str) -> String {
    let s = Scenario::parse(src, "s.toml").unwrap();
    scenario::run(&s, &scenario_fake::model(), &|_, _| {})
        .unwrap_err()
        .to_string()
}

const HEAD: &str = "name = \"x\"\nstudy = \"enclave\"\nreplications = 3\nseed = 1\n";

#[test]
fn unknown_top_level_key_names_key_and_line() {
    let e = err(&format!(
        "{HEAD}\nreplicatoins = 4\n[[intervention]]\nname = \"a\"\nset = {{ x = 1 }}\n"
    ));
    assert!(e.starts_with("s.toml line 6:"), "{e}");
    assert!(e.contains("replicatoins"), "{e}");
}

#[test]
fn unknown_intervention_key_names_line() {
    let e = err(&format!(
        "{HEAD}[[intervention]]\nname = \"a\"\nsett = {{ x = 1 }}\n"
    ));
    assert!(e.starts_with("s.toml line 7:"), "{e}");
    assert!(e.contains("sett"), "{e}");
}

#[test]
fn wrong_type_names_line() {
    let e = err("name = \"x\"\nstudy = \"enclave\"\nreplications = \"many\"\nseed = 1\n");
    assert!(e.starts_with("s.toml line 3:"), "{e}");
    assert!(e.contains("integer") || e.contains("usize"), "{e}");
}

#[test]
fn unknown_study_and_bad_values() {
    let e = err("name = \"x\"\nstudy = \"enclaves\"\nreplications = 3\nseed = 1\n");
    assert!(
        e.starts_with("s.toml line 2:") && e.contains("enclaves"),
        "{e}"
    );
    let e = err("name = \"x\"\nstudy = \"enclave\"\nreplications = 1\nseed = 1\n");
    assert!(e.contains("line 3") && e.contains("at least 2"), "{e}");
    let e = err(&format!("{HEAD}"));
    assert!(e.contains("nothing to compare"), "{e}");
    let e = err(&format!("{HEAD}[[intervention]]\nname = \"a\"\n"));
    assert!(e.contains("line 5") && e.contains("changes nothing"), "{e}");
    let e = err("name = \"a b\"\nstudy = \"enclave\"\nreplications = 3\nseed = 1\n");
    assert!(e.contains("line 1") && e.contains("name"), "{e}");
}

#[test]
fn unknown_metric_lists_the_available_ones() {
    let e = run_err(&format!(
        "{HEAD}metrics = [\"shar\"]\n[[intervention]]\nname = \"a\"\nset = {{ \"policy.boost\" = 0.1 }}\n"
    ));
    assert!(
        e.contains("unknown metric `shar`") && e.contains("level, share"),
        "{e}"
    );
}

#[test]
fn override_rejected_by_the_study_names_key_and_intervention_line() {
    let e = run_err(&format!(
        "{HEAD}\n[[intervention]]\nname = \"a\"\nset = {{ \"policy.bost\" = 0.1 }}\n"
    ));
    assert!(e.starts_with("s.toml line 6: intervention `a`"), "{e}");
    assert!(e.contains("bost"), "{e}");
    let e = run_err(&format!(
        "{HEAD}[[intervention]]\nname = \"a\"\nset = {{ \"policy.boost\" = 0.9 }}\n"
    ));
    assert!(e.contains("policy.boost") && e.contains("[0, 0.5]"), "{e}");
    let e = run_err(&format!(
        "{HEAD}[[intervention]]\nname = \"a\"\nscale = {{ \"policy.label\" = 2.0 }}\n"
    ));
    assert!(
        e.contains("policy.label") && e.contains("not a numeric setting"),
        "{e}"
    );
}

#[test]
fn both_dotted_spellings_mean_the_same() {
    let a = Scenario::parse(
        &format!("{HEAD}[[intervention]]\nname = \"a\"\nset = {{ \"policy.boost\" = 0.1 }}\n"),
        "a",
    )
    .unwrap();
    let b = Scenario::parse(
        &format!("{HEAD}[[intervention]]\nname = \"a\"\n[intervention.set]\npolicy.boost = 0.1\n"),
        "b",
    )
    .unwrap();
    assert_eq!(a.interventions[0].set, b.interventions[0].set);
    let e = err(&format!(
        "{HEAD}[[intervention]]\nname = \"a\"\nset = {{ \"policy.boost\" = 0.1, policy = {{ boost = 0.2 }} }}\n"
    ));
    assert!(e.contains("given twice"), "{e}");
}
