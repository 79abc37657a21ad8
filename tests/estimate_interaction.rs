//! Ai & Norton interaction effects against tests/fixtures/interaction/
//! make_fixtures.py: beta and V from statsmodels Logit/Probit, effects and
//! delta-method SEs from the paper's formulas written out in numpy. beta and V
//! are read from the fixture, so these tests do not depend on our estimators.

use faer::Mat;
use migsim::data::Design;
use migsim::estimate::interaction::{
    InteractionKind, InteractionOptions, Link, Summary, VarKind, from_fit, interaction_effect,
};
use migsim::estimate::{EstimateError, FitResult, ParamRow};
use serde_json::Value;

/// Same closed-form expressions evaluated in double precision on both sides.
const TOL: f64 = 1e-6;

struct Case {
    link: Link,
    term: String,
    names: Vec<String>,
    x: Mat<f64>,
    beta: Vec<f64>,
    vcov: Vec<f64>,
    v: Value,
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn case(name: &str) -> Case {
    let text = std::fs::read_to_string("tests/fixtures/interaction/interaction.json").unwrap();
    let all: Value = serde_json::from_str(&text).unwrap();
    let v = all[name].clone();
    let cols: Vec<Vec<f64>> = v["x"].as_array().unwrap().iter().map(floats).collect();
    Case {
        link: if v["link"] == "logit" {
            Link::Logit
        } else {
            Link::Probit
        },
        term: v["term"].as_str().unwrap().to_string(),
        names: v["names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect(),
        x: Mat::from_fn(cols[0].len(), cols.len(), |i, j| cols[j][i]),
        beta: floats(&v["beta"]),
        vcov: floats(&v["vcov"]),
        v,
    }
}

fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() < TOL * want.abs().max(1.0),
        "{what}: {got} vs {want}"
    );
}

fn check_summary(got: &Summary, want: &Value, what: &str) {
    close(
        got.mean,
        want["mean"].as_f64().unwrap(),
        &format!("{what} mean"),
    );
    close(got.sd, want["sd"].as_f64().unwrap(), &format!("{what} sd"));
    close(
        got.min,
        want["min"].as_f64().unwrap(),
        &format!("{what} min"),
    );
    close(
        got.max,
        want["max"].as_f64().unwrap(),
        &format!("{what} max"),
    );
}

fn check(name: &str, kind: InteractionKind) {
    let c = case(name);
    let opts = InteractionOptions::default();
    let got = interaction_effect(
        c.link,
        &c.beta,
        &c.vcov,
        c.x.as_ref(),
        &c.names,
        &c.term,
        &opts,
    )
    .unwrap();
    assert_eq!(got.kind, kind);
    for (what, g, w) in [
        ("effect", &got.effect, floats(&c.v["effect"])),
        ("std_error", &got.std_error, floats(&c.v["std_error"])),
        ("z", &got.z, floats(&c.v["z"])),
    ] {
        for (i, (gi, wi)) in g.iter().zip(&w).enumerate() {
            close(*gi, *wi, &format!("{name} {what}[{i}]"));
        }
    }
    check_summary(&got.effect_summary, &c.v["summary"]["effect"], "effect");
    check_summary(&got.std_error_summary, &c.v["summary"]["std_error"], "se");
    check_summary(&got.z_summary, &c.v["summary"]["z"], "z");
    close(
        got.average.estimate,
        c.v["average"].as_f64().unwrap(),
        "average",
    );
    close(
        got.average.std_error,
        c.v["average_se"].as_f64().unwrap(),
        "average se",
    );
    // The SE of the average is not the average SE.
    let mean_se = c.v["mean_of_se"].as_f64().unwrap();
    assert!((got.average.std_error - mean_se).abs() > 1e-6);
}

#[test]
fn logit_continuous_with_square_term() {
    check("logit_cc_square", InteractionKind::ContinuousContinuous);
}

#[test]
fn probit_continuous_by_dummy_in_either_order() {
    check("probit_cd", InteractionKind::ContinuousDummy);
}

#[test]
fn logit_dummy_by_dummy() {
    check("logit_dd", InteractionKind::DummyDummy);
}

#[test]
fn probit_continuous_by_continuous() {
    check("probit_cc", InteractionKind::ContinuousContinuous);
}

#[test]
fn from_fit_attaches_rows_and_table() {
    let c = case("logit_dd");
    let n = c.x.nrows();
    let design = Design {
        y_name: "y".into(),
        y: floats(&c.v["y"]),
        x: c.x.clone(),
        names: c.names.clone(),
        clusters: None,
        n_dropped: 0,
    };
    let mut fit = FitResult::new("logit", n);
    fit.coefficients = c
        .names
        .iter()
        .zip(&c.beta)
        .map(|(nm, b)| ParamRow::normal(nm, *b, 1.0))
        .collect();
    fit.vcov = Some(c.vcov.clone());
    let ie = from_fit(
        c.link,
        &fit,
        &design,
        &c.term,
        &InteractionOptions::default(),
    )
    .unwrap();
    ie.attach(&mut fit);
    let row = &fit.extra_rows["interaction_effect"][0];
    assert_eq!(row.name, "d1:d2");
    close(
        row.std_error,
        c.v["average_se"].as_f64().unwrap(),
        "attached se",
    );
    let json: Value = serde_json::from_str(&fit.to_json()).unwrap();
    assert_eq!(json["interaction_effect"][0]["name"], "d1:d2");
    assert_eq!(json["tables"]["interaction_effect"]["kind"], "dummy_dummy");
    fit.vcov = None;
    assert!(
        from_fit(
            c.link,
            &fit,
            &design,
            &c.term,
            &InteractionOptions::default()
        )
        .is_err()
    );
}

#[test]
fn forcing_continuous_uses_the_derivative() {
    let c = case("logit_dd");
    let opts = InteractionOptions {
        a: VarKind::Continuous,
        b: VarKind::Continuous,
    };
    let got = interaction_effect(
        c.link,
        &c.beta,
        &c.vcov,
        c.x.as_ref(),
        &c.names,
        &c.term,
        &opts,
    )
    .unwrap();
    assert_eq!(got.kind, InteractionKind::ContinuousContinuous);
}

#[test]
fn bad_input_is_an_error() {
    let c = case("probit_cc");
    let run = |term: &str, opts: InteractionOptions, x: &Mat<f64>, names: &[String]| {
        interaction_effect(c.link, &c.beta, &c.vcov, x.as_ref(), names, term, &opts)
    };
    let d = InteractionOptions::default();
    assert!(matches!(
        run("a:c", d, &c.x, &c.names),
        Err(EstimateError::MissingColumn { column, .. }) if column == "a:c"
    ));
    assert!(matches!(
        run("a:z", d, &c.x, &c.names),
        Err(EstimateError::MissingColumn { column, .. }) if column == "z"
    ));
    assert!(matches!(
        run("a", d, &c.x, &c.names),
        Err(EstimateError::InvalidOption { .. })
    ));
    let forced = InteractionOptions {
        a: VarKind::Dummy,
        b: VarKind::Auto,
    };
    assert!(matches!(
        run("a:b", forced, &c.x, &c.names),
        Err(EstimateError::NotDummy { column, row: 1, .. }) if column == "a"
    ));
    let mut bad = c.x.clone();
    bad[(4, 3)] += 1.0;
    assert!(matches!(
        run("a:b", d, &bad, &c.names),
        Err(EstimateError::Invalid(m)) if m.contains("`a:b` row 5")
    ));
    assert!(matches!(
        interaction_effect(c.link, &c.beta, &c.vcov[1..], c.x.as_ref(), &c.names, "a:b", &d),
        Err(EstimateError::Invalid(m)) if m.contains("covariance")
    ));
}
