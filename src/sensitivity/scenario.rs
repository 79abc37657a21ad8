//! Sensitivity of a scenario's levels and effects to its parameters: every
//! design row sets the `[sensitivity]` parameters in the baseline, runs the
//! baseline and each intervention for `replications` study seeds (the
//! scenario's replication seeds, the same at every row, so the output is a
//! smooth function of the parameters), and records per metric the baseline
//! level and each intervention's mean paired effect. Rows are computed for
//! any slice of indices ([`design_rows`]); [`summarise`] pools them.

use crate::monitor::Monitor;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use super::design::{Bounds, MorrisDesign, SaltelliDesign};
use super::error::SensitivityError;
use super::morris::{MorrisIndex, morris_indices};
use super::sobol::{SaltelliOutputs, SobolIndex, sobol_indices};
use crate::scenario::draws::{arms_at, check_params};
use crate::scenario::run::{replication_seed, tracked_metrics};
pub use crate::scenario::sensitivity_spec::Method;
use crate::scenario::sensitivity_spec::SensitivitySpec;
use crate::scenario::{Model, Scenario, ScenarioError};
use crate::seed::{self, Component};

/// One output of the model: a metric's baseline level
/// (`intervention = "baseline"`) or an intervention's effect on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutputName {
    /// The metric.
    pub metric: String,
    /// `baseline` (the level) or the intervention (its effect).
    pub intervention: String,
}

/// The design of a scenario's analysis.
#[derive(Debug, Clone)]
pub enum Design {
    /// A Saltelli design for Sobol indices.
    Sobol(SaltelliDesign),
    /// Morris trajectories.
    Morris(MorrisDesign),
}

impl Design {
    /// Model runs of the design.
    pub fn rows(&self) -> usize {
        match self {
            Design::Sobol(d) => d.rows(),
            Design::Morris(d) => d.rows(),
        }
    }

    /// Unit-cube point of design row `r`.
    pub fn point(&self, r: usize) -> Vec<f64> {
        match self {
            Design::Sobol(d) => d.point(r),
            Design::Morris(d) => d.point(r),
        }
    }
}

/// Indices of one parameter for one output.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum IndexValues {
    /// Sobol S1 and ST with their intervals.
    Sobol(SobolIndex),
    /// Morris μ, μ*, σ.
    Morris(MorrisIndex),
}

/// A row of `indices` in sensitivity.json and indices.csv.
#[derive(Debug, Clone, Serialize)]
pub struct IndexRow {
    /// The metric.
    pub metric: String,
    /// `baseline` (the level) or the intervention (its effect).
    pub intervention: String,
    /// The parameter (dotted setting).
    pub param: String,
    /// Its indices.
    #[serde(flatten)]
    pub values: IndexValues,
    /// Why the indices are undefined (null) where they are: see `undefined_note`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Indices divide by the output's variance over the design (Sobol) or are
/// means of its changes (Morris); with an output constant over the design
/// (zero variance) or not finite in some row they are undefined, and this
/// says which.
pub(crate) fn undefined_note(y: &[f64], values: &IndexValues) -> Option<String> {
    let undefined = match values {
        IndexValues::Sobol(s) => [s.s1, s.s1_low, s.s1_high, s.st, s.st_low, s.st_high]
            .iter()
            .any(|x| !x.is_finite()),
        IndexValues::Morris(m) => {
            !(m.mu.is_finite() && m.mu_star.is_finite() && m.sigma.is_finite())
        }
    };
    if !undefined {
        return None;
    }
    if y.iter().any(|x| !x.is_finite()) {
        let bad = y.iter().filter(|x| !x.is_finite()).count();
        return Some(format!(
            "output not finite in {bad} of {} design rows",
            y.len()
        ));
    }
    if y.windows(2).all(|w| w[0] == w[1]) {
        return Some(OUTPUT_CONSTANT.to_string());
    }
    Some("too few distinct outputs for an interval".to_string())
}

/// The note of an output that does not vary over the design.
pub(crate) const OUTPUT_CONSTANT: &str = "output constant over the design";

/// A finished analysis (sensitivity.json).
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// The scenario's name.
    pub scenario: String,
    /// The study's name.
    pub study: String,
    /// Sobol or Morris.
    pub method: Method,
    /// Sobol base samples N, or Morris trajectories r.
    pub n: usize,
    /// Model runs (design rows); each simulates every arm `replications` times.
    pub runs: usize,
    /// Replications of every arm at each design row.
    pub replications: usize,
    /// The scenario's master seed.
    pub seed: u64,
    /// The parameters, in design order.
    pub params: Vec<String>,
    /// Lower bound of each.
    pub lower: Vec<f64>,
    /// Upper bound of each.
    pub upper: Vec<f64>,
    /// The outputs, metric-major: baseline level, then each intervention's effect.
    pub outputs: Vec<OutputName>,
    /// One row per output and parameter.
    pub indices: Vec<IndexRow>,
    /// Parameter values of each design row.
    #[serde(skip)]
    pub points: Vec<Vec<f64>>,
    /// Outputs of each design row, in the order of `outputs`.
    #[serde(skip)]
    pub rows: Vec<Vec<f64>>,
    /// Every simulation's metric values per design row (empty where they
    /// were not kept), the rows of design.csv.
    #[serde(skip)]
    pub cells: Vec<Cells>,
    /// Tracked metrics, the columns of design.csv.
    #[serde(skip)]
    pub metrics: Vec<String>,
    /// Per output, the share of its variance over the design that is
    /// replication noise, from repeated points (`super::noise`); `null`
    /// where the output does not vary.
    pub noise_share: Vec<Option<f64>>,
    /// Reasons not to trust some indices (see `super::noise::warnings`).
    pub warnings: Vec<String>,
}

/// A scenario's sensitivity analysis before it runs: spec (with `method`
/// and `n` possibly overridden), bounds, design, outputs.
pub struct Plan {
    /// The checked table, with `method` and `n` overridden.
    pub spec: SensitivitySpec,
    /// The parameters' bounds.
    pub bounds: Bounds,
    /// The design.
    pub design: Design,
    /// Tracked metrics.
    pub metrics: Vec<String>,
    /// The outputs.
    pub outputs: Vec<OutputName>,
}

fn sens_err(scn: &Scenario, line: usize) -> impl Fn(SensitivityError) -> ScenarioError + '_ {
    move |e| scn.invalid(Some(line), format!("[sensitivity]: {e}"))
}

/// Check the scenario's `[sensitivity]` table against the study and build
/// the design; `method` and `n` override the table's. Runs one pilot
/// simulation (baseline arm, replication 0) to learn the tracked metrics.
pub fn prepare<M: Model>(
    scn: &Scenario,
    model: &M,
    method: Option<Method>,
    n: Option<usize>,
) -> Result<Plan, ScenarioError> {
    let parts = design_of(scn, model, method, n)?;
    let metrics = pilot_metrics(scn, model)?;
    with_metrics(scn, model, parts, metrics)
}

/// [`prepare`] with the tracked metrics already known (a merge of shards,
/// whose manifests carry them): no simulation.
pub(crate) fn plan_for<M: Model>(
    scn: &Scenario,
    model: &M,
    method: Option<Method>,
    n: Option<usize>,
    metrics: Vec<String>,
) -> Result<Plan, ScenarioError> {
    let parts = design_of(scn, model, method, n)?;
    with_metrics(scn, model, parts, metrics)
}

/// The checked spec (with `method` and `n` overridden), bounds and design
/// of the scenario's `[sensitivity]` table, without simulating.
pub fn design_of<M: Model>(
    scn: &Scenario,
    model: &M,
    method: Option<Method>,
    n: Option<usize>,
) -> Result<(SensitivitySpec, Bounds, Design), ScenarioError> {
    let mut spec = scn.sensitivity.clone().ok_or_else(|| {
        scn.invalid(
            None,
            "no [sensitivity] table: add one with `params` or `from`",
        )
    })?;
    if let Some(m) = method {
        spec.method = m;
    }
    if let Some(n) = n {
        spec.n = n;
    }
    let line = spec.line;
    check_params(
        scn,
        model,
        &spec.keys,
        (&spec.lower, &spec.upper),
        line,
        "sensitivity",
        true,
    )?;
    let err = sens_err(scn, line);
    let bounds =
        Bounds::new(spec.keys.clone(), spec.lower.clone(), spec.upper.clone()).map_err(&err)?;
    let k = bounds.len();
    let design = match spec.method {
        Method::Sobol => Design::Sobol(SaltelliDesign::new(k, spec.n, scn.seed).map_err(&err)?),
        Method::Morris => {
            Design::Morris(MorrisDesign::new(k, spec.n, spec.levels, scn.seed).map_err(&err)?)
        }
    };
    Ok((spec, bounds, design))
}

/// The tracked metrics, from one simulation of the baseline arm at
/// replication 0.
pub(crate) fn pilot_metrics<M: Model>(
    scn: &Scenario,
    model: &M,
) -> Result<Vec<String>, ScenarioError> {
    let arms = arms_at(scn, model, &[], &[])?;
    let pilot = model
        .simulate(&arms[0].overrides, replication_seed(scn.seed, 0))
        .map_err(|source| ScenarioError::Study {
            file: scn.file.clone(),
            line: None,
            context: "baseline arm, pilot run".into(),
            source: Box::new(source),
        })?;
    tracked_metrics(scn, &pilot)
}

/// The plan from its design and the tracked metrics: outputs are, per
/// metric, the baseline level then each intervention's effect.
fn with_metrics<M: Model>(
    scn: &Scenario,
    model: &M,
    (spec, bounds, design): (SensitivitySpec, Bounds, Design),
    metrics: Vec<String>,
) -> Result<Plan, ScenarioError> {
    let arms = arms_at(scn, model, &[], &[])?;
    let outputs = metrics
        .iter()
        .flat_map(|m| {
            arms.iter().map(move |a| OutputName {
                metric: m.clone(),
                intervention: a.name.clone(),
            })
        })
        .collect();
    Ok(Plan {
        spec,
        bounds,
        design,
        metrics,
        outputs,
    })
}

/// Outputs of design rows `range` (identical whatever the slicing or the
/// thread count): per metric, the baseline level then each intervention's
/// effect, each a mean over the replications.
pub fn design_rows<M: Model>(
    scn: &Scenario,
    model: &M,
    plan: &Plan,
    range: Range<usize>,
    progress: &dyn Monitor,
) -> Result<Vec<Vec<f64>>, ScenarioError> {
    design_rows_from(scn, model, plan, range, 0, progress)
}

/// [`design_rows`] with the replication seeds `first_rep..first_rep + R`
/// (the repeated points of the noise check use a disjoint set).
pub(crate) fn design_rows_from<M: Model>(
    scn: &Scenario,
    model: &M,
    plan: &Plan,
    range: Range<usize>,
    first_rep: usize,
    progress: &dyn Monitor,
) -> Result<Vec<Vec<f64>>, ScenarioError> {
    Ok(
        design_cells_from(scn, model, plan, range, first_rep, progress)?
            .into_iter()
            .map(|(y, _)| y)
            .collect(),
    )
}

/// Metric values of one design row, `[replication][arm][metric]` (arms:
/// baseline, then the interventions): the rows of the tidy design.csv.
pub(crate) type Cells = Vec<Vec<Vec<f64>>>;

/// [`design_rows`] with every simulation's metric values kept.
pub(crate) fn design_cells<M: Model>(
    scn: &Scenario,
    model: &M,
    plan: &Plan,
    range: Range<usize>,
    progress: &dyn Monitor,
) -> Result<Vec<(Vec<f64>, Cells)>, ScenarioError> {
    design_cells_from(scn, model, plan, range, 0, progress)
}

fn design_cells_from<M: Model>(
    scn: &Scenario,
    model: &M,
    plan: &Plan,
    range: Range<usize>,
    first_rep: usize,
    progress: &dyn Monitor,
) -> Result<Vec<(Vec<f64>, Cells)>, ScenarioError> {
    let total = range.len();
    let done = AtomicUsize::new(0);
    let reps = plan.spec.replications;
    let rows: Vec<Result<(Vec<f64>, Cells), ScenarioError>> = range
        .into_par_iter()
        .map(|r| {
            if progress.cancelled() {
                return Err(ScenarioError::Cancelled);
            }
            let theta = plan.bounds.scale(&plan.design.point(r));
            let arms = arms_at(scn, model, &plan.bounds.keys, &theta)?;
            let mut sums = vec![vec![0.0; arms.len()]; plan.metrics.len()];
            let mut cells: Cells = Vec::with_capacity(reps);
            for rep in first_rep..first_rep + reps {
                let seed = replication_seed(scn.seed, rep);
                let mut base = Vec::new();
                let mut by_arm = Vec::with_capacity(arms.len());
                for (a, arm) in arms.iter().enumerate() {
                    let s = model.simulate(&arm.overrides, seed).map_err(|source| {
                        ScenarioError::Study {
                            file: scn.file.clone(),
                            line: None,
                            context: format!("{} arm, design row {r} (seed {seed})", arm.name),
                            source: Box::new(source),
                        }
                    })?;
                    let mut values = Vec::with_capacity(plan.metrics.len());
                    for (m, name) in plan.metrics.iter().enumerate() {
                        let v = s.metrics.get(name).copied().unwrap_or(f64::NAN);
                        values.push(v);
                        if a == 0 {
                            base.push(v);
                            sums[m][0] += v;
                        } else {
                            sums[m][a] += v - base[m];
                        }
                    }
                    by_arm.push(values);
                }
                cells.push(by_arm);
            }
            progress.progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            let y = sums
                .into_iter()
                .flatten()
                .map(|s| s / reps as f64)
                .collect();
            Ok((y, cells))
        })
        .collect();
    rows.into_iter().collect()
}

/// Indices of every (output, parameter) from the pooled rows of the whole
/// design, in design order.
pub fn summarise(
    scn: &Scenario,
    plan: &Plan,
    rows: Vec<Vec<f64>>,
) -> Result<Analysis, ScenarioError> {
    let err = sens_err(scn, plan.spec.line);
    let expected = plan.design.rows();
    if rows.len() != expected {
        return Err(err(SensitivityError::RowCount {
            expected,
            got: rows.len(),
        }));
    }
    let width = plan.outputs.len();
    if let Some((row, r)) = rows.iter().enumerate().find(|(_, r)| r.len() != width) {
        return Err(err(SensitivityError::RowWidth {
            row,
            expected: width,
            got: r.len(),
        }));
    }
    let k = plan.bounds.len();
    let mut indices = Vec::with_capacity(width * k);
    for (o, name) in plan.outputs.iter().enumerate() {
        let y: Vec<f64> = rows.iter().map(|r| r[o]).collect();
        let values: Vec<IndexValues> = match &plan.design {
            Design::Sobol(_) => {
                let out = SaltelliOutputs::split(&y, k).map_err(&err)?;
                let boot_seed = seed::derive(scn.seed, o as u64, Component::Bootstrap);
                sobol_indices(&out, plan.spec.bootstrap, boot_seed)
                    .into_iter()
                    .map(IndexValues::Sobol)
                    .collect()
            }
            Design::Morris(d) => morris_indices(d, &y)
                .map_err(&err)?
                .into_iter()
                .map(IndexValues::Morris)
                .collect(),
        };
        for (param, values) in plan.bounds.keys.iter().zip(values) {
            indices.push(IndexRow {
                metric: name.metric.clone(),
                intervention: name.intervention.clone(),
                param: param.clone(),
                note: undefined_note(&y, &values),
                values,
            });
        }
    }
    let points = (0..expected)
        .map(|r| plan.bounds.scale(&plan.design.point(r)))
        .collect();
    Ok(Analysis {
        scenario: scn.name.clone(),
        study: scn.study.to_string(),
        method: plan.spec.method,
        n: plan.spec.n,
        runs: expected,
        replications: plan.spec.replications,
        seed: scn.seed,
        params: plan.bounds.keys.clone(),
        lower: plan.bounds.lower.clone(),
        upper: plan.bounds.upper.clone(),
        outputs: plan.outputs.clone(),
        indices,
        points,
        rows,
        cells: Vec::new(),
        metrics: plan.metrics.clone(),
        noise_share: Vec::new(),
        warnings: Vec::new(),
    })
}
