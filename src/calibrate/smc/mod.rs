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

pub use likelihood::ln_likelihood_of_q;
pub use posterior::{SmcOptions, posterior, posterior_monitored};
pub use posterior_file::{PosteriorFileError, PosteriorSample};
pub use result::Posterior;

use super::CalibrateError;

/// Errors of a Bayesian calibration or its SBC.
#[derive(Debug, thiserror::Error)]
pub enum SmcError {
    /// The calibration setup failed.
    #[error(transparent)]
    Calibrate(#[from] CalibrateError),
    /// The sampler could not finish.
    #[error(transparent)]
    Sampler(#[from] sampler::SamplerError),
    /// A `[[prior]]` of the targets file is invalid.
    #[error("{file}, line {line}: {source}")]
    Prior {
        /// The file.
        file: String,
        /// Its line, where known.
        line: usize,
        /// The underlying error.
        #[source]
        source: prior::PriorError,
    },
    /// An option is out of range.
    #[error("invalid option `{option}`: {reason}")]
    Option {
        /// The option.
        option: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// No cohort at the drawn θ gives every target.
    #[error(
        "SBC draw {draw}: none of {tries} cohorts at the drawn θ = {theta:?} gives every target"
    )]
    SbcData {
        /// The SBC draw.
        draw: usize,
        /// Prior draws tried.
        tries: usize,
        /// The last θ drawn.
        theta: Vec<f64>,
    },
    /// The monitor cancelled the run.
    #[error("calibration cancelled")]
    Cancelled,
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
