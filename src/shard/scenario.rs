//! `migsim run` in shards: every arm of a slice of replications as rows,
//! and the summary and reports of the pooled rows through the same
//! [`scenario::run::assemble`] and [`Summary::of`] a one-process run uses.

use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::ShardError;
use super::codec::{Num, floats, nums};
use super::manifest::Manifest;
use super::slice::Slice;
use super::store::{self, Meta, Pooled};
use crate::scenario::run::{Outcome, assemble, replication_seed, simulate_reps};
use crate::scenario::{Runs, Scenario, ScenarioError, StudyModel, plan};
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
/// Tracked metrics, replication indices and their rows (one JSON line each).
pub type SliceRows = (Vec<String>, Vec<usize>, Vec<String>);

pub struct ScenarioInput {
    pub scn: Scenario,
    pub text: String,
    pub file: String,
}

impl ScenarioInput {
    /// Read and parse `path` exactly as [`Scenario::load`] does, keeping the text.
    pub fn load(path: &Path) -> Result<ScenarioInput, ShardError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
            file: file.clone(),
            source,
        })?;
        let scn = Scenario::parse(&text, &file)?;
        if scn.uncertainty.is_some() {
            // The pooled rows hold the replications only, not the draws.
            return Err(ShardError::Unsupported {
                file,
                what: "a scenario with [uncertainty] draws".into(),
            });
        }
        Ok(ScenarioInput { scn, text, file })
    }

    fn model(&self) -> StudyModel {
        model(&self.scn)
    }

    /// What the shards of this run share; `metrics` are the tracked ones.
    pub fn meta(&self, slice: Slice, metrics: &[String]) -> Meta<'_> {
        Meta {
            command: COMMAND,
            spec_file: &self.file,
            spec_text: &self.text,
            settings: json!({"replications": self.scn.replications, "seed": self.scn.seed}),
            master_seed: self.scn.seed,
            total: self.scn.replications,
            slice,
            extra: json!({ "metrics": metrics }),
        }
    }

    /// The tracked metrics, indices and rows of `slice`.
    #[allow(clippy::type_complexity)]
    pub fn rows(
        &self,
        slice: Slice,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<SliceRows, ShardError> {
        let range = slice.range(self.scn.replications)?;
        let model = self.model();
        let arms = plan(&self.scn, &model)?;
        let (metrics, by_rep) = simulate_reps(&self.scn, &model, &arms, range.clone(), progress)?;
        let rows = range
            .clone()
            .zip(&by_rep)
            .map(|(r, o)| encode(r, replication_seed(self.scn.seed, r), o))
            .collect();
        Ok((metrics, range.collect(), rows))
    }

    /// Run `slice` and write it as a shard into `dir`.
    pub fn run_shard(
        &self,
        slice: Slice,
        progress: &(dyn Fn(usize, usize) + Sync),
        dir: &Path,
    ) -> Result<Manifest, ShardError> {
        let start = Instant::now();
        let (metrics, indices, rows) = self.rows(slice, progress)?;
        store::write(
            dir,
            &self.meta(slice, &metrics),
            &indices,
            &rows,
            start.elapsed().as_secs_f64(),
        )
    }
}

fn model(scn: &Scenario) -> StudyModel {
    StudyModel {
        study: scn.study,
        n: scn.n,
    }
}

/// The raw results of pooled `run` shards: the scenario re-read from the
/// stored text, its arms planned again, and the rows in index order.
pub fn merge(p: &Pooled) -> Result<Runs, ShardError> {
    let m = &p.manifest;
    let scn = Scenario::parse(&p.spec_text, &m.spec_file)?;
    let bad = |why: String| ShardError::Corrupt {
        dir: p.origin.first().cloned().unwrap_or_default(),
        why,
    };
    if scn.replications != m.total || scn.seed != m.master_seed {
        return Err(bad(
            "manifest total or seed disagrees with its scenario".into()
        ));
    }
    let metrics: Vec<String> = serde_json::from_value(m.extra["metrics"].clone())
        .map_err(|e| bad(format!("manifest `extra.metrics`: {e}")))?;
    let model = model(&scn);
    let arms = plan(&scn, &model)?;
    let by_rep = (0..p.rows.len())
        .map(|i| {
            let row: Row = p.decode(i)?;
            let wrong = |why: String| ShardError::Corrupt {
                dir: p.origin[i].clone(),
                why: format!("the row of index {i}: {why}"),
            };
            if row.rep != i {
                return Err(wrong(format!("holds replication {}", row.rep)));
            }
            let out = decode(row);
            if out.len() != arms.len() || out.iter().any(|o| o.values.len() != metrics.len()) {
                return Err(wrong(format!(
                    "expected {} arms of {} metrics",
                    arms.len(),
                    metrics.len()
                )));
            }
            Ok(out)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(assemble(&scn, &model, arms, metrics, by_rep))
}
