//! Running an experiment: the factors checked against the study, then per
//! design point every arm (baseline and interventions) over the point's
//! replications. Replication `r` of every point and every arm is simulated
//! from the study seed [`experiment_seed`]`(master, r)`: common random
//! numbers across arms and across points, so differences between points are
//! the factors' doing, not the seeds'. Rows are computed per point index,
//! for any slice of `0..P` (shards), identical whatever the slicing or the
//! thread count.

use std::ops::Range;

use toml::Value;

use super::Experiment;
use crate::dotted;
use crate::monitor::Monitor;
use crate::scenario::draws::{DrawRow, Points, arms_at, rows_at, without_sweep};
use crate::scenario::{Model, Scenario, ScenarioError, plan};
use crate::seed::{self, Component};

/// Stream tag of the study seeds of experiment runs.
pub const EXPERIMENT_STREAM: u64 = 0x0E7B_1A01;

/// Study seed of replication `r` at every point of an experiment.
pub fn experiment_seed(master: u64, r: usize) -> u64 {
    seed::derive(master, r as u64, Component::Custom(EXPERIMENT_STREAM))
}

/// Replications per point.
pub fn replications(scn: &Scenario, e: &Experiment) -> usize {
    e.replications.unwrap_or(scn.replications)
}

/// Check every factor against the study before anything runs: a numeric
/// setting of the study, every level (or both bounds of a hypercube) within
/// the setting's registry bounds, whole levels for integer settings (and no
/// hypercube over them), and the results' memory. Returns per factor
/// whether it is an integer setting.
pub fn check<M: Model>(
    scn: &Scenario,
    model: &M,
    e: &Experiment,
) -> Result<Vec<bool>, ScenarioError> {
    let bad = |message: String| scn.invalid(Some(e.line), message);
    let arms = plan(&without_sweep(scn), model)?;
    let base = model
        .resolve(&arms[0].overrides)
        .map_err(|source| ScenarioError::Study {
            file: scn.file.clone(),
            line: scn.baseline_line,
            context: "[baseline]".into(),
            source: Box::new(source),
        })?;
    let registry = model.registry().map_err(|source| ScenarioError::Study {
        file: scn.file.clone(),
        line: None,
        context: "settings registry".into(),
        source: Box::new(source),
    })?;
    let values = e.values_to_check();
    let mut integer = Vec::with_capacity(e.keys.len());
    for (key, vals) in e.keys.iter().zip(&values) {
        if let Some(r) = &registry {
            for &v in vals {
                r.check_value(key, &Value::Float(v))
                    .map_err(|err| bad(format!("[experiment] `{key}` = {v}: {err}")))?;
            }
        }
        let is_int = match dotted::get(&base, key) {
            Some(Value::Integer(_)) => true,
            Some(Value::Float(_)) => false,
            _ => {
                return Err(bad(format!(
                    "[experiment] `{key}` is not a numeric setting of study {}",
                    scn.study
                )));
            }
        };
        if is_int {
            if e.kind() == "lhs" {
                return Err(bad(format!(
                    "[experiment] `{key}` is an integer setting: a Latin hypercube needs continuous \
                     settings; give it `levels` in a design = \"factorial\""
                )));
            }
            if let Some(v) = vals.iter().find(|v| v.fract() != 0.0 || v.abs() > 9.0e15) {
                return Err(bad(format!(
                    "[experiment] `{key}` level {v}: the setting is an integer"
                )));
            }
        }
        integer.push(is_int);
    }
    let reps = replications(scn, e);
    let cells = (e.points() as u128) * reps as u128 * arms.len() as u128;
    crate::resources::check_items(
        "[experiment]",
        format!("{} points x {reps} replications", e.points()),
        cells,
        16 + 8 * scn.metrics.len().max(16) as u128,
        "arm runs",
    )?;
    Ok(integer)
}

/// Rows of points `range` (any slice of `0..P`), each with its factor
/// values, the mean paired effects and the metric values
/// `[replication][arm][metric]`.
pub fn experiment_rows<M: Model>(
    scn: &Scenario,
    model: &M,
    e: &Experiment,
    integer: &[bool],
    metrics: &[String],
    range: Range<usize>,
    progress: &dyn Monitor,
) -> Result<Vec<DrawRow>, ScenarioError> {
    let all = e.point_values(scn.seed);
    let points: Vec<(usize, Vec<f64>)> = range
        .filter_map(|p| all.get(p).map(|v| (p, v.clone())))
        .collect();
    let at = Points {
        keys: &e.keys,
        integer,
        reps: replications(scn, e),
        context: "experiment point",
    };
    rows_at(
        scn,
        model,
        &at,
        points,
        metrics,
        &|_, r| experiment_seed(scn.seed, r),
        progress,
    )
}

/// Names of the arms an experiment runs at every point (baseline, then the
/// interventions).
pub fn arm_names<M: Model>(scn: &Scenario, model: &M) -> Result<Vec<String>, ScenarioError> {
    Ok(arms_at(scn, model, &[], &[])?
        .into_iter()
        .map(|a| a.name)
        .collect())
}
