//! `migsim zenou` end to end: the JSON contract and one-line errors with exit code 2.

use std::process::Command;

fn migsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn json_has_the_contract_fields() {
    let out = migsim(&[
        "zenou",
        "--lambda",
        "1",
        "--delta",
        "0.3",
        "--omega",
        "0.4",
        "--agents",
        "2000",
        "--t-end",
        "10",
        "--seed",
        "3",
        "--network",
        "sbm:groups=10,homophily=0.8,k=6",
        "--record-every",
        "1",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "lambda",
        "delta",
        "omega",
        "exists",
        "e_star",
        "ode_e",
        "abm_e",
        "abm_se",
        "events",
        "elapsed_s",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["exists"], true);
    assert!((v["ode_e"].as_f64().unwrap() - v["e_star"].as_f64().unwrap()).abs() < 1e-8);
    assert_eq!(v["series"].as_array().unwrap().len(), 11);
}

#[test]
fn analytic_only_outside_5_reports_zero() {
    let out = migsim(&[
        "zenou", "--lambda", "1", "--delta", "2", "--omega", "0.5", "--json",
    ]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["exists"], false);
    assert_eq!(v["e_star"], 0.0);
    assert!(v.get("abm_e").is_none());
}

#[test]
fn invalid_input_names_the_parameter_and_exits_2() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["--lambda", "0", "--delta", "0.3", "--omega", "0.4"],
            "lambda",
        ),
        (
            &["--lambda", "1", "--delta", "-1", "--omega", "0.4"],
            "delta",
        ),
        (
            &["--lambda", "1", "--delta", "0.3", "--omega", "1.5"],
            "omega",
        ),
        (
            &[
                "--lambda", "1", "--delta", "0.3", "--omega", "0.4", "--agents", "1001",
            ],
            "agents",
        ),
        (
            &[
                "--lambda",
                "1",
                "--delta",
                "0.3",
                "--omega",
                "0.4",
                "--agents",
                "100",
                "--network",
                "grid",
            ],
            "network",
        ),
        (
            &[
                "--lambda", "1", "--delta", "0.3", "--omega", "0.4", "--agents", "100", "--t-end",
                "0",
            ],
            "t_end",
        ),
    ];
    for (args, name) in cases {
        let mut all = vec!["zenou"];
        all.extend_from_slice(args);
        let out = migsim(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(name), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(!err.contains("panicked"));
    }
}
