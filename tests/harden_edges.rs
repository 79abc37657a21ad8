//! The defects at the edges of issue 25, each as a user meets it: a failed
//! calibration, device and oversized inputs, `baseline_from` chains and
//! cycles, `--out` checked before work, `[uncertainty]`/`[sensitivity]`
//! bounds against the registry, messages of `--free` and `--out`, stale
//! staging folders, undefined Sobol indices; and the generated files a user
//! runs or loads (calibrated.toml, starter scenarios, a shard's spec.toml,
//! report.html) used exactly so, with a clean environment from another folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_migsim");
const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// `env -i PATH=... migsim ARGS` in `cwd`.
fn clean(cwd: &Path, args: &[&str]) -> Output {
    Command::new("env")
        .args(["-i", "PATH=/usr/local/bin:/usr/bin:/bin", BIN])
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Exit 2, no panic; stderr.
fn refused(o: &Output) -> String {
    let (out, err) = text(o);
    assert_eq!(o.status.code(), Some(2), "stdout {out}\nstderr {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn succeeded(o: &Output) -> String {
    let (out, err) = text(o);
    assert!(o.status.success(), "stdout {out}\nstderr {err}");
    out
}

fn repo(p: &str) -> PathBuf {
    Path::new(REPO).join(p)
}

const TINY_RUN: &str = "name = \"t\"\nstudy = \"enclave\"\nn = 200\nhorizon = 5\nreplications = 2\nseed = 3\n\
metrics = [\"share_up\"]\n";

// --- calibration -----------------------------------------------------------

/// Every cohort's estimator fails at n = 300 with R = 1: Q is the penalty.
#[test]
fn failed_calibration_is_not_converged_writes_nothing_and_exits_2() {
    let d = tempfile::tempdir().unwrap();
    let args = [
        "calibrate",
        "talent",
        "--reps",
        "1",
        "--starts",
        "1",
        "--max-iters",
        "5",
        "--no-heldout",
        "--n",
        "300",
        "--out",
        "cal",
    ];
    let o = clean(d.path(), &args);
    let err = refused(&o);
    let (out, _) = text(&o);
    assert!(err.contains("failure penalty"), "{err}");
    assert!(err.contains("failed on 1 of 1 cohorts"), "{err}");
    assert!(
        out.contains("FAILED") && !out.contains("; converged"),
        "{out}"
    );
    assert!(!d.path().join("cal/calibrated.toml").exists());
    // --json says so too.
    let mut j: Vec<&str> = args[..args.len() - 2].to_vec();
    j.push("--json");
    let o = clean(d.path(), &j);
    refused(&o);
    let v: serde_json::Value = serde_json::from_str(text(&o).0.trim()).unwrap();
    assert_eq!(v["fit"]["converged"], false);
    assert_eq!(v["fit"]["failed"], true);
}

/// A calibrated.toml written by the old code from such a run (J from the
/// penalty, "converged") is refused by `[uncertainty] from`.
#[test]
fn calibrated_file_from_the_penalty_is_refused() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("calibrated.toml"),
        "name = \"c\"\nstudy = \"enclave\"\n[baseline]\n\"network.homophily_enclave\" = 0.7\n\
         [calibration]\nparams = [\"network.homophily_enclave\"]\nestimate = [0.7]\nse = [0.1]\n\
         lower = [0.5]\nupper = [0.9]\ncovariance = [[0.01]]\nj = 5e11\nconverged = true\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("s.toml"),
        format!(
            "{TINY_RUN}[[intervention]]\nname = \"x\"\nset = {{ \"policy.dispersal_share\" = 0.5 }}\n\
             [uncertainty]\ndraws = 2\nfrom = \"calibrated.toml\"\n"
        ),
    )
    .unwrap();
    let err = refused(&clean(d.path(), &["run", "s.toml", "--out", "o"]));
    assert!(
        err.contains("failure penalty") && err.contains("calibrated.toml"),
        "{err}"
    );
}

/// `--out FILE` fails before the calibration runs: nothing is printed.
#[test]
fn calibrate_out_is_checked_before_the_run() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("f"), b"x").unwrap();
    let o = clean(
        d.path(),
        &["calibrate", "enclave", "--reps", "16", "--out", "f"],
    );
    let err = refused(&o);
    assert!(
        err.contains("--out") && err.contains("f: exists and is not a directory"),
        "{err}"
    );
    assert!(text(&o).0.is_empty(), "the calibration ran: {}", text(&o).0);
}

#[test]
fn free_messages_name_the_parameter() {
    let d = tempfile::tempdir().unwrap();
    let err = refused(&clean(
        d.path(),
        &["calibrate", "talent", "--free", "n=100:800"],
    ));
    assert!(
        err.contains("`n`") && err.contains("integer setting"),
        "{err}"
    );
    assert!(!err.contains("usize"), "{err}");
    let err = refused(&clean(d.path(), &["calibrate", "talent", "--free", ""]));
    assert!(
        err.contains("--free") && err.contains("names no parameter"),
        "{err}"
    );
    assert!(!err.contains("parameter ''"), "{err}");
}

// --- inputs ------------------------------------------------------------------

/// /dev/zero and a folder are refused before reading, for every input path.
#[test]
fn device_and_huge_inputs_are_refused_before_reading() {
    let d = tempfile::tempdir().unwrap();
    let huge = d.path().join("huge.toml");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(17 << 20).unwrap(); // sparse: no disk used
    let h = huge.display().to_string();
    for (what, file) in [("/dev/zero", "/dev/zero"), ("huge", h.as_str())] {
        let base = format!(
            "{TINY_RUN}baseline_from = \"{file}\"\n[[intervention]]\nname = \"x\"\nset = {{ \"policy.dispersal_share\" = 0.5 }}\n"
        );
        std::fs::write(d.path().join("b.toml"), base).unwrap();
        let unc = format!(
            "{TINY_RUN}[[intervention]]\nname = \"x\"\nset = {{ \"policy.dispersal_share\" = 0.5 }}\n[uncertainty]\ndraws = 2\nfrom = \"{file}\"\n"
        );
        std::fs::write(d.path().join("u.toml"), unc).unwrap();
        for args in [
            vec!["run", "b.toml", "--out", "o"],
            vec!["run", "u.toml", "--out", "o"],
            vec!["run", file, "--out", "o"],
            vec!["calibrate", "talent", "--targets", file],
            vec!["recover", file, "--out", "o"],
            vec!["sensitivity", file, "--out", "o"],
        ] {
            let err = refused(&clean(d.path(), &args));
            let why = if what == "huge" {
                "at most 16777216 bytes"
            } else {
                "character device"
            };
            assert!(err.contains(file) && err.contains(why), "{args:?}: {err}");
        }
    }
}

// --- baseline_from chains ------------------------------------------------------

fn intervention() -> &'static str {
    "[[intervention]]\nname = \"x\"\nset = { \"policy.dispersal_share\" = 0.5 }\n"
}

/// child -> parent -> grandparent: each file's settings apply, nearest on
/// top; seen in summary.json's `changes` (the baseline value of the key
/// the intervention sets) and in the loaded baseline.
#[test]
fn baseline_from_chain_applies_every_file_in_order() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::create_dir(p.join("up")).unwrap();
    std::fs::write(
        p.join("up/grand.toml"),
        "study = \"enclave\"\n[baseline]\n\"policy.dispersal_share\" = 0.1\n\"network.homophily_enclave\" = 0.6\n\"network.homophily_other\" = 0.2\n",
    )
    .unwrap();
    // The parent names its own parent relative to its own folder.
    std::fs::write(
        p.join("up/parent.toml"),
        "study = \"enclave\"\nbaseline_from = \"grand.toml\"\n[baseline]\n\"network.homophily_enclave\" = 0.65\n\"network.homophily_other\" = 0.25\n",
    )
    .unwrap();
    std::fs::write(
        p.join("child.toml"),
        format!("{TINY_RUN}baseline_from = \"up/parent.toml\"\n[baseline]\n\"network.homophily_other\" = 0.35\n{}", intervention()),
    )
    .unwrap();
    let scn = migsim::scenario::schema::Scenario::load(&p.join("child.toml")).unwrap();
    let get = |k: &str| migsim::dotted::get(&scn.baseline, k).and_then(|v| v.as_float());
    assert_eq!(get("policy.dispersal_share"), Some(0.1), "grandparent's");
    assert_eq!(get("network.homophily_enclave"), Some(0.65), "parent's");
    assert_eq!(get("network.homophily_other"), Some(0.35), "child's");
    succeeded(&clean(p, &["run", "child.toml", "--out", "o"]));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.join("o/summary.json")).unwrap()).unwrap();
    assert_eq!(v["arms"][1]["changes"][0]["baseline"], "0.1");
}

#[test]
fn baseline_from_cycles_are_refused_naming_the_files() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(
        p.join("self.toml"),
        format!(
            "{TINY_RUN}baseline_from = \"self.toml\"\n[baseline]\n{}",
            intervention()
        ),
    )
    .unwrap();
    let err = refused(&clean(p, &["run", "self.toml", "--out", "o"]));
    assert!(
        err.contains("comes back") && err.contains("self.toml -> self.toml"),
        "{err}"
    );
    std::fs::write(
        p.join("a.toml"),
        format!("{TINY_RUN}baseline_from = \"b.toml\"\n{}", intervention()),
    )
    .unwrap();
    std::fs::write(
        p.join("b.toml"),
        "study = \"enclave\"\nbaseline_from = \"a.toml\"\n",
    )
    .unwrap();
    let err = refused(&clean(p, &["run", "a.toml", "--out", "o"]));
    assert!(err.contains("a.toml -> b.toml -> a.toml"), "{err}");
    // A recovery spec follows the same rule.
    let spec = std::fs::read_to_string(repo("scenarios/recovery/enclave_endogenous.toml")).unwrap();
    let spec = spec.replacen("study = ", "baseline_from = \"b.toml\"\nstudy = ", 1);
    std::fs::write(p.join("spec.toml"), spec).unwrap();
    let err = refused(&clean(p, &["recover", "spec.toml", "--out", "o"]));
    assert!(err.contains("b.toml -> a.toml -> b.toml"), "{err}");
}

// --- [uncertainty] / [sensitivity] bounds ---------------------------------------

#[test]
fn uncertainty_and_sensitivity_bounds_are_held_against_the_registry() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(
        p.join("u.toml"),
        format!("{TINY_RUN}{}[uncertainty]\ndraws = 3\nparams = {{ \"network.homophily_enclave\" = {{ mean = 0.5, sd = 0.1, lower = -10, upper = 10 }} }}\n", intervention()),
    )
    .unwrap();
    let err = refused(&clean(p, &["run", "u.toml", "--out", "o"]));
    assert!(
        err.contains("line 11")
            && err.contains("[uncertainty] `network.homophily_enclave` lower bound")
            && err.contains("-10 is outside the bounds [0, 1]"),
        "{err}"
    );
    assert!(!err.contains("[baseline]"), "{err}");
    std::fs::write(
        p.join("s.toml"),
        format!("{TINY_RUN}{}[sensitivity]\nn = 8\nparams = {{ \"network.homophily_enclave\" = {{ lower = 0.5, upper = 10 }} }}\n", intervention()),
    )
    .unwrap();
    let err = refused(&clean(p, &["sensitivity", "s.toml", "--out", "o"]));
    assert!(
        err.contains("line 11")
            && err.contains("[sensitivity] `network.homophily_enclave` upper bound")
            && err.contains("10 is outside the bounds [0, 1]"),
        "{err}"
    );
}

// --- --out messages, staging ----------------------------------------------------

#[test]
fn out_messages_name_the_path_and_the_reason() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(p.join("f"), b"x").unwrap();
    let spec = repo("tests/fixtures/shard/tiny_run.toml");
    let s = spec.to_str().unwrap();
    let err = refused(&clean(
        p,
        &["slurm", "run", s, "--shards", "2", "--out", "f"],
    ));
    assert!(
        err.contains("--out") && err.contains("cannot write f: exists and is not a directory"),
        "{err}"
    );
    let err = refused(&clean(
        p,
        &["slurm", "run", s, "--shards", "2", "--out", "f/x"],
    ));
    assert!(
        err.contains("cannot write f/x: f exists and is not a directory"),
        "{err}"
    );
    let err = refused(&clean(
        p,
        &["slurm", "run", s, "--shards", "2", "--out", "/proc/x"],
    ));
    assert!(
        err.contains("cannot write /proc/x: no file can be created in /proc"),
        "{err}"
    );
    let err = refused(&clean(p, &["run", s, "--out", "/proc/x"]));
    assert!(
        err.contains("cannot write /proc/x: no file can be created in /proc"),
        "{err}"
    );
}

/// A merge killed while staging leaves `.result.staging.<host>.<pid>.<n>`;
/// the next merge removes it.
#[test]
fn stale_staging_of_a_killed_merge_is_cleaned_by_the_next() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let spec = repo("tests/fixtures/shard/tiny_run.toml");
    let s = spec.to_str().unwrap();
    for k in ["1", "2"] {
        let sh = format!("{k}/2");
        let out = format!("shards/{k}");
        succeeded(&clean(p, &["run", s, "--shard", &sh, "--out", &out]));
    }
    let mut merge = Command::new(BIN)
        .args(["merge", "shards/1", "shards/2", "--out", "result"])
        .current_dir(p)
        .spawn()
        .unwrap();
    let pid = merge.id();
    merge.kill().unwrap();
    merge.wait().unwrap();
    // What the killed merge would have left (its pid is now gone).
    let host = String::from_utf8(Command::new("hostname").output().unwrap().stdout).unwrap();
    let host: String = host
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stale = p.join(format!(".result.staging.{host}.{pid}.0"));
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("summary.json"), b"{\"half").unwrap();
    succeeded(&clean(
        p,
        &["merge", "shards/1", "shards/2", "--out", "result"],
    ));
    assert!(!stale.exists(), "stale staging folder left behind");
    assert!(p.join("result/summary.json").exists());
}

// --- sensitivity notes -----------------------------------------------------------

#[test]
fn undefined_sobol_indices_say_why() {
    let d = tempfile::tempdir().unwrap();
    let f = repo("tests/fixtures/edges/constant_sensitivity.toml");
    let out = succeeded(&clean(
        d.path(),
        &["sensitivity", f.to_str().unwrap(), "--out", "o"],
    ));
    let v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(d.path().join("o/sensitivity.json")).unwrap(),
    )
    .unwrap();
    let rows = v["indices"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    for r in rows {
        let null = r["s1"].is_null() && r["st"].is_null();
        // The no-op intervention's effect is 0 in every design row.
        assert_eq!(null, r["intervention"] == "no-op", "{r}");
        if null {
            assert_eq!(r["note"], "output constant over the design", "{r}");
        } else {
            assert!(r.get("note").is_none(), "{r}");
        }
    }
    assert!(out.contains("(output constant over the design)"), "{out}");
    let md = std::fs::read_to_string(d.path().join("o/report.md")).unwrap();
    assert!(
        md.contains("Effect of no-op on the share moving up: output constant over the design."),
        "{md}"
    );
    let html = std::fs::read_to_string(d.path().join("o/report.html")).unwrap();
    assert!(
        html.contains("indices undefined: output constant over the design"),
        "{html}"
    );
}

// --- generated files, used as a user would -------------------------------------

/// A report.html opened offline: one document, charset, every element of
/// the chart markup closed, nothing fetched from elsewhere.
fn check_report_html(path: &Path) {
    let html = std::fs::read_to_string(path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", path.display());
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.trim_end().ends_with("</html>"), "{}", path.display());
    for tag in ["main", "svg", "table", "div"] {
        let open = html.matches(&format!("<{tag}")).count();
        let close = html.matches(&format!("</{tag}>")).count();
        assert_eq!(open, close, "<{tag}> in {}", path.display());
    }
    for ext in ["src=\"http", "href=\"http", "@import", "<script src"] {
        assert!(!html.contains(ext), "{ext} in {}", path.display());
    }
}

/// calibrated.toml: run as a scenario, and used by `[uncertainty] from`
/// and `baseline_from`, from another folder with a clean environment.
#[test]
fn calibrated_toml_is_run_and_loaded_as_a_user_would() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let o = clean(
        p,
        &[
            "calibrate",
            "talent",
            "--reps",
            "2",
            "--starts",
            "2",
            "--max-iters",
            "40",
            "--no-heldout",
            "--out",
            "cal",
        ],
    );
    succeeded(&o);
    let cal = p.join("cal/calibrated.toml");
    let elsewhere = p.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let c = cal.to_str().unwrap();
    succeeded(&clean(&elsewhere, &["run", c, "--out", "run"]));
    check_report_html(&elsewhere.join("run/report.html"));
    std::fs::write(
        p.join("cal/use.toml"),
        "name = \"use\"\nstudy = \"talent\"\nreplications = 2\nseed = 1\nbaseline_from = \"calibrated.toml\"\n\
         [[intervention]]\nname = \"x\"\nset = { \"policy.unit_support_south_boost\" = 1.0 }\n\
         [uncertainty]\ndraws = 2\nfrom = \"calibrated.toml\"\n",
    )
    .unwrap();
    let u = p.join("cal/use.toml");
    succeeded(&clean(
        &elsewhere,
        &["run", u.to_str().unwrap(), "--out", "use"],
    ));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(elsewhere.join("use/summary.json")).unwrap())
            .unwrap();
    assert_eq!(v["effects"][0]["draws"], 2);
}

/// `settings STUDY --scenario > starter.toml`, then `run starter.toml`.
#[test]
fn starter_scenarios_run_as_printed() {
    let d = tempfile::tempdir().unwrap();
    for study in ["enclave", "assets", "talent"] {
        let text = succeeded(&clean(d.path(), &["settings", study, "--scenario"]));
        // Smaller than the paper's N so that the test is quick; nothing else changed.
        let text: String = text
            .lines()
            .map(|l| {
                if l.starts_with("n = ") {
                    "n = 300".to_string()
                } else if l.starts_with("replications = ") {
                    "replications = 2".to_string()
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n";
        assert!(text.contains("\nn = 300\n") && text.contains("\nreplications = 2\n"));
        let f = format!("{study}-starter.toml");
        std::fs::write(d.path().join(&f), text).unwrap();
        let out = format!("{study}-out");
        succeeded(&clean(d.path(), &["run", &f, "--out", &out]));
        check_report_html(&d.path().join(out).join("report.html"));
    }
}

/// A shard's spec.toml is the scenario it ran: running it gives the
/// one-process files of the original.
#[test]
fn shard_spec_toml_runs_as_the_original_scenario() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let spec = repo("tests/fixtures/shard/tiny_run.toml");
    let s = spec.to_str().unwrap();
    succeeded(&clean(p, &["run", s, "--shard", "1/2", "--out", "shard"]));
    succeeded(&clean(p, &["run", s, "--out", "orig"]));
    let elsewhere = p.join("x");
    std::fs::create_dir(&elsewhere).unwrap();
    let st = p.join("shard/spec.toml");
    succeeded(&clean(
        &elsewhere,
        &["run", st.to_str().unwrap(), "--out", "again"],
    ));
    for f in ["summary.json", "replications.csv", "paths.csv"] {
        let a = std::fs::read(p.join("orig").join(f)).unwrap();
        let b = std::fs::read(elsewhere.join("again").join(f)).unwrap();
        assert!(a == b, "{f} differs");
    }
    check_report_html(&p.join("orig/report.html"));
}
