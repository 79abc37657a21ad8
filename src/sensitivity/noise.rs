//! When a sensitivity analysis measures noise rather than the model:
//!
//! * replication noise. The first `m = min(NOISE_POINTS, rows)` design
//!   points are run again on a disjoint set of replication seeds (indices
//!   from [`REPEAT_FIRST_REP`]); with `y_i`, `y'_i` the two runs of point
//!   `i`, the noise variance of an output is `v_e = Σ (y_i - y'_i)² / (2m)`
//!   (each run is a mean over the same number of replications), and its
//!   share of the output's variance over the whole design `v_y` is
//!   `v_e / v_y` (capped at 1); none for an output equal in every row.
//!   Above [`NOISE_WARN`] the indices mostly rank noise.
//! * Sobol bootstrap intervals wider than the index range `[0, 1]`.
//!
//! The repeats are deterministic (seeded like every row), so a merge of
//! shards computes the same shares as one process.

use super::scenario::{Analysis, IndexValues, Plan, design_rows_from};
use crate::scenario::{Model, Scenario, ScenarioError};

/// Design points run twice to estimate the noise.
pub const NOISE_POINTS: usize = 8;
/// First replication index of the repeats (far from any scenario's own).
pub const REPEAT_FIRST_REP: usize = 1 << 40;
/// Noise share above which a warning is given.
pub const NOISE_WARN: f64 = 0.5;

/// Run the repeats, fill `a.noise_share` and `a.warnings`.
pub fn check<M: Model>(
    scn: &Scenario,
    model: &M,
    plan: &Plan,
    a: &mut Analysis,
) -> Result<(), ScenarioError> {
    let m = NOISE_POINTS.min(a.rows.len());
    let again = design_rows_from(scn, model, plan, 0..m, REPEAT_FIRST_REP, &|_, _| {})?;
    let first: Vec<Vec<f64>> = a.rows[..m].to_vec();
    a.noise_share = shares(&a.rows, &first, &again);
    a.warnings = warnings(a, m);
    Ok(())
}

/// The noise variance share of each output: `first` and `again` are the
/// two runs of the repeated points, `rows` the whole design (`None`: the
/// output does not vary over the design, or too few finite values).
pub fn shares(rows: &[Vec<f64>], first: &[Vec<f64>], again: &[Vec<f64>]) -> Vec<Option<f64>> {
    let width = rows.first().map_or(0, Vec::len);
    (0..width)
        .map(|o| {
            let y: Vec<f64> = rows
                .iter()
                .map(|r| r[o])
                .filter(|v| v.is_finite())
                .collect();
            let d: Vec<f64> = first
                .iter()
                .zip(again)
                .map(|(a, b)| a[o] - b[o])
                .filter(|v| v.is_finite())
                .collect();
            // Equal in every row: constant, whatever the rounding residue
            // of the mean would make of its variance.
            if y.len() < 2 || d.is_empty() || y.iter().all(|v| *v == y[0]) {
                return None;
            }
            let mean = y.iter().sum::<f64>() / y.len() as f64;
            let vy = y.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (y.len() - 1) as f64;
            let ve = d.iter().map(|v| v * v).sum::<f64>() / (2 * d.len()) as f64;
            (vy > 0.0).then(|| (ve / vy).min(1.0))
        })
        .collect()
}

/// The warnings of a finished analysis whose `noise_share` is filled
/// (`m` repeated points).
pub fn warnings(a: &Analysis, m: usize) -> Vec<String> {
    let mut out = Vec::new();
    for (o, name) in a.outputs.iter().enumerate() {
        if let Some(Some(s)) = a.noise_share.get(o)
            && *s > NOISE_WARN
        {
            out.push(format!(
                "`{}` ({}): replication noise is about {:.0}% of its variance over the design \
                 (from {m} repeated points): the indices mostly rank noise; raise \
                 [sensitivity] replications or n",
                name.metric,
                name.intervention,
                100.0 * s
            ));
        }
    }
    for r in &a.indices {
        if let IndexValues::Sobol(s) = r.values {
            for (label, lo, hi) in [("S1", s.s1_low, s.s1_high), ("ST", s.st_low, s.st_high)] {
                if hi - lo > 1.0 {
                    out.push(format!(
                        "`{}` ({}), `{}`: the bootstrap 95% interval of {label} [{lo:.2}, {hi:.2}] is \
                         wider than the index range [0, 1]; raise n",
                        r.metric, r.intervention, r.param
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pure noise: repeats as different as any two rows give a share near 1;
    /// a deterministic output gives 0.
    #[test]
    fn shares_of_noise_and_signal() {
        let rows: Vec<Vec<f64>> = (0..8).map(|i| vec![i as f64, (i % 2) as f64]).collect();
        let same = rows.clone();
        assert_eq!(shares(&rows, &rows, &same), vec![Some(0.0), Some(0.0)]);
        let flipped: Vec<Vec<f64>> = rows.iter().map(|r| vec![r[0], 1.0 - r[1]]).collect();
        let s = shares(&rows, &rows, &flipped);
        // var of 0/1 alternating over 8 rows = 2/7; noise = 1/2 -> capped at 1.
        assert_eq!(s[1], Some(1.0));
        // 0.1 in every row is constant (its mean over 10 rows is not exactly
        // 0.1 in floating point), whatever the repeats say.
        let flat = vec![vec![0.1]; 10];
        let other = vec![vec![0.2]; 8];
        assert_eq!(shares(&flat, &flat[..8], &other), vec![None]);
    }
}
