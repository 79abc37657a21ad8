//! `migsim sensitivity` as a [`Job`]: the unit of work is a design row (a
//! Saltelli or Morris sample point; row `r` depends only on the design seed
//! and `r`), a shard computes the outputs of its slice of rows, and the
//! indices of the pooled rows come from the same
//! [`crate::sensitivity::scenario::summarise`] a one-process run uses.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::ShardError;
use super::codec::{Num, floats, nums};
use super::job::{File, Job, Sharded, SliceRows, json_line};
use super::scenario::ScenarioInput;
use super::slice::Slice;
use super::store::{Meta, Pooled};
use crate::monitor::Monitor;
use crate::report::sensitivity_files;
use crate::scenario::{Scenario, StudyModel};
use crate::sensitivity::scenario::{Method, Plan, design_cells, design_of, plan_for, summarise};
use crate::sensitivity::{Analysis, analyse};

/// The manifest's command name.
pub const COMMAND: &str = "sensitivity";

/// One design row as a shard row.
#[derive(Debug, Serialize, Deserialize)]
struct Row {
    row: usize,
    outputs: Vec<Num>,
    /// Metric values `[replication][arm][metric]` (design.csv).
    #[serde(default)]
    cells: Vec<Vec<Vec<Num>>>,
}

/// A scenario with a `[sensitivity]` table, its text, the path the user
/// gave, and the command-line overrides of method and size.
pub struct SensitivityInput {
    /// The checked scenario with its `[sensitivity]` table.
    pub scn: Scenario,
    /// The scenario file's text (stored in each shard folder).
    pub text: String,
    /// The path as the user gave it.
    pub file: String,
    /// `--method` (`None`: the scenario's).
    pub method: Option<Method>,
    /// `--n`, the design size (`None`: the scenario's).
    pub n: Option<usize>,
}

/// The front end's overrides of the `[sensitivity]` table.
#[derive(Debug, Clone, Copy, Default)]
pub struct SensitivityOptions {
    /// Sobol or Morris (default: the table's).
    pub method: Option<Method>,
    /// Sobol base samples or Morris trajectories (default: the table's).
    pub n: Option<usize>,
}

fn model(scn: &Scenario) -> StudyModel {
    StudyModel {
        study: scn.study,
        n: scn.n,
    }
}

impl SensitivityInput {
    /// What the shards of this analysis share (`plan` after overrides).
    fn meta<'a>(&'a self, plan: &Plan, slice: Slice) -> Meta<'a> {
        Meta {
            command: COMMAND,
            spec_file: &self.file,
            spec_text: &self.text,
            settings: json!({
                "method": plan.spec.method,
                "n": plan.spec.n,
                "seed": self.scn.seed,
            }),
            master_seed: self.scn.seed,
            total: plan.design.rows(),
            slice,
            extra: json!({ "metrics": plan.metrics }),
        }
    }
}

impl Job for SensitivityInput {
    type Options = SensitivityOptions;
    type Output = Analysis;
    const COMMAND: &'static str = COMMAND;

    /// The scenario as `run` reads it ([`ScenarioInput::read`]), with the
    /// overrides.
    fn load(path: &Path, o: SensitivityOptions) -> Result<SensitivityInput, ShardError> {
        let ScenarioInput { scn, text, file } = ScenarioInput::read(path)?;
        Ok(SensitivityInput {
            scn,
            text,
            file,
            method: o.method,
            n: o.n,
        })
    }

    fn name(&self) -> &str {
        &self.scn.name
    }

    /// `outputs/<scenario name>-sensitivity/`.
    fn default_dir(name: &str) -> PathBuf {
        sensitivity_files::default_dir(name)
    }

    fn run_whole(&self, monitor: &dyn Monitor) -> Result<Analysis, ShardError> {
        let m = model(&self.scn);
        Ok(analyse(&self.scn, &m, self.method, self.n, monitor)?)
    }

    /// sensitivity.json, indices.csv, design.csv, design_outputs.csv and
    /// the reports.
    fn files(a: &Analysis) -> Result<Vec<File>, ShardError> {
        Ok(sensitivity_files::files(a)?)
    }

    /// sensitivity.json on one line.
    fn summary_json(a: &Analysis) -> Result<String, ShardError> {
        json_line("sensitivity.json", a)
    }
}

impl Sharded for SensitivityInput {
    /// Design rows of the whole analysis (no simulation).
    fn total(&self) -> Result<usize, ShardError> {
        let (_, _, design) = design_of(&self.scn, &model(&self.scn), self.method, self.n)?;
        Ok(design.rows())
    }

    /// The rows of `slice` (one pilot simulation first to find the tracked
    /// metrics; an error naming the design rows, before any simulation,
    /// when there are more shards than rows).
    fn run_slice(&self, slice: Slice, monitor: &dyn Monitor) -> Result<SliceRows<'_>, ShardError> {
        // The slice is checked against the design before the pilot simulation.
        let range = slice.range_of(self.total()?, "design rows")?;
        let model = model(&self.scn);
        let plan = crate::sensitivity::scenario::prepare(&self.scn, &model, self.method, self.n)?;
        let outputs = design_cells(&self.scn, &model, &plan, range.clone(), monitor)?;
        let rows = range
            .clone()
            .zip(&outputs)
            .map(|(row, (y, cells))| {
                serde_json::to_string(&Row {
                    row,
                    outputs: nums(y),
                    cells: cells
                        .iter()
                        .map(|rep| rep.iter().map(|arm| nums(arm)).collect())
                        .collect(),
                })
                .unwrap_or_default()
            })
            .collect();
        Ok(SliceRows {
            meta: self.meta(&plan, slice),
            indices: range.collect(),
            rows,
        })
    }

    fn merge(pooled: &Pooled) -> Result<Analysis, ShardError> {
        pooled_analysis(pooled)
    }
}

/// The analysis of pooled `sensitivity` shards: the scenario re-read from
/// the stored text, the design rebuilt with the stored method and size,
/// the rows in design order, and the one-process summary.
fn pooled_analysis(p: &Pooled) -> Result<Analysis, ShardError> {
    let m = &p.manifest;
    let scn = Scenario::parse(&p.spec_text, &m.spec_file)?;
    let bad = |why: String| ShardError::Corrupt {
        dir: p.origin.first().cloned().unwrap_or_default(),
        why,
    };
    let method: Method = serde_json::from_value(m.settings["method"].clone())
        .map_err(|e| bad(format!("manifest settings `method`: {e}")))?;
    let n = m.settings["n"]
        .as_u64()
        .ok_or_else(|| bad("manifest settings lack `n`".into()))? as usize;
    let metrics: Vec<String> = serde_json::from_value(m.extra["metrics"].clone())
        .map_err(|e| bad(format!("manifest `extra.metrics`: {e}")))?;
    let model = model(&scn);
    let plan = plan_for(&scn, &model, Some(method), Some(n), metrics)?;
    if scn.seed != m.master_seed || plan.design.rows() != m.total {
        return Err(bad(format!(
            "the manifest's seed {} and {} design rows disagree with its scenario ({} rows, seed {})",
            m.master_seed,
            m.total,
            plan.design.rows(),
            scn.seed
        )));
    }
    let width = plan.outputs.len();
    let (rows, cells): (Vec<_>, Vec<_>) = (0..p.rows.len())
        .map(|i| {
            let row: Row = p.decode(i)?;
            if row.row != i || row.outputs.len() != width {
                return Err(ShardError::Corrupt {
                    dir: p.origin[i].clone(),
                    why: format!(
                        "the row of index {i} holds design row {} with {} outputs, expected {width}",
                        row.row,
                        row.outputs.len()
                    ),
                });
            }
            let cells: Vec<Vec<Vec<f64>>> = row
                .cells
                .iter()
                .map(|rep| rep.iter().map(|arm| floats(arm)).collect())
                .collect();
            Ok((floats(&row.outputs), cells))
        })
        .collect::<Result<Vec<_>, ShardError>>()?
        .into_iter()
        .unzip();
    let mut a = summarise(&scn, &plan, rows)?;
    a.cells = cells;
    crate::sensitivity::noise::check(&scn, &model, &plan, &mut a)?;
    Ok(a)
}
