//! 1:1 caliper matching on MatchIt's `lalonde` against the numpy
//! re-implementation in tests/fixtures/psm_lalonde/matching_se.py, which also
//! applies R Matching's rules (caliper in score SDs, homoskedastic
//! `Var.calc = 0`) to show where R's ATT SE differs from migsim's.

use migsim::data::{Formula, load_design};
use migsim::estimate::psm::{Method, Psm};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/psm_lalonde");

fn att(caliper: f64) -> (f64, f64, f64) {
    let f = Formula::parse(
        "re78",
        Some("treat,age,educ,black,hispan,married,nodegree,re74,re75"),
        None,
        None,
        true,
    )
    .unwrap();
    let d = load_design(std::path::Path::new(&format!("{DIR}/lalonde.csv")), &f).unwrap();
    let spec = Psm {
        method: Method::Nearest {
            k: 1,
            caliper: Some(caliper),
        },
        ..Psm::new("treat")
    };
    let r = spec.fit(&d).unwrap();
    (
        r.effects[0].estimate,
        r.effects[0].std_error,
        r.fit["n_treated_matched"],
    )
}

fn check(key: &str) {
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/reference.json")).unwrap())
            .unwrap();
    let r = &v[key];
    let (est, se, n1) = att(r["caliper"].as_f64().unwrap());
    assert_eq!(n1, r["n_treated_matched"].as_f64().unwrap(), "{key}");
    let want = |k: &str| r[k].as_f64().unwrap();
    assert!(
        (est - want("att")).abs() < 1e-6 * want("att").abs(),
        "{key}: {est}"
    );
    assert!(
        (se - want("se_hetero_j2")).abs() < 1e-6 * want("se_hetero_j2"),
        "{key}: {se}"
    );
}

/// `--caliper 0.01` on the probability scale: 177 of 185 treated matched,
/// SE 1,001.8 with the heteroskedastic (J = 2) conditional variances.
#[test]
fn caliper_on_the_probability_scale_matches_reference() {
    check("caliper_p");
}

/// R's `caliper = 0.01` is 0.01 score SDs (0.0029): 134 treated matched.
#[test]
fn caliper_in_score_sds_matches_reference() {
    check("caliper_sd");
}
