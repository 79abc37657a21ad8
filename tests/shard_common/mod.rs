//! Helpers of the shard, Slurm and MPI tests: run the binary, read an output
//! folder with its timing fields blanked, compare folders byte for byte.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const RECOVER_SPEC: &str = "scenarios/recovery/logit_well_specified.toml";
pub const RUN_SPEC: &str = "tests/fixtures/shard/tiny_run.toml";
/// 7 replications then 5 `[uncertainty]` draws: 12 units of work.
pub const UNCERTAINTY_SPEC: &str = "tests/fixtures/shard/tiny_uncertainty.toml";
/// A Saltelli design of 32 rows.
pub const SENSITIVITY_SPEC: &str = "tests/fixtures/shard/tiny_sensitivity.toml";
/// Small but complete: both estimators, every target.
pub const RECOVER_SIZE: [&str; 4] = ["--reps", "7", "--n", "150"];

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_migsim")
}

pub fn migsim(args: &[&str]) -> Output {
    migsim_env(args, &[])
}

pub fn migsim_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(bin());
    c.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    for (k, v) in env {
        c.env(k, v);
    }
    c.env_remove("SLURM_ARRAY_TASK_MIN");
    c.output().expect("spawn migsim")
}

/// Assert success and return stdout.
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "migsim failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Assert failure with code 2 and return stderr.
pub fn fails(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected exit 2, got {:?}; stdout: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    err
}

pub fn s(p: &Path) -> String {
    p.display().to_string()
}

/// Every file of `dir` by name; the only timing field, `elapsed_s` of
/// recovery's diagnosands.json, is blanked.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).expect("read output folder") {
        let p = e.unwrap().path();
        if !p.is_file() {
            continue;
        }
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&p).unwrap();
        let bytes = if name == "diagnosands.json" {
            let text = String::from_utf8(bytes).unwrap();
            let kept: Vec<&str> = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("\"elapsed_s\""))
                .collect();
            assert!(kept.len() < text.lines().count(), "no elapsed_s in {name}");
            kept.join("\n").into_bytes()
        } else {
            bytes
        };
        out.insert(name, bytes);
    }
    out
}

/// The two folders hold the same files with the same bytes (timing aside).
pub fn assert_same_files(expected: &Path, got: &Path) {
    let (a, b) = (files(expected), files(got));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "file sets differ: {} vs {}",
        expected.display(),
        got.display()
    );
    assert!(a.len() >= 3, "too few outputs in {}", expected.display());
    for (name, bytes) in &a {
        assert!(
            bytes == &b[name],
            "{name} differs between {} and {}",
            expected.display(),
            got.display()
        );
    }
}

pub fn sub(root: &Path, name: &str) -> PathBuf {
    root.join(name)
}
pub mod slurm;
