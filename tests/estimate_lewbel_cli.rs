//! `migsim fit lewbel` end to end on the fixture data written as CSV.

use serde_json::Value;
use std::fmt::Write as _;
use std::process::Command;

#[test]
fn cli_matches_linearmodels_with_lq_and_region_fe() {
    let fx: Value =
        serde_json::from_str(include_str!("fixtures/lewbel/lewbel.json")).expect("fixture");
    let set = &fx["continuous"];
    let col = |c: &str| -> Vec<f64> {
        set["columns"][c]
            .as_array()
            .expect("col")
            .iter()
            .map(|v| v.as_f64().expect("num"))
            .collect()
    };
    let (x1, x2, r1, r2, lq, t) = (
        col("x1"),
        col("x2"),
        col("region=1"),
        col("region=2"),
        col("lq"),
        col("treat"),
    );
    let y: Vec<f64> = set["y"]
        .as_array()
        .expect("y")
        .iter()
        .map(|v| v.as_f64().expect("num"))
        .collect();
    let mut csv = String::from("y,treat,x1,x2,region,lq\n");
    for i in 0..y.len() {
        let region = if r1[i] == 1.0 {
            1
        } else if r2[i] == 1.0 {
            2
        } else {
            0
        };
        writeln!(
            csv,
            "{:e},{:e},{:e},{:e},{region},{:e}",
            y[i], t[i], x1[i], x2[i], lq[i]
        )
        .expect("write");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.csv");
    std::fs::write(&path, csv).expect("csv");
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args(["fit", "lewbel", "--data"])
        .arg(&path)
        .args([
            "--y",
            "y",
            "--treatment",
            "treat",
            "--x",
            "x1,x2",
            "--fe",
            "region",
            "--instrument",
            "lq",
            "--robust",
            "--json",
        ])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let case = set["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["cov"] == "robust" && c["external"].as_array().is_some_and(|e| !e.is_empty()))
        .expect("robust + lq case");
    let got = v["coefficients"].as_array().expect("coefficients");
    let want = case["coef"].as_array().expect("coef");
    assert_eq!(got[0]["name"], "treat");
    for (g, w) in got.iter().zip(want) {
        let (g, w) = (g["estimate"].as_f64().unwrap(), w.as_f64().unwrap());
        assert!((g - w).abs() < 1e-6 * w.abs().max(1.0), "{g} vs {w}");
    }
    let f = v["fit"]["first_stage_f"].as_f64().unwrap();
    assert!((f - case["first_stage_f"].as_f64().unwrap()).abs() < 1e-6 * f);
}
