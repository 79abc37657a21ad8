//! The replication loop: simulate, fit every estimator, keep the estimates.
//!
//! Replication `r` simulates from `seed::derive(master, r, Population)` and
//! gives estimators `seed::derive(master, r, Estimator)` (bootstrap and
//! quasi-Bayesian draws); replications run in parallel and are collected in
//! order, so every number is the same whatever the thread count.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::RecoveryError;
use super::diagnosands::{Diagnosands, Sample};
use super::estimands::{Cohorts, truth_value};
use super::estimators::{EstimatorPlan, FitFailure};
use super::problem::FitError;
use super::spec::Spec;
use super::take::Estimate;
use crate::data::Dataset;
use crate::estimate::EstimateError;
use crate::monitor::Monitor;
use crate::seed::{self, Component};

/// How to run.
#[derive(Default)]
pub struct RunOptions<'a> {
    /// Threads of a pool local to this run (`None`: rayon's global pool,
    /// sized by `RAYON_NUM_THREADS`).
    pub threads: Option<usize>,
    /// Hears `(done, total)` after each finished replication (from worker
    /// threads) and may cancel the run ([`RecoveryError::Cancelled`]).
    pub progress: Option<&'a dyn Monitor>,
}

/// What one estimator produced in one replication.
#[derive(Debug, Clone, PartialEq)]
pub enum FitRecord {
    /// One estimate per target of the estimator.
    Fitted(Vec<Estimate>),
    /// The fit stopped without converging; the estimator's message.
    NotConverged(String),
    /// The fit failed (data or estimation error); the message.
    Failed(String),
}

/// One replication.
#[derive(Debug, Clone, PartialEq)]
pub struct RepRecord {
    /// 0-based replication `r`.
    pub rep: usize,
    /// Seed the cohort was simulated from.
    pub seed: u64,
    /// Cohort size.
    pub n: usize,
    /// Truth of each spec estimand.
    pub truths: Vec<f64>,
    /// One record per spec estimator.
    pub fits: Vec<FitRecord>,
}

/// Fit counts of one estimator over the replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EstimatorSummary {
    /// The estimator's label in the spec.
    pub label: String,
    /// The estimator's name (`logit`, `psm`, ...).
    pub estimator: String,
    /// Replications where it produced estimates.
    pub fitted: usize,
    /// Replications where it failed.
    pub failures: usize,
    /// Replications where it did not converge.
    pub nonconverged: usize,
    /// The first failure or non-convergence message, in replication order.
    pub first_problem: Option<String>,
}

/// Diagnosands of one estimator (by label) for one estimand.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiagnosandRow {
    /// The estimator's label in the spec.
    pub estimator: String,
    /// The estimator's name.
    pub method: String,
    /// The estimand (an entry of the study's truth).
    pub estimand: String,
    /// Which row of the fit estimates it (e.g. `coefficients:x`).
    pub take: String,
    /// Replications where the estimator failed.
    pub failures: usize,
    /// Replications where it did not converge.
    pub nonconverged: usize,
    /// The diagnosands over the valid replications.
    #[serde(flatten)]
    pub d: Diagnosands,
}

/// A finished recovery run.
#[derive(Debug, Clone)]
pub struct Recovery {
    /// The spec that was run.
    pub spec: Spec,
    /// Every replication, in order.
    pub replications: Vec<RepRecord>,
    /// Fit counts per estimator.
    pub estimators: Vec<EstimatorSummary>,
    /// One row per estimator and estimand.
    pub diagnosands: Vec<DiagnosandRow>,
    /// Wall-clock seconds (the only field that varies between identical runs).
    pub elapsed_s: f64,
}

/// Run every replication of `spec` and summarise.
pub fn run(spec: &Spec, opts: &RunOptions<'_>) -> Result<Recovery, RecoveryError> {
    let start = Instant::now();
    let replications = replicate_indices(spec, 0..spec.reps, opts)?;
    Ok(summarise_pooled(
        spec,
        replications,
        start.elapsed().as_secs_f64(),
    ))
}

/// The replications with the given indices, in order (in parallel): the
/// part of a run a shard or an MPI rank computes.
pub fn replicate_indices(
    spec: &Spec,
    indices: std::ops::Range<usize>,
    opts: &RunOptions<'_>,
) -> Result<Vec<RepRecord>, RecoveryError> {
    // Every replication's record (truths and one estimate row per target) is kept.
    let targets: usize = spec.estimators.iter().map(|e| e.targets.len()).sum();
    crate::resources::check_items(
        "reps",
        indices.len(),
        indices.len() as u128,
        128 + 64 * targets as u128 + 8 * spec.estimands.len() as u128,
        "replications",
    )?;
    let total = indices.len();
    if total == 0 {
        return Ok(Vec::new());
    }
    // The source is resolved and validated once for every replication.
    let cohorts = Cohorts::of(&spec.source, spec.n, indices.start)?;
    let done = AtomicUsize::new(0);
    let all = || -> Result<Vec<RepRecord>, RecoveryError> {
        indices
            .clone()
            .into_par_iter()
            .map(|rep| {
                let Some(m) = opts.progress else {
                    return replicate_from(spec, &cohorts, rep);
                };
                if m.cancelled() {
                    return Err(RecoveryError::Cancelled);
                }
                let r = replicate_from(spec, &cohorts, rep);
                m.progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                r
            })
            .collect()
    };
    match opts.threads {
        None => all(),
        Some(t) => rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .map_err(|e| RecoveryError::ThreadPool(e.to_string()))?
            .install(all),
    }
}

/// Summarise the replications of a whole run (every index of `0..spec.reps`
/// in order, whether computed here or pooled from shards).
pub(crate) fn summarise_pooled(
    spec: &Spec,
    replications: Vec<RepRecord>,
    elapsed_s: f64,
) -> Recovery {
    let estimators = summarise(spec, &replications);
    let diagnosands = diagnose(spec, &replications, &estimators);
    Recovery {
        spec: spec.clone(),
        replications,
        estimators,
        diagnosands,
        elapsed_s,
    }
}

/// One replication: simulate, read the truths, fit every estimator
/// (resolving the spec's source for this one replication; a run resolves
/// it once and calls [`replicate_from`]).
pub fn replicate(spec: &Spec, rep: usize) -> Result<RepRecord, RecoveryError> {
    replicate_from(spec, &Cohorts::of(&spec.source, spec.n, rep)?, rep)
}

/// Replication `rep` of `spec` with its cohort simulated from `cohorts`
/// (the spec's source, resolved once): the data from
/// `seed::derive(master, rep, Population)`, the estimators' draws from
/// `seed::derive(master, rep, Estimator)`.
pub fn replicate_from(
    spec: &Spec,
    cohorts: &Cohorts<'_>,
    rep: usize,
) -> Result<RepRecord, RecoveryError> {
    let data_seed = seed::derive(spec.seed, rep as u64, Component::Population);
    let est_seed = seed::derive(spec.seed, rep as u64, Component::Estimator);
    let sim = cohorts.simulate(data_seed, rep)?;
    let truths = spec
        .estimands
        .iter()
        .map(|e| truth_value(&sim, e))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| RecoveryError::Estimand { rep, source })?;
    let fits = spec
        .estimators
        .iter()
        .map(|plan| {
            fit_one(plan, &sim.cohort, est_seed).map_err(|source| RecoveryError::Fit {
                rep,
                label: plan.label.clone(),
                source: Box::new(source),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RepRecord {
        rep,
        seed: data_seed,
        n: sim.cohort.n_rows(),
        truths,
        fits,
    })
}

/// Fit one estimator; `Err` only for spec problems (unknown column or row).
fn fit_one(plan: &EstimatorPlan, cohort: &Dataset, seed: u64) -> Result<FitRecord, FitError> {
    match plan.fit(cohort, seed) {
        Ok(fit) if !fit.info.converged => {
            let why = if fit.info.warnings.is_empty() {
                "did not converge".to_string()
            } else {
                fit.info.warnings.join("; ")
            };
            Ok(FitRecord::NotConverged(why))
        }
        Ok(fit) => plan
            .targets
            .iter()
            .map(|t| t.take.extract(&fit))
            .collect::<Result<Vec<_>, _>>()
            .map(FitRecord::Fitted)
            .map_err(FitError::from),
        Err(FitFailure::Data(e)) => Err(FitError::Data(e)),
        Err(FitFailure::Estimate(e @ EstimateError::NotConverged { .. })) => {
            Ok(FitRecord::NotConverged(e.to_string()))
        }
        Err(FitFailure::Estimate(e)) => Ok(FitRecord::Failed(e.to_string())),
    }
}

fn summarise(spec: &Spec, reps: &[RepRecord]) -> Vec<EstimatorSummary> {
    spec.estimators
        .iter()
        .enumerate()
        .map(|(j, plan)| {
            let mut s = EstimatorSummary {
                label: plan.label.clone(),
                estimator: plan.estimator.clone(),
                fitted: 0,
                failures: 0,
                nonconverged: 0,
                first_problem: None,
            };
            for r in reps {
                match &r.fits[j] {
                    FitRecord::Fitted(_) => s.fitted += 1,
                    FitRecord::NotConverged(m) => {
                        s.nonconverged += 1;
                        s.first_problem
                            .get_or_insert_with(|| format!("rep {}: {m}", r.rep));
                    }
                    FitRecord::Failed(m) => {
                        s.failures += 1;
                        s.first_problem
                            .get_or_insert_with(|| format!("rep {}: {m}", r.rep));
                    }
                }
            }
            s
        })
        .collect()
}

fn diagnose(spec: &Spec, reps: &[RepRecord], summaries: &[EstimatorSummary]) -> Vec<DiagnosandRow> {
    let mut rows = Vec::new();
    for (j, plan) in spec.estimators.iter().enumerate() {
        for (t, target) in plan.targets.iter().enumerate() {
            let k = spec
                .estimands
                .iter()
                .position(|e| *e == target.estimand)
                .unwrap_or_default();
            let samples: Vec<Sample> = reps
                .iter()
                .filter_map(|r| match &r.fits[j] {
                    FitRecord::Fitted(est) => Some(Sample {
                        truth: r.truths[k],
                        estimate: est[t].estimate,
                        std_error: est[t].std_error,
                        ci_low: est[t].ci_low,
                        ci_high: est[t].ci_high,
                        p_value: est[t].p_value,
                    }),
                    _ => None,
                })
                .collect();
            rows.push(DiagnosandRow {
                estimator: plan.label.clone(),
                method: plan.estimator.clone(),
                estimand: target.estimand.clone(),
                take: target.take.to_string(),
                failures: summaries[j].failures,
                nonconverged: summaries[j].nonconverged,
                d: Diagnosands::compute(&samples),
            });
        }
    }
    rows
}
