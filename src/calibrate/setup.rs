//! A calibration's inputs: options, the targets resolved against the rows
//! of `migsim replicate`, the free parameters, the objective with its
//! common random numbers, and (in `--self-check` mode) the targets replaced
//! by the model's own at θ₀.

use std::path::PathBuf;

use super::CalibrateError;
use super::geography::{MAX_GEOGRAPHY_COHORTS, estimate};
use super::inference::{covariance, target_draws};
use super::objective::{Objective, Target, Watched, cohort_seeds};
use super::optimise::Search;
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
    /// The study.
    pub study: StudyName,
    /// A targets file (`--targets`), else the study's default targets.
    pub targets_file: Option<PathBuf>,
    /// `KEY[=LO:HI],...`; overrides the targets file's `[[free]]`.
    pub free: Option<String>,
    /// R, cohorts per objective evaluation.
    pub reps: usize,
    /// Master seed of the cohorts, starts and sampler.
    pub seed: u64,
    /// Cohort size (default: the paper's N).
    pub n: Option<usize>,
    /// Nelder–Mead settings (`--method ii`).
    pub search: Search,
    /// Replace the published targets by the model's own at the start θ₀.
    pub self_check: bool,
    /// Also report the fit of every held-out row (runs every table).
    pub heldout: bool,
    /// G: cohorts at θ₀ whose targets give the between-geography variance
    /// added to the published SEs ([`super::geography`]); 0 turns it off.
    pub geography_cohorts: usize,
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
            geography_var: 0.0,
        });
    }
    Ok(out)
}

/// Refuse out-of-range sizes before any simulation.
pub(crate) fn check_options(opts: &Options) -> Result<(), CalibrateError> {
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
    if opts.geography_cohorts > MAX_GEOGRAPHY_COHORTS || opts.geography_cohorts == 1 {
        return bad(
            "--geography-cohorts",
            "0 (off) or between 2 and 10000 cohorts",
        );
    }
    Ok(())
}

/// The objective of `opts` with its targets resolved (and, in self-check
/// mode, replaced by the model's own), the start θ₀ and the target set's name.
pub fn setup(opts: &Options) -> Result<(Objective<'static>, Vec<f64>, String), CalibrateError> {
    check_options(opts)?;
    let study = opts.study;
    let (keys, file_free, file) = match &opts.targets_file {
        Some(path) => {
            let file = path.display().to_string();
            let src = crate::input::read_text(path).map_err(|source| CalibrateError::Read {
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
        monitor: Watched::silent(),
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
    if geography_cohorts(opts) > 0 {
        let tau = estimate(&objective, &theta0, opts.seed, opts.geography_cohorts);
        for (t, g) in objective.targets.iter_mut().zip(tau) {
            t.geography_var = g.tau2;
        }
    }
    Ok((objective, theta0, file.unwrap_or_else(|| "default".into())))
}

/// The geography cohorts G a calibration runs: `opts.geography_cohorts`,
/// or 0 in `--self-check` mode, whose target SEs are already the SD over
/// independent cohorts (each its own geography).
pub fn geography_cohorts(opts: &Options) -> usize {
    if opts.self_check {
        0
    } else {
        opts.geography_cohorts
    }
}

/// Cohorts whose between-cohort SD gives the self-check's target SEs (32:
/// an SD from 12 cohorts is off by a fifth or more, and misweights Q).
pub(crate) const SELF_CHECK_COHORTS: u64 = 32;

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
                return Err(CalibrateError::SelfCheck {
                    table: t.key.table.clone(),
                    spec: t.spec.clone(),
                    term: t.key.term.clone(),
                });
            }
        }
    }
    Ok(())
}
