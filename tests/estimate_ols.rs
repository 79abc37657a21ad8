//! OLS against statsmodels (tests/fixtures/binary, outcome `yols`).

mod estimate_common;

use estimate_common::*;
use migsim::estimate::{FitOptions, Ols, SeKind};

fn check(ds: &str) {
    let r = reference();
    let e = &r[ds]["ols"];
    let d = load_ref(ds, e);
    let fit = |se| {
        Ols::new(FitOptions {
            se,
            ..FitOptions::default()
        })
        .fit(&d)
        .unwrap()
    };
    let res = fit(SeKind::Classical);
    assert_eq!(res.estimator, "ols");
    assert_eq!(res.n, e["n"].as_u64().unwrap() as usize);
    assert_eq!(
        res.info.n_dropped,
        e["n_dropped"].as_u64().unwrap() as usize
    );
    let est: Vec<f64> = res.coefficients.iter().map(|c| c.estimate).collect();
    close_all("params", &est, &floats(&e["params"]), COEF_REL, COEF_ABS);
    let se: Vec<f64> = res.coefficients.iter().map(|c| c.std_error).collect();
    close_all(
        "bse classical",
        &se,
        &floats(&e["bse_classical"]),
        SE_REL,
        SE_ABS,
    );
    let p: Vec<f64> = res.coefficients.iter().map(|c| c.p_value).collect();
    close_all(
        "pvalues classical",
        &p,
        &floats(&e["pvalues_classical"]),
        SE_REL,
        1e-12,
    );
    for (key, want) in [
        ("log_likelihood", "llf"),
        ("aic", "aic"),
        ("bic", "bic"),
        ("r2", "r2"),
        ("adj_r2", "adj_r2"),
        ("scale", "scale"),
        ("f_stat", "fvalue_classical"),
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
        "f_pvalue",
        res.fit["f_pvalue"],
        e["f_pvalue_classical"].as_f64().unwrap(),
        SE_REL,
        1e-300,
    );

    let rob = fit(SeKind::Robust);
    let se: Vec<f64> = rob.coefficients.iter().map(|c| c.std_error).collect();
    close_all("bse HC1", &se, &floats(&e["bse_robust"]), SE_REL, SE_ABS);
    close(
        "f robust",
        rob.fit["f_stat"],
        e["fvalue_robust"].as_f64().unwrap(),
        SE_REL,
        SE_ABS,
    );

    let clu = fit(SeKind::Cluster);
    let se: Vec<f64> = clu.coefficients.iter().map(|c| c.std_error).collect();
    close_all("bse CR1", &se, &floats(&e["bse_cluster"]), SE_REL, SE_ABS);
    // t on G - 1 degrees of freedom, as Stata and statsmodels' cluster use_t.
    let p: Vec<f64> = clu.coefficients.iter().map(|c| c.p_value).collect();
    close_all(
        "pvalues cluster",
        &p,
        &floats(&e["pvalues_cluster"]),
        SE_REL,
        1e-12,
    );
}

#[test]
fn ols_ds1_matches_statsmodels() {
    check("ds1");
}

#[test]
fn ols_ds2_matches_statsmodels() {
    check("ds2");
}
