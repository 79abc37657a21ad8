//! Logit and probit against statsmodels (tests/fixtures/binary), and their
//! error cases.

mod estimate_common;

use estimate_common::*;
use faer::Mat;
use migsim::data::Design;
use migsim::estimate::{
    CovarianceType, EstimateError, FitOptions, FitResult, Logit, Margins, Probit, SeKind,
    fit_by_name,
};

fn opts(se: SeKind, margins: Option<Margins>) -> FitOptions {
    FitOptions {
        se,
        margins,
        ..FitOptions::default()
    }
}

fn fit(model: &str, d: &Design, o: FitOptions) -> FitResult {
    fit_by_name(model, d, &o).unwrap()
}

/// Estimates (coefficient tolerance) and the standard errors under `se_key`
/// (SE tolerance) of a reference entry.
fn coefficients_match(res: &FitResult, e: &serde_json::Value, se_key: &str) {
    let est: Vec<f64> = res.coefficients.iter().map(|c| c.estimate).collect();
    close_all("params", &est, &floats(&e["params"]), COEF_REL, COEF_ABS);
    let se: Vec<f64> = res.coefficients.iter().map(|c| c.std_error).collect();
    close_all(se_key, &se, &floats(&e[se_key]), SE_REL, SE_ABS);
}

fn check_model(ds: &str, model: &str) {
    let r = reference();
    let e = &r[ds][model];
    let d = load_ref(ds, e);
    assert_eq!(d.n(), e["n"].as_u64().unwrap() as usize);
    let names: Vec<String> = e["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(d.names, names);

    let res = fit(
        model,
        &d,
        opts(SeKind::Classical, Some(Margins::Derivative)),
    );
    assert_eq!(res.estimator, model);
    assert!(res.info.converged);
    assert_eq!(
        res.info.n_dropped,
        e["n_dropped"].as_u64().unwrap() as usize
    );
    coefficients_match(&res, e, "bse_classical");
    for (key, want) in [
        ("log_likelihood", "llf"),
        ("ll_null", "llnull"),
        ("pseudo_r2", "prsquared"),
        ("aic", "aic"),
        ("bic", "bic"),
        ("lr_chi2", "llr"),
        ("df_model", "df_model"),
    ] {
        close(
            key,
            res.fit[key],
            e[want].as_f64().unwrap(),
            COEF_REL,
            COEF_ABS,
        );
    }
    close(
        "lr_pvalue",
        res.fit["lr_pvalue"],
        e["llr_pvalue"].as_f64().unwrap(),
        SE_REL,
        1e-300,
    );

    let me_names: Vec<&str> = res
        .marginal_effects
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(
        me_names,
        names[1..].iter().map(String::as_str).collect::<Vec<_>>()
    );
    let ame: Vec<f64> = res.marginal_effects.iter().map(|m| m.estimate).collect();
    let ame_se: Vec<f64> = res.marginal_effects.iter().map(|m| m.std_error).collect();
    close_all("ame dydx", &ame, &floats(&e["ame_dydx"]), SE_REL, SE_ABS);
    close_all(
        "ame dydx se",
        &ame_se,
        &floats(&e["ame_dydx_se"]),
        SE_REL,
        SE_ABS,
    );

    let disc = fit(model, &d, opts(SeKind::Classical, Some(Margins::Discrete)));
    let ame: Vec<f64> = disc.marginal_effects.iter().map(|m| m.estimate).collect();
    let ame_se: Vec<f64> = disc.marginal_effects.iter().map(|m| m.std_error).collect();
    close_all("ame dummy", &ame, &floats(&e["ame_dummy"]), SE_REL, SE_ABS);
    close_all(
        "ame dummy se",
        &ame_se,
        &floats(&e["ame_dummy_se"]),
        SE_REL,
        SE_ABS,
    );

    let rob = fit(model, &d, opts(SeKind::Robust, None));
    assert_eq!(rob.info.covariance, Some(CovarianceType::Robust));
    let se: Vec<f64> = rob.coefficients.iter().map(|c| c.std_error).collect();
    close_all("bse robust", &se, &floats(&e["bse_robust"]), SE_REL, SE_ABS);

    let clu = fit(model, &d, opts(SeKind::Cluster, None));
    let groups = e["groups"].as_u64().unwrap() as usize;
    assert_eq!(
        clu.info.covariance,
        Some(CovarianceType::Cluster {
            variable: "cid".into(),
            groups
        })
    );
    let se: Vec<f64> = clu.coefficients.iter().map(|c| c.std_error).collect();
    close_all(
        "bse cluster",
        &se,
        &floats(&e["bse_cluster"]),
        SE_REL,
        SE_ABS,
    );
    assert!(clu.marginal_effects.is_empty());
    let k = d.k();
    assert_eq!(clu.vcov.as_ref().map(Vec::len), Some(k * k));
}

#[test]
fn logit_ds1_matches_statsmodels() {
    check_model("ds1", "logit");
}

#[test]
fn logit_ds2_matches_statsmodels() {
    check_model("ds2", "logit");
}

#[test]
fn probit_ds1_matches_statsmodels() {
    check_model("ds1", "probit");
}

#[test]
fn probit_ds2_matches_statsmodels() {
    check_model("ds2", "probit");
}

fn small(y: Vec<f64>, cols: &[(&str, Vec<f64>)]) -> Design {
    let n = y.len();
    let x = Mat::from_fn(n, cols.len() + 1, |i, j| {
        if j == 0 { 1.0 } else { cols[j - 1].1[i] }
    });
    let mut names = vec!["const".to_string()];
    names.extend(cols.iter().map(|c| c.0.to_string()));
    Design {
        y_name: "y".into(),
        y,
        x,
        names,
        clusters: None,
        n_dropped: 0,
    }
}

fn wave(n: usize, a: f64) -> Vec<f64> {
    (0..n)
        .map(|i| ((i as f64 * a).sin() * 1000.0).fract())
        .collect()
}

#[test]
fn dummy_cell_without_variation_is_quasi_separation() {
    let n = 200;
    let x = wave(n, 1.3);
    let d: Vec<f64> = (0..n).map(|i| f64::from(u8::from(i % 7 == 0))).collect();
    let y: Vec<f64> = (0..n)
        .map(|i| {
            if d[i] > 0.5 {
                1.0
            } else {
                f64::from(u8::from(x[i] + wave(n, 2.1)[i] > 0.0))
            }
        })
        .collect();
    let design = small(y, &[("x", x), ("fe=3", d)]);
    for model in ["logit", "probit"] {
        let err = fit_by_name(model, &design, &FitOptions::default()).unwrap_err();
        match &err {
            EstimateError::Separation { kind, column, .. } => {
                assert_eq!(kind, "quasi-complete");
                assert_eq!(column, "fe=3");
            }
            other => panic!("expected separation, got {other:?}"),
        }
        assert!(
            err.to_string()
                .contains("y = 1 for every observation with fe=3 = 1"),
            "{err}"
        );
    }
}

#[test]
fn threshold_in_a_regressor_is_complete_separation() {
    let n = 100;
    let x = wave(n, 0.7);
    let y: Vec<f64> = x.iter().map(|&v| f64::from(u8::from(v > 0.1))).collect();
    let design = small(y, &[("noise", wave(n, 3.3)), ("score", x)]);
    let err = Logit::new(FitOptions::default()).fit(&design).unwrap_err();
    assert!(
        matches!(&err, EstimateError::Separation { kind, column, .. } if kind == "complete" && column == "score"),
        "{err:?}"
    );
}

#[test]
fn separation_by_a_combination_is_caught_after_the_fit() {
    // y = 1 exactly when a + b > 0: neither a nor b separates alone.
    let n = 300;
    let (a, b) = (wave(n, 0.9), wave(n, 1.7));
    let y: Vec<f64> = (0..n)
        .map(|i| f64::from(u8::from(a[i] + b[i] > 0.0)))
        .collect();
    let design = small(y, &[("a", a), ("b", b)]);
    let err = Logit::new(FitOptions::default()).fit(&design).unwrap_err();
    assert!(
        matches!(&err, EstimateError::Separation { column, .. } if column == "a" || column == "b"),
        "{err:?}"
    );
}

#[test]
fn collinear_columns_are_named() {
    let n = 120;
    let (u, v) = (wave(n, 0.5), wave(n, 1.1));
    let w: Vec<f64> = u.iter().zip(&v).map(|(a, b)| a - 2.0 * b).collect();
    let y: Vec<f64> = (0..n)
        .map(|i| f64::from(u8::from(wave(n, 2.9)[i] > u[i])))
        .collect();
    let design = small(y, &[("u", u), ("other", wave(n, 4.1)), ("v", v), ("w", w)]);
    for model in ["logit", "probit", "ols"] {
        let err = fit_by_name(model, &design, &FitOptions::default()).unwrap_err();
        assert_eq!(
            err,
            EstimateError::Collinear {
                columns: vec!["u".into(), "v".into(), "w".into()]
            },
            "{model}"
        );
    }
}

#[test]
fn dummy_trap_names_constant_and_dummies() {
    let n = 90;
    let g: Vec<usize> = (0..n).map(|i| i % 3).collect();
    let dummies: Vec<(String, Vec<f64>)> = (0..3)
        .map(|l| {
            (
                format!("g={l}"),
                g.iter().map(|&v| f64::from(u8::from(v == l))).collect(),
            )
        })
        .collect();
    let y: Vec<f64> = (0..n)
        .map(|i| f64::from(u8::from(wave(n, 1.9)[i] > 0.0)))
        .collect();
    let cols: Vec<(&str, Vec<f64>)> = dummies
        .iter()
        .map(|(a, b)| (a.as_str(), b.clone()))
        .collect();
    let design = small(y, &cols);
    let err = fit_by_name("logit", &design, &FitOptions::default()).unwrap_err();
    let EstimateError::Collinear { columns } = err else {
        panic!("{err:?}")
    };
    assert_eq!(columns, vec!["const", "g=0", "g=1", "g=2"]);
}

#[test]
fn outcome_errors_name_column_row_and_value() {
    let n = 50;
    let mut y: Vec<f64> = (0..n).map(|i| f64::from(u8::from(i % 2 == 0))).collect();
    y[17] = 2.0;
    let design = small(y, &[("x", wave(n, 0.3))]);
    let err = Probit::new(FitOptions::default()).fit(&design).unwrap_err();
    assert_eq!(
        err,
        EstimateError::OutcomeNotBinary {
            estimator: "probit".into(),
            column: "y".into(),
            row: 18,
            value: 2.0
        }
    );
    let design = small(vec![1.0; n], &[("x", wave(n, 0.3))]);
    let err = Logit::new(FitOptions::default()).fit(&design).unwrap_err();
    assert!(matches!(err, EstimateError::OutcomeConstant { ref column, .. } if column == "y"));
    let design = small(vec![0.0, 1.0], &[("x", vec![0.3, 0.1])]);
    let err = Logit::new(FitOptions::default()).fit(&design).unwrap_err();
    assert_eq!(err, EstimateError::TooFewObservations { n: 2, k: 2 });
}

#[test]
fn cluster_without_variable_is_an_invalid_option() {
    let n = 60;
    let y: Vec<f64> = (0..n)
        .map(|i| f64::from(u8::from(wave(n, 2.2)[i] > 0.1)))
        .collect();
    let design = small(y, &[("x", wave(n, 0.4))]);
    let err = Logit::new(opts(SeKind::Cluster, None))
        .fit(&design)
        .unwrap_err();
    assert!(matches!(err, EstimateError::InvalidOption { ref option, .. } if option == "cluster"));
}

#[test]
fn iteration_cap_is_an_error_for_fit_and_a_warning_for_fit_full() {
    let r = reference();
    let d = load_ref("ds1", &r["ds1"]["logit"]);
    let o = FitOptions {
        max_iter: 1,
        ..FitOptions::default()
    };
    let err = Logit::new(o.clone()).fit(&d).unwrap_err();
    assert!(
        matches!(err, EstimateError::NotConverged { iterations: 1, .. }),
        "{err:?}"
    );
    let full = Logit::new(o).fit_full(&d).unwrap();
    assert!(!full.result.info.converged);
    assert_eq!(full.result.info.warnings.len(), 1);
}

/// The whole path from a CSV file: `x1^2` and `x1:d1` built by the formula
/// from `x1` and `d1`, `--fe region` from a raw region code (rebuilt here from
/// the fixture's dummies), `--cluster cid`, listwise deletion of the missing
/// cells. Must reproduce the statsmodels fit on the precomputed columns.
#[test]
fn formula_terms_fixed_effects_and_missing_cells_end_to_end() {
    use migsim::data::{Column, Dataset, Formula, build_design};
    let mut ds = Dataset::read_csv(&fixture("data_ds1.csv")).unwrap();
    let num = |name: &str| match ds.column(name).unwrap() {
        Column::Numeric(v) => v.clone(),
        _ => panic!("{name} is not numeric"),
    };
    let (r2, r3, r4) = (num("region=2"), num("region=3"), num("region=4"));
    let region: Vec<f64> = (0..r2.len())
        .map(|i| 1.0 + r2[i] + 2.0 * r3[i] + 3.0 * r4[i])
        .collect();
    ds.push_column("region", Column::Numeric(region)).unwrap();
    let e = &reference()["ds1"]["logit"];
    let f = Formula::parse(
        "ylogit",
        Some("x1,x2,d1,x1^2,x1:d1"),
        Some("region"),
        Some("cid"),
        true,
    )
    .unwrap();
    let d = build_design(&ds, &f).unwrap();
    let names: Vec<&str> = e["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(d.names, names);
    assert_eq!(d.n_dropped, e["n_dropped"].as_u64().unwrap() as usize);
    let res = fit("logit", &d, opts(SeKind::Cluster, None));
    coefficients_match(&res, e, "bse_cluster");
    assert_eq!(res.info.n_dropped, d.n_dropped);
}
