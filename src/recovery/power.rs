//! Power and sample size (`migsim power`): the smallest N at which one
//! estimator of a recovery spec rejects `H0: estimate = 0` at 5% (the
//! diagnosands' `power`, the share of replications with p < 0.05) with a
//! target probability, by a search over N on the recovery harness.
//!
//! Every N runs the same replications `0..reps` of the same master seed
//! (common random numbers: replication r draws from `seed::derive(seed, r,
//! ..)` whatever N), so the power curve is smooth in N and differences
//! between Ns are not sampling noise between seeds. The search evaluates a
//! geometric grid of `grid` sizes from `n_min` to `n_max`, then bisects the
//! first bracket `[lo, hi]` with power(lo) < target <= power(hi) until
//! `hi - lo <= max(step, tolerance * hi)`; the answer is `hi`. Each
//! reported power carries its Monte Carlo SE `sqrt(p (1 - p) / K)` over the
//! K valid replications, so an N found where power(N) is within about
//! 2 SE of the target is uncertain to the width of that band of the curve.

use serde::Serialize;

use super::RecoveryError;
use super::run::{RunOptions, run};
use super::spec::{Source, Spec};
use crate::studies::StudyName;

/// What to search for.
#[derive(Debug, Clone, PartialEq)]
pub struct PowerOptions {
    /// Estimator label (or estimator name when one entry has it); `None`:
    /// the spec's only estimator.
    pub estimator: Option<String>,
    /// Estimand of that estimator (`None`: its first target).
    pub estimand: Option<String>,
    /// Target power in (0, 1).
    pub target: f64,
    /// Smallest cohort size searched.
    pub n_min: usize,
    /// Largest cohort size searched.
    pub n_max: usize,
    /// Sizes of the first, geometric grid (at least 2).
    pub grid: usize,
    /// Relative width at which the bisection stops.
    pub tolerance: f64,
}

impl Default for PowerOptions {
    fn default() -> Self {
        Self {
            estimator: None,
            estimand: None,
            target: 0.8,
            n_min: 200,
            n_max: 20_000,
            grid: 5,
            tolerance: 0.02,
        }
    }
}

/// Diagnosands at one N.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PowerPoint {
    /// Cohort size.
    pub n: usize,
    /// Share of replications significant at 5%.
    pub power: f64,
    /// Its Monte Carlo SE, `sqrt(p (1 - p) / K)`.
    pub power_se: f64,
    /// Coverage of the 95% intervals.
    pub coverage: f64,
    /// Its Monte Carlo SE.
    pub coverage_se: f64,
    /// Mean estimate minus truth.
    pub bias: f64,
    /// Its Monte Carlo SE.
    pub bias_se: f64,
    /// Replications with a finite estimate.
    pub valid: usize,
}

/// The answer and every N evaluated, in increasing N.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PowerResult {
    /// The spec's name.
    pub spec: String,
    /// The estimator's label.
    pub estimator: String,
    /// The estimand.
    pub estimand: String,
    /// Target power.
    pub target: f64,
    /// Replications at each N.
    pub reps: usize,
    /// Master seed (the same at every N).
    pub seed: u64,
    /// Smallest N found with power >= target (`None`: not reached by n_max).
    pub n: Option<usize>,
    /// Power, its SE, coverage and bias at `n` (at `n_max` when not reached).
    pub power: f64,
    /// SE of `power`.
    pub power_se: f64,
    /// Coverage at `n`.
    pub coverage: f64,
    /// Bias at `n`.
    pub bias: f64,
    /// Every N evaluated, in increasing N.
    pub curve: Vec<PowerPoint>,
}

fn bad(spec: &Spec, message: String) -> RecoveryError {
    RecoveryError::SpecFile {
        file: spec.file.clone(),
        message,
    }
}

/// The spec cut down to the one estimator and target searched.
fn narrow(spec: &Spec, opts: &PowerOptions) -> Result<Spec, RecoveryError> {
    let labels: Vec<&str> = spec.estimators.iter().map(|e| e.label.as_str()).collect();
    let plan = match &opts.estimator {
        None if spec.estimators.len() == 1 => &spec.estimators[0],
        None => {
            return Err(bad(
                spec,
                format!(
                    "the spec has {} estimators: name one with --estimator ({})",
                    labels.len(),
                    labels.join(" | ")
                ),
            ));
        }
        Some(name) => {
            let by_label: Vec<_> = spec
                .estimators
                .iter()
                .filter(|e| &e.label == name)
                .collect();
            let by_method: Vec<_> = spec
                .estimators
                .iter()
                .filter(|e| &e.estimator == name)
                .collect();
            match (by_label.as_slice(), by_method.as_slice()) {
                ([one], _) | ([], [one]) => *one,
                _ => {
                    return Err(bad(
                        spec,
                        format!(
                            "--estimator `{name}` names no single estimator (labels: {})",
                            labels.join(" | ")
                        ),
                    ));
                }
            }
        }
    };
    let target = match &opts.estimand {
        None => plan.targets.first(),
        Some(e) => plan.targets.iter().find(|t| &t.estimand == e),
    }
    .ok_or_else(|| {
        let names: Vec<&str> = plan.targets.iter().map(|t| t.estimand.as_str()).collect();
        bad(
            spec,
            format!(
                "estimator `{}` has no target {} (targets: {})",
                plan.label,
                opts.estimand.as_deref().unwrap_or(""),
                names.join(", ")
            ),
        )
    })?;
    let mut one = plan.clone();
    one.targets = vec![target.clone()];
    let mut out = spec.clone();
    out.estimands = vec![target.estimand.clone()];
    out.estimators = vec![one];
    Ok(out)
}

/// Sizes must be multiples of this (the enclave study's dyads need even N).
fn step(spec: &Spec) -> usize {
    match spec.source {
        Source::Study {
            study: StudyName::Enclave,
            ..
        } => 2,
        _ => 1,
    }
}

fn round_to(n: f64, step: usize) -> usize {
    ((n / step as f64).round() as usize).max(1) * step
}

fn check(spec: &Spec, o: &PowerOptions) -> Result<(), RecoveryError> {
    let fail = |m: String| Err(bad(spec, m));
    if !(o.target > 0.0 && o.target < 1.0) {
        return fail(format!(
            "invalid target power {}: expected a number in (0, 1)",
            o.target
        ));
    }
    if o.n_min < 2 || o.n_max <= o.n_min {
        return fail(format!(
            "invalid sizes n_min = {}, n_max = {}: expected 2 <= n_min < n_max",
            o.n_min, o.n_max
        ));
    }
    if o.grid < 2 || o.grid > 100 {
        return fail(format!("invalid grid {}: expected 2..=100 sizes", o.grid));
    }
    if !(o.tolerance > 0.0 && o.tolerance < 1.0) {
        return fail(format!(
            "invalid tolerance {}: expected a share in (0, 1)",
            o.tolerance
        ));
    }
    Ok(())
}

/// Run the replications of `spec` (already narrowed) at size `n`.
fn evaluate(spec: &Spec, n: usize, run_opts: &RunOptions<'_>) -> Result<PowerPoint, RecoveryError> {
    let mut s = spec.clone();
    s.n = Some(n);
    let rec = run(&s, run_opts)?;
    let d = &rec
        .diagnosands
        .first()
        .ok_or_else(|| bad(spec, "the estimator has no target".into()))?
        .d;
    Ok(PowerPoint {
        n,
        power: d.power,
        power_se: d.power_mcse,
        coverage: d.coverage,
        coverage_se: d.coverage_mcse,
        bias: d.bias,
        bias_se: d.bias_mcse,
        valid: d.n_valid,
    })
}

/// Search N (see the module documentation); `on_point` sees each N evaluated.
pub fn power(
    spec: &Spec,
    opts: &PowerOptions,
    run_opts: &RunOptions<'_>,
    on_point: &dyn Fn(&PowerPoint),
) -> Result<PowerResult, RecoveryError> {
    check(spec, opts)?;
    let s = narrow(spec, opts)?;
    let step = step(&s);
    let mut curve: Vec<PowerPoint> = Vec::new();
    let at = |n: usize, curve: &mut Vec<PowerPoint>| -> Result<f64, RecoveryError> {
        if let Some(p) = curve.iter().find(|p| p.n == n) {
            return Ok(p.power);
        }
        let p = evaluate(&s, n, run_opts)?;
        on_point(&p);
        let power = p.power;
        curve.push(p);
        Ok(power)
    };
    let (lo_n, hi_n) = (opts.n_min as f64, opts.n_max as f64);
    let mut grid: Vec<usize> = (0..opts.grid)
        .map(|k| {
            let f = k as f64 / (opts.grid - 1) as f64;
            round_to(lo_n * (hi_n / lo_n).powf(f), step)
        })
        .collect();
    grid.dedup();
    let mut bracket = None;
    let mut prev = None;
    for &n in &grid {
        let p = at(n, &mut curve)?;
        if p >= opts.target {
            bracket = Some((prev, n));
            break;
        }
        prev = Some(n);
    }
    let found = match bracket {
        None => None,
        Some((None, hi)) => Some(hi),
        Some((Some(mut lo), mut hi)) => {
            while hi - lo > step.max((opts.tolerance * hi as f64) as usize) {
                let mid = round_to((lo + hi) as f64 / 2.0, step);
                if mid <= lo || mid >= hi {
                    break;
                }
                if at(mid, &mut curve)? >= opts.target {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            Some(hi)
        }
    };
    curve.sort_by_key(|p| p.n);
    let at_n = found.unwrap_or_else(|| curve.last().map_or(opts.n_max, |p| p.n));
    let best = curve
        .iter()
        .find(|p| p.n == at_n)
        .cloned()
        .ok_or_else(|| bad(spec, "no size was evaluated".into()))?;
    let plan = &s.estimators[0];
    Ok(PowerResult {
        spec: spec.name.clone(),
        estimator: plan.label.clone(),
        estimand: s.estimands[0].clone(),
        target: opts.target,
        reps: s.reps,
        seed: s.seed,
        n: found,
        power: best.power,
        power_se: best.power_se,
        coverage: best.coverage,
        bias: best.bias,
        curve,
    })
}

/// The power curve as CSV (one row per N).
pub(crate) fn curve_csv(r: &PowerResult) -> String {
    let mut s = String::from("n,power,power_se,coverage,coverage_se,bias,bias_se,valid\n");
    for p in &r.curve {
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            p.n, p.power, p.power_se, p.coverage, p.coverage_se, p.bias, p.bias_se, p.valid
        ));
    }
    s
}
