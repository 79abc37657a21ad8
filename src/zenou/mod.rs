//! The Zenou (2013) dyad job-information model: analytic steady state, ODE,
//! heterogeneous contact rates, endogenous weak-tie choice (over the steady
//! state or a finite stay), and the exact
//! continuous-time agent-based engine.

pub mod ahead;
pub mod analytic;
pub mod choice;
pub mod engine;
pub mod error;
pub mod hetero;
pub mod horizon;
pub mod ode;
pub mod run;
pub mod solve;
pub mod tracker;

pub use analytic::Params;
pub use error::ZenouError;
pub use run::{
    EngineConfig, OmegaSpec, RunResult, run_replication, run_replication_with_progress,
    run_replications,
};
