//! Sharded runs and `migsim merge`: the merged files are byte-identical to a
//! one-process run for N = 1, 2, 3 and 7 shards, on `recover`, `run` (with
//! and without `[uncertainty]` draws, and with `[experiment]` points on any
//! thread count) and `sensitivity` (Sobol and Morris);
//! `--shard auto` reads Slurm's array variables; broken shard sets are
//! refused with the folder or shard to rerun named.

mod shard_common;

use std::path::Path;

use shard_common::*;

/// Run `cmd` one-process into `root/one`, then as N shards merged into
/// `root/merged-N`, and compare.
fn check_shard_counts(cmd: &str, spec: &str, extra: &[&str], root: &Path) {
    let one = root.join("one");
    let mut args = vec![cmd, spec, "--out"];
    let one_s = s(&one);
    args.push(&one_s);
    args.extend_from_slice(extra);
    ok(&migsim(&args));
    for n in [1usize, 2, 3, 7] {
        let mut dirs = Vec::new();
        for k in 1..=n {
            let dir = s(&root.join(format!("n{n}/shard{k}")));
            let slice = format!("{k}/{n}");
            let mut a = vec![cmd, spec, "--shard", &slice, "--out", &dir];
            a.extend_from_slice(extra);
            ok(&migsim(&a));
            dirs.push(dir);
        }
        // Shards are given out of order: merge sorts by index.
        dirs.reverse();
        let merged = s(&root.join(format!("merged{n}")));
        let mut m: Vec<&str> = vec!["merge"];
        m.extend(dirs.iter().map(String::as_str));
        m.extend(["--out", &merged]);
        ok(&migsim(&m));
        assert_same_files(&one, Path::new(&merged));
    }
}

#[test]
fn recover_merge_is_byte_identical_for_1_2_3_7_shards() {
    let root = tempfile::tempdir().unwrap();
    check_shard_counts("recover", RECOVER_SPEC, &RECOVER_SIZE, root.path());
}

#[test]
fn run_merge_is_byte_identical_for_1_2_3_7_shards() {
    let root = tempfile::tempdir().unwrap();
    check_shard_counts("run", RUN_SPEC, &[], root.path());
}

#[test]
fn run_with_uncertainty_draws_merges_byte_identically_for_1_2_3_7_shards() {
    let root = tempfile::tempdir().unwrap();
    check_shard_counts("run", UNCERTAINTY_SPEC, &[], root.path());
    // The draws are in the merged output (the total intervals), and with 7
    // shards of 12 units one shard holds a replication and a draw, another
    // draws only.
    let summary = std::fs::read_to_string(root.path().join("merged7/summary.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(v["uncertainty"]["draws"], 5, "{summary}");
    let indices = |k: usize| -> serde_json::Value {
        let m = std::fs::read(root.path().join(format!("n7/shard{k}/manifest.json"))).unwrap();
        serde_json::from_slice::<serde_json::Value>(&m).unwrap()["indices"].clone()
    };
    assert_eq!(indices(5), serde_json::json!([6, 7]));
    assert_eq!(indices(6), serde_json::json!([8, 9]));
}

/// 2 replications, 2 `[uncertainty]` draws, a Latin hypercube of 4 points.
const EXPERIMENT_SPEC: &str = "tests/fixtures/shard/tiny_experiment.toml";
/// 2 replications and a 2 x 2 factorial (the report's heat map).
const FACTORIAL_SPEC: &str = "tests/fixtures/shard/tiny_factorial.toml";

/// `run` one-process on one thread into `root/one`, then as k = 1, 2, 3
/// shards, each on `threads[k - 1]` threads, merged into `root/merged-k`:
/// every file (experiment.csv, summary.json, reports) is the same bytes.
fn check_experiment_shards(spec: &str, root: &Path, threads: [&str; 3]) {
    let one = s(&root.join("one"));
    ok(&migsim_env(
        &["run", spec, "--out", &one],
        &[("RAYON_NUM_THREADS", "1")],
    ));
    for (n, t) in (1usize..=3).zip(threads) {
        let dirs: Vec<String> = (1..=n)
            .map(|k| s(&root.join(format!("n{n}/shard{k}"))))
            .collect();
        for (k, dir) in dirs.iter().enumerate() {
            let slice = format!("{}/{n}", k + 1);
            ok(&migsim_env(
                &["run", spec, "--shard", &slice, "--out", dir],
                &[("RAYON_NUM_THREADS", t)],
            ));
        }
        let merged = s(&root.join(format!("merged{n}")));
        let mut m: Vec<&str> = vec!["merge"];
        m.extend(dirs.iter().rev().map(String::as_str));
        m.extend(["--out", &merged]);
        ok(&migsim(&m));
        assert_same_files(Path::new(&one), Path::new(&merged));
    }
}

#[test]
fn experiment_runs_merge_byte_identically_for_1_2_3_shards_and_any_thread_count() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    check_experiment_shards(EXPERIMENT_SPEC, r, ["3", "2", "1"]);
    // The experiment is in the merged output: 4 points x 2 replications x
    // 2 arms of experiment.csv, and the summary's per-point section.
    let csv = std::fs::read_to_string(r.join("merged3/experiment.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 4 * 2 * 2, "{csv}");
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(r.join("merged3/summary.json")).unwrap()).unwrap();
    assert_eq!(v["experiment"]["design"], "lhs");
    assert_eq!(v["experiment"]["points"], 4);
    assert_eq!(v["uncertainty"]["draws"], 2);
    // Units 0..8 are 2 replications, 2 draws, 4 points: with 3 shards the
    // first holds the replications, the second both draws and a point, the
    // third points only.
    let indices = |k: usize| -> serde_json::Value {
        let m = std::fs::read(r.join(format!("n3/shard{k}/manifest.json"))).unwrap();
        serde_json::from_slice::<serde_json::Value>(&m).unwrap()["indices"].clone()
    };
    assert_eq!(indices(1), serde_json::json!([0, 1]));
    assert_eq!(indices(2), serde_json::json!([2, 3, 4]));
    assert_eq!(indices(3), serde_json::json!([5, 6, 7]));

    let fact = tempfile::tempdir().unwrap();
    check_experiment_shards(FACTORIAL_SPEC, fact.path(), ["2", "3", "2"]);
    let html = std::fs::read_to_string(fact.path().join("merged2/report.html")).unwrap();
    assert!(html.contains("Experiment over"), "no experiment section");
}

#[test]
fn sensitivity_merge_is_byte_identical_for_1_2_3_7_shards() {
    let root = tempfile::tempdir().unwrap();
    check_shard_counts("sensitivity", SENSITIVITY_SPEC, &[], root.path());
    let morris = tempfile::tempdir().unwrap();
    let extra = ["--method", "morris", "--n", "3"];
    check_shard_counts("sensitivity", SENSITIVITY_SPEC, &extra, morris.path());
}

fn sensitivity_shard(spec: &str, slice: &str, dir: &Path, extra: &[&str]) -> String {
    let d = s(dir);
    let mut a = vec!["sensitivity", spec, "--shard", slice, "--out", &d];
    a.extend_from_slice(extra);
    ok(&migsim(&a))
}

#[test]
fn corrupt_or_foreign_sensitivity_shards_are_refused_by_name() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let (a, b) = (r.join("a"), r.join("b"));
    sensitivity_shard(SENSITIVITY_SPEC, "1/2", &a, &[]);
    sensitivity_shard(SENSITIVITY_SPEC, "2/2", &b, &[]);
    let out = r.join("m");
    // Another design size: the settings differ.
    let f = r.join("other-n");
    sensitivity_shard(SENSITIVITY_SPEC, "2/2", &f, &["--n", "9"]);
    let err = fails(&merge(&[&a, &f], &out));
    assert!(err.contains(&s(&f)) && err.contains("settings"), "{err}");
    // Another scenario text.
    let spec2 = r.join("tiny_sensitivity.toml");
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(SENSITIVITY_SPEC))
            .unwrap();
    std::fs::write(&spec2, text.replace("seed = 13", "seed = 14")).unwrap();
    let g = r.join("other-spec");
    sensitivity_shard(&s(&spec2), "2/2", &g, &[]);
    let err = fails(&merge(&[&a, &g], &out));
    assert!(err.contains(&s(&g)) && err.contains("spec"), "{err}");
    // A recover shard among sensitivity shards.
    let c = r.join("recover");
    ok(&recover_shard("2/2", &c, &[]));
    let err = fails(&merge(&[&a, &c], &out));
    assert!(err.contains(&s(&c)) && err.contains("command"), "{err}");
    // A row altered in place, its manifest hash left as it was.
    let t = r.join("altered");
    std::fs::create_dir_all(&t).unwrap();
    for name in ["manifest.json", "rows.jsonl", "spec.toml"] {
        std::fs::copy(b.join(name), t.join(name)).unwrap();
    }
    let rows = std::fs::read_to_string(t.join("rows.jsonl")).unwrap();
    std::fs::write(
        t.join("rows.jsonl"),
        rows.replacen("\"outputs\":[\"", "\"outputs\":[\"1", 1),
    )
    .unwrap();
    let err = fails(&merge(&[&a, &t], &out));
    assert!(err.contains(&s(&t)) && err.contains("rows.jsonl"), "{err}");
    // Half of the design missing: the shard to rerun is named.
    let err = fails(&merge(&[&a], &out));
    assert!(
        err.contains("16..=31") && err.contains("--shard 2/2"),
        "{err}"
    );
    assert!(!out.exists(), "a refused merge wrote output");
    ok(&merge(&[&b, &a], &out));
}

fn recover_shard(slice: &str, dir: &Path, extra: &[&str]) -> std::process::Output {
    let d = s(dir);
    let mut a = vec!["recover", RECOVER_SPEC, "--shard", slice, "--out", &d];
    a.extend_from_slice(&RECOVER_SIZE);
    a.extend_from_slice(extra);
    migsim(&a)
}

fn merge<P: AsRef<Path>>(dirs: &[P], out: &Path) -> std::process::Output {
    let ds: Vec<String> = dirs.iter().map(|d| s(d.as_ref())).collect();
    let o = s(out);
    let mut a = vec!["merge"];
    a.extend(ds.iter().map(String::as_str));
    a.extend(["--out", &o]);
    migsim(&a)
}

#[test]
fn shard_auto_reads_the_slurm_array_variables() {
    let root = tempfile::tempdir().unwrap();
    let (auto, fixed) = (root.path().join("auto"), root.path().join("fixed"));
    let d = s(&auto);
    let mut a = vec!["recover", RECOVER_SPEC, "--shard", "auto", "--out", &d];
    a.extend_from_slice(&RECOVER_SIZE);
    ok(&migsim_env(
        &a,
        &[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ],
    ));
    ok(&recover_shard("2/3", &fixed, &[]));
    let rows = |d: &Path| std::fs::read(d.join("rows.jsonl")).unwrap();
    assert_eq!(rows(&auto), rows(&fixed));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(auto.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["shard"], "2/3");
    assert_eq!(m["indices"], serde_json::json!([2, 3]));
    // Outside an array job, auto names the missing variable.
    let err = fails(&migsim_env(&a, &[("SLURM_ARRAY_TASK_COUNT", "3")]));
    assert!(err.contains("SLURM_ARRAY_TASK_ID"), "{err}");
}

#[test]
fn a_failed_shard_is_rerun_alone_and_the_merge_then_succeeds() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let dirs: Vec<_> = (1..=3).map(|k| r.join(format!("s{k}"))).collect();
    for (k, d) in dirs.iter().enumerate() {
        ok(&recover_shard(&format!("{}/3", k + 1), d, &[]));
    }
    // Shard 2 "died" before its manifest was written.
    std::fs::remove_file(dirs[1].join("manifest.json")).unwrap();
    let refs: Vec<&Path> = dirs.iter().map(|d| d.as_path()).collect();
    let err = fails(&merge(&refs[..], &r.join("m")));
    assert!(err.contains(&s(&dirs[1])) && err.contains("rerun"), "{err}");
    // Without its folder, the missing indices and the shard to rerun are named.
    let err = fails(&merge(&[refs[0], refs[2]], &r.join("m")));
    assert!(
        err.contains("2..=3") && err.contains("--shard 2/3"),
        "{err}"
    );
    assert!(!r.join("m").exists(), "a refused merge wrote output");
    ok(&recover_shard("2/3", &dirs[1], &[]));
    ok(&merge(&refs[..], &r.join("m")));
    let one = r.join("one");
    let o = s(&one);
    let mut a = vec!["recover", RECOVER_SPEC, "--out", &o];
    a.extend_from_slice(&RECOVER_SIZE);
    ok(&migsim(&a));
    assert_same_files(&one, &r.join("m"));
}

#[test]
fn corrupt_foreign_truncated_and_duplicated_shards_are_refused_by_name() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let (a, b) = (r.join("a"), r.join("b"));
    ok(&recover_shard("1/2", &a, &[]));
    ok(&recover_shard("2/2", &b, &[]));
    let out = r.join("m");
    let copy = |from: &Path, to: &Path| {
        std::fs::create_dir_all(to).unwrap();
        for f in ["manifest.json", "rows.jsonl", "spec.toml"] {
            std::fs::copy(from.join(f), to.join(f)).unwrap();
        }
    };
    // Truncated rows.
    let t = r.join("truncated");
    copy(&b, &t);
    let rows = std::fs::read(t.join("rows.jsonl")).unwrap();
    std::fs::write(t.join("rows.jsonl"), &rows[..rows.len() / 2]).unwrap();
    let err = fails(&merge(&[&a, &t], &out));
    assert!(err.contains(&s(&t)) && err.contains("truncated"), "{err}");
    // Garbage manifest.
    let g = r.join("garbage");
    copy(&b, &g);
    std::fs::write(g.join("manifest.json"), b"{not json").unwrap();
    let err = fails(&merge(&[&a, &g], &out));
    assert!(err.contains(&s(&g)) && err.contains("manifest"), "{err}");
    // Another seed.
    let f = r.join("foreign-seed");
    ok(&recover_shard("2/2", &f, &["--seed", "99"]));
    let err = fails(&merge(&[&a, &f], &out));
    assert!(err.contains(&s(&f)) && err.contains("seed"), "{err}");
    // Another spec text (a comment added: the hash differs).
    let spec2 = r.join("logit_well_specified.toml");
    let text = std::fs::read_to_string(RECOVER_SPEC_ABS()).unwrap();
    std::fs::write(&spec2, format!("# edited\n{text}")).unwrap();
    let f2 = r.join("foreign-spec");
    let d = s(&f2);
    let sp = s(&spec2);
    let mut args = vec!["recover", &sp, "--shard", "2/2", "--out", &d];
    args.extend_from_slice(&RECOVER_SIZE);
    ok(&migsim(&args));
    let err = fails(&merge(&[&a, &f2], &out));
    assert!(err.contains(&s(&f2)) && err.contains("spec"), "{err}");
    // Duplicated indices: the same shard twice, and an overlapping slice.
    let err = fails(&merge(&[&a, &b, &a], &out));
    assert!(
        err.contains("held by both") && err.contains(&s(&a)),
        "{err}"
    );
    let c = r.join("c");
    ok(&recover_shard("2/3", &c, &[]));
    let err = fails(&merge(&[&a, &b, &c], &out));
    assert!(
        err.contains("held by both") && err.contains(&s(&c)),
        "{err}"
    );
    // Not a shard at all.
    let err = fails(&merge(&[a.as_path(), r], &out));
    assert!(
        err.contains(&s(r)) && err.contains("manifest.json"),
        "{err}"
    );
    assert!(!out.exists(), "a refused merge wrote output");
    ok(&merge(&[&b, &a], &out));
}

#[allow(non_snake_case)]
fn RECOVER_SPEC_ABS() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(RECOVER_SPEC)
}

#[test]
fn bad_shard_arguments_get_one_clear_error() {
    for (arg, want) in [("0/3", "1 <= K <= N"), ("4/3", "1 <= K <= N"), ("x", "K/N")] {
        let mut a = vec!["recover", RECOVER_SPEC, "--shard", arg];
        a.extend_from_slice(&RECOVER_SIZE);
        let out = migsim(&a);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(want) && !err.contains("panicked"),
            "{arg}: {err}"
        );
    }
    let root = tempfile::tempdir().unwrap();
    let err = fails(&recover_shard("8/8", root.path(), &[]));
    assert!(err.contains("8 shards for 7 replications"), "{err}");
    // A sensitivity shard counts design rows, not replications.
    let d = s(&root.path().join("sens"));
    let err = fails(&migsim(&[
        "sensitivity",
        SENSITIVITY_SPEC,
        "--shard",
        "100000/100000",
        "--out",
        &d,
    ]));
    assert!(
        err.contains("100000 shards for") && err.contains("design rows: use at most"),
        "{err}"
    );
    assert!(!err.contains("replications"), "{err}");
}
