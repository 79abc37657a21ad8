//! Files of a scenario run, replaced as one set (`io::write_dir_atomic`):
//! summary.json, replications.csv, paths.csv, report.md, report.html, and
//! draws.csv for runs with `[uncertainty]`, experiment.csv with `[experiment]`.

use std::path::{Path, PathBuf};

use super::files::{encode, num};
use super::{html, markdown};
use crate::io::write_dir_atomic;
use crate::scenario::{ArmKind, Runs, ScenarioError, Summary};

/// The files every run writes, in the order [`write_all`] writes them.
pub const FILE_NAMES: [&str; 5] = [
    "summary.json",
    "replications.csv",
    "paths.csv",
    "report.md",
    "report.html",
];

/// Files only some runs write: draws.csv with `[uncertainty]`,
/// experiment.csv with `[experiment]`.
#[cfg_attr(not(feature = "serve"), allow(dead_code))] // used by `migsim serve` only
pub(crate) const OPTIONAL_FILE_NAMES: [&str; 2] = ["draws.csv", "experiment.csv"];

/// The default output folder of a scenario: `outputs/<name>/`.
pub fn default_dir(name: &str) -> PathBuf {
    Path::new("outputs").join(name)
}

/// Write every output file into `dir`, replacing the previous run's set as a
/// whole; returns the paths written.
pub fn write_all(
    dir: &Path,
    runs: &Runs,
    summary: &Summary,
) -> Result<Vec<PathBuf>, ScenarioError> {
    Ok(write_dir_atomic(dir, &files(runs, summary)?)?)
}

/// The output files of a run, by name, as [`write_all`] writes them.
pub fn files(
    runs: &Runs,
    summary: &Summary,
) -> Result<Vec<(&'static str, Vec<u8>)>, ScenarioError> {
    let json = serde_json::to_string_pretty(summary).map_err(|e| encode("summary.json", e))?;
    let mut files: Vec<(&'static str, Vec<u8>)> = vec![
        ("summary.json", (json + "\n").into_bytes()),
        ("replications.csv", replications_csv(runs)?),
        ("paths.csv", paths_csv(summary)?),
        ("report.md", markdown::render(summary).into_bytes()),
        ("report.html", html::render(summary).into_bytes()),
    ];
    if !runs.draws.is_empty() {
        files.push(("draws.csv", draws_csv(runs)?));
    }
    if !runs.experiment.is_empty() {
        files.push(("experiment.csv", super::experiment::experiment_csv(runs)?));
    }
    Ok(files)
}

/// One row per (replication, arm, metric): the value, the baseline value of
/// the same replication and their difference.
pub fn replications_csv(runs: &Runs) -> Result<Vec<u8>, ScenarioError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| encode("replications.csv", e);
    w.write_record([
        "replication",
        "seed",
        "arm",
        "kind",
        "sweep_value",
        "metric",
        "value",
        "baseline",
        "effect",
    ])
    .map_err(err)?;
    for (r, &seed) in runs.seeds.iter().enumerate() {
        for (a, arm) in runs.arms.iter().enumerate() {
            let (kind, sweep) = match arm.kind {
                ArmKind::Baseline => ("baseline", String::new()),
                ArmKind::Intervention => ("intervention", String::new()),
                ArmKind::Sweep { value } => ("sweep", num(value)),
            };
            for (m, metric) in runs.metrics.iter().enumerate() {
                let v = runs.outcomes[a][r].values[m];
                let b = runs.outcomes[0][r].values[m];
                w.write_record([
                    r.to_string(),
                    seed.to_string(),
                    arm.name.clone(),
                    kind.to_string(),
                    sweep.clone(),
                    metric.clone(),
                    num(v),
                    num(b),
                    num(v - b),
                ])
                .map_err(err)?;
            }
        }
    }
    w.into_inner().map_err(|e| encode("replications.csv", e))
}

/// The tidy table of `[uncertainty]` draws: one row per (draw,
/// replication, arm) with the study seed, every drawn parameter and every
/// tracked metric as columns (EMA Workbench's experiments + outcomes).
pub fn draws_csv(runs: &Runs) -> Result<Vec<u8>, ScenarioError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| encode("draws.csv", e);
    let keys: &[String] = runs.scenario.uncertainty.as_ref().map_or(&[], |u| &u.keys);
    let arms: Vec<&str> = runs
        .arms
        .iter()
        .filter(|a| matches!(a.kind, ArmKind::Baseline | ArmKind::Intervention))
        .map(|a| a.name.as_str())
        .collect();
    let mut head = vec!["draw", "replication", "seed", "arm"];
    head.extend(keys.iter().map(String::as_str));
    head.extend(runs.metrics.iter().map(String::as_str));
    w.write_record(&head).map_err(err)?;
    for d in &runs.draws {
        for (r, rep) in d.cells.iter().enumerate() {
            let seed = crate::scenario::draws::draw_seed(runs.scenario.seed, d.draw, r);
            for (a, values) in rep.iter().enumerate() {
                let mut rec = vec![
                    d.draw.to_string(),
                    r.to_string(),
                    seed.to_string(),
                    arms.get(a).copied().unwrap_or("?").to_string(),
                ];
                rec.extend(d.theta.iter().chain(values).copied().map(num));
                w.write_record(&rec).map_err(err)?;
            }
        }
    }
    w.into_inner().map_err(|e| encode("draws.csv", e))
}

/// One row per (path metric, arm, time): mean and 95% interval of the level
/// and, for counterfactual arms, of the difference from the baseline.
pub fn paths_csv(summary: &Summary) -> Result<Vec<u8>, ScenarioError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| encode("paths.csv", e);
    w.write_record([
        "metric",
        "arm",
        "time",
        "mean",
        "ci_low",
        "ci_high",
        "effect",
        "effect_ci_low",
        "effect_ci_high",
    ])
    .map_err(err)?;
    for p in &summary.paths {
        for band in &p.bands {
            for (t, time) in p.times.iter().enumerate() {
                let l = band.level[t];
                let e = band.effect.as_ref().map(|e| e[t]);
                let pick = |f: fn(&crate::scenario::Interval) -> f64| {
                    e.as_ref().map_or(String::new(), |e| num(f(e)))
                };
                w.write_record([
                    p.metric.clone(),
                    band.arm.clone(),
                    num(*time),
                    num(l.mean),
                    num(l.ci_low),
                    num(l.ci_high),
                    pick(|i| i.mean),
                    pick(|i| i.ci_low),
                    pick(|i| i.ci_high),
                ])
                .map_err(err)?;
            }
        }
    }
    w.into_inner().map_err(|e| encode("paths.csv", e))
}
