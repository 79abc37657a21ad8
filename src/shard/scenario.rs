//! `migsim run` as a [`Job`]: rows of a slice of the run's units of work,
//! and the summary and reports of the pooled rows through the same
//! `scenario::run::assemble` and [`Summary::of`] a one-process run uses.
//!
//! Units of work: a scenario with `R` replications and `K` `[uncertainty]`
//! draws has one index space `0..R+K`: index `i < R` is replication `i`
//! (every arm, seeded by `replication_seed(master, i)`), index `R + d` is
//! parameter draw `d` (its `θ_d` and all of its replications, seeded by
//! `draw_seed(master, d, r)`). Shards take contiguous slices of this space,
//! so replications come first and draws after; without `[uncertainty]` it
//! is `0..R`. An `[experiment]` of `P` points appends `R + K + p` for point
//! `p` (its factor values and all of its replications, seeded by
//! `experiment_seed(master, r)`). Every unit depends only on the master
//! seed and its index, so the pooled rows are the ones a single process
//! computes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::ShardError;
use super::codec::{Num, floats, nums};
use super::job::{File, Job, Sharded, SliceRows, json_line};
use super::slice::Slice;
use super::store::{Meta, Pooled};
use crate::monitor::Monitor;
use crate::report::run_files;
use crate::scenario::draws::{DrawRow, arms_at, check_params, draw_rows};
use crate::scenario::run::{Outcome, assemble, replication_seed, simulate_reps, tracked_metrics};
use crate::scenario::{Arm, Runs, Scenario, ScenarioError, StudyModel, Summary, experiment, plan};
use crate::studies::TimePath;

/// The manifest's command name.
pub const COMMAND: &str = "run";

/// One replication (every arm) as a shard row.
#[derive(Debug, Serialize, Deserialize)]
struct Row {
    rep: usize,
    seed: u64,
    arms: Vec<ArmRow>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ArmRow {
    values: Vec<Num>,
    paths: Vec<PathRow>,
}

#[derive(Debug, Serialize, Deserialize)]
struct PathRow {
    metric: String,
    times: Vec<Num>,
    values: Vec<Num>,
}

fn encode(rep: usize, seed: u64, arms: &[Outcome]) -> String {
    let row = Row {
        rep,
        seed,
        arms: arms
            .iter()
            .map(|o| ArmRow {
                values: nums(&o.values),
                paths: o
                    .paths
                    .iter()
                    .map(|p| PathRow {
                        metric: p.metric.clone(),
                        times: nums(&p.times),
                        values: nums(&p.values),
                    })
                    .collect(),
            })
            .collect(),
    };
    serde_json::to_string(&row).unwrap_or_default()
}

/// One parameter draw as a shard row.
#[derive(Debug, Serialize, Deserialize)]
struct DrawWire {
    draw: usize,
    theta: Vec<Num>,
    effects: Vec<Num>,
    #[serde(default)]
    cells: Vec<Vec<Vec<Num>>>,
}

fn encode_draw(d: &DrawRow) -> String {
    let wire = DrawWire {
        draw: d.draw,
        theta: nums(&d.theta),
        effects: nums(&d.effects),
        cells: d
            .cells
            .iter()
            .map(|rep| rep.iter().map(|arm| nums(arm)).collect())
            .collect(),
    };
    serde_json::to_string(&wire).unwrap_or_default()
}

fn decode(row: Row) -> Vec<Outcome> {
    row.arms
        .into_iter()
        .map(|a| Outcome {
            values: floats(&a.values),
            paths: a
                .paths
                .into_iter()
                .map(|p| TimePath {
                    metric: p.metric,
                    times: floats(&p.times),
                    values: floats(&p.values),
                })
                .collect(),
        })
        .collect()
}

/// A scenario together with its text and the path the user gave.
pub struct ScenarioInput {
    /// The checked scenario.
    pub scn: Scenario,
    /// The scenario file's text (stored in each shard folder).
    pub text: String,
    /// The path as the user gave it.
    pub file: String,
}

/// A finished scenario run: the raw results and their summary.
pub struct RunOutput {
    /// Every arm's simulations (and parameter draws).
    pub runs: Runs,
    /// The summary the reports are written from.
    pub summary: Summary,
}

impl RunOutput {
    fn of(runs: Runs) -> RunOutput {
        let summary = Summary::of(&runs);
        RunOutput { runs, summary }
    }
}

impl ScenarioInput {
    /// Read and parse `path` exactly as [`Scenario::load`] does, keeping the text.
    pub fn read(path: &Path) -> Result<ScenarioInput, ShardError> {
        let file = path.display().to_string();
        let text = crate::input::read_text(path).map_err(|source| ScenarioError::Read {
            file: file.clone(),
            source,
        })?;
        let scn = Scenario::parse(&text, &file)?;
        Ok(ScenarioInput { scn, text, file })
    }

    fn model(&self) -> StudyModel {
        model(&self.scn)
    }

    /// What the shards of this run share; `metrics` are the tracked ones.
    fn meta(&self, slice: Slice, metrics: &[String]) -> Meta<'_> {
        Meta {
            command: COMMAND,
            spec_file: &self.file,
            spec_text: &self.text,
            settings: settings(&self.scn),
            master_seed: self.scn.seed,
            total: units(&self.scn),
            slice,
            extra: json!({ "metrics": metrics }),
        }
    }
}

impl Job for ScenarioInput {
    type Options = ();
    type Output = RunOutput;
    const COMMAND: &'static str = COMMAND;

    /// [`ScenarioInput::read`].
    fn load(path: &Path, (): ()) -> Result<ScenarioInput, ShardError> {
        ScenarioInput::read(path)
    }

    fn name(&self) -> &str {
        &self.scn.name
    }

    /// `outputs/<scenario name>/`.
    fn default_dir(name: &str) -> PathBuf {
        run_files::default_dir(name)
    }

    fn run_whole(&self, monitor: &dyn Monitor) -> Result<RunOutput, ShardError> {
        let runs = crate::scenario::run(&self.scn, &self.model(), monitor)?;
        Ok(RunOutput::of(runs))
    }

    /// summary.json, replications.csv, paths.csv, the reports (and
    /// draws.csv with `[uncertainty]`).
    fn files(out: &RunOutput) -> Result<Vec<File>, ShardError> {
        Ok(run_files::files(&out.runs, &out.summary)?)
    }

    /// summary.json on one line.
    fn summary_json(out: &RunOutput) -> Result<String, ShardError> {
        json_line("summary.json", &out.summary)
    }
}

impl Sharded for ScenarioInput {
    /// Units of work: replications, then `[uncertainty]` draws, then
    /// `[experiment]` points.
    fn total(&self) -> Result<usize, ShardError> {
        Ok(units(&self.scn))
    }

    /// The tracked metrics, indices and rows of `slice` (replication rows,
    /// then draw rows, then experiment point rows).
    fn run_slice(&self, slice: Slice, monitor: &dyn Monitor) -> Result<SliceRows<'_>, ShardError> {
        let scn = &self.scn;
        let range = slice.range(units(scn))?;
        let r = scn.replications;
        let k = r + scn.uncertainty.as_ref().map_or(0, |u| u.draws);
        let (reps, draws, points) = (
            range.start.min(r)..range.end.min(r),
            range.start.clamp(r, k) - r..range.end.clamp(r, k) - r,
            range.start.max(k) - k..range.end.max(k) - k,
        );
        let model = self.model();
        let arms = plan(scn, &model)?;
        if let Some(u) = &scn.uncertainty {
            check_params(
                scn,
                &model,
                &u.keys,
                (&u.lower, &u.upper),
                u.line,
                "uncertainty",
                u.posterior.is_none(),
            )?;
        }
        let (metrics, by_rep) = if reps.is_empty() {
            (pilot_metrics(scn, &model, &arms)?, Vec::new())
        } else {
            simulate_reps(scn, &model, &arms, reps.clone(), monitor)?
        };
        let mut rows: Vec<String> = reps
            .clone()
            .zip(&by_rep)
            .map(|(i, o)| encode(i, replication_seed(scn.seed, i), o))
            .collect();
        if let (Some(u), false) = (&scn.uncertainty, draws.is_empty()) {
            let d = draw_rows(scn, &model, u, &metrics, draws, monitor)?;
            rows.extend(d.iter().map(encode_draw));
        }
        if let (Some(e), false) = (&scn.experiment, points.is_empty()) {
            let integer = experiment::rows::check(scn, &model, e)?;
            let p = experiment::rows::experiment_rows(
                scn, &model, e, &integer, &metrics, points, monitor,
            )?;
            rows.extend(p.iter().map(encode_draw));
        }
        Ok(SliceRows {
            meta: self.meta(slice, &metrics),
            indices: range.collect(),
            rows,
        })
    }

    fn merge(pooled: &Pooled) -> Result<RunOutput, ShardError> {
        pooled_runs(pooled).map(RunOutput::of)
    }
}

/// The tracked metrics as a one-process run finds them: from the baseline
/// arm of replication 0 (a shard that holds draws only).
fn pilot_metrics(
    scn: &Scenario,
    model: &StudyModel,
    arms: &[Arm],
) -> Result<Vec<String>, ScenarioError> {
    use crate::scenario::Model;
    let seed = replication_seed(scn.seed, 0);
    let pilot =
        model
            .simulate(&arms[0].overrides, seed)
            .map_err(|source| ScenarioError::Study {
                file: scn.file.clone(),
                line: None,
                context: format!("{} arm, replication 0 (seed {seed})", arms[0].name),
                source: Box::new(source),
            })?;
    tracked_metrics(scn, &pilot)
}

/// Units of work of `scn`: `R` replications plus `K` draws plus `P`
/// experiment points.
pub fn units(scn: &Scenario) -> usize {
    scn.replications
        + scn.uncertainty.as_ref().map_or(0, |u| u.draws)
        + scn.experiment.as_ref().map_or(0, |e| e.points())
}

fn settings(scn: &Scenario) -> serde_json::Value {
    let mut v = json!({"replications": scn.replications, "seed": scn.seed});
    if let Some(u) = &scn.uncertainty {
        v["draws"] = json!(u.draws);
    }
    if let Some(e) = &scn.experiment {
        v["experiment_points"] = json!(e.points());
    }
    v
}

fn model(scn: &Scenario) -> StudyModel {
    StudyModel {
        study: scn.study,
        n: scn.n,
    }
}

/// The raw results of pooled `run` shards: the scenario re-read from the
/// stored text, its arms planned again, the replication rows in index
/// order and the draw rows in draw order.
fn pooled_runs(p: &Pooled) -> Result<Runs, ShardError> {
    let m = &p.manifest;
    let scn = Scenario::parse(&p.spec_text, &m.spec_file)?;
    let bad = |why: String| ShardError::Corrupt {
        dir: p.origin.first().cloned().unwrap_or_default(),
        why,
    };
    let scn = &scn;
    if units(scn) != m.total || scn.seed != m.master_seed {
        return Err(bad(format!(
            "the manifest's {} units and seed {} disagree with its scenario ({} units, seed {})",
            m.total,
            m.master_seed,
            units(scn),
            scn.seed
        )));
    }
    let metrics: Vec<String> = serde_json::from_value(m.extra["metrics"].clone())
        .map_err(|e| bad(format!("manifest `extra.metrics`: {e}")))?;
    let model = model(scn);
    let arms = plan(scn, &model)?;
    let r = scn.replications;
    let by_rep = (0..r)
        .map(|i| rep_row(p, i, arms.len(), metrics.len()))
        .collect::<Result<Vec<_>, _>>()?;
    let effects = metrics.len() * (arms_at(scn, &model, &[], &[])?.len() - 1);
    let k = r + scn.uncertainty.as_ref().map_or(0, |u| u.draws);
    let draws = match &scn.uncertainty {
        None => Vec::new(),
        Some(u) => (r..k)
            .map(|i| draw_row(p, i, i - r, (u.keys.len(), effects)))
            .collect::<Result<Vec<_>, _>>()?,
    };
    let experiment = match &scn.experiment {
        None => Vec::new(),
        Some(e) => (k..p.rows.len())
            .map(|i| draw_row(p, i, i - k, (e.keys.len(), effects)))
            .collect::<Result<Vec<_>, _>>()?,
    };
    let mut runs = assemble(scn, &model, arms, metrics, by_rep);
    runs.draws = draws;
    runs.experiment = experiment;
    Ok(runs)
}

fn row_err(p: &Pooled, i: usize, why: String) -> ShardError {
    ShardError::Corrupt {
        dir: p.origin[i].clone(),
        why: format!("the row of index {i}: {why}"),
    }
}

/// Pooled row `i`, replication `i`, checked to hold `arms` arms of `metrics` values.
fn rep_row(p: &Pooled, i: usize, arms: usize, metrics: usize) -> Result<Vec<Outcome>, ShardError> {
    let row: Row = p.decode(i)?;
    if row.rep != i {
        return Err(row_err(p, i, format!("holds replication {}", row.rep)));
    }
    let out = decode(row);
    if out.len() != arms || out.iter().any(|o| o.values.len() != metrics) {
        return Err(row_err(
            p,
            i,
            format!("expected {arms} arms of {metrics} metrics"),
        ));
    }
    Ok(out)
}

/// Pooled row `i`, draw `d`, checked to hold `(params, effects)` numbers.
fn draw_row(
    p: &Pooled,
    i: usize,
    d: usize,
    (params, effects): (usize, usize),
) -> Result<DrawRow, ShardError> {
    let w: DrawWire = p.decode(i)?;
    if w.draw != d || w.theta.len() != params || w.effects.len() != effects {
        return Err(row_err(
            p,
            i,
            format!(
                "expected draw {d} with {params} parameters and {effects} effects, got draw {} with {} and {}",
                w.draw,
                w.theta.len(),
                w.effects.len()
            ),
        ));
    }
    Ok(DrawRow {
        draw: w.draw,
        theta: floats(&w.theta),
        effects: floats(&w.effects),
        cells: w
            .cells
            .iter()
            .map(|rep| rep.iter().map(|arm| floats(arm)).collect())
            .collect(),
    })
}
