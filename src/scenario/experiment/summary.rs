//! The experiment's section of summary.json: the design, and per point the
//! factor values, each metric's baseline level and each intervention's
//! effect, each the mean over the point's replications with its 95% t
//! interval ([`Interval::of`]; effects are paired differences on common
//! random numbers).

use serde::Serialize;

use super::{Design, Experiment};
use crate::scenario::draws::DrawRow;
use crate::scenario::effects::{Interval, differences};

/// `experiment` in summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct ExperimentSummary {
    /// "factorial" or "lhs".
    pub design: String,
    /// The settings varied, in the order of each point's `values`.
    pub factors: Vec<String>,
    /// Factorial: the levels of each factor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<Vec<f64>>>,
    /// Lowest and highest value of each factor (a hypercube's bounds).
    pub lower: Vec<f64>,
    /// Highest value of each factor.
    pub upper: Vec<f64>,
    /// Design points P.
    pub points: usize,
    /// Replications of every arm at each point.
    pub replications_per_point: usize,
    /// Study simulations: points × replications × arms.
    pub simulations: usize,
    /// Arms run at every point: baseline, then the interventions.
    pub arms: Vec<String>,
    /// One summary per point, in point order.
    pub rows: Vec<PointSummary>,
}

/// One design point.
#[derive(Debug, Clone, Serialize)]
pub struct PointSummary {
    /// Index of the point in the design (0-based).
    pub point: usize,
    /// Factor values, in the order of `factors`.
    pub values: Vec<f64>,
    /// Per metric (the summary's `metrics` order), the baseline's level.
    pub baseline: Vec<Interval>,
    /// Per metric, then intervention: the effect at this point.
    pub effects: Vec<PointEffect>,
}

/// An intervention's effect on a metric at one point.
#[derive(Debug, Clone, Serialize)]
pub struct PointEffect {
    /// The metric.
    pub metric: String,
    /// The intervention.
    pub intervention: String,
    /// Mean over the point's replications of intervention minus baseline, with its 95% t interval.
    #[serde(flatten)]
    pub effect: Interval,
}

impl ExperimentSummary {
    /// The summary of rows `rows` (in point order) of experiment `e`, whose
    /// arms are `arms` and tracked metrics `metrics`.
    pub fn of(
        e: &Experiment,
        reps: usize,
        arms: Vec<String>,
        metrics: &[String],
        rows: &[DrawRow],
    ) -> ExperimentSummary {
        let (lower, upper) = e.ranges();
        let column = |row: &DrawRow, a: usize, m: usize| -> Vec<f64> {
            row.cells
                .iter()
                .map(|rep| {
                    rep.get(a)
                        .and_then(|v| v.get(m))
                        .copied()
                        .unwrap_or(f64::NAN)
                })
                .collect()
        };
        let rows = rows
            .iter()
            .map(|row| PointSummary {
                point: row.draw,
                values: row.theta.clone(),
                baseline: (0..metrics.len())
                    .map(|m| Interval::of(&column(row, 0, m)))
                    .collect(),
                effects: metrics
                    .iter()
                    .enumerate()
                    .flat_map(|(m, metric)| {
                        let base = column(row, 0, m);
                        arms.iter()
                            .enumerate()
                            .skip(1)
                            .map(|(a, name)| PointEffect {
                                metric: metric.clone(),
                                intervention: name.clone(),
                                effect: Interval::of(&differences(&base, &column(row, a, m))),
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect(),
            })
            .collect();
        ExperimentSummary {
            design: e.kind().to_string(),
            factors: e.keys.clone(),
            levels: match &e.design {
                Design::Factorial { levels } => Some(levels.clone()),
                Design::Lhs { .. } => None,
            },
            lower,
            upper,
            points: e.points(),
            replications_per_point: reps,
            simulations: e.points() * reps * arms.len(),
            arms,
            rows,
        }
    }

    /// The value shown for `metric` at every point: the first
    /// intervention's mean effect, or the baseline level without
    /// interventions; with what it is ("effect of X", "baseline level").
    pub fn shown(&self, metrics: &[String], metric: &str) -> (String, Vec<f64>) {
        let m = metrics.iter().position(|x| x == metric).unwrap_or(0);
        match self.arms.get(1) {
            Some(iv) => (
                format!("effect of {iv}"),
                self.rows
                    .iter()
                    .map(|r| {
                        r.effects
                            .iter()
                            .find(|e| e.metric == metric && &e.intervention == iv)
                            .map_or(f64::NAN, |e| e.effect.mean)
                    })
                    .collect(),
            ),
            None => (
                "baseline level".to_string(),
                self.rows
                    .iter()
                    .map(|r| r.baseline.get(m).map_or(f64::NAN, |i| i.mean))
                    .collect(),
            ),
        }
    }
}
