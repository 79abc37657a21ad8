//! Ordered logit / probit against statsmodels `OrderedModel` and R's
//! `MASS::polr`, and the Brant test against an independent numpy
//! implementation (tests/fixtures/ordered/make_fixtures.{py,R}).

use std::collections::BTreeMap;
use std::path::Path;

use faer::Mat;
use migsim::data::{Clusters, Design};
use migsim::estimate::ordered::{OrderedLogit, OrderedProbit, brant_text};
use migsim::estimate::{EstimateError, FitOptions, FitResult, SeKind, fit_by_name};
use serde_json::Value;

const DATASETS: [&str; 3] = ["ds1", "ds2", "ds3"];

fn fixture_dir() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ordered"
    ))
}

fn expected(name: &str, suffix: &str) -> Value {
    let text =
        std::fs::read_to_string(fixture_dir().join(format!("{name}_{suffix}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Complete cases of the fixture CSV for the terms (`a`, `a^2`, `a:b`), as the
/// data layer builds them; clusters on `grp`.
fn design(name: &str, terms: &[String]) -> Design {
    let mut rdr = csv::Reader::from_path(fixture_dir().join(format!("{name}.csv"))).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let mut cols: BTreeMap<String, Vec<f64>> =
        header.iter().map(|h| (h.clone(), Vec::new())).collect();
    let mut total = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        total += 1;
        for (h, cell) in header.iter().zip(rec.iter()) {
            cols.get_mut(h)
                .unwrap()
                .push(cell.parse().unwrap_or(f64::NAN));
        }
    }
    let vars: Vec<&str> = terms
        .iter()
        .flat_map(|t| t.trim_end_matches("^2").split(':'))
        .collect();
    let keep: Vec<usize> = (0..total)
        .filter(|&i| {
            ["y", "grp"]
                .iter()
                .chain(&vars)
                .all(|v| cols[*v][i].is_finite())
        })
        .collect();
    let term = |t: &str, i: usize| -> f64 {
        if let Some(base) = t.strip_suffix("^2") {
            cols[base][i].powi(2)
        } else if let Some((a, b)) = t.split_once(':') {
            cols[a][i] * cols[b][i]
        } else {
            cols[t][i]
        }
    };
    let x = Mat::from_fn(keep.len(), terms.len(), |r, c| term(&terms[c], keep[r]));
    let mut groups: Vec<u32> = keep.iter().map(|&i| cols["grp"][i] as u32).collect();
    let mut levels = groups.clone();
    levels.sort_unstable();
    levels.dedup();
    for g in &mut groups {
        *g = levels.binary_search(g).unwrap() as u32;
    }
    Design {
        y_name: "y".into(),
        y: keep.iter().map(|&i| cols["y"][i]).collect(),
        x,
        names: terms.to_vec(),
        clusters: Some(Clusters {
            variable: "grp".into(),
            ids: groups,
            groups: levels.len(),
        }),
        n_dropped: total - keep.len(),
    }
}

fn fixture_design(name: &str) -> (Design, Value) {
    let exp = expected(name, "statsmodels");
    let terms: Vec<String> = exp["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    (design(name, &terms), exp)
}

/// Relative closeness; every reference value here is far from zero.
fn assert_rel(what: &str, got: f64, want: f64, tol: f64) {
    assert!(
        ((got - want) / want).abs() < tol,
        "{what}: got {got}, want {want} (rel tol {tol})"
    );
}

fn fit(link: &str, d: &Design, se: SeKind) -> FitResult {
    let opts = FitOptions {
        se,
        ..FitOptions::default()
    };
    let r = fit_by_name(link, d, &opts).unwrap();
    assert!(
        r.info.converged && r.info.warnings.is_empty(),
        "{link}: {:?}",
        r.info
    );
    r
}

#[test]
fn matches_statsmodels_estimates_and_all_standard_errors() {
    for name in DATASETS {
        let (d, exp) = fixture_design(name);
        assert_eq!(d.n(), exp["n"].as_u64().unwrap() as usize);
        for (est, key) in [("ologit", "logit"), ("oprobit", "probit")] {
            let e = &exp[key];
            let beta = floats(&e["beta"]);
            let kappa = floats(&e["kappa"]);
            for (se, se_key) in [
                (SeKind::Classical, "se_classical"),
                (SeKind::Robust, "se_robust"),
                (SeKind::Cluster, "se_cluster"),
            ] {
                let r = fit(est, &d, se);
                let ses = floats(&e[se_key]);
                let rows: Vec<_> = r.coefficients.iter().chain(&r.thresholds).collect();
                assert_eq!(rows.len(), beta.len() + kappa.len());
                for (i, row) in rows.iter().enumerate() {
                    let want = if i < beta.len() {
                        beta[i]
                    } else {
                        kappa[i - beta.len()]
                    };
                    assert_rel(
                        &format!("{name} {est} {}", row.name),
                        row.estimate,
                        want,
                        1e-6,
                    );
                    assert_rel(
                        &format!("{name} {est} {se_key} {}", row.name),
                        row.std_error,
                        ses[i],
                        1e-5,
                    );
                }
                let names: Vec<&str> = r.thresholds.iter().map(|t| t.name.as_str()).collect();
                let want_names: Vec<&str> = e["threshold_names"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect();
                assert_eq!(names, want_names);
                assert_rel(
                    "log_likelihood",
                    r.fit["log_likelihood"],
                    e["log_likelihood"].as_f64().unwrap(),
                    1e-6,
                );
                assert_rel(
                    "ll_null",
                    r.fit["ll_null"],
                    e["ll_null"].as_f64().unwrap(),
                    1e-6,
                );
                assert_eq!(
                    r.info.n_dropped,
                    exp["n_dropped"].as_u64().unwrap() as usize
                );
            }
        }
    }
}

#[test]
fn ordered_logit_matches_r_polr() {
    // polr: logit P(Y <= k) = zeta_k - eta, the same signs as migsim; zeta = kappa.
    for name in DATASETS {
        let (d, _) = fixture_design(name);
        let e = expected(name, "polr");
        let r = OrderedLogit::new(FitOptions::default()).fit(&d).unwrap();
        for (row, (b, s)) in r
            .coefficients
            .iter()
            .zip(floats(&e["beta"]).into_iter().zip(floats(&e["se_beta"])))
        {
            assert_rel(&format!("{name} polr {}", row.name), row.estimate, b, 1e-6);
            assert_rel(
                &format!("{name} polr se {}", row.name),
                row.std_error,
                s,
                1e-5,
            );
        }
        for (row, (z, s)) in r
            .thresholds
            .iter()
            .zip(floats(&e["zeta"]).into_iter().zip(floats(&e["se_zeta"])))
        {
            assert_rel(&format!("{name} polr {}", row.name), row.estimate, z, 1e-6);
            assert_rel(
                &format!("{name} polr se {}", row.name),
                row.std_error,
                s,
                1e-5,
            );
        }
        assert_rel(
            "polr loglik",
            r.fit["log_likelihood"],
            e["log_likelihood"].as_f64().unwrap(),
            1e-6,
        );
    }
}

#[test]
fn fit_statistics_follow_their_definitions() {
    let (d, _) = fixture_design("ds2");
    let r = fit("oprobit", &d, SeKind::Classical);
    let (ll, ll0) = (r.fit["log_likelihood"], r.fit["ll_null"]);
    let (k, p, n) = (4.0, 7.0, d.n() as f64);
    assert_rel("pseudo_r2", r.fit["pseudo_r2"], 1.0 - ll / ll0, 1e-12);
    assert_rel("aic", r.fit["aic"], -2.0 * ll + 2.0 * p, 1e-12);
    assert_rel("bic", r.fit["bic"], -2.0 * ll + p * n.ln(), 1e-12);
    assert_rel("lr_chi2", r.fit["lr_chi2"], 2.0 * (ll - ll0), 1e-12);
    assert_eq!(r.fit["df_model"], k);
    assert!(r.fit["lr_pvalue"] < 1e-6);
    assert_eq!(r.vcov.as_ref().unwrap().len(), 49);
}

#[test]
fn brant_matches_independent_numpy_implementation() {
    for name in DATASETS {
        let (d, exp) = fixture_design(name);
        let e = &exp["brant"];
        let opts = FitOptions {
            brant: true,
            ..FitOptions::default()
        };
        let r = OrderedLogit::new(opts).fit(&d).unwrap();
        assert!(r.info.warnings.is_empty(), "{:?}", r.info.warnings);
        let b = &r.tables["brant"];
        assert_rel(
            "brant chi2",
            b["omnibus"]["chi2"].as_f64().unwrap(),
            e["chi2"].as_f64().unwrap(),
            1e-6,
        );
        assert_eq!(b["omnibus"]["df"], e["df"]);
        assert_rel(
            "brant p",
            b["omnibus"]["p_value"].as_f64().unwrap(),
            e["p_value"].as_f64().unwrap(),
            1e-5,
        );
        for (got, want) in b["variables"]
            .as_array()
            .unwrap()
            .iter()
            .zip(e["variables"].as_array().unwrap())
        {
            assert_rel(
                "brant var chi2",
                got["chi2"].as_f64().unwrap(),
                want["chi2"].as_f64().unwrap(),
                1e-6,
            );
            assert_eq!(got["df"], want["df"]);
            assert_rel(
                "brant var p",
                got["p_value"].as_f64().unwrap(),
                want["p_value"].as_f64().unwrap(),
                1e-5,
            );
        }
        for (got, want) in b["binary_slopes"]
            .as_array()
            .unwrap()
            .iter()
            .zip(e["binary_slopes"].as_array().unwrap())
        {
            for (g, w) in floats(got).into_iter().zip(floats(want)) {
                assert_rel("binary slope", g, w, 1e-6);
            }
        }
        let text = brant_text(&r).unwrap();
        assert!(
            text.contains("Brant test") && text.contains(&d.names[0]),
            "{text}"
        );
    }
}

#[test]
fn display_shows_slopes_and_thresholds() {
    let (d, _) = fixture_design("ds1");
    let text = fit("ologit", &d, SeKind::Robust).to_string();
    assert!(
        text.contains("ologit")
            && text.contains("male:age")
            && text.contains("1/2")
            && text.contains("2/3"),
        "{text}"
    );
}

fn small_design(y: Vec<f64>, cols: Vec<(&str, Vec<f64>)>) -> Design {
    let n = y.len();
    Design {
        y_name: "y".into(),
        y,
        x: Mat::from_fn(n, cols.len(), |i, j| cols[j].1[i]),
        names: cols.iter().map(|c| c.0.to_string()).collect(),
        clusters: None,
        n_dropped: 0,
    }
}

#[test]
fn errors_name_what_is_wrong() {
    let n = 30;
    let a: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
    let b: Vec<f64> = (0..n).map(|i| (i as f64 * 0.91).cos()).collect();
    let y: Vec<f64> = (0..n).map(|i| (i % 3) as f64).collect();
    let opts = FitOptions::default();

    let constant_y = small_design(vec![2.0; n], vec![("a", a.clone())]);
    assert!(
        matches!(OrderedLogit::new(opts.clone()).fit(&constant_y), Err(EstimateError::OutcomeConstant { value, .. }) if value == 2.0)
    );

    let sum: Vec<f64> = a.iter().zip(&b).map(|(x, z)| 2.0 * x - z + 1.0).collect();
    let collinear = small_design(
        y.clone(),
        vec![("a", a.clone()), ("b", b.clone()), ("s", sum)],
    );
    assert_eq!(
        OrderedProbit::new(opts.clone())
            .fit(&collinear)
            .unwrap_err(),
        EstimateError::Collinear {
            columns: vec!["a".into(), "b".into(), "s".into()]
        }
    );

    let with_const = small_design(y.clone(), vec![("a", a.clone()), ("const", vec![1.0; n])]);
    let msg = OrderedLogit::new(opts.clone())
        .fit(&with_const)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("`const`") && msg.contains("constant"), "{msg}");

    let tiny = small_design(
        vec![0.0, 1.0, 2.0],
        vec![("a", vec![0.1, 0.5, 0.2]), ("b", vec![1.0, 0.3, 0.7])],
    );
    assert_eq!(
        OrderedLogit::new(opts.clone()).fit(&tiny).unwrap_err(),
        EstimateError::TooFewObservations { n: 3, k: 4 }
    );

    let ok = small_design(y.clone(), vec![("a", a.clone())]);
    let brant = FitOptions {
        brant: true,
        ..opts.clone()
    };
    assert!(
        matches!(OrderedProbit::new(brant).fit(&ok), Err(EstimateError::InvalidOption { option, .. }) if option == "brant")
    );
    let cluster = FitOptions {
        se: SeKind::Cluster,
        ..opts.clone()
    };
    assert!(
        matches!(OrderedLogit::new(cluster).fit(&ok), Err(EstimateError::InvalidOption { option, .. }) if option == "cluster")
    );

    let mut missing = ok.clone();
    missing.y[4] = f64::NAN;
    assert!(
        OrderedLogit::new(opts)
            .fit(&missing)
            .unwrap_err()
            .to_string()
            .contains("row 4")
    );
}

#[test]
fn separated_category_is_reported_not_hidden() {
    // `d` = 1 exactly for the top category: the slope diverges.
    let n = 40;
    let a: Vec<f64> = (0..n).map(|i| (i as f64 * 0.53).sin()).collect();
    let y: Vec<f64> = (0..n).map(|i| (i % 3) as f64).collect();
    let d: Vec<f64> = y.iter().map(|&v| f64::from(u8::from(v == 2.0))).collect();
    let design = small_design(y, vec![("a", a), ("d", d)]);
    let opts = FitOptions {
        max_iter: 50,
        ..FitOptions::default()
    };
    match OrderedLogit::new(opts).fit(&design) {
        Err(EstimateError::Separation { column, .. }) => assert_eq!(column, "d"),
        other => panic!("expected separation by `d`, got {other:?}"),
    }
}
