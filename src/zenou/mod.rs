//! The Zenou (2013) dyad job-information model: analytic steady state, ODE,
//! heterogeneous contact rates, endogenous weak-tie choice (over the steady
//! state or a finite stay), and the exact
//! continuous-time agent-based engine.

pub(crate) mod ahead;
pub mod analytic;
pub mod choice;
pub mod engine;
pub(crate) mod error;
pub mod hetero;
pub mod horizon;
pub mod ode;
pub mod run;
pub(crate) mod solve;
pub mod tracker;

pub use analytic::Params;
pub(crate) use error::ZenouError;
pub(crate) use run::run_replication_with_progress;
pub use run::{EngineConfig, OmegaSpec, RunResult, run_replication, run_replications};
