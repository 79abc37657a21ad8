//! The fit at the start θ₀ and at the estimate θ̂ on the R cohorts of the
//! objective: the targets and, on request, every held-out row. With
//! held-out rows each cohort is replicated once in full and both sets are
//! read from it (an objective evaluation computes only the targets'
//! specifications, which give the same values as the full tables).

use super::objective::{CohortResult, Evaluation, Objective};
use super::result::TargetRow;
use crate::replicate::{ReplicationRow, Tables};

/// The evaluations at θ₀ and θ̂, and the held-out rows (empty unless
/// `heldout`).
pub fn endpoints(
    o: &Objective,
    theta0: &[f64],
    theta: &[f64],
    heldout: bool,
) -> (Evaluation, Evaluation, Vec<TargetRow>) {
    if !heldout {
        let mut e = o.evaluate_batch(&[theta0.to_vec(), theta.to_vec()]);
        let end = e.pop().expect("two points evaluated");
        let start = e.pop().expect("two points evaluated");
        return (start, end, Vec::new());
    }
    let jobs: Vec<(&[f64], u64)> = [theta0, theta]
        .into_iter()
        .flat_map(|t| o.seeds.iter().map(move |&s| (t, s)))
        .collect();
    let runs = o.rows_of(&jobs, &Tables::All);
    let (start, end) = runs.split_at(o.seeds.len());
    let rows = heldout_rows(o, start, end);
    (o.summarise(start), o.summarise(end), rows)
}

/// The targets' rows of the fit from θ₀'s and θ̂'s evaluations.
pub fn target_rows(o: &Objective, start: &Evaluation, end: &Evaluation) -> Vec<TargetRow> {
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
            z: end.moments[i].map(|m| (m - t.published) / t.sd()),
            failures: end.failures[i],
        })
        .collect()
}

/// Every row with a published value that is not a target, at θ₀ and θ̂,
/// averaged over the same R cohorts.
fn heldout_rows(o: &Objective, start: &[CohortResult], end: &[CohortResult]) -> Vec<TargetRow> {
    let reps = o.seeds.len();
    let ok = |set: &[CohortResult]| -> Vec<Option<Vec<ReplicationRow>>> {
        set.iter().map(|r| r.as_ref().ok().cloned()).collect()
    };
    let (start, end) = (ok(start), ok(end));
    let (start, end) = (start.as_slice(), end.as_slice());
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
