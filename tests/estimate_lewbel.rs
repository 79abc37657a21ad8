//! Lewbel IV against linearmodels IV2SLS / IVGMM on hand-built generated
//! instruments (tests/fixtures/lewbel/make_fixtures.py).

use faer::Mat;
use migsim::data::{Clusters, Design};
use migsim::estimate::lewbel::Lewbel;
use migsim::estimate::{EstimateError, SeKind};
use serde_json::Value;

const TOL: f64 = 1e-6;

fn fixture() -> Value {
    let text = include_str!("fixtures/lewbel/lewbel.json");
    serde_json::from_str(text).expect("fixture parses")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn design(set: &Value, with_lq: bool) -> Design {
    let mut names: Vec<String> = ["const", "x1", "x2", "region=1", "region=2", "treat"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if with_lq {
        names.push("lq".into());
    }
    let cols: Vec<Vec<f64>> = names.iter().map(|c| floats(&set["columns"][c])).collect();
    let y = floats(&set["y"]);
    let ids: Vec<u32> = floats(&set["clusters"]).iter().map(|&v| v as u32).collect();
    let groups = ids.iter().max().map_or(0, |m| *m as usize + 1);
    Design {
        y_name: "y".into(),
        x: Mat::from_fn(y.len(), names.len(), |i, j| cols[j][i]),
        y,
        names,
        clusters: Some(Clusters {
            variable: "cl".into(),
            ids,
            groups,
        }),
        n_dropped: 0,
    }
}

fn close(a: f64, b: f64, what: &str) {
    let tol = TOL * b.abs().max(1.0);
    assert!((a - b).abs() <= tol, "{what}: got {a}, expected {b}");
}

fn se_kind(cov: &str) -> SeKind {
    match cov {
        "robust" => SeKind::Robust,
        "clustered" => SeKind::Cluster,
        _ => SeKind::Classical,
    }
}

fn check_set(label: &str) {
    let fx = fixture();
    let set = &fx[label];
    for case in set["cases"].as_array().expect("cases") {
        let ext: Vec<String> = case["external"]
            .as_array()
            .expect("external")
            .iter()
            .map(|v| v.as_str().expect("name").to_string())
            .collect();
        let cov = case["cov"].as_str().expect("cov");
        let d = design(set, !ext.is_empty());
        let spec = Lewbel {
            treatment: "treat".into(),
            instruments: ext.clone(),
            se: se_kind(cov),
        };
        let fit = spec.fit(&d).expect("lewbel fits");
        let tag = format!("{label}/{ext:?}/{cov}");
        let (coef, se, p) = (
            floats(&case["coef"]),
            floats(&case["se"]),
            floats(&case["p"]),
        );
        assert_eq!(fit.coefficients.len(), coef.len(), "{tag}");
        for (j, row) in fit.coefficients.iter().enumerate() {
            close(row.estimate, coef[j], &format!("{tag} coef {}", row.name));
            close(row.std_error, se[j], &format!("{tag} se {}", row.name));
            close(row.p_value, p[j], &format!("{tag} p {}", row.name));
        }
        let f = |k: &str| fit.fit[k];
        close(
            f("first_stage_f"),
            case["first_stage_f"].as_f64().unwrap(),
            &format!("{tag} F"),
        );
        close(
            f("bp_stat"),
            case["bp_stat"].as_f64().unwrap(),
            &format!("{tag} bp"),
        );
        close(
            f("bp_pvalue"),
            case["bp_pvalue"].as_f64().unwrap(),
            &format!("{tag} bp p"),
        );
        let key = if cov == "unadjusted" {
            "sargan"
        } else {
            "hansen_j"
        };
        close(f(key), case[key].as_f64().unwrap(), &format!("{tag} {key}"));
        let pk = format!("{key}_pvalue");
        close(
            f(&pk),
            case[pk.as_str()].as_f64().unwrap(),
            &format!("{tag} {pk}"),
        );
    }
}

#[test]
fn continuous_treatment_matches_linearmodels() {
    check_set("continuous");
}

#[test]
fn binary_treatment_matches_linearmodels() {
    check_set("binary");
}

#[test]
fn weak_binary_first_stage_is_flagged() {
    let fx = fixture();
    let d = design(&fx["binary"], false);
    let spec = Lewbel {
        treatment: "treat".into(),
        instruments: vec![],
        se: SeKind::Robust,
    };
    let fit = spec.fit(&d).expect("fits");
    assert!(fit.fit["first_stage_f"] < 10.0);
    assert!(fit.info.warnings.iter().any(|w| w.contains("weak")));
}

#[test]
fn homoskedastic_first_stage_warns() {
    // T = x1 + homoskedastic noise: Lewbel's instruments carry no information.
    let n = 400;
    let mut state = 12345u64;
    let mut unif = || {
        state = migsim::seed::splitmix64(state);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let x1: Vec<f64> = (0..n).map(|_| unif() - 0.5).collect();
    let t: Vec<f64> = x1.iter().map(|v| v + unif() - 0.5).collect();
    let y: Vec<f64> = t.iter().zip(&x1).map(|(a, b)| a + b + unif()).collect();
    let d = Design {
        y_name: "y".into(),
        y,
        x: Mat::from_fn(n, 3, |i, j| [1.0, x1[i], t[i]][j]),
        names: vec!["const".into(), "x1".into(), "treat".into()],
        clusters: None,
        n_dropped: 0,
    };
    let spec = Lewbel {
        treatment: "treat".into(),
        instruments: vec![],
        se: SeKind::Robust,
    };
    let fit = spec.fit(&d).expect("fits");
    assert!(
        fit.fit["bp_pvalue"] >= 0.05,
        "bp p {}",
        fit.fit["bp_pvalue"]
    );
    assert!(
        fit.info
            .warnings
            .iter()
            .any(|w| w.contains("Breusch-Pagan"))
    );
}

#[test]
fn errors_name_the_problem() {
    let fx = fixture();
    let d = design(&fx["continuous"], true);
    let missing = Lewbel {
        treatment: "nope".into(),
        instruments: vec![],
        se: SeKind::Robust,
    };
    assert!(matches!(
        missing.fit(&d),
        Err(EstimateError::MissingColumn { column, .. }) if column == "nope"
    ));
    let mut constant = d.clone();
    for i in 0..constant.n() {
        constant.x[(i, 6)] = 2.0;
    }
    let spec = Lewbel {
        treatment: "treat".into(),
        instruments: vec!["lq".into()],
        se: SeKind::Robust,
    };
    let err = spec.fit(&constant).expect_err("constant instrument");
    assert!(err.to_string().contains("`lq` is constant"), "{err}");
    let mut no_clusters = d.clone();
    no_clusters.clusters = None;
    let cl = Lewbel {
        se: SeKind::Cluster,
        ..spec.clone()
    };
    assert!(matches!(
        cl.fit(&no_clusters),
        Err(EstimateError::InvalidOption { .. })
    ));
    let mut dup = d.clone();
    for i in 0..dup.n() {
        dup.x[(i, 2)] = 2.0 * dup.x[(i, 1)];
    }
    assert!(matches!(
        spec.fit(&dup),
        Err(EstimateError::Collinear { .. })
    ));
}
