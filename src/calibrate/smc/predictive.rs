//! Posterior predictive check: S draws of θ resampled by weight (seeded),
//! each simulated on one fresh cohort at the published N; each target's
//! and held-out row's estimates over the S cohorts give its 95%
//! predictive interval (2.5% and 97.5% quantiles), which should hold the
//! published value for about 95% of rows if the model and posterior fit.
//! Held-out rows are the rows of every table that `migsim replicate` marks
//! `held out`: neither calibration targets, nor rows that chose a hand-set
//! value (role `target`), nor values written into the model (role
//! `input`).

use super::posterior_file::{PosteriorSample, weighted_quantile};
use super::result::{Predictive, PredictiveRow};
use super::sampler::systematic;
use crate::calibrate::objective::Objective;
use crate::replicate::{ReplicationRow, Role, Tables};
use crate::seed::{Component, derive, stream};

/// Stream tag of the predictive draws and cohorts.
pub const PREDICTIVE_STREAM: u64 = 0x5AC0_0002;

/// The predictive check of `sample` with `draws` cohorts; held-out rows
/// (every table) when `heldout`.
pub fn predictive(
    o: &Objective,
    sample: &PosteriorSample,
    draws: usize,
    seed: u64,
    heldout: bool,
) -> Predictive {
    let mut rng = stream(seed, 0, Component::Custom(PREDICTIVE_STREAM));
    let idx = systematic(&sample.weights, draws, &mut rng);
    let thetas: Vec<&[f64]> = idx.iter().map(|&i| sample.draws[i].as_slice()).collect();
    let jobs: Vec<(&[f64], u64)> = thetas
        .iter()
        .enumerate()
        .map(|(s, t)| {
            (
                *t,
                derive(seed, s as u64, Component::Custom(PREDICTIVE_STREAM)),
            )
        })
        .collect();
    let runs = if heldout {
        o.rows_of(&jobs, &Tables::All)
    } else {
        o.with_target_tables(|t| o.rows_of(&jobs, t))
    };
    let ok: Vec<&Vec<ReplicationRow>> = runs.iter().filter_map(|r| r.as_ref().ok()).collect();
    let row = |table: &str, spec: &str, term: &str, published: f64, se: Option<f64>| {
        let vals: Vec<f64> = ok
            .iter()
            .filter_map(|rows| {
                rows.iter()
                    .find(|x| x.table == table && x.spec == spec && x.term == term)
                    .and_then(|x| x.synthetic)
            })
            .filter(|v| v.is_finite())
            .collect();
        let ones = vec![1.0; vals.len()];
        let q = |p| (!vals.is_empty()).then(|| weighted_quantile(&vals, &ones, p));
        let (low, high) = (q(0.025), q(0.975));
        PredictiveRow {
            table: table.to_string(),
            spec: spec.to_string(),
            term: term.to_string(),
            published,
            published_se: se,
            mean: (!vals.is_empty()).then(|| vals.iter().sum::<f64>() / vals.len() as f64),
            low,
            high,
            inside: low.zip(high).map(|(l, h)| (l..=h).contains(&published)),
            failures: draws - vals.len(),
        }
    };
    // The targets' published values (replaced in self-check and SBC runs).
    let targets: Vec<PredictiveRow> = o
        .targets
        .iter()
        .map(|t| row(&t.key.table, &t.spec, &t.key.term, t.published, Some(t.se)))
        .collect();
    let heldout: Vec<PredictiveRow> = match (heldout, ok.first()) {
        (true, Some(layout)) => layout
            .iter()
            .filter(|r| !o.targets.iter().any(|t| t.matches(r)))
            // Only `migsim replicate`'s held-out rows: a value written into
            // the model (role `input`) matches by construction, and a row
            // that chose a hand-set value (role `target`) was fitted.
            .filter(|r| r.role == Role::HeldOut)
            .filter_map(|r| {
                let p = r.published?;
                Some(row(&r.table, &r.spec, &r.term, p, r.published_se))
            })
            .collect(),
        _ => Vec::new(),
    };
    let share = |rows: &[PredictiveRow]| {
        let with: Vec<bool> = rows.iter().filter_map(|r| r.inside).collect();
        (!with.is_empty()).then(|| with.iter().filter(|b| **b).count() as f64 / with.len() as f64)
    };
    Predictive {
        draws,
        targets_inside: share(&targets),
        heldout_inside: share(&heldout),
        targets,
        heldout,
    }
}
