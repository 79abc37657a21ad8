//! The runner: every arm in every replication, in parallel, with common
//! random numbers. Replication `r` of every arm is simulated from the same
//! seed `seed::derive(master, r, Component::Custom(SCENARIO_STREAM))`, so an
//! arm differs from the baseline only through the settings it changes, and
//! the (arm, replication) results are collected in a fixed order: identical
//! whatever `RAYON_NUM_THREADS` is.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::Model;
use super::draws::{DrawRow, check_params, draw_rows};
use super::error::ScenarioError;
use super::plan::{Arm, plan};
use super::schema::Scenario;
use crate::seed::{self, Component};
use crate::studies::{Simulated, TimePath};

/// Stream tag of the per-replication study seeds.
pub const SCENARIO_STREAM: u64 = 0x5CE4_A210;

/// The study seed of replication `rep`.
pub fn replication_seed(master: u64, rep: usize) -> u64 {
    seed::derive(master, rep as u64, Component::Custom(SCENARIO_STREAM))
}

/// What one (arm, replication) simulation left behind.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Tracked metrics in the order of [`Runs::metrics`].
    pub values: Vec<f64>,
    pub paths: Vec<TimePath>,
}

/// Raw results of a scenario run.
#[derive(Debug, Clone)]
pub struct Runs {
    pub scenario: Scenario,
    pub arms: Vec<Arm>,
    pub metrics: Vec<String>,
    pub seeds: Vec<u64>,
    /// Unit of the scenario's `horizon` (e.g. "years in the city").
    pub horizon_unit: Option<String>,
    /// `outcomes[arm][rep]`.
    pub outcomes: Vec<Vec<Outcome>>,
    /// Unit of the time paths (the study's horizon unit), where it has one.
    pub time_unit: Option<String>,
    /// `[uncertainty]` parameter draws, in draw order (empty without).
    pub draws: Vec<DrawRow>,
}

impl Runs {
    /// Values of metric index `m` for arm `a`, by replication.
    pub fn series(&self, a: usize, m: usize) -> Vec<f64> {
        self.outcomes[a].iter().map(|o| o.values[m]).collect()
    }
}

/// Run `scn` on `model`. `progress(done, total)` is called after each
/// simulation (from worker threads).
pub fn run<M: Model>(
    scn: &Scenario,
    model: &M,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Runs, ScenarioError> {
    let arms = plan(scn, model)?;
    if let Some(u) = &scn.uncertainty {
        check_params(scn, model, &u.keys, (&u.lower, &u.upper), u.line, "uncertainty")?;
    }
    let reps = scn.replications;
    let seeds: Vec<u64> = (0..reps).map(|r| replication_seed(scn.seed, r)).collect();
    let total = arms.len() * reps;
    let sim = |a: usize, r: usize| {
        model
            .simulate(&arms[a].overrides, seeds[r])
            .map_err(|source| ScenarioError::Study {
                file: scn.file.clone(),
                line: None,
                context: format!("{} arm, replication {r} (seed {})", arms[a].name, seeds[r]),
                source: Box::new(source),
            })
    };
    let pilot = sim(0, 0)?;
    let metrics = tracked_metrics(scn, &pilot)?;
    let done = AtomicUsize::new(1);
    progress(1, total);
    let results: Vec<Result<Outcome, ScenarioError>> = (0..total)
        .into_par_iter()
        .map(|i| {
            let (a, r) = (i / reps, i % reps);
            let out = if i == 0 {
                Ok(outcome(&pilot, &metrics))
            } else {
                sim(a, r).map(|s| outcome(&s, &metrics))
            };
            if i != 0 {
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            }
            out
        })
        .collect();
    let mut flat = results
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?
        .into_iter();
    let outcomes = (0..arms.len())
        .map(|_| flat.by_ref().take(reps).collect())
        .collect();
    let draws = match &scn.uncertainty {
        Some(u) => draw_rows(scn, model, u, &metrics, 0..u.draws, progress)?,
        None => Vec::new(),
    };
    Ok(Runs {
        scenario: scn.clone(),
        arms,
        metrics,
        seeds,
        horizon_unit: scn.horizon.and(model.horizon()).map(|h| h.unit),
        outcomes,
        time_unit: model.horizon().map(|h| h.unit),
        draws,
    })
}

pub fn tracked_metrics(scn: &Scenario, pilot: &Simulated) -> Result<Vec<String>, ScenarioError> {
    if scn.metrics.is_empty() {
        return Ok(pilot.metrics.keys().cloned().collect());
    }
    for m in &scn.metrics {
        if !pilot.metrics.contains_key(m) {
            return Err(ScenarioError::UnknownMetric {
                file: scn.file.clone(),
                metric: m.clone(),
                study: scn.study.to_string(),
                available: pilot.metrics.keys().cloned().collect(),
            });
        }
    }
    Ok(scn.metrics.clone())
}

fn outcome(s: &Simulated, metrics: &[String]) -> Outcome {
    Outcome {
        values: metrics
            .iter()
            .map(|m| s.metrics.get(m).copied().unwrap_or(f64::NAN))
            .collect(),
        paths: s.paths.clone(),
    }
}
