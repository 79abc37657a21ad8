//! One calibration from options to result: resolve targets and free
//! parameters, search, then inference and the held-out fit.

use std::path::PathBuf;
use std::time::Instant;

use serde::Serialize;

use super::CalibrateError;
use super::inference::{
    CORRELATION_COHORTS, Identification, correlation, covariance, identify, j_test, jacobian,
    sandwich, target_draws,
};
use super::objective::{Evaluation, Objective, Target, cohort_seeds};
use super::optimise::{Search, StartResult, best, search, start_points};
use super::spec::{
    FreeParam, TargetKey, default_free_params, default_targets, parse_free_list, parse_targets_file,
};
use crate::replicate::{ReplicationRow, Tables};
use crate::seed::{Component, derive};
use crate::studies::StudyName;
use crate::studies::settings::lookup;

/// What to calibrate and how.
#[derive(Debug, Clone)]
pub struct Options {
    pub study: StudyName,
    pub targets_file: Option<PathBuf>,
    /// `KEY[=LO:HI],...`; overrides the targets file's `[[free]]`.
    pub free: Option<String>,
    pub reps: usize,
    pub seed: u64,
    /// Cohort size (default: the paper's N).
    pub n: Option<usize>,
    pub search: Search,
    /// Replace the published targets by the model's own at the start θ₀.
    pub self_check: bool,
    /// Also report the fit of every held-out row (runs every table).
    pub heldout: bool,
}

/// A free parameter's result.
#[derive(Debug, Clone, Serialize)]
pub struct ParamRow {
    pub name: String,
    pub start: f64,
    pub estimate: f64,
    pub se: f64,
    pub lower: f64,
    pub upper: f64,
    /// θ₀ in `--self-check` mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truth: Option<f64>,
}

/// A target's (or a held-out row's) fit.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    pub table: String,
    pub spec: String,
    pub term: String,
    pub published: f64,
    pub published_se: Option<f64>,
    pub at_start: Option<f64>,
    pub calibrated: Option<f64>,
    /// Targets: (calibrated − published) / published_se; held out:
    /// divided by the combined SE `sqrt(se_pub² + se_sim² / R)`.
    pub z: Option<f64>,
    /// Cohorts on which this row's estimator failed (at the estimate).
    pub failures: usize,
}

/// The fit.
#[derive(Debug, Clone, Serialize)]
pub struct Fit {
    pub q: f64,
    pub j: f64,
    pub df: usize,
    pub p_value: Option<f64>,
    pub evaluations: u64,
    pub elapsed_s: f64,
    pub converged: bool,
    pub reps: usize,
    pub seed: u64,
    pub n: usize,
    /// Share of held-out rows with |z| <= 1.96 (None without held-out rows).
    pub heldout_within_1_96: Option<f64>,
}

/// A calibration's result (the `--json` document).
#[derive(Debug, Clone, Serialize)]
pub struct Calibration {
    pub study: StudyName,
    pub self_check: bool,
    pub params: Vec<ParamRow>,
    pub targets: Vec<TargetRow>,
    pub heldout: Vec<TargetRow>,
    pub fit: Fit,
    pub identification: Identification,
    pub covariance: Vec<Vec<f64>>,
    pub starts: Vec<StartResult>,
    /// Non-convergence, estimator failures, unidentified parameters.
    pub warnings: Vec<String>,
    /// Where the targets came from (file or "default").
    pub target_set: String,
}

fn free_params(
    opts: &Options,
    from_file: Option<Vec<FreeParam>>,
) -> Result<Vec<FreeParam>, CalibrateError> {
    match (&opts.free, from_file) {
        (Some(list), _) => parse_free_list(opts.study, list),
        (None, Some(f)) => Ok(f),
        (None, None) => default_free_params(opts.study),
    }
}

fn target_err(k: &TargetKey, reason: String, line: Option<(&str, usize)>) -> CalibrateError {
    match line {
        Some((file, l)) => CalibrateError::TargetsFile {
            file: file.to_string(),
            line: Some(l),
            message: format!("target {} / {} / {}: {reason}", k.table, k.spec, k.term),
        },
        None => CalibrateError::Target {
            table: k.table.clone(),
            spec: k.spec.clone(),
            term: k.term.clone(),
            reason,
        },
    }
}

/// Match each target key to exactly one row with a published value and SE.
fn resolve(
    keys: &[(TargetKey, Option<usize>)],
    rows: &[ReplicationRow],
    file: Option<&str>,
) -> Result<Vec<Target>, CalibrateError> {
    let mut out: Vec<Target> = Vec::new();
    for (k, line) in keys {
        let at = file.zip(*line);
        let hits: Vec<&ReplicationRow> = rows
            .iter()
            .filter(|r| r.table == k.table && r.spec.starts_with(&k.spec) && r.term == k.term)
            .collect();
        let row = match hits.as_slice() {
            [one] => *one,
            [] => {
                return Err(target_err(
                    k,
                    "no such row in `migsim replicate`".into(),
                    at,
                ));
            }
            many => {
                return Err(target_err(
                    k,
                    format!("matches {} rows; give a longer spec prefix", many.len()),
                    at,
                ));
            }
        };
        let (Some(published), Some(se)) = (row.published, row.published_se.filter(|s| *s > 0.0))
        else {
            return Err(target_err(
                k,
                "has no published SE; rows without one are never targets".into(),
                at,
            ));
        };
        if out.iter().any(|t| t.matches(row)) {
            return Err(target_err(k, "is given twice".into(), at));
        }
        out.push(Target {
            key: k.clone(),
            spec: row.spec.clone(),
            published,
            se,
        });
    }
    Ok(out)
}

fn check_options(opts: &Options) -> Result<(), CalibrateError> {
    let bad = |option: &str, reason: &str| {
        Err(CalibrateError::Option {
            option: option.into(),
            reason: reason.into(),
        })
    };
    if !(1..=1000).contains(&opts.reps) {
        return bad("--reps", "between 1 and 1000 cohorts per evaluation");
    }
    if !(1..=64).contains(&opts.search.starts) {
        return bad("--starts", "between 1 and 64");
    }
    if !(1..=100_000).contains(&opts.search.max_iters) {
        return bad("--max-iters", "between 1 and 100000");
    }
    Ok(())
}

/// Run a calibration.
pub fn calibrate(opts: &Options) -> Result<Calibration, CalibrateError> {
    let clock = Instant::now();
    let (objective, theta0, target_set) = setup(opts)?;
    finish(opts, objective, theta0, clock, target_set)
}

/// The objective of `opts` with its targets resolved (and, in self-check
/// mode, replaced by the model's own), the start θ₀ and the target set's name.
pub fn setup(opts: &Options) -> Result<(Objective, Vec<f64>, String), CalibrateError> {
    check_options(opts)?;
    let study = opts.study;
    let (keys, file_free, file) = match &opts.targets_file {
        Some(path) => {
            let file = path.display().to_string();
            let src = std::fs::read_to_string(path).map_err(|source| CalibrateError::Read {
                file: file.clone(),
                source,
            })?;
            let parsed = parse_targets_file(study, &src, &file)?;
            let keys = parsed
                .targets
                .into_iter()
                .map(|(k, l)| (k, Some(l)))
                .collect();
            (keys, parsed.free, Some(file))
        }
        None => (
            default_targets(study)
                .into_iter()
                .map(|k| (k, None))
                .collect::<Vec<_>>(),
            None,
            None,
        ),
    };
    let free = free_params(opts, file_free)?;
    let n = match opts.n {
        Some(n) => n,
        None => lookup(study, "n")?.value.map_or(0, |v| v as usize),
    };
    let mut tables: Vec<String> = keys.iter().map(|(k, _)| k.table.clone()).collect();
    tables.sort();
    tables.dedup();
    let theta0: Vec<f64> = free.iter().map(|p| p.start).collect();
    let mut objective = Objective {
        study,
        base: toml::Table::new(),
        n,
        free,
        targets: Vec::new(),
        tables,
        seeds: cohort_seeds(opts.seed, opts.reps),
    };
    let probe_seed = if opts.self_check {
        derive(opts.seed, 1 << 32, Component::Custom(0x5E1F))
    } else {
        objective.seeds[0]
    };
    let rows = objective
        .rows(&theta0, probe_seed, &Tables::Only(&objective.tables))
        .map_err(CalibrateError::Start)?;
    let mut targets = resolve(&keys, &rows, file.as_deref())?;
    if opts.self_check {
        objective.targets = targets.clone();
        self_check_targets(&mut targets, &rows, &objective, &theta0, opts.seed)?;
    }
    objective.targets = targets;
    Ok((objective, theta0, file.unwrap_or_else(|| "default".into())))
}

/// Cohorts whose between-cohort SD gives the self-check's target SEs (32:
/// an SD from 12 cohorts is off by a fifth or more, and misweights Q).
pub const SELF_CHECK_COHORTS: u64 = 32;

/// Self-check: the published values become the model's own at θ₀ on one
/// independent cohort at the published N, their SEs the SD of each target
/// over [`SELF_CHECK_COHORTS`] further independent cohorts (simulated SEs,
/// which unlike the estimated ones hold for skewed small-sample moments).
fn self_check_targets(
    targets: &mut [Target],
    rows: &[ReplicationRow],
    o: &Objective,
    theta0: &[f64],
    seed: u64,
) -> Result<(), CalibrateError> {
    let seeds: Vec<u64> = (1..=SELF_CHECK_COHORTS)
        .map(|s| derive(seed, (1 << 32) + s, Component::Custom(0x5E1F)))
        .collect();
    let cov = covariance(&target_draws(o, theta0, &seeds)).map(|(_, c)| c);
    for (i, t) in targets.iter_mut().enumerate() {
        let sd = cov.as_ref().map_or(0.0, |c| c[i][i].sqrt());
        match rows.iter().find(|r| t.matches(r)).and_then(|r| r.synthetic) {
            Some(v) if v.is_finite() && sd > 0.0 => {
                t.published = v;
                t.se = sd;
            }
            _ => {
                return Err(CalibrateError::Start(format!(
                    "self-check: target {} / {} / {} cannot be estimated at θ₀",
                    t.key.table, t.spec, t.key.term
                )));
            }
        }
    }
    Ok(())
}

/// Correlation of the target estimates over [`CORRELATION_COHORTS`]
/// independent cohorts at θ̂ (the C of `Σ = S C S`); the identity, with a
/// warning, when too few cohorts give every target.
fn target_correlation(
    o: &Objective,
    theta: &[f64],
    seed: u64,
    warnings: &mut Vec<String>,
) -> Vec<Vec<f64>> {
    let seeds: Vec<u64> = (1..=CORRELATION_COHORTS)
        .map(|s| derive(seed, (1 << 33) + s, Component::Custom(0xC0AA)))
        .collect();
    let draws = target_draws(o, theta, &seeds);
    let complete = draws.iter().flatten().count();
    match covariance(&draws).and_then(|(_, c)| correlation(&c)) {
        Some(c) if complete > o.targets.len() => c,
        _ => {
            warnings.push(format!(
                "only {complete} of {CORRELATION_COHORTS} cohorts at the estimate gave every target; \
                 the covariance treats the targets as uncorrelated"
            ));
            let m = o.targets.len();
            (0..m)
                .map(|i| (0..m).map(|l| if i == l { 1.0 } else { 0.0 }).collect())
                .collect()
        }
    }
}

fn target_rows(o: &Objective, start: &Evaluation, end: &Evaluation) -> Vec<TargetRow> {
    o.targets
        .iter()
        .enumerate()
        .map(|(i, t)| TargetRow {
            table: t.key.table.clone(),
            spec: t.spec.clone(),
            term: t.key.term.clone(),
            published: t.published,
            published_se: Some(t.se),
            at_start: start.moments[i],
            calibrated: end.moments[i],
            z: end.moments[i].map(|m| (m - t.published) / t.se),
            failures: end.failures[i],
        })
        .collect()
}

fn finish(
    opts: &Options,
    o: Objective,
    theta0: Vec<f64>,
    clock: Instant,
    target_set: String,
) -> Result<Calibration, CalibrateError> {
    let first = if opts.self_check {
        start_points(&o.free, theta0.clone(), 2, opts.seed ^ 0x5E1F)[1].clone()
    } else {
        theta0.clone()
    };
    let starts = start_points(&o.free, first, opts.search.starts, opts.seed);
    let results = search(&o, &starts, &opts.search);
    let b = best(&results);
    let theta = results[b].estimate.clone();
    let evals = o.evaluate_batch(&[theta0.clone(), theta.clone()]);
    let (at_start, at_end) = (&evals[0], &evals[1]);
    let (g, jac_evals) = jacobian(&o, &theta);
    let names: Vec<String> = o.free.iter().map(|p| p.key.clone()).collect();
    let se_pub: Vec<f64> = o.targets.iter().map(|t| t.se).collect();
    let (ident, pinv) = identify(&g, &se_pub, &names);
    let k = names.len();
    let mut warnings = Vec::new();
    let corr = target_correlation(&o, &theta, opts.seed, &mut warnings);
    let mut covariance = match &pinv {
        Some(p) => sandwich(&g, &se_pub, &corr, p, opts.reps),
        None => vec![vec![0.0; k]; k],
    };
    // A parameter the targets do not pin down gets the variance of a
    // uniform over its search bounds and no covariance (never a false 0).
    for (j, p) in o.free.iter().enumerate() {
        if ident.unidentified.contains(&p.key) || !covariance[j][j].is_finite() {
            for row in covariance.iter_mut() {
                row[j] = 0.0;
            }
            covariance[j].iter_mut().for_each(|x| *x = 0.0);
            covariance[j][j] = (p.upper - p.lower).powi(2) / 12.0;
        }
    }
    let df = o.targets.len().saturating_sub(k);
    let (j, p_value) = j_test(at_end.q, opts.reps, df);
    let converged = results[b].converged;
    if !converged {
        warnings.push(format!(
            "the best start did not converge ({}); raise --max-iters",
            results[b].status
        ));
    }
    if !ident.unidentified.is_empty() {
        warnings.push(format!(
            "the targets do not pin down: {} (rank {} of {k}, condition number {:.3e})",
            ident.unidentified.join(", "),
            ident.rank,
            ident.condition_number
        ));
    }
    let targets = target_rows(&o, at_start, at_end);
    for t in &targets {
        if t.failures > 0 {
            warnings.push(format!(
                "{} / {} / {}: estimator failed on {} of {} cohorts at the estimate",
                t.table, t.spec, t.term, t.failures, opts.reps
            ));
        }
    }
    warnings.extend(at_end.errors.iter().map(|e| format!("cohort failed: {e}")));
    let params = o
        .free
        .iter()
        .enumerate()
        .map(|(i, p)| ParamRow {
            name: p.key.clone(),
            start: theta0[i],
            estimate: theta[i],
            se: covariance[i][i].max(0.0).sqrt(),
            lower: p.lower,
            upper: p.upper,
            truth: opts.self_check.then_some(theta0[i]),
        })
        .collect();
    let heldout = if opts.heldout {
        heldout_rows(&o, &theta0, &theta, opts.reps)
    } else {
        Vec::new()
    };
    let with_z: Vec<f64> = heldout.iter().filter_map(|r| r.z).collect();
    let heldout_within_1_96 = (!with_z.is_empty())
        .then(|| with_z.iter().filter(|z| z.abs() <= 1.96).count() as f64 / with_z.len() as f64);
    let evaluations = results.iter().map(|r| r.evaluations).sum::<u64>() + 2 + jac_evals as u64;
    Ok(Calibration {
        study: o.study,
        self_check: opts.self_check,
        params,
        targets,
        heldout,
        fit: Fit {
            q: at_end.q,
            j,
            df,
            p_value,
            evaluations,
            elapsed_s: clock.elapsed().as_secs_f64(),
            converged,
            reps: opts.reps,
            seed: opts.seed,
            n: o.n,
            heldout_within_1_96,
        },
        identification: ident,
        covariance,
        starts: results,
        warnings,
        target_set,
    })
}

/// Every row with a published value that is not a target, at θ₀ and θ̂,
/// averaged over the same R cohorts.
fn heldout_rows(o: &Objective, theta0: &[f64], theta: &[f64], reps: usize) -> Vec<TargetRow> {
    let jobs: Vec<(&[f64], u64)> = [theta0, theta]
        .into_iter()
        .flat_map(|t| o.seeds.iter().map(move |&s| (t, s)))
        .collect();
    let runs: Vec<Option<Vec<ReplicationRow>>> = o
        .rows_of(&jobs, &Tables::All)
        .into_iter()
        .map(Result::ok)
        .collect();
    let (start, end) = runs.split_at(o.seeds.len());
    let Some(layout) = end.iter().chain(start).flatten().next() else {
        return Vec::new();
    };
    let mean = |set: &[Option<Vec<ReplicationRow>>], r: &ReplicationRow, se: bool| {
        let vals: Vec<f64> = set
            .iter()
            .flatten()
            .filter_map(|rows| {
                rows.iter()
                    .find(|x| x.table == r.table && x.spec == r.spec && x.term == r.term)
                    .and_then(|x| if se { x.synthetic_se } else { x.synthetic })
            })
            .filter(|v| v.is_finite())
            .collect();
        (!vals.is_empty()).then(|| vals.iter().sum::<f64>() / vals.len() as f64)
    };
    layout
        .iter()
        .filter(|r| r.published.is_some() && !o.targets.iter().any(|t| t.matches(r)))
        .map(|r| {
            let calibrated = mean(end, r, false);
            let ok = end
                .iter()
                .flatten()
                .filter(|rows| {
                    rows.iter().any(|x| {
                        x.table == r.table
                            && x.spec == r.spec
                            && x.term == r.term
                            && x.synthetic.is_some()
                    })
                })
                .count();
            let sim_se = mean(end, r, true);
            let z = match (calibrated, r.published, r.published_se) {
                (Some(c), Some(p), Some(s)) => {
                    let comb = (s * s + sim_se.map_or(0.0, |x| x * x / reps as f64)).sqrt();
                    (comb > 0.0).then(|| (c - p) / comb)
                }
                _ => None,
            };
            TargetRow {
                table: r.table.clone(),
                spec: r.spec.clone(),
                term: r.term.clone(),
                published: r.published.unwrap_or(f64::NAN),
                published_se: r.published_se,
                at_start: mean(start, r, false),
                calibrated,
                z,
                failures: reps - ok.min(reps),
            }
        })
        .collect()
}
