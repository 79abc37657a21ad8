//! Parameter draws of a scenario run (`[uncertainty]`): draw `d` sets the
//! baseline parameters to `θ_d`, then runs the baseline and every
//! intervention with common random numbers (the same study seeds for every
//! arm of the draw). Rows are computed per draw index, so shards can each
//! compute a slice and [`total_interval`] summarises the pooled rows.
//!
//! Total interval: with `τ_d` the effect of draw `d` (the mean paired
//! difference over its replications), `K` finite draws, mean `τ̄` and sample
//! SD `s`, it is `τ̄ ± t(0.975, K-1) · s · sqrt(1 + 1/K)`, the t prediction
//! interval for the effect at a parameter drawn from the stated
//! distribution. By the law of total variance
//! `Var τ_d = E[Var(τ_d | θ)] + Var(E[τ_d | θ])`, `s²` estimates
//! simulation noise plus the spread of the effect over the parameters.

use crate::monitor::Monitor;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;
use toml::Value;

use super::Model;
use super::error::ScenarioError;
use super::plan::{Arm, ArmKind, plan, set_path};
use super::schema::Scenario;
use super::uncertainty::{DRAW_RUN_STREAM, Uncertainty};
use crate::dotted;
use crate::estimate::ParamRow;
use crate::seed::{self, Component};

/// What one parameter draw gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DrawRow {
    /// Index of the draw (or experiment point), 0-based.
    pub draw: usize,
    /// Parameter values, in the order of the `[uncertainty]` keys.
    pub theta: Vec<f64>,
    /// Mean paired effect over the draw's replications, metric-major then
    /// intervention (the order of `Summary::effects`).
    pub effects: Vec<f64>,
    /// Metric values `[replication][arm][metric]` (arms: baseline, then the
    /// interventions), the rows of draws.csv.
    pub cells: Vec<Vec<Vec<f64>>>,
}

/// Check that every key is a numeric setting of the study whose baseline
/// value lies within `[lower, upper]`; errors name the table's line and key.
/// `written` is false where the bounds are the range of a posterior file's
/// draws rather than written by the user: the baseline (the point estimate's
/// parameters) may then lie outside the posterior's draws, which the report
/// shows as an interval off the point, so only the settings' own valid
/// ranges are checked.
pub fn check_params<M: Model>(
    scn: &Scenario,
    model: &M,
    keys: &[String],
    bounds: (&[f64], &[f64]),
    line: usize,
    table: &str,
    written: bool,
) -> Result<(), ScenarioError> {
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
    for (i, key) in keys.iter().enumerate() {
        // The written bounds against the setting's valid range, before any
        // draw or design point can land outside it.
        if let Some(r) = &registry {
            for (which, x) in [("lower", bounds.0[i]), ("upper", bounds.1[i])] {
                r.check_value(key, &Value::Float(x)).map_err(|e| {
                    scn.invalid(Some(line), format!("[{table}] `{key}` {which} bound: {e}"))
                })?;
            }
        }
        let v = dotted::get(&base, key).and_then(number).ok_or_else(|| {
            scn.invalid(
                Some(line),
                format!(
                    "[{table}] `{key}` is not a numeric setting of study {}",
                    scn.study
                ),
            )
        })?;
        let (lo, hi) = (bounds.0[i], bounds.1[i]);
        if written && !(lo..=hi).contains(&v) {
            return Err(scn.invalid(
                Some(line),
                format!("[{table}] `{key}`: bounds [{lo}, {hi}] exclude the baseline value {v}"),
            ));
        }
    }
    Ok(())
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Float(x) => Some(*x),
        Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

/// `scn` without its sweep (draws and designs vary the interventions only).
pub fn without_sweep(scn: &Scenario) -> Scenario {
    let mut s = scn.clone();
    s.sweep = None;
    s
}

/// `scn` with baseline settings `keys` set to `theta` (the last word over
/// the `[baseline]` table; interventions apply on top), where `integer[i]`
/// marks an integer setting: its value goes in as a TOML integer (the value
/// is whole; the caller checked).
pub fn with_typed(
    scn: &Scenario,
    keys: &[String],
    integer: &[bool],
    theta: &[f64],
) -> Result<Scenario, ScenarioError> {
    let mut s = without_sweep(scn);
    for (i, (k, &v)) in keys.iter().zip(theta).enumerate() {
        let value = if integer.get(i).copied().unwrap_or(false) {
            Value::Integer(v as i64)
        } else {
            Value::Float(v)
        };
        set_path(&mut s.baseline, k, value).map_err(|e| scn.invalid(None, e.to_string()))?;
    }
    Ok(s)
}

/// Arms of `scn` at parameters `theta`: baseline first, then interventions.
pub fn arms_at<M: Model>(
    scn: &Scenario,
    model: &M,
    keys: &[String],
    theta: &[f64],
) -> Result<Vec<Arm>, ScenarioError> {
    arms_typed(scn, model, keys, &[], theta)
}

/// [`arms_at`] with integer settings marked (see [`with_typed`]).
pub fn arms_typed<M: Model>(
    scn: &Scenario,
    model: &M,
    keys: &[String],
    integer: &[bool],
    theta: &[f64],
) -> Result<Vec<Arm>, ScenarioError> {
    let arms = plan(&with_typed(scn, keys, integer, theta)?, model)?;
    Ok(arms
        .into_iter()
        .filter(|a| matches!(a.kind, ArmKind::Baseline | ArmKind::Intervention))
        .collect())
}

/// Study seed of replication `r` of draw `d`.
pub fn draw_seed(master: u64, d: usize, r: usize) -> u64 {
    let s = seed::derive(master, d as u64, Component::Custom(DRAW_RUN_STREAM));
    seed::derive(s, r as u64, Component::Custom(DRAW_RUN_STREAM))
}

/// Rows of draws `range` (any slice of `0..K`; identical whatever the
/// slicing or thread count).
pub fn draw_rows<M: Model>(
    scn: &Scenario,
    model: &M,
    unc: &Uncertainty,
    metrics: &[String],
    range: Range<usize>,
    progress: &dyn Monitor,
) -> Result<Vec<DrawRow>, ScenarioError> {
    let reps = unc.replications.unwrap_or(scn.replications);
    let mut points = Vec::with_capacity(range.len());
    for d in range {
        let theta = unc
            .draw(scn.seed, d)
            .map_err(|e| scn.invalid(Some(unc.line), e.to_string()))?;
        points.push((d, theta));
    }
    let at = Points {
        keys: &unc.keys,
        integer: &[],
        reps,
        context: "parameter draw",
    };
    rows_at(
        scn,
        model,
        &at,
        points,
        metrics,
        &|d, r| draw_seed(scn.seed, d, r),
        progress,
    )
}

/// Where [`rows_at`] runs: the settings set at each point, which of them
/// are integers, the replications per point and the word for a point in
/// error messages ("parameter draw", "experiment point").
pub struct Points<'a> {
    /// The settings set at each point (dotted keys).
    pub keys: &'a [String],
    /// Which of them are integer settings (values are rounded).
    pub integer: &'a [bool],
    /// Replications of every arm per point.
    pub reps: usize,
    /// The word for a point in error messages.
    pub context: &'a str,
}

/// Rows at the given `(index, theta)` points: every arm of every
/// replication `r` of point `i`, all arms from the study seed `seed(i, r)`
/// (common random numbers), in parallel over (point, replication) and
/// collected in a fixed order, so identical whatever the thread count.
pub fn rows_at<M: Model>(
    scn: &Scenario,
    model: &M,
    at: &Points<'_>,
    points: Vec<(usize, Vec<f64>)>,
    metrics: &[String],
    seed: &(dyn Fn(usize, usize) -> u64 + Sync),
    progress: &dyn Monitor,
) -> Result<Vec<DrawRow>, ScenarioError> {
    let reps = at.reps;
    let mut plans = Vec::with_capacity(points.len());
    for (d, theta) in points {
        let arms = arms_typed(scn, model, at.keys, at.integer, &theta)?;
        plans.push((d, theta, arms));
    }
    let total = plans.len() * reps;
    let done = AtomicUsize::new(0);
    let cells: Vec<Result<Vec<Vec<f64>>, ScenarioError>> = (0..total)
        .into_par_iter()
        .map(|i| {
            let (p, r) = (i / reps, i % reps);
            let (d, _, arms) = &plans[p];
            if progress.cancelled() {
                return Err(ScenarioError::Cancelled);
            }
            let out = run_arms(scn, model, arms, metrics, seed(*d, r), at.context);
            progress.progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            out
        })
        .collect();
    let cells = cells.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(plans
        .into_iter()
        .enumerate()
        .map(|(p, (d, theta, arms))| {
            let mine = &cells[p * reps..(p + 1) * reps];
            let effects = (0..metrics.len())
                .flat_map(|m| (1..arms.len()).map(move |a| (m, a)))
                .map(|(m, a)| {
                    let diffs: Vec<f64> = mine
                        .iter()
                        .map(|c| c[a][m] - c[0][m])
                        .filter(|x| x.is_finite())
                        .collect();
                    if diffs.is_empty() {
                        f64::NAN
                    } else {
                        diffs.iter().sum::<f64>() / diffs.len() as f64
                    }
                })
                .collect();
            DrawRow {
                draw: d,
                theta,
                effects,
                cells: mine.to_vec(),
            }
        })
        .collect())
}

/// Metric values `[arm][metric]` of every arm simulated from one seed.
fn run_arms<M: Model>(
    scn: &Scenario,
    model: &M,
    arms: &[Arm],
    metrics: &[String],
    seed: u64,
    context: &str,
) -> Result<Vec<Vec<f64>>, ScenarioError> {
    arms.iter()
        .map(|arm| {
            let s =
                model
                    .simulate(&arm.overrides, seed)
                    .map_err(|source| ScenarioError::Study {
                        file: scn.file.clone(),
                        line: None,
                        context: format!("{} arm, {context} (seed {seed})", arm.name),
                        source: Box::new(source),
                    })?;
            Ok(metrics
                .iter()
                .map(|m| s.metrics.get(m).copied().unwrap_or(f64::NAN))
                .collect())
        })
        .collect()
}

/// The total 95% interval of draw effects `xs` (see the module docs);
/// `None` with fewer than two finite draws.
pub fn total_interval(xs: &[f64]) -> Option<(f64, f64)> {
    let v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    let k = v.len();
    if k < 2 {
        return None;
    }
    let mean = v.iter().sum::<f64>() / k as f64;
    let sd = (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (k - 1) as f64).sqrt();
    if sd == 0.0 {
        return Some((mean, mean));
    }
    let scale = sd * (1.0 + 1.0 / k as f64).sqrt();
    let row = ParamRow::student_t("", mean, scale, (k - 1) as f64);
    Some((row.ci_low, row.ci_high))
}
