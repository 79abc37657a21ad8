//! The runner: every arm in every replication, in parallel, with common
//! random numbers. Replication `r` of every arm is simulated from the same
//! seed `seed::derive(master, r, Component::Custom(SCENARIO_STREAM))`, so an
//! arm differs from the baseline only through the settings it changes, and
//! the (arm, replication) results are collected in a fixed order: identical
//! whatever `RAYON_NUM_THREADS` is.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::Model;
use super::draws::{DrawRow, check_params, draw_rows};
use super::error::ScenarioError;
use super::experiment;
use super::plan::{Arm, plan};
use super::schema::Scenario;
use crate::monitor::Monitor;
use crate::seed::{self, Component};
use crate::studies::{Simulated, StudyError, TimePath};

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
    /// The study's time paths of this simulation.
    pub paths: Vec<TimePath>,
}

/// Raw results of a scenario run.
#[derive(Debug, Clone)]
pub struct Runs {
    /// The scenario that ran.
    pub scenario: Scenario,
    /// The arms, baseline first.
    pub arms: Vec<Arm>,
    /// Tracked metrics, in column order.
    pub metrics: Vec<String>,
    /// The study seed of each replication, `replication_seed(master, r)`.
    pub seeds: Vec<u64>,
    /// Unit of the scenario's `horizon` (e.g. "years in the city").
    pub horizon_unit: Option<String>,
    /// `outcomes[arm][rep]`.
    pub outcomes: Vec<Vec<Outcome>>,
    /// Unit of the time paths (the study's horizon unit), where it has one.
    pub time_unit: Option<String>,
    /// `[uncertainty]` parameter draws, in draw order (empty without).
    pub draws: Vec<DrawRow>,
    /// `[experiment]` design points, in point order (empty without).
    pub experiment: Vec<DrawRow>,
}

impl Runs {
    /// Values of metric index `m` for arm `a`, by replication.
    pub fn series(&self, a: usize, m: usize) -> Vec<f64> {
        self.outcomes[a].iter().map(|o| o.values[m]).collect()
    }
}

/// Run `scn` on `model`. `progress` hears `(done, total)` after each
/// simulation (from worker threads) and may cancel the run
/// ([`ScenarioError::Cancelled`]).
pub fn run<M: Model>(
    scn: &Scenario,
    model: &M,
    progress: &dyn Monitor,
) -> Result<Runs, ScenarioError> {
    let arms = check(scn, model)?;
    let (metrics, by_rep) = simulate_reps(scn, model, &arms, 0..scn.replications, progress)?;
    let draws = match &scn.uncertainty {
        Some(u) => draw_rows(scn, model, u, &metrics, 0..u.draws, progress)?,
        None => Vec::new(),
    };
    let experiment = match &scn.experiment {
        Some(e) => {
            let integer = experiment::rows::check(scn, model, e)?;
            let points = 0..e.points();
            experiment::rows::experiment_rows(scn, model, e, &integer, &metrics, points, progress)?
        }
        None => Vec::new(),
    };
    let mut runs = assemble(scn, model, arms, metrics, by_rep);
    runs.draws = draws;
    runs.experiment = experiment;
    Ok(runs)
}

/// Everything a run checks before it simulates: the arms (settings against
/// the registry, the config's own rules, the cohort's memory), the
/// `[uncertainty]` parameters and the memory of the replications' results.
/// Front ends that queue runs (`migsim serve`) call it to refuse a scenario
/// at once with the messages [`run`] would give.
pub fn check<M: Model>(scn: &Scenario, model: &M) -> Result<Vec<Arm>, ScenarioError> {
    let arms = plan(scn, model)?;
    if let Some(u) = &scn.uncertainty {
        check_params(
            scn,
            model,
            &u.keys,
            (&u.lower, &u.upper),
            u.line,
            "uncertainty",
            u.posterior.is_none(),
        )?;
    }
    if let Some(e) = &scn.experiment {
        experiment::rows::check(scn, model, e)?;
    }
    check_replications(arms.len(), scn.replications, 64)?;
    Ok(arms)
}

/// Refuse `reps` replications of `arms` arms whose outcomes of
/// `per_outcome` bytes each cannot be held in memory.
fn check_replications(arms: usize, reps: usize, per_outcome: u128) -> Result<(), ScenarioError> {
    crate::resources::check_items(
        "replications",
        reps,
        arms as u128 * reps as u128,
        per_outcome,
        "simulations",
    )?;
    Ok(())
}

/// Every arm of replications `reps` (the part of a run a shard or an MPI
/// rank computes): the tracked metrics, read from the first simulation
/// (arm 0 of the first replication), and per replication one outcome per
/// arm.
pub fn simulate_reps<M: Model>(
    scn: &Scenario,
    model: &M,
    arms: &[Arm],
    reps: Range<usize>,
    progress: &dyn Monitor,
) -> Result<(Vec<String>, Vec<Vec<Outcome>>), ScenarioError> {
    let len = reps.len();
    if len == 0 || arms.is_empty() {
        return Ok((scn.metrics.clone(), Vec::new()));
    }
    // One small outcome per (arm, replication) is held at once.
    check_replications(arms.len(), len, 64)?;
    let total = arms.len() * len;
    let failed = |a: usize, r: usize, source: StudyError| ScenarioError::Study {
        file: scn.file.clone(),
        line: None,
        context: format!(
            "{} arm, replication {r} (seed {})",
            arms[a].name,
            replication_seed(scn.seed, r)
        ),
        source: Box::new(source),
    };
    if progress.cancelled() {
        return Err(ScenarioError::Cancelled);
    }
    // Each arm's config is resolved and checked once, for all replications.
    let mut prepared = Vec::with_capacity(arms.len());
    prepared.push(
        model
            .prepare(&arms[0].overrides)
            .map_err(|e| failed(0, reps.start, e))?,
    );
    let pilot = prepared[0](replication_seed(scn.seed, reps.start))
        .map_err(|e| failed(0, reps.start, e))?;
    let metrics = tracked_metrics(scn, &pilot)?;
    for (a, arm) in arms.iter().enumerate().skip(1) {
        prepared.push(
            model
                .prepare(&arm.overrides)
                .map_err(|e| failed(a, reps.start, e))?,
        );
    }
    let sim = |a: usize, r: usize| {
        prepared[a](replication_seed(scn.seed, r)).map_err(|e| failed(a, r, e))
    };
    let per_outcome = 64
        + 8 * metrics.len()
        + pilot
            .paths
            .iter()
            .map(|p| 16 * p.times.len() + 64)
            .sum::<usize>();
    check_replications(arms.len(), len, per_outcome as u128)?;
    let done = AtomicUsize::new(1);
    progress.progress(1, total);
    let results: Vec<Result<Outcome, ScenarioError>> = (0..total)
        .into_par_iter()
        .map(|i| {
            let (a, r) = (i / len, reps.start + i % len);
            let out = if i == 0 {
                Ok(outcome(&pilot, &metrics))
            } else if progress.cancelled() {
                Err(ScenarioError::Cancelled)
            } else {
                sim(a, r).map(|s| outcome(&s, &metrics))
            };
            if i != 0 {
                progress.progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            }
            out
        })
        .collect();
    let flat = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    let by_rep = (0..len)
        .map(|r| (0..arms.len()).map(|a| flat[a * len + r].clone()).collect())
        .collect();
    Ok((metrics, by_rep))
}

/// The raw results of a whole run from every replication's outcomes
/// (`by_rep[rep][arm]`, computed here or pooled from shards).
pub fn assemble<M: Model>(
    scn: &Scenario,
    model: &M,
    arms: Vec<Arm>,
    metrics: Vec<String>,
    by_rep: Vec<Vec<Outcome>>,
) -> Runs {
    let seeds = (0..by_rep.len())
        .map(|r| replication_seed(scn.seed, r))
        .collect();
    let mut outcomes: Vec<Vec<Outcome>> = vec![Vec::with_capacity(by_rep.len()); arms.len()];
    for rep in by_rep {
        for (a, o) in rep.into_iter().enumerate() {
            if let Some(col) = outcomes.get_mut(a) {
                col.push(o);
            }
        }
    }
    Runs {
        scenario: scn.clone(),
        arms,
        metrics,
        seeds,
        horizon_unit: scn.horizon.and(model.horizon()).map(|h| h.unit),
        outcomes,
        time_unit: model.horizon().map(|h| h.unit),
        draws: Vec::new(),
        experiment: Vec::new(),
    }
}

/// The metrics a run tracks: the scenario's list (each checked against what the
/// pilot simulation reports, naming the unknown one), or all the pilot's.
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
