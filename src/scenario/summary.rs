//! Summaries of a run: effects per (intervention, metric), sweep curves and
//! time-path bands, each a mean with its 95% t interval across replications.

use serde::Serialize;

use super::effects::{Effect, Interval, differences};
use super::plan::{Arm, ArmKind};
use super::run::Runs;

/// Everything a report needs; serialised as summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub study: String,
    pub scenario: String,
    pub description: String,
    pub n: Option<usize>,
    pub horizon: Option<f64>,
    pub replications: usize,
    pub seed: u64,
    pub metrics: Vec<String>,
    pub arms: Vec<Arm>,
    pub effects: Vec<Effect>,
    pub sweep: Option<SweepSummary>,
    #[serde(skip)]
    pub paths: Vec<PathSummary>,
    pub warnings: Vec<String>,
}

/// Effects of one setting over a grid.
#[derive(Debug, Clone, Serialize)]
pub struct SweepSummary {
    pub key: String,
    pub values: Vec<f64>,
    /// Effects (vs the baseline) by metric then grid value; `intervention`
    /// holds the arm name `key=value`.
    pub points: Vec<Effect>,
}

/// One time path metric: a band per arm.
#[derive(Debug, Clone)]
pub struct PathSummary {
    pub metric: String,
    pub times: Vec<f64>,
    pub bands: Vec<PathBand>,
}

/// Level and (for non-baseline arms) effect over time.
#[derive(Debug, Clone)]
pub struct PathBand {
    pub arm: String,
    pub level: Vec<Interval>,
    pub effect: Option<Vec<Interval>>,
}

impl Summary {
    pub fn of(runs: &Runs) -> Summary {
        let scn = &runs.scenario;
        let mut warnings = Vec::new();
        let paths = path_summaries(runs, &mut warnings);
        Summary {
            study: scn.study.to_string(),
            scenario: scn.name.clone(),
            description: scn.description.clone(),
            n: scn.n,
            horizon: scn.horizon,
            replications: scn.replications,
            seed: scn.seed,
            metrics: runs.metrics.clone(),
            arms: runs
                .arms
                .iter()
                .filter(|a| !matches!(a.kind, ArmKind::Sweep { .. }))
                .cloned()
                .collect(),
            effects: effects_of(runs, |k| *k == ArmKind::Intervention),
            sweep: scn.sweep.as_ref().map(|s| SweepSummary {
                key: s.key.clone(),
                values: s.values.clone(),
                points: effects_of(runs, |k| matches!(k, ArmKind::Sweep { .. })),
            }),
            paths,
            warnings,
        }
    }

    /// Effects of intervention `name`, in metric order.
    pub fn effects_of(&self, name: &str) -> impl Iterator<Item = &Effect> {
        self.effects.iter().filter(move |e| e.intervention == name)
    }
}

fn effects_of(runs: &Runs, keep: impl Fn(&ArmKind) -> bool) -> Vec<Effect> {
    let mut out = Vec::new();
    for (m, metric) in runs.metrics.iter().enumerate() {
        let base = runs.series(0, m);
        for (a, arm) in runs.arms.iter().enumerate() {
            if keep(&arm.kind) {
                out.push(Effect::paired(metric, &arm.name, &base, &runs.series(a, m)));
            }
        }
    }
    out
}

fn path_summaries(runs: &Runs, warnings: &mut Vec<String>) -> Vec<PathSummary> {
    let Some(first) = runs.outcomes.first().and_then(|o| o.first()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for p in &first.paths {
        match path_summary(runs, &p.metric, &p.times) {
            Ok(s) => out.push(s),
            Err(w) => warnings.push(w),
        }
    }
    out
}

fn path_summary(runs: &Runs, metric: &str, times: &[f64]) -> Result<PathSummary, String> {
    let grid = |a: usize| -> Result<Vec<&[f64]>, String> {
        runs.outcomes[a]
            .iter()
            .map(|o| {
                o.paths
                    .iter()
                    .find(|p| {
                        p.metric == metric && p.times == times && p.values.len() == times.len()
                    })
                    .map(|p| p.values.as_slice())
                    .ok_or_else(|| {
                        format!("time path `{metric}` left out: its time grid differs between runs")
                    })
            })
            .collect()
    };
    let base = grid(0)?;
    let mut bands = Vec::new();
    for (a, arm) in runs.arms.iter().enumerate() {
        if matches!(arm.kind, ArmKind::Sweep { .. }) {
            continue;
        }
        let rows = grid(a)?;
        let at = |rows: &[&[f64]], t: usize| rows.iter().map(|v| v[t]).collect::<Vec<f64>>();
        let level = (0..times.len())
            .map(|t| Interval::of(&at(&rows, t)))
            .collect();
        let effect = (a > 0).then(|| {
            (0..times.len())
                .map(|t| Interval::of(&differences(&at(&base, t), &at(&rows, t))))
                .collect()
        });
        bands.push(PathBand {
            arm: arm.name.clone(),
            level,
            effect,
        });
    }
    Ok(PathSummary {
        metric: metric.to_string(),
        times: times.to_vec(),
        bands,
    })
}
