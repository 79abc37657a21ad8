//! Propensity-score matching against a brute-force numpy reference
//! (tests/fixtures/psm/make_fixtures.py) on identical scores.

use faer::Mat;
use migsim::data::Design;
use migsim::estimate::EstimateError;
use migsim::estimate::psm::{Kernel, Method, Psm, ScoreModel};
use serde_json::Value;

/// Deterministic quantities: same arithmetic up to summation order.
const TOL: f64 = 1e-9;

fn fixture() -> Value {
    serde_json::from_str(include_str!("fixtures/psm/psm.json")).expect("fixture parses")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn design(fx: &Value) -> Design {
    let cols: Vec<Vec<f64>> = ["x1", "x2", "x3", "d"]
        .iter()
        .map(|c| floats(&fx[c]))
        .collect();
    let y = floats(&fx["y"]);
    let n = y.len();
    Design {
        y_name: "y".into(),
        y,
        x: Mat::from_fn(n, 5, |i, j| if j == 0 { 1.0 } else { cols[j - 1][i] }),
        names: ["const", "x1", "x2", "x3", "d"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        clusters: None,
        n_dropped: 0,
    }
}

fn method(spec: &Value) -> Method {
    let f = |k: &str| spec[k].as_f64().expect("number");
    let kernel = |k: &Value| match k.as_str() {
        Some("gaussian") => Kernel::Gaussian,
        Some("tricube") => Kernel::Tricube,
        _ => Kernel::Epanechnikov,
    };
    match spec["method"].as_str() {
        Some("nearest") => Method::Nearest {
            k: f("k") as usize,
            caliper: spec["caliper"].as_f64(),
        },
        Some("radius") => Method::Radius {
            caliper: f("caliper"),
        },
        Some("kernel") => Method::Kernel {
            kernel: kernel(&spec["kernel"]),
            bandwidth: f("bandwidth"),
        },
        Some("spline") => Method::Spline {
            knots: spec["knots"].as_u64().map(|k| k as usize),
        },
        _ => Method::LocalLinear {
            kernel: kernel(&spec["kernel"]),
            bandwidth: f("bandwidth"),
        },
    }
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= TOL * b.abs().max(1.0),
        "{what}: got {a}, expected {b}"
    );
}

#[test]
fn effects_and_abadie_imbens_match_reference() {
    let fx = fixture();
    let d = design(&fx);
    for case in fx["cases"].as_array().expect("cases") {
        let score = case["score"].as_str().expect("score");
        let p = floats(&fx[format!("p_{score}").as_str()]);
        let mut spec = Psm::new("d");
        spec.method = method(&case["spec"]);
        spec.ate = true;
        spec.common_support = case["common"].as_bool().expect("bool");
        spec.bootstrap = if case.get("se_att").is_some() {
            None
        } else {
            Some(2)
        };
        let fit = spec.fit_with_scores(&d, &p).expect("fits");
        let tag = format!("{} common={} {score}", case["spec"], spec.common_support);
        let att = fit.row("att").expect("att row");
        let ate = fit.row("ate").expect("ate row");
        close(
            att.estimate,
            case["att"].as_f64().unwrap(),
            &format!("{tag} att"),
        );
        close(
            ate.estimate,
            case["ate"].as_f64().unwrap(),
            &format!("{tag} ate"),
        );
        assert_eq!(
            fit.fit["n_treated_matched"],
            case["n_treated_matched"].as_f64().unwrap(),
            "{tag}"
        );
        assert_eq!(
            fit.fit["n_off_support"],
            case["n_off_support"].as_f64().unwrap(),
            "{tag}"
        );
        if let Some(se) = case["se_att"].as_f64() {
            close(att.std_error, se, &format!("{tag} AI se att"));
            close(
                ate.std_error,
                case["se_ate"].as_f64().unwrap(),
                &format!("{tag} AI se ate"),
            );
        }
        if let Some(rows) = case["balance"].as_array() {
            let got = fit.tables["balance"]["rows"]
                .as_array()
                .expect("balance rows");
            for (g, e) in got.iter().zip(rows) {
                assert_eq!(g["variable"], e["variable"]);
                for k in [
                    "smd_before",
                    "var_ratio_before",
                    "smd_after",
                    "var_ratio_after",
                    "mean_control_after",
                ] {
                    close(
                        g[k].as_f64().unwrap(),
                        e[k].as_f64().unwrap(),
                        &format!("{tag} {} {k}", e["variable"]),
                    );
                }
            }
        }
    }
}

fn kernel_spec(reps: usize) -> Psm {
    let mut spec = Psm::new("d");
    spec.method = Method::Kernel {
        kernel: Kernel::Epanechnikov,
        bandwidth: 0.06,
    };
    spec.bootstrap = Some(reps);
    spec.seed = 42;
    spec
}

#[test]
fn bootstrap_se_within_monte_carlo_error() {
    let fx = fixture();
    let d = design(&fx);
    let p = floats(&fx["p_logit"]);
    let reps = 500;
    let fit = kernel_spec(reps).fit_with_scores(&d, &p).expect("fits");
    let got = fit.row("att").expect("att").std_error;
    let want = fx["bootstrap_kernel_se"].as_f64().unwrap();
    let ref_reps = fx["bootstrap_reps"].as_f64().unwrap();
    // Relative SD of a bootstrap SD from B draws is about 1/sqrt(2B); allow 4 SDs of the difference.
    let rel = (1.0 / (2.0 * reps as f64) + 1.0 / (2.0 * ref_reps)).sqrt();
    assert!(
        (got / want - 1.0).abs() < 4.0 * rel,
        "bootstrap se {got} vs {want}"
    );
}

#[test]
fn bootstrap_is_identical_for_any_thread_count() {
    let fx = fixture();
    let d = design(&fx);
    let p = floats(&fx["p_logit"]);
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| kernel_spec(40).fit_with_scores(&d, &p).expect("fits"))
    };
    let (one, three) = (run(1), run(3));
    assert_eq!(
        one.row("att").unwrap().std_error.to_bits(),
        three.row("att").unwrap().std_error.to_bits()
    );
}

#[test]
fn invalid_input_gets_a_clear_error() {
    let fx = fixture();
    let d = design(&fx);
    let p = floats(&fx["p_logit"]);
    let mut spec = Psm::new("d");
    spec.method = Method::Nearest {
        k: 0,
        caliper: None,
    };
    assert!(
        matches!(spec.fit_with_scores(&d, &p), Err(EstimateError::InvalidOption { option, .. }) if option == "k")
    );
    spec.method = Method::Kernel {
        kernel: Kernel::Epanechnikov,
        bandwidth: 0.0,
    };
    assert!(
        matches!(spec.fit_with_scores(&d, &p), Err(EstimateError::InvalidOption { option, .. }) if option == "bandwidth")
    );
    let mut bad = d.clone();
    bad.x[(3, 4)] = 2.0;
    let err = Psm::new("d")
        .fit_with_scores(&bad, &p)
        .expect_err("not binary");
    assert!(err.to_string().contains("row 3 has 2"), "{err}");
    let mut all_treated = d.clone();
    for i in 0..all_treated.n() {
        all_treated.x[(i, 4)] = 1.0;
    }
    let err = Psm::new("d")
        .fit_with_scores(&all_treated, &p)
        .expect_err("no controls");
    assert!(
        err.to_string().contains("has 400 treated and 0 controls"),
        "{err}"
    );
    assert!(matches!(
        Psm::new("t").fit_with_scores(&d, &p),
        Err(EstimateError::MissingColumn { column, .. }) if column == "t"
    ));
}

/// `fit` estimates the score itself (shared Logit / Probit) and then matches
/// as on statsmodels' scores: same effects and Abadie-Imbens SEs.
#[test]
fn fit_estimates_the_score_and_matches_the_reference() {
    const FIT_TOL: f64 = 1e-6;
    let fx = fixture();
    let d = design(&fx);
    for case in fx["cases"].as_array().expect("cases") {
        if case.get("se_att").is_none() {
            continue;
        }
        let score = case["score"].as_str().expect("score");
        let mut spec = Psm::new("d");
        spec.score = ScoreModel::parse(score).expect("score model");
        spec.method = method(&case["spec"]);
        spec.ate = true;
        spec.common_support = case["common"].as_bool().expect("bool");
        let fit = spec.fit(&d).expect("fits");
        let tag = format!("{} {score}", case["spec"]);
        for (row, key) in [("att", "att"), ("ate", "ate")] {
            let got = fit.row(row).expect("row").estimate;
            let want = case[key].as_f64().unwrap();
            assert!((got - want).abs() < FIT_TOL, "{tag} {row}: {got} vs {want}");
        }
        let se = fit.row("att").unwrap().std_error;
        let want = case["se_att"].as_f64().unwrap();
        assert!((se - want).abs() < FIT_TOL, "{tag} se: {se} vs {want}");
        let names: Vec<&str> = fit.extra_rows["score_model"]
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, ["const", "x1", "x2", "x3"]);
    }
}

/// With the score re-estimated on every resample, the bootstrap SE matches a
/// numpy/statsmodels bootstrap that does the same, within Monte Carlo error.
#[test]
fn bootstrap_reestimates_the_score() {
    let fx = fixture();
    let d = design(&fx);
    let reps = 300;
    let fit = kernel_spec(reps).fit(&d).expect("fits");
    let got = fit.row("att").expect("att").std_error;
    let want = fx["bootstrap_kernel_se_rescored"].as_f64().unwrap();
    let ref_reps = fx["bootstrap_rescored_reps"].as_f64().unwrap();
    let rel = (1.0 / (2.0 * reps as f64) + 1.0 / (2.0 * ref_reps)).sqrt();
    assert!(
        (got / want - 1.0).abs() < 4.0 * rel,
        "bootstrap se {got} vs {want}"
    );
}

#[test]
fn fit_refuses_a_sample_without_controls() {
    let fx = fixture();
    let mut d = design(&fx);
    for i in 0..d.n() {
        d.x[(i, 4)] = 1.0;
    }
    let err = Psm::new("d").fit(&d).expect_err("no controls");
    assert!(err.to_string().contains("treated and 0 controls"), "{err}");
}
