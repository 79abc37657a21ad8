//! One run of the mechanism under given enclave statuses: omega*, the
//! weak-tie graph, the engine and the mobility outcome. Baseline, policy and
//! counterfactual runs differ only in the statuses and parameters; every
//! random number is shared (common random numbers).

use super::choice::OmegaTable;
use super::config::Config;
use super::mechanism::{JobRun, run_jobs};
use super::network::weak_tie_graph;
use super::outcome::mobility;
use super::population::Population;
use crate::network::SocialGraph;

/// Inputs shared by every run of one simulation.
pub struct Inputs<'a> {
    pub cfg: &'a Config,
    pub pop: &'a Population,
    pub omega_table: &'a OmegaTable,
    /// Network-free part of the mobility index.
    pub base: &'a [f64],
    pub seed: u64,
}

/// What a run produced.
pub struct Run {
    pub omega: Vec<f64>,
    pub graph: SocialGraph,
    pub jobs: JobRun,
    pub up: Vec<bool>,
}

/// Run the mechanism with enclave statuses `enclave`.
pub fn run(inp: &Inputs<'_>, enclave: &[bool]) -> Run {
    let omega = inp.omega_table.omegas(inp.pop, enclave);
    let graph = weak_tie_graph(inp.cfg, inp.pop, enclave, inp.seed);
    let jobs = run_jobs(inp.cfg, inp.pop, &omega, &graph, inp.seed);
    let up = mobility(inp.cfg, inp.base, &jobs.job);
    Run {
        omega,
        graph,
        jobs,
        up,
    }
}
