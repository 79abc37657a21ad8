//! `migsim fit mediation|psm|heckman`, `fit logit|probit --interaction-effect`
//! and `fit ologit --brant` end to end, against the estimators' fixture
//! references; bad input gets one message on stderr and exit code 2.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn migsim(args: &[&str], data: &Path) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args(&args[..2])
        .arg("--data")
        .arg(data)
        .args(&args[2..])
        .output()
        .expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

fn ok_json(r: &Run) -> Value {
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).expect("one JSON object")
}

/// Exit code 2, one message naming `needle`, no panic.
fn assert_user_error(r: &Run, needle: &str) {
    assert_eq!(r.code, 2, "stdout {} stderr {}", r.stdout, r.stderr);
    assert!(r.stderr.contains(needle), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

fn fixture(rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{FIX}/{rel}")).expect("fixture"))
        .expect("json")
}

fn effect<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["effects"]
        .as_array()
        .expect("effects")
        .iter()
        .find(|e| e["name"] == name)
        .expect("effect row")
}

fn num(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

/// Columns as a CSV file in `dir`.
fn write_csv(dir: &Path, cols: &[(&str, Vec<f64>)]) -> PathBuf {
    let mut text = cols.iter().map(|c| c.0).collect::<Vec<_>>().join(",");
    text.push('\n');
    for i in 0..cols[0].1.len() {
        let row: Vec<String> = cols.iter().map(|c| format!("{:e}", c.1[i])).collect();
        writeln!(text, "{}", row.join(",")).expect("write");
    }
    let path = dir.join("d.csv");
    std::fs::write(&path, text).expect("csv");
    path
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(num).collect()
}

fn mediation_data() -> PathBuf {
    PathBuf::from(format!("{FIX}/mediation/data.csv"))
}

#[test]
fn mediation_matches_statsmodels_within_monte_carlo_error() {
    let r = migsim(
        &[
            "fit",
            "mediation",
            "--y",
            "y",
            "--treatment",
            "t",
            "--mediator",
            "m",
            "--x",
            "x1,x2",
            "--sims",
            "2000",
            "--seed",
            "4",
            "--json",
        ],
        &mediation_data(),
    );
    let v = ok_json(&r);
    assert_eq!(v["estimator"], "mediation");
    let reference = fixture("mediation/reference.json");
    let c = &reference["statsmodels"]["logit"]["effects"];
    for name in ["acme", "ade", "total"] {
        let (ours, theirs) = (effect(&v, name), &c[name]);
        let mc = num(&theirs["sd"]) * (1.0 / 2000.0 + 1.0 / 20000.0_f64).sqrt();
        let diff = (num(&ours["estimate"]) - num(&theirs["estimate"])).abs();
        assert!(diff < 4.5 * mc, "{name}: {ours} vs {theirs}");
    }
    let human = migsim(
        &[
            "fit",
            "mediation",
            "--y",
            "y",
            "--treatment",
            "t",
            "--mediator",
            "m",
            "--x",
            "x1,x2",
            "--sims",
            "200",
        ],
        &mediation_data(),
    );
    assert_eq!(human.code, 0, "{}", human.stderr);
    for row in ["acme_control", "prop_mediated", "mediator_model"] {
        assert!(human.stdout.contains(row), "{}", human.stdout);
    }
}

#[test]
fn mediation_sensitivity_prints_the_root_and_its_reading() {
    let args = [
        "fit",
        "mediation",
        "--y",
        "y",
        "--treatment",
        "t",
        "--mediator",
        "m",
        "--x",
        "x1,x2",
        "--outcome-model",
        "probit",
        "--sims",
        "100",
        "--sensitivity",
    ];
    let reference = fixture("mediation/reference.json");
    let want = num(&reference["sensitivity"]["probit"]["rho_at_zero"]);
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let v = ok_json(&migsim(&json_args, &mediation_data()));
    assert!((num(&v["fit"]["rho_at_zero"]) - want).abs() < 1e-6);
    assert_eq!(floats(&v["tables"]["sensitivity"]["rho"]).len(), 199);
    let human = migsim(&args, &mediation_data());
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(
        human
            .stdout
            .contains(&format!("rho at ACME = 0: {want:.4}"))
    );
    assert!(human.stdout.contains("fragile, not a robust"));
}

#[test]
fn mediation_bad_input_is_a_clear_error() {
    let data = mediation_data();
    let base = [
        "fit",
        "mediation",
        "--y",
        "y",
        "--treatment",
        "t",
        "--mediator",
        "m",
        "--x",
        "x1,x2",
    ];
    let with = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        migsim(&a, &data)
    };
    assert_user_error(&with(&["--sensitivity"]), "needs --outcome-model probit");
    let r = migsim(
        &[
            "fit",
            "mediation",
            "--y",
            "y",
            "--treatment",
            "tc",
            "--mediator",
            "m",
        ],
        &data,
    );
    assert_user_error(&r, "must be 0/1");
    let r = migsim(
        &[
            "fit",
            "mediation",
            "--y",
            "y",
            "--treatment",
            "t",
            "--mediator",
            "nope",
        ],
        &data,
    );
    assert_user_error(&r, "nope");
    let r = migsim(&["fit", "mediation", "--y", "y", "--treatment", "t"], &data);
    assert_user_error(&r, "--mediator");
    assert_user_error(&with(&["--outcome-model", "tobit"]), "tobit");
    assert_user_error(&with(&["--sims", "1"]), "sims");
    assert_user_error(&with(&["--k", "3"]), "does not take --k");
}

#[test]
fn continuous_treatment_takes_control_and_treat_values() {
    let v = ok_json(&migsim(
        &[
            "fit",
            "mediation",
            "--y",
            "ycb",
            "--treatment",
            "tc",
            "--mediator",
            "mc",
            "--x",
            "x1,x2",
            "--control-value",
            "0",
            "--treat-value",
            "1",
            "--sims",
            "2000",
            "--json",
        ],
        &mediation_data(),
    ));
    let reference = fixture("mediation/reference.json");
    let c = &reference["statsmodels"]["continuous_treatment"]["effects"]["acme"];
    let mc = num(&c["sd"]) * (1.0 / 2000.0 + 1.0 / 20000.0_f64).sqrt();
    assert!((num(&effect(&v, "acme")["estimate"]) - num(&c["estimate"])).abs() < 4.5 * mc);
    assert_eq!(v["tables"]["simulation"]["treat_value"], 1.0);
}

#[test]
fn heckman_matches_the_two_step_reference() {
    let data = PathBuf::from(format!("{FIX}/heckman/data.csv"));
    let v = ok_json(&migsim(
        &[
            "fit",
            "heckman",
            "--y",
            "y",
            "--treatment",
            "t",
            "--instrument",
            "z",
            "--x",
            "x1,x2",
            "--json",
        ],
        &data,
    ));
    let reference = fixture("heckman/reference.json");
    for key in ["lambda", "rho", "sigma"] {
        assert!(
            (num(&v["fit"][key]) - num(&reference[key])).abs() < 1e-6,
            "{key}"
        );
    }
    let se = floats(&reference["ols"]["se"]);
    let rows = v["coefficients"].as_array().expect("rows");
    assert_eq!(rows[1]["name"], "t");
    assert_eq!(rows.last().expect("imr")["name"], "imr");
    for (row, want) in rows.iter().zip(&se) {
        assert!((num(&row["std_error"]) / want - 1.0).abs() < 1e-6);
    }
    assert_eq!(v["first_stage"].as_array().expect("first stage").len(), 4);
    let human = migsim(
        &[
            "fit",
            "heckman",
            "--y",
            "yb",
            "--treatment",
            "t",
            "--instrument",
            "z",
            "--x",
            "x1",
        ],
        &data,
    );
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(human.stdout.contains("first_stage") && human.stdout.contains("imr"));
}

#[test]
fn heckman_bad_input_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 50;
    let data = write_csv(
        dir.path(),
        &[
            ("y", (0..n).map(|i| f64::from(i % 7)).collect()),
            ("t", (0..n).map(|i| f64::from(i % 2)).collect()),
            ("z", vec![3.0; n as usize]),
            ("w", (0..n).map(|i| f64::from(i % 3) / 2.0).collect()),
        ],
    );
    let r = migsim(
        &[
            "fit",
            "heckman",
            "--y",
            "y",
            "--treatment",
            "t",
            "--instrument",
            "z",
        ],
        &data,
    );
    assert_user_error(&r, "`z` is constant");
    let r = migsim(
        &[
            "fit",
            "heckman",
            "--y",
            "y",
            "--treatment",
            "w",
            "--instrument",
            "t",
        ],
        &data,
    );
    assert_user_error(&r, "must be 0/1");
    let r = migsim(&["fit", "heckman", "--y", "y", "--treatment", "t"], &data);
    assert_user_error(&r, "--instrument");
}

fn psm_data(dir: &Path, fx: &Value) -> PathBuf {
    let cols: Vec<(&str, Vec<f64>)> = ["y", "d", "x1", "x2", "x3"]
        .iter()
        .map(|c| (*c, floats(&fx[*c])))
        .collect();
    write_csv(dir, &cols)
}

#[test]
fn psm_nearest_neighbour_matches_the_reference() {
    let fx = fixture("psm/psm.json");
    let dir = tempfile::tempdir().expect("tempdir");
    let data = psm_data(dir.path(), &fx);
    for score in ["logit", "probit"] {
        let case = fx["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .find(|c| {
                c["score"] == score
                    && c["common"] == false
                    && c["spec"]["method"] == "nearest"
                    && c["spec"]["k"] == 4
            })
            .expect("nn k=4 case");
        let v = ok_json(&migsim(
            &[
                "fit",
                "psm",
                "--y",
                "y",
                "--treatment",
                "d",
                "--x",
                "x1,x2,x3",
                "--score",
                score,
                "--k",
                "4",
                "--ate",
                "--json",
            ],
            &data,
        ));
        for (row, key) in [("att", "att"), ("ate", "ate")] {
            let got = num(&effect(&v, row)["estimate"]);
            assert!((got - num(&case[key])).abs() < 1e-6, "{score} {row}");
        }
        let se = num(&effect(&v, "att")["std_error"]);
        assert!((se - num(&case["se_att"])).abs() < 1e-6, "{score} se");
        assert!(v["tables"]["balance"]["rows"].as_array().is_some());
    }
    let human = migsim(
        &[
            "fit",
            "psm",
            "--y",
            "y",
            "--treatment",
            "d",
            "--x",
            "x1,x2,x3",
            "--method",
            "kernel",
            "--bootstrap",
            "20",
            "--seed",
            "3",
        ],
        &data,
    );
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(human.stdout.contains("att") && human.stdout.contains("V(T)/V(C)"));
    assert!(human.stdout.contains("pscore"));
    let case = fx["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["score"] == "logit" && c["common"] == false && c["spec"]["knots"] == 7)
        .expect("spline k=7 case");
    let spline = ok_json(&migsim(
        &[
            "fit",
            "psm",
            "--y",
            "y",
            "--treatment",
            "d",
            "--x",
            "x1,x2,x3",
            "--method",
            "spline",
            "--knots",
            "7",
            "--bootstrap",
            "10",
            "--json",
        ],
        &data,
    ));
    let got = num(&effect(&spline, "att")["estimate"]);
    assert!((got - num(&case["att"])).abs() < 1e-6, "spline att {got}");
}

#[test]
fn psm_bad_input_is_a_clear_error() {
    let fx = fixture("psm/psm.json");
    let dir = tempfile::tempdir().expect("tempdir");
    let data = psm_data(dir.path(), &fx);
    let base = [
        "fit",
        "psm",
        "--y",
        "y",
        "--treatment",
        "d",
        "--x",
        "x1,x2,x3",
    ];
    let with = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        migsim(&a, &data)
    };
    assert_user_error(&with(&["--method", "radius"]), "--caliper");
    assert_user_error(&with(&["--method", "cem"]), "invalid --method `cem`");
    assert_user_error(&with(&["--score", "cloglog"]), "cloglog");
    assert_user_error(&with(&["--method", "kernel", "--k", "2"]), "--k");
    assert_user_error(&with(&["--k", "0"]), "k");
    assert_user_error(&with(&["--method", "kernel", "--knots", "5"]), "--knots");
    assert_user_error(
        &with(&["--method", "spline", "--knots", "2"]),
        "3 to 50 knots",
    );
    assert_user_error(
        &with(&["--method", "spline", "--bandwidth", "0.1"]),
        "--bandwidth",
    );
    let r = migsim(
        &["fit", "psm", "--y", "y", "--treatment", "x1", "--x", "x2"],
        &data,
    );
    assert_user_error(&r, "must be 0/1");
    let n = 40;
    let all_treated = write_csv(
        dir.path(),
        &[
            ("y", (0..n).map(f64::from).collect()),
            ("d", vec![1.0; n as usize]),
            ("x", (0..n).map(|i| f64::from(i % 5)).collect()),
        ],
    );
    let r = migsim(
        &["fit", "psm", "--y", "y", "--treatment", "d", "--x", "x"],
        &all_treated,
    );
    assert_user_error(&r, "`d` is constant");
}

#[test]
fn probit_interaction_effect_matches_ai_norton_reference() {
    let fx = fixture("interaction/interaction.json");
    let case = &fx["probit_cd"];
    let x: Vec<Vec<f64>> = case["x"]
        .as_array()
        .expect("x")
        .iter()
        .map(floats)
        .collect();
    let col = |j: usize| x[j].clone();
    let dir = tempfile::tempdir().expect("tempdir");
    let data = write_csv(
        dir.path(),
        &[
            ("y", floats(&case["y"])),
            ("a", col(1)),
            ("d", col(2)),
            ("c", col(4)),
        ],
    );
    let args = [
        "fit",
        "probit",
        "--y",
        "y",
        "--x",
        "a,d,a:d,c",
        "--interaction-effect",
        "a:d",
    ];
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let v = ok_json(&migsim(&json_args, &data));
    let avg = &v["interaction_effect"][0];
    assert!((num(&avg["estimate"]) - num(&case["average"])).abs() < 1e-6);
    assert!((num(&avg["std_error"]) / num(&case["average_se"]) - 1.0).abs() < 1e-5);
    let sd = num(&case["summary"]["effect"]["sd"]);
    assert!((num(&v["tables"]["interaction_effect"]["effect"]["sd"]) - sd).abs() < 1e-6);
    let human = migsim(&args, &data);
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(human.stdout.contains("Interaction effect of a:d"));
    let r = migsim(
        &[
            "fit",
            "ols",
            "--y",
            "y",
            "--x",
            "a,d,a:d",
            "--interaction-effect",
            "a:d",
        ],
        &data,
    );
    assert_user_error(&r, "--interaction-effect");
}

#[test]
fn ologit_brant_prints_the_test_after_the_table() {
    let data = PathBuf::from(format!("{FIX}/ordered/ds1.csv"));
    let args = [
        "fit",
        "ologit",
        "--y",
        "y",
        "--x",
        "age,male,age^2,male:age",
        "--brant",
    ];
    let human = migsim(&args, &data);
    assert_eq!(human.code, 0, "{}", human.stderr);
    let table_end = human.stdout.find("Regression Results").expect("table");
    let brant = human
        .stdout
        .find("Brant test of parallel")
        .expect("brant text");
    assert!(brant > table_end);
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let v = ok_json(&migsim(&json_args, &data));
    let want = num(&fixture("ordered/ds1_statsmodels.json")["brant"]["chi2"]);
    let got = num(&v["tables"]["brant"]["omnibus"]["chi2"]);
    assert!((got / want - 1.0).abs() < 1e-6, "{got} vs {want}");
}
