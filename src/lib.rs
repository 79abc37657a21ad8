//! migsim: an agent-based migration simulator.
//!
//! Data flow: scenario -> population (agents on a petgraph network) -> engine
//! -> survey measurement -> cohort -> estimators -> recovery diagnostics ->
//! report. The `migsim` binary is a thin clap shell over this library.
#![deny(missing_docs)]

pub mod calibrate;
pub mod cli;
pub mod columnar;
pub mod data;
pub mod dotted;
pub mod estimate;
pub(crate) mod input;
pub mod io;
pub mod monitor;
pub mod network;
pub mod numeric;
pub mod recovery;
pub mod replicate;
pub mod report;
pub(crate) mod resources;
pub mod scenario;
pub mod seed;
pub mod sensitivity;
#[cfg(feature = "serve")]
pub mod serve;
pub mod shard;
pub mod studies;
pub mod zenou;
