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
//! ([`calibration`]) is not a job of independent units (its optimiser and
//! sampler need each batch's results before the next): it is a
//! [`Collective`] [`Job`], which the same driver runs in one process and,
//! under MPI, on ranks that split the cohorts of each objective evaluation
//! (`mpi_calibrate`).
//!
//! Layer: above `recovery`, `scenario`, `sensitivity`, `calibrate` and `report`,
//! below `cli`.
#![warn(missing_docs)]

pub mod calibration;
pub mod codec;
pub mod driver;
pub mod job;
pub(crate) mod manifest;
pub(crate) mod mpi;
pub(crate) mod mpi_calibrate;
pub(crate) mod power;
pub mod recovery;
pub mod scenario;
pub mod sensitivity;
pub(crate) mod slice;
pub mod store;

pub use job::{Collective, Job, Sharded, SliceRows};
pub(crate) use manifest::Manifest;
pub use slice::{ShardArg, Slice};
pub use store::{Pooled, Shard};

use std::path::PathBuf;

/// Errors of sharded runs and merges; each names the shard folder or
/// variable at fault and what was expected.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// `--shard` is not `K/N` with `1 <= K <= N`.
    #[error("--shard `{text}`: {why}")]
    BadSlice {
        /// The argument as given.
        text: String,
        /// What is wrong with it.
        why: String,
    },
    /// `--shard auto` without usable Slurm array variables.
    #[error("--shard auto: {var}: {why}")]
    Env {
        /// The variable at fault.
        var: String,
        /// What is wrong with it.
        why: String,
    },
    /// More shards than units of work.
    #[error("{shards} shards for {total} {unit}: use at most {total} shards")]
    TooManyShards {
        /// Shards asked for.
        shards: usize,
        /// Units of work of the run.
        total: usize,
        /// What the units are.
        unit: &'static str,
    },
    /// A shard folder is unfinished or its files disagree with its manifest.
    #[error("shard {dir}: {why}")]
    Corrupt {
        /// The shard folder.
        dir: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// A shard ran another spec, seed, version or settings than the first.
    #[error("shard {dir} does not belong with {first}: {why}")]
    Foreign {
        /// The shard folder.
        dir: PathBuf,
        /// The first shard folder, which the others must match.
        first: PathBuf,
        /// What differs.
        why: String,
    },
    /// Two shards hold the same unit index.
    #[error("index {index} is held by both {a} and {b}: remove or rerun one of them")]
    Duplicate {
        /// The unit index.
        index: usize,
        /// One shard folder holding it.
        a: PathBuf,
        /// The other.
        b: PathBuf,
    },
    /// Unit indices no shard holds.
    #[error("{count} of {total} replication indices are missing ({ranges}): rerun {rerun}")]
    Missing {
        /// Indices missing.
        count: usize,
        /// Units of work of the run.
        total: usize,
        /// The missing indices as ranges.
        ranges: String,
        /// The `--shard K/N` runs to rerun.
        rerun: String,
    },
    /// `merge` was given no shard folder.
    #[error("merge needs at least one shard folder")]
    NoShards,
    /// The caller's [`crate::monitor::Monitor`] asked the job to stop.
    #[error("cancelled before the run finished; nothing was written")]
    Cancelled,
    /// A row file could not be converted to the requested format.
    #[error(transparent)]
    Columnar(#[from] crate::columnar::ColumnarError),
    /// A shard's file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        #[source]
        /// The cause.
        source: std::io::Error,
    },
    /// The output files cannot be written.
    #[error(transparent)]
    Write(#[from] crate::io::WriteError),
    /// A recovery run failed.
    #[error(transparent)]
    Recovery(#[from] Box<crate::recovery::RecoveryError>),
    /// A scenario run failed.
    #[error(transparent)]
    Scenario(#[from] Box<crate::scenario::ScenarioError>),
    /// A calibration by indirect inference failed.
    #[error(transparent)]
    Calibrate(#[from] Box<crate::calibrate::CalibrateError>),
    /// A posterior or SBC run failed.
    #[error(transparent)]
    Smc(#[from] Box<crate::calibrate::smc::SmcError>),
    /// A study name or config was refused.
    #[error(transparent)]
    Study(#[from] Box<crate::studies::StudyError>),
    /// A chart of the output could not be drawn.
    #[error(transparent)]
    Chart(#[from] crate::report::charts::ChartError),
    /// An MPI collective failed.
    #[error("MPI: {0}")]
    Mpi(String),
    /// A result cannot be encoded as JSON.
    #[error("cannot encode {what}: {source}")]
    Encode {
        /// What was being encoded.
        what: &'static str,
        #[source]
        /// The cause.
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
            ShardError::Calibrate(e) => {
                matches!(**e, crate::calibrate::CalibrateError::Cancelled)
            }
            ShardError::Smc(e) => matches!(
                **e,
                crate::calibrate::smc::SmcError::Cancelled
                    | crate::calibrate::smc::SmcError::Calibrate(
                        crate::calibrate::CalibrateError::Cancelled
                    )
            ),
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
