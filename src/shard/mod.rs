//! Runs split across processes: job-array shards, `migsim merge`, and (with
//! the `mpi` feature) MPI ranks.
//!
//! A run of `R` units of work (replications of `recover` and `run`, then
//! `run`'s `[uncertainty]` draws; design rows of `sensitivity`) is cut into
//! `N` deterministic slices (`slice`); every unit draws its randomness
//! from `seed::derive(master, index, ..)`, so a slice needs no
//! coordination. A
//! shard writes its rows, the spec it ran and a `manifest::Manifest`
//! (version, spec hash, seed, indices, row counts, elapsed) into its own
//! folder ([`store`]); [`store::pool`] checks that shards agree and cover
//! every index exactly once, and the command's own summarising code turns
//! the pooled rows into the same files as a one-process run. Under MPI
//! (`mpi`) ranks play the shards and rank 0 pools in memory.
//!
//! `power` (`power`) is a [`Job`] the driver runs in one process only.
//! Every other such command is a [`Sharded`] [`Job`] ([`job`]: load, total, run a
//! slice, rows, merge, summarise, files), implemented in [`recovery`], `scenario` and
//! `sensitivity`, and run by the one generic [`driver`] on all four paths
//! (one process, `--shard`, `merge`, MPI), which also carries the caller's
//! [`crate::monitor::Monitor`] for progress and cancellation. `calibrate`
//! is not a job of independent units (its optimiser and sampler need each
//! batch's results before the next): under MPI it splits the cohorts of
//! each objective evaluation over the ranks (`mpi_calibrate`,
//! `mpi_smc`).
//!
//! Layer: above `recovery`, `scenario`, `sensitivity`, `calibrate` and `report`,
//! below `cli`.

pub mod codec;
pub mod driver;
pub mod job;
pub(crate) mod manifest;
pub(crate) mod mpi;
pub(crate) mod mpi_calibrate;
pub(crate) mod mpi_smc;
pub(crate) mod power;
pub mod recovery;
pub(crate) mod scenario;
pub(crate) mod sensitivity;
pub(crate) mod slice;
pub mod store;

pub use job::{Job, Sharded, SliceRows};
pub(crate) use manifest::Manifest;
pub use slice::{ShardArg, Slice};
pub use store::{Pooled, Shard};

use std::path::PathBuf;

/// Errors of sharded runs and merges; each names the shard folder or
/// variable at fault and what was expected.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    #[error("--shard `{text}`: {why}")]
    BadSlice { text: String, why: String },
    #[error("--shard auto: {var}: {why}")]
    Env { var: String, why: String },
    #[error("{shards} shards for {total} {unit}: use at most {total} shards")]
    TooManyShards {
        shards: usize,
        total: usize,
        unit: &'static str,
    },
    #[error("shard {dir}: {why}")]
    Corrupt { dir: PathBuf, why: String },
    #[error("shard {dir} does not belong with {first}: {why}")]
    Foreign {
        dir: PathBuf,
        first: PathBuf,
        why: String,
    },
    #[error("index {index} is held by both {a} and {b}: remove or rerun one of them")]
    Duplicate {
        index: usize,
        a: PathBuf,
        b: PathBuf,
    },
    #[error("{count} of {total} replication indices are missing ({ranges}): rerun {rerun}")]
    Missing {
        count: usize,
        total: usize,
        ranges: String,
        rerun: String,
    },
    #[error("merge needs at least one shard folder")]
    NoShards,
    /// The caller's [`crate::monitor::Monitor`] asked the job to stop.
    #[error("cancelled before the run finished; nothing was written")]
    Cancelled,
    /// A row file could not be converted to the requested format.
    #[error(transparent)]
    Columnar(#[from] crate::columnar::ColumnarError),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Write(#[from] crate::io::WriteError),
    #[error(transparent)]
    Recovery(#[from] Box<crate::recovery::RecoveryError>),
    #[error(transparent)]
    Scenario(#[from] Box<crate::scenario::ScenarioError>),
    #[error("MPI: {0}")]
    Mpi(String),
    #[error("cannot encode {what}: {source}")]
    Encode {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
}

impl ShardError {
    /// Whether the job stopped because its [`crate::monitor::Monitor`]
    /// asked it to (in the driver or in the job's own units).
    pub fn is_cancelled(&self) -> bool {
        match self {
            ShardError::Cancelled => true,
            ShardError::Scenario(e) => matches!(**e, crate::scenario::ScenarioError::Cancelled),
            ShardError::Recovery(e) => matches!(**e, crate::recovery::RecoveryError::Cancelled),
            _ => false,
        }
    }
}

impl From<crate::recovery::RecoveryError> for ShardError {
    fn from(e: crate::recovery::RecoveryError) -> Self {
        ShardError::Recovery(Box::new(e))
    }
}

impl From<crate::scenario::ScenarioError> for ShardError {
    fn from(e: crate::scenario::ScenarioError) -> Self {
        ShardError::Scenario(Box::new(e))
    }
}
