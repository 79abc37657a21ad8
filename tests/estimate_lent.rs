//! A logit or probit on lent columns (`build_design_lent`, the Python
//! package's path) reads them where they lie and answers exactly as the fit
//! on the copied design matrix does: estimates, errors, margins, warnings
//! and error messages, over seeds, both links, large designs (the warm
//! start) and small ones, and the formulas that cannot lend.

use migsim::data::{
    ColumnRef, Formula, LentDesign, Regressors, build_design_borrowed, build_design_lent,
};
use migsim::estimate::{EstimatorName, FitRequest};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `k` N(0,1) regressors `x0..` and a 0/1 outcome `y` from a logit in them.
fn data(seed: u64, n: usize, k: usize) -> Vec<(String, Vec<f64>)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let normal = |rng: &mut ChaCha8Rng| {
        let (u, v): (f64, f64) = (rng.random(), rng.random());
        (-2.0 * (1.0 - u).ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    };
    let mut cols: Vec<(String, Vec<f64>)> = (0..k)
        .map(|j| (format!("x{j}"), (0..n).map(|_| normal(&mut rng)).collect()))
        .collect();
    let beta: Vec<f64> = (0..k).map(|_| rng.random_range(-0.5..0.5)).collect();
    let y = (0..n)
        .map(|i| {
            let e: f64 = 0.3 + (0..k).map(|j| beta[j] * cols[j].1[i]).sum::<f64>();
            f64::from(u8::from(rng.random::<f64>() < 1.0 / (1.0 + (-e).exp())))
        })
        .collect();
    cols.push(("y".into(), y));
    cols
}

fn lent(cols: &[(String, Vec<f64>)]) -> Vec<(String, ColumnRef<'_>)> {
    cols.iter()
        .map(|(n, v)| (n.clone(), ColumnRef::Numbers(&v[..])))
        .collect()
}

fn formula(x: &str, fe: Option<&str>) -> Formula {
    Formula::parse("y", Some(x), fe, None, true).unwrap()
}

/// Both fits' JSON (or error message).
fn both(
    cols: &[(String, Vec<f64>)],
    f: &Formula,
    est: EstimatorName,
    req: &FitRequest,
) -> (Result<String, String>, Result<String, String>, bool) {
    let copied = build_design_borrowed("data", lent(cols), f).unwrap();
    let want = req
        .fit(est, &copied)
        .map(|o| o.result.to_json())
        .map_err(|e| e.to_string());
    let d = build_design_lent("data", lent(cols), f).unwrap();
    let is_lent = matches!(d, LentDesign::Columns(_));
    let got = req
        .fit_lent(est, &d)
        .map(|o| o.result.to_json())
        .map_err(|e| e.to_string());
    (got, want, is_lent)
}

#[test]
fn lent_columns_fit_exactly_as_the_copied_design() {
    let x = "x0,x1,x2,x3,x4";
    for seed in 0..6u64 {
        // Past the warm start's threshold on even seeds, below it on odd.
        let n = if seed % 2 == 0 { 140_000 } else { 3_000 };
        let cols = data(seed, n, 5);
        let est = [EstimatorName::Logit, EstimatorName::Probit][(seed / 2) as usize % 2];
        for req in [
            FitRequest::default(),
            FitRequest {
                robust: true,
                margins: true,
                ..FitRequest::default()
            },
        ] {
            let (got, want, is_lent) = both(&cols, &formula(x, None), est, &req);
            assert!(is_lent, "seed {seed}: plain complete columns are lent");
            assert_eq!(got, want, "seed {seed} {est:?}");
            assert!(got.is_ok(), "seed {seed}: {got:?}");
        }
    }
}

#[test]
fn lent_columns_are_read_where_they_lie() {
    let cols = data(9, 1_000, 3);
    let d = build_design_lent("data", lent(&cols), &formula("x0,x1,x2", None)).unwrap();
    let LentDesign::Columns(d) = d else {
        panic!("plain columns should be lent");
    };
    assert_eq!(d.names, ["const", "x0", "x1", "x2"]);
    assert!(d.x.column(0).iter().all(|&v| v == 1.0));
    for (j, (name, v)) in cols.iter().take(3).enumerate() {
        assert_eq!(d.x.column(j + 1).as_ptr(), v.as_ptr(), "{name} copied");
    }
}

#[test]
fn formulas_that_cannot_lend_get_a_matrix_and_the_same_answer() {
    let mut cols = data(4, 4_000, 3);
    cols.push((
        "g".into(),
        (0..4_000).map(|i| f64::from((i % 3) as u8)).collect(),
    ));
    let req = FitRequest::default();
    for (x, fe) in [("x0,x1^2,x0:x2", None), ("x0,x1", Some("g"))] {
        let (got, want, is_lent) = both(&cols, &formula(x, fe), EstimatorName::Logit, &req);
        assert!(!is_lent, "{x} {fe:?}");
        assert_eq!(got, want);
    }
    // A missing cell: the row is dropped, the design copied.
    cols[1].1[17] = f64::NAN;
    let (got, want, is_lent) = both(&cols, &formula("x0,x1", None), EstimatorName::Logit, &req);
    assert!(!is_lent);
    assert_eq!(got, want);
    let v: serde_json::Value = serde_json::from_str(&got.unwrap()).unwrap();
    assert_eq!(v["info"]["n_dropped"], 1);
}

#[test]
fn errors_on_lent_columns_are_the_copied_designs() {
    let mut cols = data(5, 2_000, 2);
    // Complete separation by x1.
    for i in 0..2_000 {
        cols[1].1[i] = if cols[2].1[i] == 1.0 {
            1.0 + i as f64
        } else {
            -1.0 - i as f64
        };
    }
    let (got, want, is_lent) = both(
        &cols,
        &formula("x0,x1", None),
        EstimatorName::Logit,
        &FitRequest::default(),
    );
    assert!(is_lent);
    assert!(
        want.as_ref().is_err_and(|e| e.contains("separation")),
        "{want:?}"
    );
    assert_eq!(got, want);
    // Exact collinearity: x1 = 2 x0.
    let mut cols = data(6, 2_000, 2);
    cols[1].1 = cols[0].1.iter().map(|v| 2.0 * v).collect();
    let (got, want, _) = both(
        &cols,
        &formula("x0,x1", None),
        EstimatorName::Probit,
        &FitRequest::default(),
    );
    assert!(want.as_ref().is_err_and(|e| e.contains("x1")), "{want:?}");
    assert_eq!(got, want);
}
