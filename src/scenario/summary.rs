//! Summaries of a run: effects per (intervention, metric), sweep curves and
//! time-path bands, each a mean with its 95% t interval across replications.

use std::collections::BTreeMap;

use serde::Serialize;

use super::draws::total_interval;
use super::effects::{Effect, Interval, differences};
use super::experiment::summary::ExperimentSummary;
use super::plan::{Arm, ArmKind};
use super::run::Runs;
use crate::studies::{StudyName, metric_info};

/// Everything a report needs; serialised as summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub study: String,
    pub scenario: String,
    pub description: String,
    pub n: Option<usize>,
    pub horizon: Option<f64>,
    pub horizon_unit: Option<String>,
    pub replications: usize,
    pub seed: u64,
    pub metrics: Vec<String>,
    pub arms: Vec<Arm>,
    pub effects: Vec<Effect>,
    pub sweep: Option<SweepSummary>,
    #[serde(skip)]
    pub paths: Vec<PathSummary>,
    /// Unit of the time paths' axis ("years in the city").
    #[serde(skip)]
    pub time_unit: Option<String>,
    /// The parameter distribution behind the effects' total intervals.
    pub uncertainty: Option<UncertaintySummary>,
    pub warnings: Vec<String>,
    /// Per metric, when it is measured ("average over the cohort, whose
    /// years in the city run from 1 to 10 ...", "at the survey").
    pub metric_windows: BTreeMap<String, String>,
    /// What `estimate` of an effect is (and, with parameter draws, what the
    /// total interval is centred on).
    pub point_estimate: String,
    /// Notes on reading the numbers (e.g. deterministic metrics whose
    /// intervals have zero width).
    pub notes: Vec<String>,
    /// `[experiment]`: the design and the effects at each of its points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experiment: Option<ExperimentSummary>,
}

/// Fewer agents than this moved by an effect on a share is "a handful".
pub(crate) const HANDFUL_OF_AGENTS: f64 = 5.0;

/// What `[uncertainty]` drew from.
#[derive(Debug, Clone, Serialize)]
pub struct UncertaintySummary {
    /// `calibrated.toml` or "params".
    pub source: String,
    pub draws: usize,
    pub replications_per_draw: usize,
    pub params: Vec<String>,
    pub mean: Vec<f64>,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
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
        let mut warnings = non_finite_warnings(runs);
        if scn.uncertainty.is_some() && runs.draws.is_empty() {
            warnings.push(
                "[uncertainty] draws were not run (sharded or MPI runs do not compute them yet): the intervals are simulation-only"
                    .into(),
            );
        }
        let paths = path_summaries(runs);
        let mut effects = effects_of(runs, |k| *k == ArmKind::Intervention);
        if !runs.draws.is_empty() {
            for (e, eff) in effects.iter_mut().enumerate() {
                let xs: Vec<f64> = runs.draws.iter().map(|d| d.effects[e]).collect();
                if let Some((lo, hi)) = total_interval(&xs) {
                    eff.ci_total_low = Some(lo);
                    eff.ci_total_high = Some(hi);
                }
                eff.draws = xs.iter().filter(|x| x.is_finite()).count();
                eff.estimate_over_draws = (eff.draws > 0)
                    .then(|| xs.iter().filter(|x| x.is_finite()).sum::<f64>() / eff.draws as f64);
            }
        }
        let uncertainty = scn
            .uncertainty
            .as_ref()
            .filter(|_| !runs.draws.is_empty())
            .map(|u| UncertaintySummary {
                source: u.source.clone(),
                draws: u.draws,
                replications_per_draw: u.replications.unwrap_or(scn.replications),
                params: u.keys.clone(),
                mean: u.mean.clone(),
                lower: u.lower.clone(),
                upper: u.upper.clone(),
            });
        let n_agents = scn.n.map(|n| n as f64).or_else(|| {
            crate::studies::settings::lookup(scn.study, "n")
                .ok()
                .and_then(|s| s.value)
        });
        warnings.extend(small_effect_warnings(scn.study, &effects, n_agents));
        let notes = deterministic_notes(&effects);
        let metric_windows = runs
            .metrics
            .iter()
            .filter_map(|m| {
                metric_info::lookup(scn.study, m).map(|i| (m.clone(), i.window(scn.horizon)))
            })
            .collect();
        let point_estimate = point_estimate_text(uncertainty.is_some());
        let experiment = experiment_summary(runs, &mut warnings);
        Summary {
            study: scn.study.to_string(),
            scenario: scn.name.clone(),
            description: scn.description.clone(),
            n: scn.n,
            horizon: scn.horizon,
            horizon_unit: runs.horizon_unit.clone(),
            replications: scn.replications,
            seed: scn.seed,
            metrics: runs.metrics.clone(),
            arms: runs
                .arms
                .iter()
                .filter(|a| !matches!(a.kind, ArmKind::Sweep { .. }))
                .cloned()
                .collect(),
            effects,
            sweep: scn.sweep.as_ref().map(|s| SweepSummary {
                key: s.key.clone(),
                values: s.values.clone(),
                points: effects_of(runs, |k| matches!(k, ArmKind::Sweep { .. })),
            }),
            paths,
            time_unit: runs.time_unit.clone(),
            uncertainty,
            warnings,
            metric_windows,
            point_estimate,
            notes,
            experiment,
        }
    }

    /// How `metric` is measured, for the reading: "measured as an average
    /// over years 1 to 10 in the city ...", else the horizon phrase.
    pub fn window_phrase(&self, metric: &str) -> Option<String> {
        window_phrase(&self.metric_windows, self.horizon_phrase(), metric)
    }

    /// "over 10 years in the city", where the scenario sets a horizon.
    pub fn horizon_phrase(&self) -> Option<String> {
        horizon_phrase(self.horizon, self.horizon_unit.as_deref())
    }
}

/// "measured <window>" for a metric with a measurement window (a summary's
/// `metric_windows`), otherwise the horizon phrase.
pub(crate) fn window_phrase(
    windows: &BTreeMap<String, String>,
    horizon: Option<String>,
    metric: &str,
) -> Option<String> {
    match windows.get(metric) {
        Some(w) => Some(format!("measured {w}")),
        None => horizon,
    }
}

/// "over 10 years in the city" from a summary's `horizon` and
/// `horizon_unit` (as summary.json holds them).
pub(crate) fn horizon_phrase(horizon: Option<f64>, unit: Option<&str>) -> Option<String> {
    let h = horizon?;
    let unit = unit.unwrap_or("time units");
    Some(format!("over {h} {unit}"))
}

/// The experiment's section, from its rows (a sharded run without them
/// gets a warning instead).
fn experiment_summary(runs: &Runs, warnings: &mut Vec<String>) -> Option<ExperimentSummary> {
    let e = runs.scenario.experiment.as_ref()?;
    if runs.experiment.is_empty() {
        warnings.push("[experiment] points were not run: the experiment has no results".into());
        return None;
    }
    let arms = runs
        .arms
        .iter()
        .filter(|a| matches!(a.kind, ArmKind::Baseline | ArmKind::Intervention))
        .map(|a| a.name.clone())
        .collect();
    let reps = super::experiment::rows::replications(&runs.scenario, e);
    Some(ExperimentSummary::of(
        e,
        reps,
        arms,
        &runs.metrics,
        &runs.experiment,
    ))
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

fn path_summaries(runs: &Runs) -> Vec<PathSummary> {
    let mut names: Vec<&str> = Vec::new();
    for o in runs.outcomes.iter().flatten() {
        for p in &o.paths {
            if !names.contains(&p.metric.as_str()) {
                names.push(&p.metric);
            }
        }
    }
    names.into_iter().map(|m| path_summary(runs, m)).collect()
}

/// Bands of path `metric` on the union of the runs' time grids; a run
/// without a value at a time (e.g. no migrant with that many years in the
/// city) is left out of that time's interval.
fn path_summary(runs: &Runs, metric: &str) -> PathSummary {
    let arms: Vec<usize> = (0..runs.arms.len())
        .filter(|&a| !matches!(runs.arms[a].kind, ArmKind::Sweep { .. }))
        .collect();
    let mut times: Vec<f64> = arms
        .iter()
        .flat_map(|&a| runs.outcomes[a].iter())
        .flat_map(|o| o.paths.iter().filter(|p| p.metric == metric))
        .flat_map(|p| p.times.iter().copied())
        .filter(|t| t.is_finite())
        .collect();
    times.sort_by(f64::total_cmp);
    times.dedup();
    let grid = |a: usize| -> Vec<Vec<f64>> {
        runs.outcomes[a]
            .iter()
            .map(|o| {
                let p = o.paths.iter().find(|p| p.metric == metric);
                times
                    .iter()
                    .map(|t| {
                        p.and_then(|p| {
                            p.times
                                .iter()
                                .position(|x| x == t)
                                .and_then(|i| p.values.get(i))
                        })
                        .copied()
                        .unwrap_or(f64::NAN)
                    })
                    .collect()
            })
            .collect()
    };
    let base = grid(0);
    let at = |rows: &[Vec<f64>], t: usize| rows.iter().map(|v| v[t]).collect::<Vec<f64>>();
    let bands = arms
        .iter()
        .map(|&a| {
            let rows = grid(a);
            PathBand {
                arm: runs.arms[a].name.clone(),
                level: (0..times.len())
                    .map(|t| Interval::of(&at(&rows, t)))
                    .collect(),
                effect: (a > 0).then(|| {
                    (0..times.len())
                        .map(|t| Interval::of(&differences(&at(&base, t), &at(&rows, t))))
                        .collect()
                }),
            }
        })
        .collect();
    PathSummary {
        metric: metric.to_string(),
        times,
        bands,
    }
}

fn non_finite_warnings(runs: &Runs) -> Vec<String> {
    let mut out = Vec::new();
    for (m, metric) in runs.metrics.iter().enumerate() {
        let bad = (0..runs.arms.len())
            .flat_map(|a| runs.series(a, m))
            .filter(|v| !v.is_finite())
            .count();
        if bad > 0 {
            out.push(format!("metric `{metric}` was undefined in {bad} simulations; they are left out of its intervals"));
        }
    }
    out
}

/// What an effect's `estimate` is, and what its intervals are centred on.
pub(crate) fn point_estimate_text(with_draws: bool) -> String {
    let base = "estimate = mean over replications of the paired difference (counterfactual minus \
                baseline, same seed) at the baseline parameters; ci_low/ci_high = 95% t interval \
                of that mean (simulation noise only)";
    if with_draws {
        format!(
            "{base}. estimate_over_draws = mean over the parameter draws of each draw's effect; \
             ci_total_low/ci_total_high = 95% t prediction interval centred on estimate_over_draws, \
             not on estimate (the two differ when the effect is not linear in the drawn parameters)"
        )
    } else {
        base.to_string()
    }
}

/// Whether a metric is a share of agents (its effects count agents moved).
fn is_share(study: StudyName, metric: &str) -> bool {
    metric_info::lookup(study, metric).is_some_and(|m| m.unit.starts_with("share"))
}

/// Effects on a share that move fewer than `HANDFUL_OF_AGENTS` of the `n`
/// agents: whole-agent noise, not a policy effect.
pub fn small_effect_warnings(study: StudyName, effects: &[Effect], n: Option<f64>) -> Vec<String> {
    let Some(n) = n.filter(|n| *n > 0.0) else {
        return Vec::new();
    };
    effects
        .iter()
        .filter(|e| is_share(study, &e.metric) && e.estimate.is_finite() && e.estimate != 0.0)
        .filter(|e| e.estimate.abs() * n < HANDFUL_OF_AGENTS)
        .map(|e| {
            format!(
                "`{}` under `{}`: the effect {:+.3e} moves about {:.1} of {n} agents, fewer than a \
                 handful ({HANDFUL_OF_AGENTS}); it is at the resolution of whole agents: check its interval \
                 before reading it as a policy effect at this n",
                e.metric,
                e.intervention,
                e.estimate,
                e.estimate.abs() * n
            )
        })
        .collect()
}

/// Effects whose simulation interval has zero width: the metric (and the
/// effect) is the same in every replication.
pub fn deterministic_notes(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter(|e| e.std_error == 0.0 && e.replications >= 2)
        .map(|e| {
            format!(
                "`{}` under `{}`: zero-width interval. The effect is identical in every \
                 replication (deterministic given the settings, e.g. a choice that does not \
                 depend on the random draws), so the interval states no uncertainty, not certainty \
                 about the real world",
                e.metric, e.intervention
            )
        })
        .collect()
}
