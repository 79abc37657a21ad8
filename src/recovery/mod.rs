//! Monte Carlo recovery harness: simulate a world whose truth is known, draw
//! the survey cohort many times, fit the same estimators on every draw, and
//! measure how well each recovers the truth (bias, RMSE, coverage, power...).
//!
//! A recovery spec (TOML, [`spec`]) names the data source (a study with
//! config overrides, or the built-in known-coefficient [`dgp::LogitDgp`]), the
//! sample size, replications and master seed, the estimands (entries of the
//! simulator's [`crate::studies::Truth`]) and the estimators, each with the
//! row of its [`crate::estimate::FitResult`] that estimates an estimand.
//! [`run::run`] runs the replications in parallel; replication `r` draws its
//! data from `seed::derive(master, r, Population)` and its estimator
//! randomness from `seed::derive(master, r, Estimator)`, so results do not
//! depend on the number of threads. [`diagnosands`] summarises them with
//! Monte Carlo standard errors (Morris, White & Crowther 2019), and
//! [`output`] renders the table, the JSON object and the CSV files.

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
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file} line {line}: {message}")]
    Spec {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    SpecFile { file: String, message: String },
    #[error("replication {rep}: {source}")]
    Simulate {
        rep: usize,
        #[source]
        source: Box<StudyError>,
    },
    #[error("replication {rep}: {source}")]
    Estimand {
        rep: usize,
        #[source]
        source: problem::UnknownEstimand,
    },
    #[error("replication {rep}: estimator `{label}`: {source}")]
    Fit {
        rep: usize,
        label: String,
        #[source]
        source: Box<problem::FitError>,
    },
    #[error("invalid logit DGP: {0}")]
    Dgp(String),
    #[error(transparent)]
    Estimate(#[from] EstimateError),
    #[error(transparent)]
    Write(#[from] crate::io::WriteError),
    #[error(transparent)]
    Size(#[from] crate::resources::SizeError),
    #[error("cannot build a thread pool: {0}")]
    ThreadPool(String),
}
