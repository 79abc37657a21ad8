//! The Zenou (2013) dyad job-information model: analytic steady state, ODE,
//! heterogeneous contact rates, endogenous weak-tie choice, and the exact
//! continuous-time agent-based engine.

pub mod analytic;
pub mod choice;
pub mod error;
pub mod hetero;
pub mod ode;
pub mod solve;

pub use analytic::Params;
pub use error::ZenouError;
