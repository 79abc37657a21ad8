//! Heckman sample-selection model (`fit heckman --model selection`) against
//! Wooldridge (2010) Example 17.5 / (2020) Example 17.5 on MROZ, against an
//! independent numpy/scipy implementation
//! (tests/fixtures/heckman_selection/make_fixtures.py), and recovering known
//! parameters from simulated data over many seeds.

use std::path::Path;
use std::process::Command;

use faer::Mat;
use migsim::data::Design;
use migsim::estimate::heckman::{Selection, SelectionMethod};
use migsim::estimate::{EstimateError, FitOptions, FitResult, ParamRow};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use serde_json::Value;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/heckman_selection"
);
const X: [&str; 3] = ["educ", "exper", "expersq"];
const Z: [&str; 7] = [
    "educ", "exper", "expersq", "nwifeinc", "age", "kidslt6", "kidsge6",
];

fn reference() -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/reference.json")).unwrap())
        .unwrap()
}

fn names(v: &[&str]) -> Vec<String> {
    std::iter::once("const")
        .chain(v.iter().copied())
        .map(String::from)
        .collect()
}

/// MROZ as a design: lwage (0 where not working, as the CLI does), inlf and
/// the union of both equations' regressors.
fn mroz() -> Design {
    let mut rdr = csv::Reader::from_path(format!("{DIR}/mroz.csv")).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<f64>> = rdr
        .records()
        .map(|r| {
            r.unwrap()
                .iter()
                .map(|c| if c == "." { 0.0 } else { c.parse().unwrap() })
                .collect()
        })
        .collect();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let mut cols = names(&Z);
    cols.push("inlf".into());
    let x = Mat::from_fn(rows.len(), cols.len(), |i, j| {
        if j == 0 { 1.0 } else { rows[i][col(&cols[j])] }
    });
    Design {
        y_name: "lwage".into(),
        y: rows.iter().map(|r| r[col("lwage")]).collect(),
        x,
        names: cols,
        clusters: None,
        n_dropped: 0,
    }
}

fn spec(method: SelectionMethod) -> Selection {
    Selection {
        select: "inlf".into(),
        outcome: names(&X),
        selection: names(&Z),
        method,
        opts: FitOptions::default(),
    }
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn fv(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(f).collect()
}

fn close(what: &str, got: f64, want: f64, rel: f64) {
    assert!(
        (got - want).abs() <= rel * want.abs().max(1e-3),
        "{what}: got {got}, want {want} (rel tol {rel})"
    );
}

fn rows(res: &FitResult, key: &str) -> Vec<ParamRow> {
    res.extra_rows[key].clone()
}

fn row<'a>(rows: &'a [ParamRow], name: &str) -> &'a ParamRow {
    rows.iter().find(|r| r.name == name).unwrap()
}

/// Wooldridge Example 17.5: lambda .032 (SE .134), educ .109 (.016), 428 of 753 working.
#[test]
fn two_step_reproduces_wooldridge_example_17_5() {
    let res = spec(SelectionMethod::TwoStep).fit(&mroz()).unwrap();
    assert_eq!(res.fit["n_selected"], 428.0);
    assert_eq!(res.n, 753);
    let lam = row(&res.extra_rows["ancillary"], "lambda");
    assert!((lam.estimate - 0.032).abs() < 5e-4, "{}", lam.estimate);
    assert!((lam.std_error - 0.134).abs() < 5e-4, "{}", lam.std_error);
    let educ = res.coef("educ").unwrap();
    assert!((educ.estimate - 0.109).abs() < 5e-4);
    assert!((educ.std_error - 0.016).abs() < 5e-4);
}

/// Every coefficient, SE and scale against the numpy/scipy two-step.
#[test]
fn two_step_matches_numpy_reference() {
    let r = &reference()["twostep"];
    let res = spec(SelectionMethod::TwoStep).fit(&mroz()).unwrap();
    for (j, n) in names(&X).iter().enumerate() {
        let c = res.coef(n).unwrap();
        close(n, c.estimate, fv(&r["b"])[j], 1e-7);
        close(n, c.std_error, fv(&r["b_se"])[j], 1e-6);
    }
    let sel = rows(&res, "selection");
    for (j, n) in names(&Z).iter().enumerate() {
        close(n, row(&sel, n).estimate, fv(&r["g"])[j], 1e-6);
        close(n, row(&sel, n).std_error, fv(&r["g_se"])[j], 1e-5);
    }
    let lam = row(&res.extra_rows["ancillary"], "lambda");
    close("lambda", lam.estimate, f(&r["lambda"]), 1e-6);
    close("lambda se", lam.std_error, f(&r["lambda_se"]), 1e-6);
    close("rho", res.fit["rho"], f(&r["rho"]), 1e-6);
    close("sigma", res.fit["sigma"], f(&r["sigma"]), 1e-8);
}

/// ML estimates, observed-information SEs, delta-method rho/sigma/lambda
/// and the log-likelihood against scipy's optimum with a numerical Hessian
/// (its SEs carry finite-difference error of about 1e-6 relative).
#[test]
fn ml_matches_scipy_reference() {
    let r = &reference()["ml"];
    let res = spec(SelectionMethod::Ml).fit(&mroz()).unwrap();
    assert!(res.info.converged, "{:?}", res.info.warnings);
    close("loglik", res.fit["log_likelihood"], f(&r["loglik"]), 1e-9);
    for (j, n) in names(&X).iter().enumerate() {
        let c = res.coef(n).unwrap();
        close(n, c.estimate, fv(&r["b"])[j], 1e-5);
        close(n, c.std_error, fv(&r["b_se"])[j], 1e-4);
    }
    let sel = rows(&res, "selection");
    for (j, n) in names(&Z).iter().enumerate() {
        close(n, row(&sel, n).estimate, fv(&r["g"])[j], 1e-5);
        close(n, row(&sel, n).std_error, fv(&r["g_se"])[j], 1e-4);
    }
    let anc = rows(&res, "ancillary");
    for n in ["athrho", "lnsigma", "rho", "sigma", "lambda"] {
        // rho and lambda are near 0: compare on an absolute scale.
        let want = f(&r[n]);
        let got = row(&anc, n).estimate;
        assert!(
            (got - want).abs() < 1e-5 * want.abs().max(1.0),
            "{n}: {got} vs {want}"
        );
        close(
            &format!("{n} se"),
            row(&anc, n).std_error,
            f(&r[&format!("{n}_se")]),
            1e-4,
        );
    }
}

/// Simulated y = 1 + 0.5 x + e, s = 1{0.3 + 0.8 w - 0.5 x + u > 0},
/// corr(e, u) = 0.6, sigma = 1.5: over 40 seeds both estimators' mean is
/// within 4 Monte Carlo SEs of the truth and the ML 95% intervals for the
/// slope and rho cover at nominal rates (binomial band for 40 draws).
#[test]
fn recovers_known_parameters_over_seeds() {
    let (b1, rho, sigma) = (0.5, 0.6, 1.5);
    let seeds = 40;
    let mut est: Vec<[f64; 4]> = Vec::new();
    let (mut cover_b, mut cover_rho) = (0, 0);
    for seed in 0..seeds {
        let d = simulate(seed, 1500, b1, rho, sigma);
        let spec = |m| Selection {
            select: "s".into(),
            outcome: vec!["const".into(), "x".into()],
            selection: vec!["const".into(), "w".into(), "x".into()],
            method: m,
            opts: FitOptions::default(),
        };
        let ml = spec(SelectionMethod::Ml).fit(&d).unwrap();
        let ts = spec(SelectionMethod::TwoStep).fit(&d).unwrap();
        assert!(ml.info.converged);
        let slope = ml.coef("x").unwrap();
        let r = row(&ml.extra_rows["ancillary"], "rho");
        cover_b += usize::from(slope.ci_low <= b1 && b1 <= slope.ci_high);
        cover_rho += usize::from(r.ci_low <= rho && rho <= r.ci_high);
        est.push([
            slope.estimate,
            ml.fit["rho"],
            ml.fit["sigma"],
            ts.coef("x").unwrap().estimate,
        ]);
    }
    for (c, truth) in [(0, b1), (1, rho), (2, sigma), (3, b1)] {
        let v: Vec<f64> = est.iter().map(|e| e[c]).collect();
        let m = v.iter().sum::<f64>() / v.len() as f64;
        let sd = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt();
        let mcse = sd / (v.len() as f64).sqrt();
        assert!(
            (m - truth).abs() < 4.0 * mcse + 0.01,
            "param {c}: mean {m}, truth {truth}, mcse {mcse}"
        );
    }
    // 95% coverage over 40 draws: P(at most 33 covered) < 0.01.
    assert!(
        cover_b >= 34 && cover_rho >= 34,
        "coverage {cover_b}, {cover_rho} of {seeds}"
    );
}

fn simulate(seed: u64, n: usize, b1: f64, rho: f64, sigma: f64) -> Design {
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1000 + seed);
    let mut draw = || -> f64 { StandardNormal.sample(&mut rng) };
    let mut cols: Vec<Vec<f64>> = (0..4).map(|_| Vec::with_capacity(n)).collect();
    let mut y = Vec::with_capacity(n);
    for _ in 0..n {
        let (x, w, u, v) = (draw(), draw(), draw(), draw());
        let e = sigma * (rho * u + (1.0 - rho * rho).sqrt() * v);
        let s = 0.3 + 0.8 * w - 0.5 * x + u > 0.0;
        y.push(if s { 1.0 + b1 * x + e } else { 0.0 });
        for (c, val) in cols.iter_mut().zip([1.0, x, w, f64::from(u8::from(s))]) {
            c.push(val);
        }
    }
    Design {
        y_name: "y".into(),
        y,
        x: Mat::from_fn(n, 4, |i, j| cols[j][i]),
        names: ["const", "x", "w", "s"].map(String::from).to_vec(),
        clusters: None,
        n_dropped: 0,
    }
}

#[test]
fn bad_selection_indicator_is_one_clear_error() {
    let mut d = mroz();
    let js = d.col_index("inlf").unwrap();
    d.x[(4, js)] = 2.0;
    match spec(SelectionMethod::Ml).fit(&d) {
        Err(EstimateError::SelectionNotBinary { column, row, value }) => {
            assert_eq!((column.as_str(), row, value), ("inlf", 5, 2.0));
        }
        other => panic!("{other:?}"),
    }
    let mut d = mroz();
    for i in 0..d.n() {
        d.x[(i, js)] = 1.0;
    }
    assert!(matches!(
        spec(SelectionMethod::TwoStep).fit(&d),
        Err(EstimateError::NoSelectionVariation {
            selected: 753,
            nonselected: 0,
            ..
        })
    ));
    let mut s = spec(SelectionMethod::Ml);
    s.outcome.push("nosuch".into());
    assert!(matches!(
        s.fit(&mroz()),
        Err(EstimateError::MissingColumn { .. })
    ));
}

fn migsim(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// The CLI reads the outcome as missing ('.') on the non-selected rows.
#[test]
fn cli_selection_model_matches_the_reference() {
    let data = Path::new(DIR).join("mroz.csv");
    let data = data.to_str().unwrap();
    let base = [
        "fit",
        "heckman",
        "--model",
        "selection",
        "--data",
        data,
        "--y",
        "lwage",
        "--select",
        "inlf",
        "--x",
        "educ,exper,expersq",
        "--zx",
        "educ,exper,expersq,nwifeinc,age,kidslt6,kidsge6",
        "--json",
    ];
    let r = reference();
    for (method, key) in [("twostep", "twostep"), ("ml", "ml")] {
        let mut args = base.to_vec();
        args.extend(["--method", method]);
        let (code, out, err) = migsim(&args);
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["info"]["dependent"], "lwage");
        close("lambda", f(&v["fit"]["lambda"]), f(&r[key]["lambda"]), 1e-5);
        close("sigma", f(&v["fit"]["sigma"]), f(&r[key]["sigma"]), 1e-6);
    }
    let mut bad = base.to_vec();
    bad.extend(["--method", "nn"]);
    let (code, _, err) = migsim(&bad);
    assert_eq!(code, 2);
    assert!(
        err.contains("expected ml or twostep") && !err.contains("panicked"),
        "{err}"
    );
    let mut bad = base.to_vec();
    bad[3] = "sample";
    let (code, _, err) = migsim(&bad);
    assert_eq!(code, 2);
    assert!(err.contains("expected treatment or selection"), "{err}");
}
