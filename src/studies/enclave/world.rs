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
    /// The study's config.
    pub cfg: &'a Config,
    /// The drawn population.
    pub pop: &'a Population,
    /// The tabulated job-arrival rates ω.
    pub omega_table: &'a OmegaTable,
    /// Network-free part of the mobility index.
    pub base: &'a [f64],
    /// The simulation's seed.
    pub seed: u64,
}

/// What a run produced.
pub struct Run {
    /// Each migrant's job-arrival rate ω.
    pub omega: Vec<f64>,
    /// The weak-tie graph the run used.
    pub graph: SocialGraph,
    /// Who holds a good job, through which tie, and the share up by year.
    pub jobs: JobRun,
    /// Occupational mobility (the outcome `up`) of each migrant.
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
