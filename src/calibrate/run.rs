//! One calibration from options to result: search from several starts,
//! then inference at the optimum and the fit of targets and held-out rows.

use std::time::Instant;

use super::CalibrateError;
use super::endpoints::{endpoints, target_rows};
use super::geography::GeographyReport;
use super::inference::{
    CORRELATION_COHORTS, JTest, correlation, covariance, identify, j_statistic, j_test, jacobian,
    sandwich, target_draws,
};
use super::objective::{Evaluation, Objective, PENALTY, Watched};
use super::optimise::{best, search, start_points};
pub use super::result::{Calibration, Fit, ParamRow, TargetRow};
pub use super::setup::{Options, geography_cohorts, setup};
use crate::monitor::{Monitor, SILENT};
use crate::seed::{Component, derive};

/// Run a calibration.
pub fn calibrate(opts: &Options) -> Result<Calibration, CalibrateError> {
    calibrate_monitored(opts, &SILENT)
}

/// Run a calibration reporting cohorts simulated to `monitor` (of a planned
/// total: the search's budget, the Jacobian and the covariance cohorts);
/// once `monitor` is cancelled the remaining cohorts are skipped and the
/// call returns [`CalibrateError::Cancelled`].
pub fn calibrate_monitored(
    opts: &Options,
    monitor: &dyn Monitor,
) -> Result<Calibration, CalibrateError> {
    let clock = Instant::now();
    let (objective, theta0, target_set) = setup(opts)?;
    let mut objective: Objective<'_> = objective;
    objective.monitor = Watched::new(monitor, planned_cohorts(opts, objective.free.len()));
    let out = finish(opts, objective, theta0, clock, target_set);
    if monitor.cancelled() {
        return Err(CalibrateError::Cancelled);
    }
    out
}

/// The cohorts a calibration plans: per start the simplex (k + 1 points)
/// and two points per iteration, the two endpoints, the 2k points of the
/// Jacobian, each R cohorts, and the covariance cohorts.
pub(crate) fn planned_cohorts(opts: &Options, k: usize) -> usize {
    let per_start = k + 1 + 2 * opts.search.max_iters as usize;
    (opts.search.starts * per_start + 2 + 2 * k) * opts.reps + CORRELATION_COHORTS as usize
}

/// Indirect inference on an objective already set up (its targets possibly
/// replaced, as SBC does with each simulated "published" table), searched
/// from `theta0` and the random starts of `opts`.
pub(crate) fn calibrate_objective(
    opts: &Options,
    objective: Objective,
    theta0: Vec<f64>,
    target_set: String,
) -> Result<Calibration, CalibrateError> {
    finish(opts, objective, theta0, Instant::now(), target_set)
}

/// [`calibrate`] with fixed overrides `base` beneath the free parameters:
/// one point of an assumption sweep (the assumption fixed, the free set
/// refitted; `super::selection_sweep`).
pub fn calibrate_at(opts: &Options, base: toml::Table) -> Result<Calibration, CalibrateError> {
    let clock = Instant::now();
    let (mut objective, theta0, target_set) = setup(opts)?;
    objective.base = base;
    finish(opts, objective, theta0, clock, target_set)
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

/// The J test at θ̂ for the correlated Σ ([`j_statistic`]); None when a
/// target is missing at θ̂ or G is not finite.
fn over_identification(
    o: &Objective,
    at_end: &Evaluation,
    g: &[Vec<f64>],
    corr: &[Vec<f64>],
    reps: usize,
) -> Option<JTest> {
    let resid: Option<Vec<f64>> = at_end
        .moments
        .iter()
        .zip(&o.targets)
        .map(|(m, t)| m.map(|m| m - t.published))
        .collect();
    let se: Vec<f64> = o.targets.iter().map(|t| t.sd()).collect();
    j_statistic(&resid?, g, &se, corr, reps)
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
    let (at_start, at_end, heldout) = endpoints(&o, &theta0, &theta, opts.heldout);
    let (g, jac_evals) = jacobian(&o, &theta);
    let names: Vec<String> = o.free.iter().map(|p| p.key.clone()).collect();
    // σ_j = sqrt(se_pub² + τ_j²): W = diag(1/σ²) and Σ = S_σ C S_σ.
    let se_pub: Vec<f64> = o.targets.iter().map(|t| t.sd()).collect();
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
    let JTest { j, df, p_value } = over_identification(&o, &at_end, &g, &corr, opts.reps)
        .unwrap_or_else(|| {
            warnings.push(
                "the Jacobian is not usable: J is Q / (1 + 1/R) with a diagonal Σ".to_string(),
            );
            let df = o.targets.len().saturating_sub(k);
            let (j, p_value) = j_test(at_end.q, opts.reps, df);
            JTest { j, df, p_value }
        });
    // Q at the estimate is the failure penalty: some target has no estimate
    // on any cohort there, so nothing was fitted whatever the simplex did.
    let failed = at_end.q >= PENALTY;
    let converged = results[b].converged && !failed;
    if failed {
        warnings.push(format!(
            "failed: Q at the estimate is the failure penalty ({PENALTY:e}); \
             a target could not be estimated on any of the {} cohorts",
            opts.reps
        ));
    } else if !converged {
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
    let targets = target_rows(&o, &at_start, &at_end);
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
            failed,
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
        geography: GeographyReport::of(&o, geography_cohorts(opts)),
    })
}
