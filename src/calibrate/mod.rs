#![deny(missing_docs)]
//! Calibration of the studies to their published tables by indirect
//! inference (simulated minimum distance): `migsim calibrate`.
//!
//! [`spec`] picks the targets (rows of `migsim replicate`) and the free
//! parameters (dotted config keys, checked against the settings registry);
//! [`objective`] is Q(θ) with common random numbers and a parallel batch
//! evaluator; [`optimise`] runs a bounded Nelder–Mead from several starts;
//! [`inference`] gives the Jacobian, sandwich covariance, J test and
//! identification diagnostics; [`geography`] adds each target's
//! between-geography variance to its published SE; [`setup`] resolves
//! the options into an objective, [`run`] searches and infers,
//! `endpoints` gives the fit of the targets and held-out rows, `result`
//! holds the outcome and `output` writes it (`calibrated.toml`, whose
//! `[calibration]` table is `crate::studies::calibrated`). [`smc`]
//! samples the posterior instead (`--method smc`).

pub(crate) mod endpoints;
pub mod geography;
pub mod inference;
pub mod objective;
pub mod optimise;
pub(crate) mod output;
pub(crate) mod profile;
pub(crate) mod result;
pub mod run;
pub(crate) mod selection_sweep;
pub mod setup;
pub mod smc;
pub mod spec;

pub use crate::studies::calibrated::{CalibratedFileError, CalibrationTable};
pub use result::Calibration;
pub use run::{calibrate, calibrate_monitored};
pub use setup::Options;

use crate::studies::StudyError;

/// Errors of a calibration; each names the file, line or key involved.
#[derive(Debug, thiserror::Error)]
pub enum CalibrateError {
    /// The targets file could not be read.
    #[error("cannot read targets file {file}: {source}")]
    Read {
        /// The file.
        file: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The targets file is malformed.
    #[error("{file}{}: {message}", .line.map(|l| format!(", line {l}")).unwrap_or_default())]
    TargetsFile {
        /// The file.
        file: String,
        /// Its line, where known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A free parameter is unknown or has bad bounds.
    #[error("free parameter `{key}` {reason}")]
    Free {
        /// The dotted key.
        key: String,
        /// Why it was refused.
        reason: String,
    },
    /// A target row does not exist, is ambiguous or has no published SE.
    #[error("target {table} / {spec} / {term}: {reason}")]
    Target {
        /// The target's table.
        table: String,
        /// Its specification text.
        spec: String,
        /// Its term.
        term: String,
        /// Why it was refused.
        reason: String,
    },
    /// An option is out of range.
    #[error("invalid calibration option `{option}`: {reason}")]
    Option {
        /// The option.
        option: String,
        /// Why it was refused.
        reason: String,
    },
    /// The targets cannot be computed at θ₀.
    #[error("the targets cannot be computed at the start values: {0}")]
    Start(#[source] objective::CohortError),
    /// A self-check target has no estimate at θ₀.
    #[error("self-check: target {table} / {spec} / {term} cannot be estimated at θ₀")]
    SelfCheck {
        /// The target's table.
        table: String,
        /// Its specification text.
        spec: String,
        /// Its term.
        term: String,
    },
    /// Q at the estimate is the failure penalty.
    #[error(
        "calibration failed: Q = {q:e} at the estimate is the failure penalty ({counts}); \
         no calibrated.toml is written (try a larger --n or --reps, or other targets)"
    )]
    Failed {
        /// Q at the estimate.
        q: f64,
        /// The targets' failure counts.
        counts: String,
    },
    /// The monitor cancelled the calibration.
    #[error("calibration cancelled")]
    Cancelled,
    /// The study refused its configuration.
    #[error(transparent)]
    Study(Box<StudyError>),
    /// An output file could not be written.
    #[error("cannot write {file}: {source}")]
    Write {
        /// The file.
        file: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl From<StudyError> for CalibrateError {
    fn from(e: StudyError) -> Self {
        CalibrateError::Study(Box::new(e))
    }
}
