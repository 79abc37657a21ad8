//! `migsim slurm` (recover, run, sensitivity): the generated array script, run locally once per task id
//! (no Slurm), and the merge script give the files of a one-process run;
//! `submit.sh` chains the merge after the array with `--dependency=afterok`.

mod shard_common;

use std::path::Path;
use std::process::Command;

use shard_common::*;

fn bash(script: &Path, env: &[(&str, &str)]) {
    let mut c = Command::new("bash");
    c.arg(script).env("MIGSIM", bin());
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("run bash");
    assert!(
        out.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn check(cmd: &str, spec: &str, extra: &[&str], shards: usize) {
    let root = tempfile::tempdir().unwrap();
    let jobs = root.path().join("jobs");
    let j = s(&jobs);
    let n = shards.to_string();
    let mut a = vec!["slurm", cmd, spec, "--shards", &n, "--out", &j];
    a.extend(["--time", "00:10:00", "--mem", "1G", "--cpus", "1"]);
    if !extra.is_empty() {
        a.push("--");
        a.extend_from_slice(extra);
    }
    ok(&migsim(&a));
    let array = std::fs::read_to_string(jobs.join("array.sbatch")).unwrap();
    for want in [
        format!("#SBATCH --array=1-{shards}"),
        "#SBATCH --time=00:10:00".into(),
        "#SBATCH --mem=1G".into(),
        "#SBATCH --cpus-per-task=1".into(),
    ] {
        assert!(array.contains(&want), "{want} not in\n{array}");
    }
    for k in 1..=shards {
        let id = k.to_string();
        bash(
            &jobs.join("array.sbatch"),
            &[("SLURM_ARRAY_TASK_ID", &id), ("SLURM_ARRAY_TASK_COUNT", &n)],
        );
    }
    bash(&jobs.join("merge.sbatch"), &[]);
    let one = root.path().join("one");
    let o = s(&one);
    let mut a = vec![cmd, spec, "--out", &o];
    a.extend_from_slice(extra);
    ok(&migsim(&a));
    assert_same_files(&one, &jobs.join("result"));

    // submit.sh with a stand-in `sbatch` that logs its arguments.
    let fake = root.path().join("bin");
    std::fs::create_dir_all(&fake).unwrap();
    let log = root.path().join("sbatch.log");
    std::fs::write(
        fake.join("sbatch"),
        format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\necho '4242;cluster'\n",
            log.display()
        ),
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(fake.join("sbatch"))
        .status()
        .unwrap();
    let path = format!(
        "{}:{}",
        fake.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg(jobs.join("submit.sh"))
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = calls.lines().collect();
    assert_eq!(
        lines,
        [
            "--parsable array.sbatch",
            "--dependency=afterok:4242 merge.sbatch"
        ]
    );
}

#[test]
fn slurm_recover_script_run_locally_matches_one_process() {
    let extra = ["--reps", "5", "--n", "150"];
    check("recover", RECOVER_SPEC, &extra, 3);
}

#[test]
fn slurm_run_script_run_locally_matches_one_process() {
    check("run", RUN_SPEC, &[], 2);
}

#[test]
fn slurm_sensitivity_script_run_locally_matches_one_process() {
    check("sensitivity", SENSITIVITY_SPEC, &[], 3);
}

#[test]
fn slurm_rejects_bad_options() {
    let root = tempfile::tempdir().unwrap();
    let j = s(root.path());
    for (opt, val, want) in [
        ("--time", "90", "--time"),
        ("--mem", "lots", "--mem"),
        ("--shards", "0", "--shards"),
        ("--shards", "8", "at most 7"),
    ] {
        let mut a = vec!["slurm", "run", RUN_SPEC, "--out", &j, opt, val];
        if opt != "--shards" {
            a.extend(["--shards", "2"]);
        }
        let err = fails(&migsim(&a));
        assert!(err.contains(want), "{opt} {val}: {err}");
    }
    // Sensitivity shards are design rows: 32 here.
    let a = [
        "slurm",
        "sensitivity",
        SENSITIVITY_SPEC,
        "--out",
        &j,
        "--shards",
        "33",
    ];
    let err = fails(&migsim(&a));
    assert!(err.contains("32 design rows"), "{err}");
}
