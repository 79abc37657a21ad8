//! The `mpi` build under `mpirun -np 3`: ranks split the replications (and
//! `[uncertainty]` draws, and sensitivity design rows) and rank 0 writes the
//! bytes of a one-process run; `calibrate` splits each evaluation's cohorts
//! and takes the one-process optimiser path, as does `calibrate --method
//! smc` (posterior and SBC, whose files match a one-process run's but for
//! the timing field); a rank that errors ends the job
//! with its message and a non-zero exit, without hanging.
//!
//! Needs `cargo test --features mpi` and `mpirun` on PATH (Open MPI).

#![cfg(feature = "mpi")]

mod shard_common;

use std::process::{Command, Output};

use shard_common::*;

/// `mpirun -np 3` (oversubscribed, root allowed) with a hang guard.
fn mpirun(apps: &[Vec<String>]) -> Output {
    let mut c = Command::new("timeout");
    c.args(["300", "mpirun", "--allow-run-as-root", "--oversubscribe"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("OMPI_MCA_btl_vader_single_copy_mechanism", "none")
        .env("RAYON_NUM_THREADS", "1");
    for (i, app) in apps.iter().enumerate() {
        if i > 0 {
            c.arg(":");
        }
        c.args(app);
    }
    let out = c.output().expect("spawn mpirun (is Open MPI installed?)");
    assert_ne!(out.status.code(), Some(124), "mpirun hung");
    out
}

fn app(np: usize, args: &[&str]) -> Vec<String> {
    let mut v = vec!["-np".to_string(), np.to_string(), bin().to_string()];
    v.extend(args.iter().map(|a| a.to_string()));
    v
}

fn check(cmd: &str, spec: &str, extra: &[&str]) {
    let root = tempfile::tempdir().unwrap();
    let (one, ranks) = (root.path().join("one"), root.path().join("mpi"));
    let (o, m) = (s(&one), s(&ranks));
    let mut a = vec![cmd, spec, "--out", &o];
    a.extend_from_slice(extra);
    ok(&migsim(&a));
    let mut a = vec![cmd, spec, "--out", &m];
    a.extend_from_slice(extra);
    let out = mpirun(&[app(3, &a)]);
    ok(&out);
    assert_same_files(&one, &ranks);
}

#[test]
fn mpirun_recover_writes_the_one_process_bytes() {
    check("recover", RECOVER_SPEC, &RECOVER_SIZE);
}

#[test]
fn mpirun_run_writes_the_one_process_bytes() {
    check("run", RUN_SPEC, &[]);
}

#[test]
fn mpirun_run_with_uncertainty_draws_writes_the_one_process_bytes() {
    check("run", UNCERTAINTY_SPEC, &[]);
}

#[test]
fn mpirun_sensitivity_writes_the_one_process_bytes() {
    check("sensitivity", SENSITIVITY_SPEC, &[]);
}

/// `--json` output without its timing field, `fit.elapsed_s`.
fn without_elapsed(stdout: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let fit = v["fit"].as_object_mut().expect("fit object");
    assert!(fit.remove("elapsed_s").is_some(), "no fit.elapsed_s");
    v
}

#[test]
fn mpirun_calibrate_takes_the_one_process_path_and_writes_its_bytes() {
    let root = tempfile::tempdir().unwrap();
    let (one, ranks) = (root.path().join("one"), root.path().join("mpi"));
    let args = |out: &str| -> Vec<String> {
        [
            "calibrate",
            "talent",
            "--reps",
            "3",
            "--starts",
            "2",
            "--max-iters",
            "8",
            "--json",
            "--out",
            out,
        ]
        .map(String::from)
        .to_vec()
    };
    let a1 = args(&s(&one));
    let single = ok(&migsim(&a1.iter().map(String::as_str).collect::<Vec<_>>()));
    let am = args(&s(&ranks));
    let out = mpirun(&[app(3, &am.iter().map(String::as_str).collect::<Vec<_>>())]);
    let multi = ok(&out);
    // Only rank 0 prints, and it prints the one-process result.
    assert_eq!(without_elapsed(&single), without_elapsed(&multi));
    let v = without_elapsed(&multi);
    assert!(v["fit"]["evaluations"].as_u64().unwrap() > 10, "{v}");
    assert!(!v["heldout"].as_array().unwrap().is_empty(), "{v}");
    let toml = |d: &std::path::Path| std::fs::read(d.join("calibrated.toml")).unwrap();
    assert_eq!(toml(&one), toml(&ranks));
}

/// A JSON file of a run without its top-level timing field `elapsed_s`.
fn json_without_elapsed(path: &std::path::Path) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert!(
        v.as_object_mut().unwrap().remove("elapsed_s").is_some(),
        "no elapsed_s in {}",
        path.display()
    );
    v
}

/// `calibrate talent --method smc` at small settings with `extra`, in one
/// process and on 3 ranks: the CSV files are byte-identical, the JSON
/// documents equal but for `elapsed_s`.
fn check_smc(extra: &[&str], csvs: &[&str], json: &str) {
    let root = tempfile::tempdir().unwrap();
    let (one, ranks) = (root.path().join("one"), root.path().join("mpi"));
    let args = |out: &str| -> Vec<String> {
        let mut a: Vec<String> = [
            "calibrate",
            "talent",
            "--method",
            "smc",
            "--reps",
            "1",
            "--particles",
            "16",
            "--moves",
            "1",
            "--predictive",
            "4",
            "--no-heldout",
            "--starts",
            "1",
            "--max-iters",
            "10",
            "--out",
            out,
        ]
        .map(String::from)
        .to_vec();
        a.extend(extra.iter().map(|x| x.to_string()));
        a
    };
    let a1 = args(&s(&one));
    ok(&migsim(&a1.iter().map(String::as_str).collect::<Vec<_>>()));
    let am = args(&s(&ranks));
    ok(&mpirun(&[app(
        3,
        &am.iter().map(String::as_str).collect::<Vec<_>>(),
    )]));
    for f in csvs {
        let (a, b) = (
            std::fs::read(one.join(f)).unwrap(),
            std::fs::read(ranks.join(f)).unwrap(),
        );
        assert!(a.len() > 20, "{f} is nearly empty");
        assert!(a == b, "{f} differs between 1 and 3 ranks");
    }
    assert_eq!(
        json_without_elapsed(&one.join(json)),
        json_without_elapsed(&ranks.join(json))
    );
}

#[test]
fn mpirun_smc_posterior_is_the_one_process_posterior() {
    check_smc(&[], &["posterior.csv"], "posterior.json");
}

#[test]
fn mpirun_smc_sbc_is_the_one_process_sbc() {
    check_smc(
        &["--sbc", "2"],
        &["sbc_ranks.csv", "sbc_intervals.csv", "sbc_ranks.svg"],
        "sbc.json",
    );
}

#[test]
fn a_failing_rank_ends_the_job_with_its_message() {
    let root = tempfile::tempdir().unwrap();
    let o = s(&root.path().join("out"));
    let mut good = vec!["recover", RECOVER_SPEC, "--out", &o];
    good.extend_from_slice(&RECOVER_SIZE);
    let mut bad = vec!["recover", "no/such/spec.toml", "--out", &o];
    bad.extend_from_slice(&RECOVER_SIZE);
    // Rank 0 is fine; ranks 1 and 2 cannot read their spec.
    let out = mpirun(&[app(1, &good), app(2, &bad)]);
    assert!(!out.status.success(), "a failed rank left exit 0");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("MPI rank") && err.contains("no/such/spec.toml"),
        "{err}"
    );
    assert!(
        !root.path().join("out").exists(),
        "output written despite a failed rank"
    );
    // More ranks than replications: every rank says so.
    let mut few = vec![
        "recover",
        RECOVER_SPEC,
        "--out",
        &o,
        "--reps",
        "2",
        "--n",
        "150",
    ];
    few.truncate(8);
    let out = mpirun(&[app(3, &few)]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("3 shards for 2 replications"), "{err}");
}
