//! Warnings where the numbers are too few to mean much: `fit --cluster`
//! with fewer than about 30 clusters names the count and suggests a
//! wild-cluster bootstrap (and stays silent at 40 clusters); `recover` with
//! fewer than 100 replications says the Monte Carlo SE of coverage is
//! sqrt(0.95 · 0.05 / R) (terminal and JSON).

use std::process::Command;

fn csv(groups: usize) -> String {
    // y = 1 + 2x + e with a deterministic, non-degenerate pattern.
    let mut s = String::from("y,x,g\n");
    for i in 0..(groups * 6) {
        let x = (i % 7) as f64 / 3.0;
        let e = ((i * 37) % 11) as f64 / 11.0 - 0.5;
        s.push_str(&format!("{},{x},{}\n", 1.0 + 2.0 * x + e, i % groups));
    }
    s
}

fn fit_json(groups: usize) -> (serde_json::Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("d.csv");
    std::fs::write(&p, csv(groups)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args([
            "fit",
            "ols",
            "--data",
            p.to_str().unwrap(),
            "--y",
            "y",
            "--x",
            "x",
        ])
        .args(["--cluster", "g", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn all_text(v: &serde_json::Value) -> String {
    v.to_string()
}

#[test]
fn few_clusters_are_named_with_a_remedy() {
    let (v, err) = fit_json(3);
    let text = all_text(&v);
    assert!(text.contains("only 3 clusters of `g`"), "{text}");
    assert!(text.contains("wild-cluster bootstrap"), "{text}");
    assert!(err.contains("only 3 clusters"), "{err}");
    let (v, err) = fit_json(40);
    assert!(!all_text(&v).contains("clusters of `g`"), "{v}");
    assert!(!err.contains("clusters"), "{err}");
}

#[test]
fn recovery_with_few_replications_warns_about_the_mc_se() {
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args([
            "recover",
            "scenarios/recovery/logit_well_specified.toml",
            "--reps",
            "6",
            "--json",
        ])
        .args([
            "--out",
            tempfile::tempdir()
                .unwrap()
                .path()
                .join("r")
                .to_str()
                .unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let w = v["warnings"][0].as_str().unwrap_or_default();
    // sqrt(0.95 * 0.05 / 6) = 0.0890
    assert!(w.contains("6 replications") && w.contains("= 0.089"), "{v}");
}
