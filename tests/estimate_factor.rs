//! One-factor index against tests/fixtures/factor/make_fixture.py: numpy
//! eigenvalues, factor_analyzer principal-component loadings, a numpy
//! iterated-principal-factor iteration, R's factanal (ML) and the 3-item
//! closed form.

use migsim::estimate::EstimateError;
use migsim::estimate::factor::{FactorFit, FactorMethod, FactorOptions, fit_factor};
use serde_json::Value;

fn fixture(case: &str) -> Value {
    let text = std::fs::read_to_string("tests/fixtures/factor/factor.json").unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v[case].clone()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn items(case: &Value) -> (Vec<String>, Vec<Vec<f64>>) {
    let names = case["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    let cols = case["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(floats)
        .collect();
    (names, cols)
}

fn fit(case: &Value, method: FactorMethod) -> FactorFit {
    let (names, cols) = items(case);
    let opts = FactorOptions {
        method,
        ..FactorOptions::default()
    };
    fit_factor(&names, &cols, &opts).unwrap()
}

fn assert_close(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        if w.is_nan() {
            assert!(g.is_nan(), "{what}[{i}]: expected missing, got {g}");
        } else {
            assert!((g - w).abs() < tol, "{what}[{i}]: {g} vs {w}");
        }
    }
}

fn loadings(f: &FactorFit) -> Vec<f64> {
    f.result.coefficients.iter().map(|r| r.estimate).collect()
}

/// Same closed-form quantity in double precision on both sides (rounding only).
const EXACT: f64 = 1e-9;
/// factanal's L-BFGS-B stops at factr = 1e3 (relative objective change ~2e-13,
/// loadings ~1e-8); our EM stops at a uniqueness change of 1e-12.
const ML: f64 = 1e-6;

#[test]
fn eigenvalue_and_variance_share() {
    for case in ["three", "five"] {
        let c = fixture(case);
        let f = fit(&c, FactorMethod::PrincipalComponent);
        let eig = floats(&c["eigenvalues"]);
        assert!((f.result.fit["eigenvalue"] - eig[0]).abs() < EXACT);
        assert!(
            (f.result.fit["variance_share"] - c["variance_share"].as_f64().unwrap()).abs() < EXACT
        );
        assert_close(
            &floats(&f.result.tables["eigenvalues"]),
            &eig,
            EXACT,
            "eigenvalues",
        );
        assert_eq!(f.result.n, c["n_complete"].as_u64().unwrap() as usize);
    }
}

#[test]
fn principal_component_factor_matches_factor_analyzer() {
    for case in ["three", "five"] {
        let c = fixture(case);
        let f = fit(&c, FactorMethod::PrincipalComponent);
        assert_close(
            &loadings(&f),
            &floats(&c["pcf"]["loadings"]),
            EXACT,
            "pcf loadings",
        );
        assert_close(&f.scores, &floats(&c["pcf"]["scores"]), EXACT, "pcf scores");
        // Regression scores of the principal-component factor have unit variance.
        assert!((f.result.fit["score_sd"] - 1.0).abs() < 1e-12);
    }
}

#[test]
fn iterated_principal_factor_matches_numpy_iteration() {
    for case in ["three", "five"] {
        let c = fixture(case);
        let f = fit(&c, FactorMethod::IteratedPrincipal);
        assert!(f.result.info.converged);
        // Both iterations stop at a communality change below 1e-12..1e-14.
        assert_close(
            &loadings(&f),
            &floats(&c["ipf"]["loadings"]),
            1e-8,
            "ipf loadings",
        );
        assert_close(&f.scores, &floats(&c["ipf"]["scores"]), 1e-8, "ipf scores");
    }
}

#[test]
fn three_items_ml_is_the_closed_form_and_factanal() {
    let c = fixture("three");
    let f = fit(&c, FactorMethod::MaximumLikelihood);
    assert_close(
        &loadings(&f),
        &floats(&c["closed_form"]),
        EXACT,
        "closed form",
    );
    assert_close(
        &loadings(&f),
        &floats(&c["ml"]["loadings"]),
        ML,
        "factanal loadings",
    );
    assert_close(
        &f.scores,
        &floats(&c["ml"]["scores"]),
        ML,
        "factanal scores",
    );
    // Exactly identified: the one-factor model reproduces R.
    assert!(f.result.fit["ml_objective"].abs() < 1e-12);
    // The iterated principal factor converges to the same exact solution.
    let ipf = fit(&c, FactorMethod::IteratedPrincipal);
    assert_close(
        &loadings(&ipf),
        &floats(&c["closed_form"]),
        1e-8,
        "ipf = closed form",
    );
}

#[test]
fn five_items_ml_matches_factanal() {
    let c = fixture("five");
    let f = fit(&c, FactorMethod::MaximumLikelihood);
    assert!(f.result.info.converged, "{:?}", f.result.info.warnings);
    assert_close(&loadings(&f), &floats(&c["ml"]["loadings"]), ML, "loadings");
    let uniq: Vec<f64> = f.result.extra_rows["uniqueness"]
        .iter()
        .map(|r| r.estimate)
        .collect();
    assert_close(&uniq, &floats(&c["ml"]["uniquenesses"]), ML, "uniquenesses");
    assert_close(&f.scores, &floats(&c["ml"]["scores"]), ML, "scores");
    let obj = c["ml"]["objective"].as_f64().unwrap();
    assert!((f.result.fit["ml_objective"] - obj).abs() < 1e-8);
    let stat = c["ml"]["statistic"].as_f64().unwrap();
    assert!((f.result.fit["chi2"] - stat).abs() < 1e-5 * stat.max(1.0));
    assert!((f.result.fit["chi2_df"] - c["ml"]["dof"].as_f64().unwrap()).abs() < 1e-12);
}

#[test]
fn listwise_deletion_leaves_missing_scores() {
    let c = fixture("five");
    let f = fit(&c, FactorMethod::PrincipalComponent);
    let (_, cols) = items(&c);
    assert_eq!(f.scores.len(), cols[0].len());
    assert_eq!(f.result.info.n_dropped, cols[0].len() - f.result.n);
    for (i, s) in f.scores.iter().enumerate() {
        assert_eq!(
            s.is_nan(),
            cols.iter().any(|col| col[i].is_nan()),
            "row {i}"
        );
    }
}

#[test]
fn reversed_item_flips_only_its_loading() {
    let c = fixture("five");
    let (names, mut cols) = items(&c);
    let base = fit_factor(&names, &cols, &FactorOptions::default()).unwrap();
    cols[4].iter_mut().for_each(|v| *v = 6.0 - *v);
    let rev = fit_factor(&names, &cols, &FactorOptions::default()).unwrap();
    let (a, b) = (loadings(&base), loadings(&rev));
    assert!(b.iter().sum::<f64>() > 0.0);
    for j in 0..4 {
        assert!((a[j] - b[j]).abs() < 1e-12);
    }
    assert!((a[4] + b[4]).abs() < 1e-12);
}

#[test]
fn bad_input_is_an_error() {
    let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    let a = vec![1.0, 2.0, 3.0, 4.0, 2.0, 1.0];
    let b = vec![2.0, 2.0, 4.0, 3.0, 1.0, 1.0];
    let constant = vec![3.0; 6];
    let err = fit_factor(
        &names,
        &[a.clone(), b.clone(), constant],
        &FactorOptions::default(),
    );
    assert!(matches!(err, Err(EstimateError::ConstantColumn { column, .. }) if column == "c"));
    let ml = FactorOptions {
        method: FactorMethod::MaximumLikelihood,
        ..FactorOptions::default()
    };
    let two = fit_factor(&names[..2], &[a.clone(), b.clone()], &ml);
    assert!(matches!(two, Err(EstimateError::InvalidOption { option, .. }) if option == "items"));
    let ragged = fit_factor(&names[..2], &[a, vec![1.0, 2.0]], &FactorOptions::default());
    assert!(matches!(ragged, Err(EstimateError::Invalid(m)) if m.contains("rows")));
}
