//! Issue 12 items 2-4 through the binary: ambiguous names refused, too-small
//! matching groups refused naming the counts, duplicate network keys,
//! separation naming the predicted variable, absurd sizes refused before
//! allocation, inputs read from pipes and FIFOs, output sets replaced whole.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn migsim(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Exit 2, one line on stderr, no panic; returns the line.
fn fails(args: &[&str]) -> String {
    let (code, _, err) = migsim(args);
    assert_eq!(code, Some(2), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    err.trim_end().to_string()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn a_const_column_beside_the_intercept_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "c.csv",
        b"y,const,x\n1,3,0.5\n2,1,1.5\n3,4,2.0\n2,1,0.1\n5,5,3\n4,9,2\n",
    );
    let msg = fails(&[
        "fit",
        "ols",
        "--data",
        p.to_str().unwrap(),
        "--y",
        "y",
        "--x",
        "const,x",
    ]);
    assert!(msg.contains("would both be named `const`"), "{msg}");
    assert!(msg.contains("rename the column"), "{msg}");
}

#[test]
fn non_utf8_levels_get_distinct_visible_names() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = b"y,x,city\n".to_vec();
    let levels: [&[u8]; 4] = [b"caf\xe7", b"caf\xe8", b"caf\xe9", b"rome"];
    for i in 0..16 {
        let y = (i * 7 % 5) as f64 + 0.3 * (i % 4) as f64;
        text.extend_from_slice(format!("{y},{},", (i * i % 11) as f64 * 0.3).as_bytes());
        text.extend_from_slice(levels[i % 4]);
        text.push(b'\n');
    }
    let p = write(dir.path(), "u.csv", &text);
    let (code, out, err) = migsim(&[
        "fit",
        "ols",
        "--data",
        p.to_str().unwrap(),
        "--y",
        "y",
        "--x",
        "x",
        "--fe",
        "city",
        "--json",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let names: Vec<String> = v["coefficients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    for want in ["city=caf\\xE8", "city=caf\\xE9", "city=rome"] {
        assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
    }
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");
}

#[test]
fn psm_with_one_treated_unit_is_refused_naming_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("y,t,x\n");
    for i in 0..30 {
        let t = u8::from(i == 7);
        text.push_str(&format!(
            "{},{t},{}\n",
            (i % 5) as f64 + 0.5 * f64::from(t),
            (i * 37 % 11) as f64
        ));
    }
    let p = write(dir.path(), "p.csv", text.as_bytes());
    for method in ["nn", "kernel", "llr", "radius", "spline"] {
        let mut args = vec![
            "fit",
            "psm",
            "--data",
            p.to_str().unwrap(),
            "--y",
            "y",
            "--x",
            "x",
        ];
        args.extend(["--treatment", "t", "--method", method]);
        if method == "radius" {
            args.extend(["--caliper", "0.5"]);
        }
        let msg = fails(&args);
        assert!(
            msg.contains("has 1 treated and 29 controls"),
            "{method}: {msg}"
        );
    }
}

#[test]
fn separation_names_the_predicted_variable() {
    let dir = tempfile::tempdir().unwrap();
    // x > 5 exactly when treated: the propensity score is separated.
    let mut text = String::from("y,treat,x,moved\n");
    for i in 0..20 {
        let t = u8::from(i >= 10);
        text.push_str(&format!(
            "{},{t},{},{t}\n",
            (i % 4) as f64,
            i as f64 * 0.5 + 0.3
        ));
    }
    let p = write(dir.path(), "s.csv", text.as_bytes());
    let msg = fails(&[
        "fit",
        "psm",
        "--data",
        p.to_str().unwrap(),
        "--y",
        "y",
        "--x",
        "x",
        "--treatment",
        "treat",
    ]);
    assert!(msg.contains("predicts `treat`"), "{msg}");
    let msg = fails(&[
        "fit",
        "logit",
        "--data",
        p.to_str().unwrap(),
        "--y",
        "moved",
        "--x",
        "x",
    ]);
    assert!(msg.contains("predicts `moved`"), "{msg}");
}

#[test]
fn duplicate_network_keys_are_refused() {
    let msg = fails(&[
        "zenou",
        "--lambda",
        "1",
        "--delta",
        "0.5",
        "--omega",
        "0.5",
        "--agents",
        "100",
        "--network",
        "er:k=10,k=5",
    ]);
    assert!(msg.contains("key `k` is given more than once"), "{msg}");
}

#[test]
fn absurd_sizes_are_refused_before_allocation() {
    let base = ["zenou", "--lambda", "1", "--delta", "0.5", "--omega", "0.5"];
    let cases: [(&[&str], &str); 3] = [
        (
            &["--agents", "4294967294", "--network", "er:k=1000"],
            "agents = 4294967294",
        ),
        (
            &["--agents", "100", "--batches", "1000000000000"],
            "batches = 1000000000000",
        ),
        (
            &[
                "--agents",
                "100",
                "--record-every",
                "1e-12",
                "--t-end",
                "1e3",
            ],
            "record_every = ",
        ),
    ];
    for (extra, want) in cases {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let msg = fails(&args);
        assert!(msg.contains(want) && msg.contains("available"), "{msg}");
    }
    let spec = "scenarios/recovery/logit_well_specified.toml";
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rec");
    let out = out.to_str().unwrap();
    let msg = fails(&[
        "recover",
        spec,
        "--reps",
        "1000000000000000",
        "--out",
        out,
        "--quiet",
    ]);
    assert!(
        msg.contains("reps = 1000000000000000") && msg.contains("available"),
        "{msg}"
    );
    let msg = fails(&[
        "recover",
        spec,
        "--n",
        "1000000000000000",
        "--reps",
        "2",
        "--out",
        out,
        "--quiet",
    ]);
    assert!(
        msg.contains("n = 1000000000000000") && msg.contains("available"),
        "{msg}"
    );
    // 2 * 10^9 agents (enclave's limit is u32 agents), 2 * 10^12 for the others.
    for (study, n) in [
        ("enclave", "2000000000"),
        ("assets", "2000000000000"),
        ("talent", "2000000000000"),
    ] {
        let msg = fails(&["replicate", study, "--n", n]);
        assert!(
            msg.contains(&format!("n = {n}")) && msg.contains("available"),
            "{study}: {msg}"
        );
    }
}

#[test]
fn data_from_a_pipe_and_a_fifo_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "y,x\n1,0.5\n2,1.5\n3,2.0\n2,0.1\n5,3\n";
    let file = write(dir.path(), "d.csv", csv.as_bytes());
    let direct = migsim(&[
        "fit",
        "ols",
        "--data",
        file.to_str().unwrap(),
        "--y",
        "y",
        "--x",
        "x",
        "--json",
    ]);
    assert_eq!(direct.0, Some(0), "{}", direct.2);
    // stdin as a pipe.
    let mut child = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args([
            "fit",
            "ols",
            "--data",
            "/dev/stdin",
            "--y",
            "y",
            "--x",
            "x",
            "--json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(csv.as_bytes())
        .unwrap();
    let piped = child.wait_with_output().unwrap();
    assert_eq!(
        piped.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&piped.stderr)
    );
    let coef =
        |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap()["coefficients"].clone();
    assert_eq!(
        coef(&direct.1),
        coef(&String::from_utf8_lossy(&piped.stdout))
    );
    // A named FIFO, written by a thread while the reader runs.
    let fifo = dir.path().join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, csv).unwrap())
    };
    let via_fifo = migsim(&[
        "fit",
        "ols",
        "--data",
        fifo.to_str().unwrap(),
        "--y",
        "y",
        "--x",
        "x",
        "--json",
    ]);
    writer.join().unwrap();
    assert_eq!(via_fifo.0, Some(0), "{}", via_fifo.2);
    assert_eq!(coef(&direct.1), coef(&via_fifo.1));
}

#[test]
fn recover_refuses_an_unwritable_out_before_running() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = write(dir.path(), "file", b"");
    let out = blocker.join("sub");
    let start = std::time::Instant::now();
    let msg = fails(&[
        "recover",
        "scenarios/recovery/logit_well_specified.toml",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(msg.contains("cannot write"), "{msg}");
    // The cause once, naming the file in the way.
    let cause = "file exists and is not a directory";
    assert_eq!(msg.matches(cause).count(), 1, "{msg}");
    // Refused at once, not after 1000 replications.
    assert!(start.elapsed().as_secs() < 20);
}

/// With far more batches than the run supports, the batch-means SE must
/// still match the spread of the estimate across independent runs (the
/// reference), not be orders of magnitude too small.
#[test]
fn zenou_se_with_too_many_batches_matches_the_spread_across_runs() {
    use migsim::zenou::{EngineConfig, run_replication};
    let mut config = EngineConfig::new(200, 2.0, 1.0, 0.5, 400.0);
    config.batches = 50_000;
    let runs: Vec<_> = (0..40)
        .map(|s| run_replication(&config, 1000 + s, 0).unwrap())
        .collect();
    let means: Vec<f64> = runs.iter().map(|r| r.mean).collect();
    let m = means.iter().sum::<f64>() / means.len() as f64;
    let sd = (means.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (means.len() - 1) as f64).sqrt();
    let mean_se = runs.iter().map(|r| r.se).sum::<f64>() / runs.len() as f64;
    assert!(
        (0.6..1.6).contains(&(mean_se / sd)),
        "mean SE {mean_se}, sd across runs {sd}"
    );
    assert!(runs.iter().all(|r| r.se_batches < 50_000));
    // The unmerged batch-means SE, sd(batch means) / sqrt(B), is far too small:
    // the check above would fail without the merging.
    let naive = |b: &[f64]| {
        let mb = b.iter().sum::<f64>() / b.len() as f64;
        let v = b.iter().map(|x| (x - mb).powi(2)).sum::<f64>() / (b.len() - 1) as f64;
        (v / b.len() as f64).sqrt()
    };
    let mean_naive = runs.iter().map(|r| naive(&r.batch_means)).sum::<f64>() / runs.len() as f64;
    assert!(mean_naive / sd < 0.2, "naive {mean_naive} vs sd {sd}");
}
