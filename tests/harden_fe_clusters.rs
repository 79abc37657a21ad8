//! Fixed effects nested in the clusters (and no more clusters than slopes):
//! the cluster covariance is rank deficient, so the Wald F of all slopes does
//! not exist. Every estimator taking --fe and --cluster must answer without a
//! panic; OLS reports F as null with a note, as Stata reports it missing.

use std::path::Path;
use std::process::Command;

/// A small panel: `groups` companies of `per` rows; y continuous, yb 0/1, yo 1..3.
fn panel(dir: &Path, seed: u64, groups: usize, per: usize) -> std::path::PathBuf {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut u = move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    let mut text = String::from("y,x,w,company,yb,yo\n");
    for c in 0..groups {
        for _ in 0..per {
            let (x, w, e) = (u() - 0.5, u() - 0.5, u() - 0.5);
            let y = 1.0 + 0.5 * x + c as f64 + e;
            let yb = u128::from(u() < 0.3 + 0.4 * (x + 0.5));
            let yo = 1 + (u() * 3.0) as u32;
            text.push_str(&format!("{y},{x},{w},c{c},{yb},{yo}\n"));
        }
    }
    let p = dir.join(format!("panel{seed}.csv"));
    std::fs::write(&p, text).unwrap();
    p
}

fn fit(est: &str, data: &Path, y: &str, extra: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args([
            "fit",
            est,
            "--data",
            data.to_str().unwrap(),
            "--y",
            y,
            "--x",
            "x,w",
        ])
        .args(extra)
        .arg("--json")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn ols_f_is_null_with_a_note_when_fe_nested_in_clusters() {
    let dir = tempfile::tempdir().unwrap();
    for seed in 0..5 {
        let data = panel(dir.path(), seed, 5, 12);
        let (code, out, err) = fit(
            "ols",
            &data,
            "y",
            &["--fe", "company", "--cluster", "company"],
        );
        assert_eq!(code, Some(0), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(v["fit"]["f_stat"].is_null(), "{}", v["fit"]);
        assert!(v["fit"]["f_pvalue"].is_null(), "{}", v["fit"]);
        let warnings = v["info"]["warnings"].to_string();
        assert!(
            warnings.contains("F test of all slopes unavailable"),
            "{warnings}"
        );
        // The coefficients themselves are still reported.
        assert!(
            v["coefficients"][1]["estimate"]
                .as_f64()
                .unwrap()
                .is_finite()
        );
    }
}

#[test]
fn ols_f_is_null_when_clusters_do_not_exceed_slopes() {
    let dir = tempfile::tempdir().unwrap();
    for seed in 0..3 {
        // 2 clusters, 2 slopes: the cluster covariance has rank 1.
        let data = panel(dir.path(), seed, 2, 20);
        let (code, out, err) = fit("ols", &data, "y", &["--cluster", "company"]);
        assert_eq!(code, Some(0), "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(v["fit"]["f_stat"].is_null(), "{}", v["fit"]);
        assert!(v["info"]["warnings"].to_string().contains("2 clusters"));
    }
}

#[test]
fn ols_f_is_kept_with_enough_clusters_and_matches_the_wald_formula_range() {
    let dir = tempfile::tempdir().unwrap();
    let data = panel(dir.path(), 7, 12, 10);
    let (code, out, err) = fit("ols", &data, "y", &["--cluster", "company"]);
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f = v["fit"]["f_stat"].as_f64().unwrap();
    let p = v["fit"]["f_pvalue"].as_f64().unwrap();
    assert!(f > 0.0 && (0.0..=1.0).contains(&p), "{f} {p}");
}

#[test]
fn every_fe_estimator_answers_without_panic_when_fe_nested_in_clusters() {
    let dir = tempfile::tempdir().unwrap();
    for seed in 0..3 {
        let data = panel(dir.path(), seed, 4, 25);
        for (est, y) in [
            ("logit", "yb"),
            ("probit", "yb"),
            ("ologit", "yo"),
            ("oprobit", "yo"),
        ] {
            let (code, out, err) = fit(est, &data, y, &["--fe", "company", "--cluster", "company"]);
            assert!(!err.contains("panicked"), "{est}: {err}");
            // Either an answer or one clear error line, exit 2.
            match code {
                Some(0) => {
                    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
                    assert!(v["coefficients"].is_array(), "{est}");
                }
                Some(2) => assert_eq!(err.trim_end().lines().count(), 1, "{est}: {err}"),
                other => panic!("{est}: exit {other:?}: {err}"),
            }
        }
    }
}
