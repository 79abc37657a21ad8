//! Files of a sensitivity analysis, replaced as one set
//! (`io::write_dir_atomic`): sensitivity.json, indices.csv, design.csv (tidy:
//! one row per design row × replication × arm), design_outputs.csv (wide:
//! one row per design row with the outputs the indices are computed from),
//! report.md, report.html.

use std::path::{Path, PathBuf};

use super::files::{encode, num};
use super::sensitivity;
use crate::io::write_dir_atomic;
use crate::scenario::ScenarioError;
use crate::sensitivity::scenario::{Analysis, IndexValues};

/// The default output folder: `outputs/<name>-sensitivity/`.
pub fn default_dir(name: &str) -> PathBuf {
    Path::new("outputs").join(format!("{name}-sensitivity"))
}

/// Write every file into `dir`; returns the paths written.
pub fn write_all(dir: &Path, a: &Analysis) -> Result<Vec<PathBuf>, ScenarioError> {
    Ok(write_dir_atomic(dir, &files(a)?)?)
}

/// The files of an analysis, by name, as [`write_all`] writes them.
pub fn files(a: &Analysis) -> Result<Vec<(&'static str, Vec<u8>)>, ScenarioError> {
    let json = serde_json::to_string_pretty(a).map_err(|e| encode("sensitivity.json", e))?;
    Ok(vec![
        ("sensitivity.json", (json + "\n").into_bytes()),
        ("indices.csv", indices_csv(a)?),
        ("design.csv", design_csv(a)?),
        ("design_outputs.csv", design_outputs_csv(a)?),
        ("report.md", sensitivity::markdown(a).into_bytes()),
        ("report.html", sensitivity::html(a).into_bytes()),
    ])
}

/// One row per (metric, intervention, param) with the method's columns.
pub fn indices_csv(a: &Analysis) -> Result<Vec<u8>, ScenarioError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| encode("indices.csv", e);
    let cols: &[&str] = match a.indices.first().map(|r| &r.values) {
        Some(IndexValues::Morris(_)) => &["mu", "mu_star", "sigma"],
        _ => &["s1", "s1_low", "s1_high", "st", "st_low", "st_high"],
    };
    let mut head = vec!["metric", "intervention", "param"];
    head.extend_from_slice(cols);
    w.write_record(&head).map_err(err)?;
    for r in &a.indices {
        let vals: Vec<f64> = match r.values {
            IndexValues::Sobol(s) => vec![s.s1, s.s1_low, s.s1_high, s.st, s.st_low, s.st_high],
            IndexValues::Morris(m) => vec![m.mu, m.mu_star, m.sigma],
        };
        let mut rec = vec![r.metric.clone(), r.intervention.clone(), r.param.clone()];
        rec.extend(vals.into_iter().map(num));
        w.write_record(&rec).map_err(err)?;
    }
    w.into_inner().map_err(|e| encode("indices.csv", e))
}

/// The tidy design table: one row per (design row, replication, arm) with
/// the study seed, every parameter and every tracked metric as columns
/// (EMA Workbench's experiments + outcomes).
pub fn design_csv(a: &Analysis) -> Result<Vec<u8>, ScenarioError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| encode("design.csv", e);
    let mut arms: Vec<&str> = Vec::new();
    for o in &a.outputs {
        if !arms.contains(&o.intervention.as_str()) {
            arms.push(&o.intervention);
        }
    }
    let mut head = vec!["row", "replication", "seed", "arm"];
    head.extend(a.params.iter().map(String::as_str));
    head.extend(a.metrics.iter().map(String::as_str));
    w.write_record(&head).map_err(err)?;
    for (r, (p, cells)) in a.points.iter().zip(&a.cells).enumerate() {
        for (rep, by_arm) in cells.iter().enumerate() {
            let seed = crate::scenario::run::replication_seed(a.seed, rep);
            for (arm, values) in by_arm.iter().enumerate() {
                let mut rec = vec![
                    r.to_string(),
                    rep.to_string(),
                    seed.to_string(),
                    arms.get(arm).copied().unwrap_or("?").to_string(),
                ];
                rec.extend(p.iter().chain(values).copied().map(num));
                w.write_record(&rec).map_err(err)?;
            }
        }
    }
    w.into_inner().map_err(|e| encode("design.csv", e))
}

/// One row per design row: the parameter values and every output the
/// indices are computed from (`metric:baseline` levels and
/// `metric:intervention` mean paired effects).
pub fn design_outputs_csv(a: &Analysis) -> Result<Vec<u8>, ScenarioError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| encode("design_outputs.csv", e);
    let mut head = vec!["row".to_string()];
    head.extend(a.params.iter().cloned());
    head.extend(
        a.outputs
            .iter()
            .map(|o| format!("{}:{}", o.metric, o.intervention)),
    );
    w.write_record(&head).map_err(err)?;
    for (r, (p, y)) in a.points.iter().zip(&a.rows).enumerate() {
        let mut rec = vec![r.to_string()];
        rec.extend(p.iter().chain(y).copied().map(num));
        w.write_record(&rec).map_err(err)?;
    }
    w.into_inner().map_err(|e| encode("design_outputs.csv", e))
}
