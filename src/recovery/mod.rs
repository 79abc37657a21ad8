//! Monte Carlo recovery harness: simulate a world whose truth is known, draw
//! the survey cohort many times, fit the same estimators on every draw, and
//! measure how well each recovers the truth (bias, RMSE, coverage, power...).
//!
//! A recovery spec (TOML, `spec`) names the data source (a study with
//! config overrides, or the built-in known-coefficient `dgp::LogitDgp`), the
//! sample size, replications and master seed, the estimands (entries of the
//! simulator's [`crate::studies::Truth`]) and the estimators, each with the
//! row of its [`crate::estimate::FitResult`] that estimates an estimand.
//! [`run::run`] runs the replications in parallel; replication `r` draws its
//! data from `seed::derive(master, r, Population)` and its estimator
//! randomness from `seed::derive(master, r, Estimator)`, so results do not
//! depend on the number of threads. `diagnosands` summarises them with
//! Monte Carlo standard errors (Morris, White & Crowther 2019), and
//! [`output`] renders the table, the JSON object and the CSV files.
#![deny(missing_docs)]

pub(crate) mod dgp;
pub(crate) mod diagnosands;
pub mod estimands;
pub(crate) mod estimators;
pub(crate) mod options;
pub mod output;
pub mod power;
pub(crate) mod problem;
pub mod run;
pub(crate) mod spec;
pub(crate) mod take;

pub use diagnosands::{Diagnosands, Sample};
pub use output::output_files;
pub use run::{Recovery, RunOptions, run};
pub use spec::{Source, Spec};

use crate::estimate::EstimateError;
use crate::studies::StudyError;

/// Errors of the recovery harness; spec errors name the file and line.
#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    /// The caller's [`crate::monitor::Monitor`] asked the run to stop.
    #[error("cancelled before the run finished; nothing was written")]
    Cancelled,
    /// The spec file could not be read.
    #[error("cannot read {file}: {source}")]
    Read {
        /// The spec file.
        file: String,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A key of the spec is wrong (unknown, of the wrong type, out of range).
    #[error("{file} line {line}: {message}")]
    Spec {
        /// The spec file.
        file: String,
        /// 1-based line of the key.
        line: usize,
        /// What is wrong and what was expected.
        message: String,
    },
    /// The spec is wrong as a whole (not TOML, a required table missing).
    #[error("{file}: {message}")]
    SpecFile {
        /// The spec file.
        file: String,
        /// What is wrong and what was expected.
        message: String,
    },
    /// The study could not simulate replication `rep`.
    #[error("replication {rep}: {source}")]
    Simulate {
        /// 0-based replication.
        rep: usize,
        /// The study's error.
        #[source]
        source: Box<StudyError>,
    },
    /// An estimand is not in the simulator's truth.
    #[error("replication {rep}: {source}")]
    Estimand {
        /// 0-based replication.
        rep: usize,
        /// Which estimand, and the ones there are.
        #[source]
        source: problem::UnknownEstimand,
    },
    /// An estimator failed on replication `rep`'s data.
    #[error("replication {rep}: estimator `{label}`: {source}")]
    Fit {
        /// 0-based replication.
        rep: usize,
        /// The estimator's label in the spec.
        label: String,
        /// The data or estimation error.
        #[source]
        source: Box<problem::FitError>,
    },
    /// The `[dgp]` table of a known-coefficient logit is invalid.
    #[error("invalid logit DGP: {0}")]
    Dgp(String),
    /// An estimator could not be built from its spec.
    #[error(transparent)]
    Estimate(#[from] EstimateError),
    /// The output files could not be written.
    #[error(transparent)]
    Write(#[from] crate::io::WriteError),
    /// The run would not fit in memory.
    #[error(transparent)]
    Size(#[from] crate::resources::SizeError),
    /// Rayon could not start the worker threads.
    #[error("cannot build a thread pool: {0}")]
    ThreadPool(String),
}
