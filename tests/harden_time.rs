//! Issue 12 item 3 through the binary: requests whose estimated run time or
//! memory exceeds the limit get one clear error naming the value, the
//! estimate and the limit, exit 2, at once (each command is killed and the
//! test fails if it has not finished within 60 s, far below the hours the
//! request would take).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Run migsim, killing it after `limit`; (exit code, stderr).
fn migsim_within(args: &[&str], limit: Duration) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            child.kill().unwrap();
            panic!("{args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Exit 2, one line on stderr, no panic, within 60 s; returns the line.
fn refused(args: &[&str]) -> String {
    let (code, err) = migsim_within(args, Duration::from_secs(60));
    assert_eq!(code, Some(2), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    err.trim_end().to_string()
}

fn zenou(extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = ["zenou", "--lambda", "1", "--delta", "0.5", "--omega", "0.5"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn refused_zenou(extra: &[&str]) -> String {
    let args = zenou(extra);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    refused(&refs)
}

#[test]
fn an_engine_run_of_years_is_refused_naming_estimate_and_limit() {
    let msg = refused_zenou(&["--agents", "100000", "--t-end", "1e12"]);
    for want in [
        "t_end = 1000000000000",
        "years of run time",
        "events x 25 ns",
        "the limit is 1.0 days",
        "--max-hours",
    ] {
        assert!(msg.contains(want), "missing {want:?}: {msg}");
    }
}

#[test]
fn a_tiny_recording_interval_is_refused() {
    // 10^11 points of 16 bytes: refused on memory before the time check.
    let msg = refused_zenou(&["--agents", "100", "--record-every", "1e-9"]);
    assert!(
        msg.contains("record_every = 0.000000001") && msg.contains("available"),
        "{msg}"
    );
    // 10^10 points fit in a terabyte but take 50 s at 5 ns: over a 10 s limit.
    let msg = refused_zenou(&[
        "--agents",
        "100",
        "--t-end",
        "10",
        "--record-every",
        "1e-9",
        "--max-hours",
        "0.0028",
    ]);
    let memory = msg.contains("available");
    let time = msg.contains("recorded points x 5 ns") && msg.contains("limit is 10.1 s");
    assert!(
        msg.contains("record_every = 0.000000001") && (memory || time),
        "{msg}"
    );
}

#[test]
fn the_time_limit_is_an_option() {
    // 10^6 agents x e* x rate 1.5 x t_end 1000 events: over a minute at
    // 25 ns (e* > 0.1 here), over a 3.6 s limit.
    let msg = refused_zenou(&[
        "--agents",
        "1000000",
        "--t-end",
        "1000",
        "--max-hours",
        "0.001",
    ]);
    assert!(
        msg.contains("t_end = 1000") && msg.contains("the limit is 3.6 s"),
        "{msg}"
    );
    let msg = refused_zenou(&["--agents", "100", "--max-hours", "-1"]);
    assert!(msg.contains("--max-hours -1"), "{msg}");
    let args = zenou(&["--agents", "100", "--t-end", "10"]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, err) = migsim_within(&refs, Duration::from_secs(60));
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn a_scenario_with_10_to_the_12_replications_is_refused() {
    let text = std::fs::read_to_string("scenarios/showcase.toml").unwrap();
    let text = text.replace("replications = 20", "replications = 1000000000000");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.toml");
    std::fs::write(&path, text).unwrap();
    let out = dir.path().join("out");
    let msg = refused(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        msg.contains("replications = 1000000000000") && msg.contains("available"),
        "{msg}"
    );
}
