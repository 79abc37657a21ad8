//! Location quotients against values computed from formula 13 by
//! tests/fixtures/lq/make_fixture.py (pandas, independent of migsim).

use migsim::data::lq_columns::location_quotients;
use migsim::numeric::lq::quotients;
use serde_json::Value;

fn fixture() -> Value {
    let text = std::fs::read_to_string("tests/fixtures/lq/lq.json").unwrap();
    serde_json::from_str(&text).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn matrix(v: &Value) -> Vec<Vec<f64>> {
    v.as_array().unwrap().iter().map(floats).collect()
}

/// Rounding only: both sides evaluate the same rational expression in f64.
const TOL: f64 = 1e-12;

fn check_case(weights: Option<&[f64]>, expected: &Value) {
    let f = fixture();
    let (o, d) = (strings(&f["origin"]), strings(&f["destination"]));
    let got = location_quotients(&o, &d, weights).unwrap();
    assert_eq!(got.table.origins, strings(&expected["origins"]));
    assert_eq!(got.table.destinations, strings(&expected["destinations"]));
    assert_eq!(got.n_missing, 3);
    let (want_counts, want_lq) = (matrix(&expected["counts"]), matrix(&expected["lq"]));
    for i in 0..want_lq.len() {
        for j in 0..want_lq[i].len() {
            assert!((got.table.counts[i][j] - want_counts[i][j]).abs() < TOL);
            assert!(
                (got.table.lq[i][j] - want_lq[i][j]).abs() < TOL,
                "cell {i},{j}"
            );
        }
    }
    let want_rows = floats(&expected["per_row"]);
    assert_eq!(got.per_row.len(), want_rows.len());
    for (r, (g, w)) in got.per_row.iter().zip(&want_rows).enumerate() {
        if w.is_nan() {
            assert!(g.is_nan(), "row {r} has a missing label");
        } else {
            assert!((g - w).abs() < TOL, "row {r}: {g} vs {w}");
        }
    }
}

#[test]
fn unweighted_matches_formula_13() {
    check_case(None, &fixture()["unweighted"]);
}

#[test]
fn weighted_matches_formula_13() {
    let w = floats(&fixture()["weights"]);
    check_case(Some(&w), &fixture()["weighted"]);
}

#[test]
fn hand_computed_two_by_two() {
    let f = fixture();
    let got = quotients(&matrix(&f["hand"]["counts"])).unwrap();
    assert_eq!(got, matrix(&f["hand"]["lq"]));
}

#[test]
fn lookup_by_label() {
    let o = ["a", "a", "b", "b", "b", "b"];
    let d = ["x", "y", "x", "x", "x", "y"];
    let got = location_quotients(&o, &d, None).unwrap();
    // E = [[1,1],[3,1]], total 6: LQ_ax = (1/2)/(4/6) = 0.75, LQ_by = (1/4)/(2/6) = 0.75.
    assert!((got.table.get("a", "x").unwrap() - 0.75).abs() < TOL);
    assert!((got.table.get("b", "y").unwrap() - 0.75).abs() < TOL);
    assert_eq!(got.table.get("c", "x"), None);
}

#[test]
fn bad_input_is_an_error() {
    let o = ["a", "b"];
    assert!(matches!(
        location_quotients(&o, &["x"], None),
        Err(e) if e.to_string().contains("length")
    ));
    assert!(matches!(
        location_quotients(&o, &["x", "y"], Some(&[1.0, -2.0])),
        Err(e) if e.to_string().contains("row 2")
    ));
    assert!(matches!(
        location_quotients(&["", ""], &["x", "y"], None),
        Err(e) if e.to_string().contains("total weight is 0")
    ));
}
