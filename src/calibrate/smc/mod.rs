//! Bayesian calibration: `migsim calibrate <study> --method smc`.
//!
//! The posterior of the free parameters given the published targets,
//! `π(θ | y_pub) ∝ p(θ) L(θ)`, with the priors of [`prior`] (uniform on
//! the calibration bounds unless the targets file says otherwise) and the
//! Gaussian synthetic likelihood of `likelihood` (the published SEs, the
//! same targets and common random numbers as indirect inference), sampled
//! by the adaptive tempered SMC of [`sampler`]. [`posterior()`] runs it and
//! the posterior predictive check of `predictive`; [`sbc`] validates it
//! by simulation-based calibration and [`coverage`] compares its intervals'
//! coverage with the sandwich's; `result` holds the outcome,
//! `posterior_file` the `posterior.csv` format read by scenarios'
//! `[uncertainty]` and `[sensitivity]`, `output` the text and files.
//!
//! Why a synthetic likelihood and not ABC: the targets come with published
//! standard errors, which are exactly the scale a Gaussian likelihood
//! needs, so no tolerance or distance has to be tuned, and every simulated
//! θ contributes through its likelihood rather than an accept/reject
//! threshold; with common random numbers L(θ) is a deterministic function
//! of θ and the sampler targets one fixed posterior.

pub mod coverage;
pub(crate) mod likelihood;
pub(crate) mod output;
pub mod posterior;
pub(crate) mod posterior_file;
pub(crate) mod predictive;
pub mod prior;
pub(crate) mod result;
pub mod sampler;
pub mod sbc;

pub use posterior::{SmcOptions, posterior, posterior_monitored};
pub use posterior_file::{PosteriorFileError, PosteriorSample};

use super::CalibrateError;

/// Errors of a Bayesian calibration or its SBC.
#[derive(Debug, thiserror::Error)]
pub enum SmcError {
    #[error(transparent)]
    Calibrate(#[from] CalibrateError),
    #[error(transparent)]
    Sampler(#[from] sampler::SamplerError),
    #[error("{file}, line {line}: {source}")]
    Prior {
        file: String,
        line: usize,
        #[source]
        source: prior::PriorError,
    },
    #[error("invalid option `{option}`: {reason}")]
    Option {
        option: &'static str,
        reason: String,
    },
    #[error(
        "SBC draw {draw}: none of {tries} cohorts at the drawn θ = {theta:?} gives every target"
    )]
    SbcData {
        draw: usize,
        tries: usize,
        theta: Vec<f64>,
    },
    #[error("calibration cancelled")]
    Cancelled,
    #[error("cannot write {file}: {source}")]
    Write {
        file: String,
        #[source]
        source: std::io::Error,
    },
}
