//! The JSON contract of `migsim replicate --json` (issue 30), checked on
//! the release binary as scripts read it: every row's `role` is `target`,
//! `held out` or `input`, every row has `informative` (a bool) and `failed`
//! (null or a non-empty reason); the top level has `heldout_joint` =
//! {`chi2`, `df`, `p_value`}; with `--decompose` the enclave output has a
//! top-level `decomposition` = [{`channel`, `share`, `se`}] whose shares
//! sum to 1; and the rows (their number and keys) do not change with the
//! seed.

use std::process::Command;

use serde_json::Value;

fn replicate(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .arg("replicate")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "migsim replicate {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (table, spec, term) of every row.
fn keys(v: &Value) -> Vec<(String, String, String)> {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            (s("table"), s("spec"), s("term"))
        })
        .collect()
}

fn check_rows(study: &str, v: &Value) {
    let rows = v["rows"].as_array().unwrap();
    assert!(!rows.is_empty(), "{study}: no rows");
    let mut roles = [0usize; 3];
    for r in rows {
        let role = r["role"].as_str().unwrap();
        let k = ["target", "held out", "input"]
            .iter()
            .position(|x| *x == role)
            .unwrap_or_else(|| panic!("{study}: role {role:?} outside the contract"));
        roles[k] += 1;
        assert!(r["informative"].is_boolean(), "{study}: {r}");
        match &r["failed"] {
            Value::Null => {}
            Value::String(why) => {
                assert!(!why.is_empty(), "{study}: empty failure reason");
                // A failure keeps its row and never agrees.
                assert!(r["synthetic"].is_null(), "{study}: {r}");
                assert_ne!(r["agrees"], Value::Bool(true), "{study}: {r}");
            }
            other => panic!("{study}: failed is {other}"),
        }
    }
    assert!(roles[0] > 0 && roles[1] > 0, "{study}: roles {roles:?}");
    let j = &v["heldout_joint"];
    assert!(j.is_object(), "{study}: heldout_joint {j}");
    assert!(j["chi2"].as_f64().is_some_and(|x| x >= 0.0), "{study}: {j}");
    assert!(j["df"].as_u64().is_some_and(|d| d >= 1), "{study}: {j}");
    assert!(
        j["p_value"]
            .as_f64()
            .is_some_and(|p| (0.0..=1.0).contains(&p)),
        "{study}: {j}"
    );
}

#[test]
fn every_study_keeps_the_contract_and_its_rows_whatever_the_seed() {
    // At the published N (smaller cohorts make every held-out row
    // uninformative, and the joint test then has no rows), over more
    // cohorts than the targets' rank plus two, so the joint test has its
    // degrees of freedom (assets and enclave condition on about 10 targets,
    // talent on about 25).
    for (study, cohorts) in [("assets", "16"), ("talent", "36"), ("enclave", "16")] {
        let first = replicate(&[study, "--seed", "1", "--seeds", cohorts]);
        check_rows(study, &first);
        let seed = "23";
        let other = replicate(&[study, "--seed", seed, "--seeds", cohorts]);
        check_rows(study, &other);
        assert_eq!(keys(&other), keys(&first), "{study}: rows at seed {seed}");
        assert!(
            first.get("decomposition").is_none(),
            "{study}: decomposition without --decompose"
        );
    }
}

#[test]
fn enclave_decomposition_is_a_list_of_channel_shares_summing_to_one() {
    let v = replicate(&[
        "enclave",
        "--n",
        "1500",
        "--seed",
        "3",
        "--seeds",
        "20",
        "--decompose",
        "--decompose-seeds",
        "4",
    ]);
    check_rows("enclave", &v);
    let d = v["decomposition"].as_array().unwrap();
    let names: Vec<&str> = d.iter().map(|c| c["channel"].as_str().unwrap()).collect();
    assert_eq!(names, ["omega_star", "redundancy", "selection", "residual"]);
    let mut total = 0.0;
    for c in d {
        let (share, se) = (c["share"].as_f64().unwrap(), c["se"].as_f64().unwrap());
        assert!(share.is_finite() && se.is_finite() && se >= 0.0, "{c}");
        total += share;
    }
    // The sequential shares and the residual add up to the whole penalty
    // (an identity of the decomposition, not a property of the model).
    assert!((total - 1.0).abs() < 1e-9, "shares sum to {total}");
    // Asking for it on another study is one clear error.
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args(["replicate", "assets", "--decompose"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--decompose") && err.contains("enclave"),
        "{err}"
    );
}
