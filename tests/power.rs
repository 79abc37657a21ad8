//! `migsim power` against the closed-form power of the two-sample
//! proportion z-test (unpooled variance). The design: treatment d ~
//! Bernoulli(1/2), y ~ Bernoulli(p_d) with p_0 = 0.3, p_1 = 0.4 (a logit with
//! intercept logit(0.3) and slope logit(0.4) - logit(0.3)), fitted by OLS of
//! y on d with HC1 errors, whose t-test of the slope is that z-test (HC0 is
//! exactly p1 q1 / n1 + p0 q0 / n0; HC1 differs by n / (n - 2)). With
//! s(N) = sqrt((p1 q1 + p0 q0) / (N / 2)):
//!   power(N) = Phi(D / s - z) + Phi(-D / s - z), z = Phi^-1(0.975), D = 0.1,
//!   N(0.8) = (z + Phi^-1(0.8))^2 (p1 q1 + p0 q0) / (1/2) / D^2 = 706.4.

use std::process::Command;

use migsim::recovery::power::{PowerOptions, power};
use migsim::recovery::{RunOptions, Spec};
use statrs::distribution::{ContinuousCDF, Normal};

const P0: f64 = 0.3;
const P1: f64 = 0.4;

fn spec_text(seed: u64, reps: usize) -> String {
    let logit = |p: f64| (p / (1.0 - p)).ln();
    format!(
        r#"
name = "two_proportions"
reps = {reps}
seed = {seed}
estimands = ["beta_d"]

[logit]
intercept = {a}
coefficients = {{ d = {b} }}

[logit.covariates]
d = {{ dist = "bernoulli", p = 0.5 }}

[[estimators]]
label = "lpm"
estimator = "ols"
y = "y"
x = "d"
options = {{ se = "robust" }}
take = "coefficients:d"
estimand = "beta_d"
"#,
        a = logit(P0),
        b = logit(P1) - logit(P0)
    )
}

fn normal() -> Normal {
    Normal::new(0.0, 1.0).unwrap()
}

fn closed_form_power(n: f64) -> f64 {
    let z = normal().inverse_cdf(0.975);
    let s = ((P1 * (1.0 - P1) + P0 * (1.0 - P0)) / (n / 2.0)).sqrt();
    let d = P1 - P0;
    normal().cdf(d / s - z) + normal().cdf(-d / s - z)
}

fn closed_form_n(target: f64) -> f64 {
    let z = normal().inverse_cdf(0.975) + normal().inverse_cdf(target);
    z * z * (P1 * (1.0 - P1) + P0 * (1.0 - P0)) / 0.5 / (P1 - P0).powi(2)
}

#[test]
fn power_search_matches_the_two_sample_proportion_test() {
    let n_star = closed_form_n(0.8);
    assert!((n_star - 706.4).abs() < 0.1, "{n_star}");
    for seed in [11, 12, 13, 14] {
        let spec = Spec::parse(&spec_text(seed, 400), "two.toml", "two").unwrap();
        let opts = PowerOptions {
            target: 0.8,
            n_min: 100,
            n_max: 3000,
            ..PowerOptions::default()
        };
        let r = power(&spec, &opts, &RunOptions::default(), &|_| {}).unwrap();
        // Every evaluated N: the harness's power within 4 MC SEs (+ 0.01 for
        // the random arm sizes and the t reference) of the formula.
        for p in &r.curve {
            let want = closed_form_power(p.n as f64);
            assert!(
                (p.power - want).abs() < 4.0 * p.power_se + 0.01,
                "seed {seed} N {}: {} ({}) vs {want}",
                p.n,
                p.power,
                p.power_se
            );
        }
        // The N found: within what 4 MC SEs of power mean along the curve
        // (slope dpower/dN of the formula at N*), plus the search tolerance.
        let n = r.n.unwrap() as f64;
        let h = 1.0;
        let slope = (closed_form_power(n_star + h) - closed_form_power(n_star - h)) / (2.0 * h);
        let tol = 4.0 * r.power_se / slope + opts.tolerance * n_star;
        assert!(
            (n - n_star).abs() < tol,
            "seed {seed}: N {n} vs {n_star} (tolerance {tol})"
        );
        assert!(r.power >= 0.8);
    }
}

#[test]
fn cli_writes_json_curve_and_chart_and_refuses_bad_targets() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("two.toml");
    std::fs::write(&spec, spec_text(5, 100)).unwrap();
    let out_dir = dir.path().join("out");
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_migsim"))
            .arg("power")
            .arg(&spec)
            .args([
                "--out",
                out_dir.to_str().unwrap(),
                "--n-min",
                "100",
                "--n-max",
                "2000",
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&["--target", "power=0.8", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in ["n", "power", "power_se", "curve"] {
        assert!(v.get(key).is_some(), "{key}");
    }
    let curve = v["curve"].as_array().unwrap();
    for p in curve {
        for key in ["n", "power", "power_se", "coverage", "bias"] {
            assert!(p.get(key).is_some(), "{key}");
        }
    }
    let ns: Vec<u64> = curve.iter().map(|p| p["n"].as_u64().unwrap()).collect();
    assert!(ns.windows(2).all(|w| w[0] < w[1]), "{ns:?}");
    let csv = std::fs::read_to_string(out_dir.join("power_curve.csv")).unwrap();
    assert_eq!(csv.lines().count(), curve.len() + 1);
    let svg = std::fs::read_to_string(out_dir.join("power_curve.svg")).unwrap();
    assert!(svg.starts_with("<svg"));
    for bad in ["power=1.5", "size=0.8", "power=x"] {
        let out = run(&["--target", bad]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("--target"));
    }
    let out = run(&["--estimator", "probit"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("lpm"));
}
