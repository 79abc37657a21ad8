//! Diagnosands and their Monte Carlo standard errors against numpy
//! (tests/fixtures/recovery/make_diagnosands.py).

use migsim::recovery::{Diagnosands, Sample};
use serde_json::Value;

fn fixture() -> Value {
    let text = std::fs::read_to_string("tests/fixtures/recovery/diagnosands.json").unwrap();
    serde_json::from_str(&text).unwrap()
}

fn column(case: &Value, name: &str) -> Vec<f64> {
    case["samples"][name]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn samples(case: &Value) -> Vec<Sample> {
    let c = |n| column(case, n);
    let (t, e, s, lo, hi, p) = (
        c("truth"),
        c("estimate"),
        c("std_error"),
        c("ci_low"),
        c("ci_high"),
        c("p_value"),
    );
    (0..t.len())
        .map(|i| Sample {
            truth: t[i],
            estimate: e[i],
            std_error: s[i],
            ci_low: lo[i],
            ci_high: hi[i],
            p_value: p[i],
        })
        .collect()
}

fn check(case: &Value) {
    let d = Diagnosands::compute(&samples(case));
    let got = serde_json::to_value(&d).unwrap();
    let expected = case["expected"].as_object().unwrap();
    assert_eq!(expected.len(), got.as_object().unwrap().len());
    for (k, want) in expected {
        let want = want.as_f64().unwrap();
        let have = got[k].as_f64().unwrap_or(f64::NAN);
        assert!(
            (have - want).abs() <= 1e-12 * want.abs().max(1e-3),
            "{k}: {have} vs numpy {want}"
        );
    }
}

#[test]
fn varying_truth_and_missing_standard_error_match_numpy() {
    check(&fixture()["a"]);
}

#[test]
fn type_s_rate_matches_numpy() {
    let f = fixture();
    assert!(f["b"]["expected"]["type_s"].as_f64().unwrap() > 0.1);
    check(&f["b"]);
}

#[test]
fn empty_and_scalar_inputs_give_nan_not_panics() {
    let d = Diagnosands::compute(&[]);
    assert_eq!(d.n_valid, 0);
    assert!(d.bias.is_nan() && d.coverage.is_nan());
    let one = Sample {
        truth: 1.0,
        estimate: 1.5,
        std_error: f64::NAN,
        ci_low: f64::NAN,
        ci_high: f64::NAN,
        p_value: f64::NAN,
    };
    let d = Diagnosands::compute(&[one, one]);
    assert_eq!(d.bias, 0.5);
    assert!(d.mean_se.is_nan() && d.coverage.is_nan() && d.power.is_nan());
}
