//! Files of a scenario run, replaced as one set (`io::write_dir_atomic`):
//! summary.json, replications.csv, paths.csv, report.md, report.html.

use std::path::{Path, PathBuf};

use super::files::{encode, num};
use super::{html, markdown};
use crate::io::write_dir_atomic;
use crate::monitor::Monitor;
use crate::scenario::{ArmKind, Runs, Scenario, ScenarioError, StudyModel, Summary};

/// The files of a run, in the order [`write_all`] writes them.
pub const FILE_NAMES: [&str; 5] = [
    "summary.json",
    "replications.csv",
    "paths.csv",
    "report.md",
    "report.html",
];

/// The default output folder of a scenario: `outputs/<name>/`.
pub fn default_dir(name: &str) -> PathBuf {
    Path::new("outputs").join(name)
}

/// What `migsim run FILE` does after reading the file: check that `dir`
/// can be written, run `scn` on its study at its `n` (`monitor` hears the
/// progress and may cancel), summarise, and write every output file into
/// `dir` as one set. A failed or cancelled run writes nothing. Returns the
/// summary and the paths written.
pub fn run_to_dir(
    scn: &Scenario,
    dir: &Path,
    monitor: &dyn Monitor,
) -> Result<(Summary, Vec<PathBuf>), ScenarioError> {
    crate::io::check_writable(dir)?;
    let model = StudyModel {
        study: scn.study,
        n: scn.n,
    };
    let runs = crate::scenario::run(scn, &model, monitor)?;
    let summary = Summary::of(&runs);
    let files = write_all(dir, &runs, &summary)?;
    Ok((summary, files))
}

/// Write every output file into `dir`, replacing the previous run's set as a
/// whole; returns the paths written.
pub fn write_all(
    dir: &Path,
    runs: &Runs,
    summary: &Summary,
) -> Result<Vec<PathBuf>, ScenarioError> {
    let json = serde_json::to_string_pretty(summary).map_err(|e| encode("summary.json", e))?;
    let bytes = [
        (json + "\n").into_bytes(),
        replications_csv(runs)?,
        paths_csv(summary)?,
        markdown::render(summary).into_bytes(),
        html::render(summary).into_bytes(),
    ];
    let files: Vec<(&str, Vec<u8>)> = FILE_NAMES.into_iter().zip(bytes).collect();
    Ok(write_dir_atomic(dir, &files)?)
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
