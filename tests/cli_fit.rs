//! `migsim fit` on bad input: exit code 2, one clear line on stderr naming
//! the problem, nothing on stdout, no panic.

use std::path::{Path, PathBuf};
use std::process::Command;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Run `migsim fit ...`, assert the failure contract, return the stderr line.
fn fails(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .arg("fit")
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(out.stdout.is_empty(), "stdout: {:?}", out.stdout);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    stderr.trim_end().to_string()
}

fn good_csv(dir: &Path) -> PathBuf {
    write(
        dir,
        "ok.csv",
        "y,a,city\n1,0.5,x\n0,1.5,y\n1,2.5,x\n0,0.1,y\n",
    )
}

#[test]
fn unknown_estimator_lists_the_valid_ones() {
    let dir = tempfile::tempdir().unwrap();
    let p = good_csv(dir.path());
    let msg = fails(&["tobit", "--data", p.to_str().unwrap(), "--y", "y"]);
    assert_eq!(
        msg,
        "error: unknown estimator `tobit` (expected one of: ols, logit, probit, ologit, oprobit, \
         factor, mediation, psm, heckman, lewbel)"
    );
}

#[test]
fn unknown_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = good_csv(dir.path());
    let msg = fails(&[
        "logit",
        "--data",
        p.to_str().unwrap(),
        "--y",
        "y",
        "--x",
        "a,age",
    ]);
    assert_eq!(
        msg,
        format!(
            "error: {}: no column `age` (columns: y, a, city)",
            p.display()
        )
    );
}

#[test]
fn non_numeric_cell() {
    let dir = tempfile::tempdir().unwrap();
    let p = good_csv(dir.path());
    let msg = fails(&[
        "probit",
        "--data",
        p.to_str().unwrap(),
        "--y",
        "y",
        "--x",
        "a:city",
    ]);
    assert_eq!(
        msg,
        format!(
            "error: {}: column `city` (in term `a:city`) must be numeric, but row 1 (line 2) has `x`",
            p.display()
        )
    );
}

#[test]
fn malformed_csv() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "bad.csv", "y,a\n1,2\n0,3,4\n");
    let msg = fails(&["ols", "--data", p.to_str().unwrap(), "--y", "y", "--x", "a"]);
    assert_eq!(
        msg,
        format!(
            "error: {}: malformed CSV at row 2 (line 3): 3 fields where the header has 2",
            p.display()
        )
    );
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("absent.csv");
    let msg = fails(&["logit", "--data", p.to_str().unwrap(), "--y", "y"]);
    assert!(
        msg.starts_with(&format!("error: cannot read {}: ", p.display())),
        "{msg}"
    );
}

#[test]
fn missing_outcome_option() {
    let dir = tempfile::tempdir().unwrap();
    let p = good_csv(dir.path());
    let msg = fails(&["ols", "--data", p.to_str().unwrap(), "--x", "a"]);
    assert_eq!(msg, "error: ols needs the outcome column: --y COL");
}

#[test]
fn bad_term() {
    let dir = tempfile::tempdir().unwrap();
    let p = good_csv(dir.path());
    let msg = fails(&[
        "ologit",
        "--data",
        p.to_str().unwrap(),
        "--y",
        "y",
        "--x",
        "a^3",
    ]);
    assert_eq!(
        msg,
        "error: invalid formula term `a^3`: only squares are supported (`a^2`)"
    );
}
