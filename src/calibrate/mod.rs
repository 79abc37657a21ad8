//! Calibration of the studies to their published tables by indirect
//! inference (simulated minimum distance): `migsim calibrate`.
//!
//! [`spec`] picks the targets (rows of `migsim replicate`) and the free
//! parameters (dotted config keys, checked against the settings registry);
//! [`objective`] is Q(θ) with common random numbers and a parallel batch
//! evaluator; [`optimise`] runs a bounded Nelder–Mead from several starts;
//! [`inference`] gives the Jacobian, sandwich covariance, J test and
//! identification diagnostics; [`setup`] resolves the options into an
//! objective, [`run`] searches and infers, `endpoints` gives the fit of
//! the targets and held-out rows, `result` holds the outcome and
//! `output` writes it (`calibrated.toml`, whose `[calibration]` table
//! is `crate::studies::calibrated`). [`smc`] samples the
//! posterior instead (`--method smc`).

pub(crate) mod endpoints;
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
    #[error("cannot read targets file {file}: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}{}: {message}", .line.map(|l| format!(", line {l}")).unwrap_or_default())]
    TargetsFile {
        file: String,
        line: Option<usize>,
        message: String,
    },
    #[error("free parameter `{key}` {reason}")]
    Free { key: String, reason: String },
    #[error("target {table} / {spec} / {term}: {reason}")]
    Target {
        table: String,
        spec: String,
        term: String,
        reason: String,
    },
    #[error("invalid calibration option `{option}`: {reason}")]
    Option { option: String, reason: String },
    #[error("the targets cannot be computed at the start values: {0}")]
    Start(#[source] objective::CohortError),
    #[error("self-check: target {table} / {spec} / {term} cannot be estimated at θ₀")]
    SelfCheck {
        table: String,
        spec: String,
        term: String,
    },
    #[error(
        "calibration failed: Q = {q:e} at the estimate is the failure penalty ({counts}); \
         no calibrated.toml is written (try a larger --n or --reps, or other targets)"
    )]
    Failed { q: f64, counts: String },
    #[error("calibration cancelled")]
    Cancelled,
    #[error(transparent)]
    Study(Box<StudyError>),
    #[error("cannot write {file}: {source}")]
    Write {
        file: String,
        #[source]
        source: std::io::Error,
    },
}

impl From<StudyError> for CalibrateError {
    fn from(e: StudyError) -> Self {
        CalibrateError::Study(Box::new(e))
    }
}
