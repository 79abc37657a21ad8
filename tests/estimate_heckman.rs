//! Heckman treatment-effects two-step against statsmodels + numpy
//! (tests/fixtures/heckman/make_fixtures.py).

use std::collections::HashMap;

use migsim::data::Design;
use migsim::estimate::heckman::{Heckman, generalized_residuals};
use migsim::estimate::{EstimateError, ParamRow};
use serde_json::Value;

mod estimate_common;
use estimate_common::{csv_columns, design_of, fit_from, vec_f64};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/heckman");

fn reference() -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/reference.json")).unwrap())
        .unwrap()
}

fn columns() -> HashMap<String, Vec<f64>> {
    csv_columns(&format!("{DIR}/data.csv"))
}

fn design(cols: &HashMap<String, Vec<f64>>, y: &str) -> Design {
    design_of(cols, y, &["t", "z", "x1", "x2"])
}

fn spec() -> Heckman {
    Heckman::new("t", vec!["z".into()])
}

#[test]
fn generalized_residuals_match_numpy() {
    let r = reference();
    let d = design(&columns(), "y");
    let first_d = spec().first_stage_design(&d).unwrap();
    assert_eq!(first_d.names, ["const", "z", "x1", "x2"]);
    let (second, _) = spec()
        .second_stage_design(&d, &first_d, &fit_from(&r["first_stage"], "probit"))
        .unwrap();
    assert_eq!(second.names, ["const", "t", "x1", "x2", "imr"]);
    for (i, want) in vec_f64(&r["imr_head"]).iter().enumerate() {
        assert!((second.x[(i, 4)] - want).abs() < 1e-12, "imr[{i}]");
    }
}

#[test]
fn generalized_residuals_stay_finite_far_in_the_tails() {
    let h = generalized_residuals(&[-40.0, 40.0], &[1.0, 0.0]);
    // phi(x)/Phi(x) ~ -x for x -> -inf; -phi(x)/(1 - Phi(x)) ~ -x for x -> +inf.
    assert!((h[0] - 40.0).abs() < 0.05 && (h[1] + 40.0).abs() < 0.05);
}

#[test]
fn two_step_covariance_matches_heckman_formula() {
    let r = reference();
    let d = design(&columns(), "y");
    let s = spec();
    let first_d = s.first_stage_design(&d).unwrap();
    let first = fit_from(&r["first_stage"], "probit");
    let (second_d, index) = s.second_stage_design(&d, &first_d, &first).unwrap();
    let second = fit_from(&r["ols"], "ols");
    let res = s
        .from_fits(&first_d, &first, &second_d, &index, &second)
        .unwrap();
    for key in ["lambda", "sigma", "rho"] {
        let want = r[key].as_f64().unwrap();
        assert!(
            (res.fit[key] - want).abs() < 1e-9,
            "{key}: {} vs {want}",
            res.fit[key]
        );
    }
    let se = vec_f64(&r["ols"]["se"]);
    for (row, want) in res.coefficients.iter().zip(&se) {
        assert!(
            (row.std_error / want - 1.0).abs() < 1e-6,
            "{}: {} vs {want}",
            row.name,
            row.std_error
        );
    }
    assert_eq!(res.coefficients[1].name, "t");
    assert_eq!(res.extra_rows["first_stage"], first.coefficients);
    assert!(res.info.warnings.is_empty());
}

#[test]
fn binary_outcome_keeps_the_probit_second_stage() {
    let r = reference();
    let d = design(&columns(), "yb");
    let s = spec();
    let first_d = s.first_stage_design(&d).unwrap();
    let first = fit_from(&r["first_stage"], "probit");
    let (second_d, index) = s.second_stage_design(&d, &first_d, &first).unwrap();
    let second = fit_from(&r["probit"], "probit");
    let res = s
        .from_fits(&first_d, &first, &second_d, &index, &second)
        .unwrap();
    assert_eq!(res.coefficients, second.coefficients);
    assert!(!res.fit.contains_key("rho"));
    assert!(
        res.tables["second_stage"]["covariance"]
            .as_str()
            .unwrap()
            .contains("Murphy-Topel")
    );
}

#[test]
fn bad_treatment_and_instrument_are_clear_errors() {
    let cols = columns();
    let mut d = design(&cols, "y");
    let s = spec();
    d.x[(3, 1)] = 0.5;
    assert!(matches!(
        s.first_stage_design(&d),
        Err(EstimateError::TreatmentNotBinary { row: 3, .. })
    ));
    let mut d = design(&cols, "y");
    for i in 0..d.n() {
        d.x[(i, 1)] = 1.0;
    }
    assert!(matches!(
        s.first_stage_design(&d),
        Err(EstimateError::NoTreatedOrControls { controls: 0, .. })
    ));
    let mut d = design(&cols, "y");
    for i in 0..d.n() {
        d.x[(i, 2)] = 2.0;
    }
    let e = s.first_stage_design(&d).unwrap_err();
    assert!(e.to_string().contains("instrument `z` is constant"), "{e}");
    let d = design(&cols, "y");
    let e = Heckman::new("t", vec!["lq".into()])
        .first_stage_design(&d)
        .unwrap_err();
    assert!(matches!(e, EstimateError::MissingColumn { ref column, .. } if column == "lq"));
    assert!(Heckman::new("t", vec![]).first_stage_design(&d).is_err());
}

fn assert_rows_match(rows: &[ParamRow], model: &Value, what: &str, tol: f64) {
    let names = model["names"].as_array().unwrap();
    let (params, se) = (vec_f64(&model["params"]), vec_f64(&model["se"]));
    assert_eq!(rows.len(), names.len(), "{what}");
    for (j, row) in rows.iter().enumerate() {
        assert_eq!(row.name, names[j].as_str().unwrap(), "{what}");
        assert!(
            (row.estimate - params[j]).abs() < tol * params[j].abs().max(1.0),
            "{what} {}: {} vs {}",
            row.name,
            row.estimate,
            params[j]
        );
        assert!(
            (row.std_error / se[j] - 1.0).abs() < tol,
            "{what} {} se: {} vs {}",
            row.name,
            row.std_error,
            se[j]
        );
    }
}

/// `fit` runs both steps itself: its probit first stage, the IMR and the
/// two-step covariance reproduce the statsmodels + numpy reference.
#[test]
fn fit_runs_both_steps_and_matches_the_reference() {
    let r = reference();
    let res = spec().fit(&design(&columns(), "y")).unwrap();
    assert_rows_match(
        &res.extra_rows["first_stage"],
        &r["first_stage"],
        "first",
        1e-6,
    );
    assert_rows_match(&res.coefficients, &r["ols"], "second", 1e-6);
    for key in ["lambda", "sigma", "rho"] {
        let want = r[key].as_f64().unwrap();
        assert!(
            (res.fit[key] - want).abs() < 1e-6,
            "{key}: {}",
            res.fit[key]
        );
    }
    let pr2 = r["first_stage_pseudo_r2"].as_f64().unwrap();
    assert!((res.fit["first_stage_pseudo_r2"] - pr2).abs() < 1e-8);
    assert_eq!(res.estimator, "heckman");
    assert!(res.info.converged);
}

#[test]
fn fit_with_binary_outcome_uses_a_probit_second_stage() {
    let r = reference();
    let res = spec().fit(&design(&columns(), "yb")).unwrap();
    assert_rows_match(&res.coefficients, &r["probit"], "probit", 1e-6);
    assert_eq!(res.coefficients.last().unwrap().name, "imr");
    assert!(!res.fit.contains_key("rho"));
}

#[test]
fn fit_refuses_bad_input_without_panicking() {
    let cols = columns();
    let mut d = design(&cols, "y");
    d.x[(0, 1)] = 2.0;
    assert!(matches!(
        spec().fit(&d),
        Err(EstimateError::TreatmentNotBinary { row: 0, .. })
    ));
    let d = design(&cols, "y");
    let e = Heckman::new("t", vec!["t".into()]).fit(&d).unwrap_err();
    assert!(e.to_string().contains("treatment itself"), "{e}");
}
