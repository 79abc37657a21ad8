//! Test-only helpers: load a fixture CSV straight into a `Design` (the csv
//! crate, listwise deletion of empty cells) and compare with tolerances.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

use faer::Mat;
use migsim::data::{Clusters, Design};

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/binary")
        .join(name)
}

pub fn reference() -> serde_json::Value {
    let text = std::fs::read_to_string(fixture("reference.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Design with `const` first, then `xs`, from rows where `y`, `xs` and the
/// cluster column are all present.
pub fn load(file: &str, y: &str, xs: &[String], cluster: Option<&str>) -> Design {
    let mut rdr = csv::Reader::from_path(fixture(file)).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let pos: HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    let mut wanted: Vec<&str> = vec![y];
    wanted.extend(xs.iter().map(String::as_str));
    wanted.extend(cluster);
    let (mut rows, mut dropped) = (Vec::new(), 0);
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let vals: Option<Vec<f64>> = wanted
            .iter()
            .map(|c| rec[pos[c]].parse::<f64>().ok())
            .collect();
        match vals {
            Some(v) => rows.push(v),
            None => dropped += 1,
        }
    }
    let n = rows.len();
    let k = xs.len() + 1;
    let x = Mat::from_fn(n, k, |i, j| if j == 0 { 1.0 } else { rows[i][j] });
    let mut names = vec!["const".to_string()];
    names.extend(xs.iter().cloned());
    let clusters = cluster.map(|c| {
        let raw: Vec<i64> = rows.iter().map(|r| r[k] as i64).collect();
        let mut levels = raw.clone();
        levels.sort_unstable();
        levels.dedup();
        let ids = raw
            .iter()
            .map(|v| levels.binary_search(v).unwrap() as u32)
            .collect();
        Clusters {
            variable: c.to_string(),
            ids,
            groups: levels.len(),
        }
    });
    Design {
        y_name: y.to_string(),
        y: rows.iter().map(|r| r[0]).collect(),
        x,
        names,
        clusters,
        n_dropped: dropped,
    }
}

/// Design for one model of a reference entry.
pub fn load_ref(ds: &str, entry: &serde_json::Value) -> Design {
    let xs: Vec<String> = entry["x"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    load(
        &format!("data_{ds}.csv"),
        entry["y"].as_str().unwrap(),
        &xs,
        Some("cid"),
    )
}

pub fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_f64().unwrap())
        .collect()
}

/// `|a - b| <= rel * |b| + abs`.
pub fn close(what: &str, got: f64, want: f64, rel: f64, abs: f64) {
    assert!(
        (got - want).abs() <= rel * want.abs() + abs,
        "{what}: got {got:.15e}, want {want:.15e} (rel {rel:e}, abs {abs:e})"
    );
}

pub fn close_all(what: &str, got: &[f64], want: &[f64], rel: f64, abs: f64) {
    assert_eq!(got.len(), want.len(), "{what}: lengths differ");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        close(&format!("{what}[{i}]"), *g, *w, rel, abs);
    }
}

/// Coefficients and likelihood: 1e-6 relative (statsmodels and we both
/// converge to ~1e-12; 1e-6 is the contract), absolute floor 1e-9 for
/// coefficients near zero.
pub const COEF_REL: f64 = 1e-6;
pub const COEF_ABS: f64 = 1e-9;
/// Standard errors and AMEs: 1e-5 relative (statsmodels' AME Jacobian is a
/// numerical derivative, ~1e-7 accurate), absolute floor 1e-8.
pub const SE_REL: f64 = 1e-5;
pub const SE_ABS: f64 = 1e-8;

/// Every column of a numeric CSV fixture by name.
pub fn csv_columns(path: &str) -> HashMap<String, Vec<f64>> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let names: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let mut cols: HashMap<String, Vec<f64>> =
        names.iter().map(|n| (n.clone(), Vec::new())).collect();
    for rec in rdr.records() {
        for (n, v) in names.iter().zip(rec.unwrap().iter()) {
            cols.get_mut(n).unwrap().push(v.parse().unwrap());
        }
    }
    cols
}

/// Design `y ~ const + xs` from fixture columns, in the order given.
pub fn design_of(cols: &HashMap<String, Vec<f64>>, y: &str, xs: &[&str]) -> Design {
    let n = cols[y].len();
    let names: Vec<String> = std::iter::once("const")
        .chain(xs.iter().copied())
        .map(String::from)
        .collect();
    let x = Mat::from_fn(n, names.len(), |i, j| {
        if j == 0 { 1.0 } else { cols[&names[j]][i] }
    });
    Design {
        y_name: y.into(),
        y: cols[y].clone(),
        x,
        names,
        clusters: None,
        n_dropped: 0,
    }
}

/// A JSON array of numbers.
pub fn vec_f64(v: &serde_json::Value) -> Vec<f64> {
    floats(v)
}

/// A fitted model as the estimators return it, from a reference's `names`,
/// `params` and `cov` (statsmodels).
pub fn fit_from(model: &serde_json::Value, estimator: &str) -> migsim::estimate::FitResult {
    let names: Vec<String> = model["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    let params = floats(&model["params"]);
    let cov: Vec<f64> = model["cov"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(floats)
        .collect();
    let k = names.len();
    let mut fr = migsim::estimate::FitResult::new(estimator, 0);
    fr.coefficients = (0..k)
        .map(|j| {
            migsim::estimate::ParamRow::normal(names[j].clone(), params[j], cov[j * k + j].sqrt())
        })
        .collect();
    fr.vcov = Some(cov);
    fr.info.converged = true;
    fr
}
