#![deny(missing_docs)]
//! The Zenou (2013) dyad job-information model: analytic steady state, ODE,
//! heterogeneous contact rates, endogenous weak-tie choice (over the steady
//! state or a finite stay), and the exact
//! continuous-time agent-based engine.

/// Look-ahead view of a random stream (prefetch hints, identical draws).
pub mod ahead;
/// Closed forms: e* (eq. 6), the existence condition (5), de*/domega.
pub mod analytic;
/// Endogenous weak-tie choice (eqs. 7-11).
pub mod choice;
/// The exact continuous-time agent-based engine (Gillespie).
pub mod engine;
/// Errors of the model and engine.
pub(crate) mod error;
/// Mean-field steady state with group-specific omega.
pub mod hetero;
/// Weak-tie choice over a finite stay.
pub mod horizon;
/// The three dyad ODEs and their steady state.
pub mod ode;
/// Configured engine runs and replications.
pub mod run;
/// Scalar root finding and minimisation (Brent).
pub(crate) mod solve;
/// Time-exact share-up bookkeeping and batch-means errors.
pub mod tracker;

pub use analytic::Params;
pub use error::ZenouError;
pub use run::{
    EngineConfig, OmegaSpec, RunResult, run_replication, run_replication_monitored,
    run_replications,
};
