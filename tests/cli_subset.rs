//! `migsim fit --subset`: fitting on the rows where a comparison holds gives
//! the fit on a file that holds only those rows, for design and causal
//! estimators; bad filters are one clear error.

use std::path::Path;
use std::process::Command;

const DATA: &str = "tests/fixtures/binary/data_ds1.csv";

fn fit_json(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .arg("fit")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The file's rows whose column `col` satisfies `keep`, written to `dir`.
fn filtered(dir: &Path, col: &str, keep: impl Fn(f64) -> bool) -> String {
    let text = std::fs::read_to_string(DATA).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let j = header.split(',').position(|c| c == col).unwrap();
    let rows: Vec<&str> = lines
        .filter(|l| keep(l.split(',').nth(j).unwrap().parse().unwrap()))
        .collect();
    assert!(rows.len() > 30 && rows.len() < text.lines().count() - 30);
    let path = dir.join(format!("{col}.csv"));
    std::fs::write(&path, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    path.to_str().unwrap().to_string()
}

fn same_rows(a: &serde_json::Value, b: &serde_json::Value, section: &str) {
    let (ra, rb) = (
        a[section].as_array().unwrap(),
        b[section].as_array().unwrap(),
    );
    assert!(!ra.is_empty());
    assert_eq!(ra.len(), rb.len());
    for (x, y) in ra.iter().zip(rb) {
        for key in ["estimate", "std_error"] {
            let (u, v) = (x[key].as_f64().unwrap(), y[key].as_f64().unwrap());
            assert!(
                (u - v).abs() <= 1e-10 * (1.0 + u.abs()),
                "{section} {key}: {u} vs {v}"
            );
        }
    }
}

#[test]
fn subset_equals_the_prefiltered_file() {
    let dir = tempfile::tempdir().unwrap();
    let d1 = filtered(dir.path(), "d1", |v| v == 1.0);
    let args = ["logit", "--y", "ylogit", "--x", "x1,x2", "--margins"];
    let sub = fit_json(&[&args[..], &["--data", DATA, "--subset", "d1 == 1"]].concat());
    let pre = fit_json(&[&args[..], &["--data", &d1]].concat());
    assert_eq!(sub["n"], pre["n"]);
    same_rows(&sub, &pre, "coefficients");
    same_rows(&sub, &pre, "marginal_effects");

    let x1 = filtered(dir.path(), "x1", |v| v > -0.25);
    let psm = ["psm", "--y", "yols", "--treatment", "d1", "--x", "x2"];
    let sub = fit_json(&[&psm[..], &["--data", DATA, "--subset", "x1 > -0.25"]].concat());
    let pre = fit_json(&[&psm[..], &["--data", &x1]].concat());
    same_rows(&sub, &pre, "effects");
}

#[test]
fn bad_subsets_are_one_clear_error() {
    for (subset, expect) in [
        ("d1 = 1", "invalid subset `d1 = 1`"),
        ("nosuch == 1", "no column `nosuch`"),
        ("x1 > 100", "keeps no rows"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
            .args(["fit", "logit", "--data", DATA, "--y", "ylogit", "--x", "x1"])
            .args(["--subset", subset])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains(expect) && err.trim_end().lines().count() == 1,
            "{err}"
        );
    }
}
