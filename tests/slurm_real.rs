//! The generated Slurm scripts on a real Slurm (`.ci/slurm.sh` starts a
//! one-node cluster): `submit.sh` of `recover`, `run` with `[uncertainty]`
//! and `sensitivity`, submitted as a user would (`sh DIR/submit.sh`, clean
//! environment, from another folder, in a folder whose path holds a space,
//! a quote, `$` and UTF-8); the array and its `afterok` merge job finish and
//! the merged files equal a one-process run byte for byte (timing aside). An
//! array task that fails leaves the merge job pending for good, and the
//! README's "rerun one task" commands then complete the result.
//!
//! Skipped, with a message, where no Slurm answers (`sinfo` shows no idle
//! node); `MIGSIM_SLURM_REAL=1` (set by .ci/slurm.sh) turns the skip into a
//! failure.

mod shard_common;

use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use shard_common::slurm::*;
use shard_common::*;

/// One test at a time: the node has 2 CPUs.
static CLUSTER: Mutex<()> = Mutex::new(());

/// Longest wait for one job chain; the tiny specs take seconds.
const WAIT: Duration = Duration::from_secs(240);

fn slurm_up() -> bool {
    let up = Command::new("sinfo")
        .args(["-h", "-o", "%T"])
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("idle"));
    if !up {
        assert!(
            std::env::var_os("MIGSIM_SLURM_REAL").is_none(),
            "MIGSIM_SLURM_REAL is set but sinfo shows no idle node"
        );
        eprintln!(
            "SKIP: no Slurm cluster answers (sinfo shows no idle node); \
             .ci/slurm.sh starts a one-node cluster (needs root)"
        );
    }
    up
}

fn text(args: &[&str]) -> String {
    let out = Command::new(args[0]).args(&args[1..]).output();
    match out {
        Ok(o) => err(&o),
        Err(e) => format!("{}: {e}", args[0]),
    }
}

/// `JobState=` and `Reason=` of every record of job `id` (array tasks
/// each give one line), from `scontrol show job -o`.
fn states(id: &str) -> Vec<(String, String)> {
    text(&["scontrol", "show", "job", "-o", id])
        .lines()
        .filter(|l| l.starts_with("JobId="))
        .map(|l| {
            let field = |k: &str| {
                l.split_whitespace()
                    .find_map(|w| w.strip_prefix(k))
                    .unwrap_or("")
                    .to_string()
            };
            (field("JobState="), field("Reason="))
        })
        .collect()
}

fn finished(state: &str) -> bool {
    !matches!(
        state,
        "PENDING" | "RUNNING" | "CONFIGURING" | "COMPLETING" | ""
    )
}

/// Everything a failed wait should show: queue, job records, logs.
fn dump(jobs: &Jobs, ids: &[&str]) -> String {
    let mut s = format!("squeue:\n{}", text(&["squeue", "-a"]));
    for id in ids {
        s += &format!(
            "scontrol show job {id}:\n{}",
            text(&["scontrol", "show", "job", id])
        );
    }
    if let Ok(rd) = std::fs::read_dir(jobs.dir.join("logs")) {
        for e in rd.flatten() {
            let body = std::fs::read_to_string(e.path()).unwrap_or_default();
            s += &format!("--- {}\n{body}", e.path().display());
        }
    }
    s
}

/// Wait until `done(states)` holds for job `id`, or fail with the dump.
fn wait_for(jobs: &Jobs, id: &str, all: &[&str], done: impl Fn(&[(String, String)]) -> bool) {
    let t0 = Instant::now();
    loop {
        let st = states(id);
        if !st.is_empty() && done(&st) {
            return;
        }
        assert!(
            t0.elapsed() < WAIT,
            "job {id} not done after {WAIT:?}: {st:?}\n{}",
            dump(jobs, all)
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn all_completed(st: &[(String, String)]) -> bool {
    st.iter().all(|(s, _)| finished(s)) && st.iter().all(|(s, _)| s == "COMPLETED")
}

/// `sh DIR/submit.sh` from `/` with a clean environment; the two job ids.
fn submit(jobs: &Jobs) -> (String, String) {
    let out = clean_run("sh", &jobs.dir.join("submit.sh"), SYSTEM_PATH, &[]);
    let said = err(&out);
    assert!(out.status.success(), "submit.sh: {said}");
    eprintln!("$ sh submit.sh\n{said}");
    let array = said
        .split("array job ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no array job id in: {said}"))
        .to_string();
    let merge = said
        .lines()
        .find_map(|l| l.strip_prefix("Submitted batch job "))
        .unwrap_or_else(|| panic!("no merge job id in: {said}"))
        .trim()
        .to_string();
    eprintln!("$ squeue\n{}", text(&["squeue", "-a"]));
    (array, merge)
}

fn full_chain(cmd: &str, spec: &str, extra: &[&str], shards: usize) {
    if !slurm_up() {
        return;
    }
    let _one = CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    let jobs = generate(cmd, spec, extra, shards);
    let (array, merge) = submit(&jobs);
    let ids = [array.as_str(), merge.as_str()];
    wait_for(&jobs, &array, &ids, |st| {
        st.len() == shards && all_completed(st)
    });
    wait_for(&jobs, &merge, &ids, all_completed);
    eprintln!(
        "array {array}: {:?}\nmerge {merge}: {:?}\n--- logs/merge.out\n{}",
        states(&array),
        states(&merge),
        std::fs::read_to_string(jobs.dir.join("logs/merge.out")).unwrap_or_default()
    );
    let one = jobs.one_process(cmd, extra);
    assert_same_files(&one, &jobs.dir.join("result"));
}

#[test]
fn real_slurm_recover_array_and_merge_match_one_process() {
    full_chain("recover", RECOVER_SPEC, &["--reps", "6", "--n", "150"], 3);
}

#[test]
fn real_slurm_run_with_uncertainty_matches_one_process() {
    full_chain("run", UNCERTAINTY_SPEC, &[], 3);
}

#[test]
fn real_slurm_sensitivity_matches_one_process() {
    full_chain("sensitivity", SENSITIVITY_SPEC, &[], 4);
}

/// Shard 2 cannot write its `--out` (a file stands there): task 2 fails,
/// the `afterok` merge never runs; the README's commands (`sbatch
/// --array=K DIR/array.sbatch`, then `sbatch DIR/merge.sbatch`, from the
/// folder of the spec) then complete the result.
#[test]
fn real_slurm_failed_task_blocks_merge_and_rerun_completes() {
    if !slurm_up() {
        return;
    }
    let _one = CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    let extra = ["--reps", "6", "--n", "150"];
    let jobs = generate("recover", RECOVER_SPEC, &extra, 3);
    std::fs::create_dir_all(jobs.dir.join("shards")).unwrap();
    let blocker = jobs.dir.join("shards/2");
    std::fs::write(&blocker, b"not a folder").unwrap();
    let (array, merge) = submit(&jobs);
    let ids = [array.as_str(), merge.as_str()];
    wait_for(&jobs, &array, &ids, |st| {
        st.len() == 3 && st.iter().all(|(s, _)| finished(s))
    });
    let st = states(&array);
    let failed = st.iter().filter(|(s, _)| s == "FAILED").count();
    let completed = st.iter().filter(|(s, _)| s == "COMPLETED").count();
    assert_eq!((failed, completed), (1, 2), "{st:?}\n{}", dump(&jobs, &ids));
    let log = std::fs::read_to_string(jobs.dir.join("logs/shard-2.out")).unwrap();
    assert!(log.contains("shards/2"), "task 2's log: {log}");
    eprintln!("--- logs/shard-2.out\n{log}");
    // The merge stays pending: its dependency can never be met.
    wait_for(&jobs, &merge, &ids, |st| {
        st.iter()
            .all(|(s, r)| s == "PENDING" && r == "DependencyNeverSatisfied")
    });
    eprintln!(
        "array {array}: {st:?}\nmerge {merge}: {:?}\n$ squeue\n{}",
        states(&merge),
        text(&["squeue", "-a"])
    );
    assert!(!jobs.dir.join("result").exists());
    assert!(!jobs.dir.join("logs/merge.out").exists());
    assert!(
        Command::new("scancel")
            .arg(&merge)
            .status()
            .unwrap()
            .success()
    );

    // The README's commands, from the spec's folder, after the cause is fixed.
    std::fs::remove_file(&blocker).unwrap();
    let rel = jobs.dir.strip_prefix(&jobs.cwd).unwrap();
    for (what, args) in [
        ("rerun", vec!["--wait", "--array=2", "array.sbatch"]),
        ("merge", vec!["--wait", "merge.sbatch"]),
    ] {
        let script = rel.join(args[args.len() - 1]);
        let mut c = Command::new("env");
        c.args(["-i", &format!("PATH={SYSTEM_PATH}"), "sbatch"])
            .args(&args[..args.len() - 1])
            .arg(&script)
            .current_dir(&jobs.cwd);
        let out = c.output().unwrap();
        eprintln!(
            "$ sbatch {} {}\n{}",
            args[..args.len() - 1].join(" "),
            script.display(),
            err(&out)
        );
        assert!(
            out.status.success(),
            "{what}: {}\n{}",
            err(&out),
            dump(&jobs, &ids)
        );
    }
    let one = jobs.one_process("recover", &extra);
    assert_same_files(&one, &jobs.dir.join("result"));
}
