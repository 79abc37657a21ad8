//! A whole sensitivity analysis in one process: prepare the design, run
//! every row, summarise the indices, then check them against replication
//! noise from repeated points ([`super::noise`]).

use super::noise;
use super::scenario::{Analysis, Method, design_cells, prepare, summarise};
use crate::monitor::Monitor;
use crate::scenario::{Model, Scenario, ScenarioError};

/// Prepare, run every row and summarise.
pub fn analyse<M: Model>(
    scn: &Scenario,
    model: &M,
    method: Option<Method>,
    n: Option<usize>,
    progress: &dyn Monitor,
) -> Result<Analysis, ScenarioError> {
    let plan = prepare(scn, model, method, n)?;
    let (rows, cells) = design_cells(scn, model, &plan, 0..plan.design.rows(), progress)?
        .into_iter()
        .unzip();
    let mut a = summarise(scn, &plan, rows)?;
    a.cells = cells;
    noise::check(scn, model, &plan, &mut a)?;
    Ok(a)
}
