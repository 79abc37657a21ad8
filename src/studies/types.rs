//! Result and error types shared by the study modules.

use std::collections::BTreeMap;

use serde::Serialize;

use super::StudyName;
use crate::data::{DataError, Dataset};
use crate::estimate::EstimateError;
use crate::network::NetworkError;
use crate::zenou::ZenouError;

/// What only the simulator knows about a simulated cohort.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Truth {
    /// Structural parameters by name (e.g. the index coefficients of the
    /// outcome model, `beta_enclave`).
    pub params: BTreeMap<String, f64>,
    /// True population effects by name, computed from potential outcomes
    /// with common random numbers (e.g. `ate_direct`, `att_direct`,
    /// `ate_total`, `acme`, `ade`).
    pub effects: BTreeMap<String, f64>,
    /// Per-agent potential outcomes by name (same row order as the cohort),
    /// e.g. `up_if_enclave`, `up_if_not_enclave`.
    pub potential: BTreeMap<String, Vec<f64>>,
}

/// A metric over time (e.g. the share up by years in the city).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimePath {
    /// The metric's name.
    pub metric: String,
    /// The times (years, waves), ascending.
    pub times: Vec<f64>,
    /// The metric at each time.
    pub values: Vec<f64>,
}

/// One simulated cohort.
#[derive(Debug, Clone)]
pub struct Simulated {
    /// The survey as measured, with the DESIGN.md column names (latent
    /// columns prefixed `true_`).
    pub cohort: Dataset,
    /// What only the simulator knows of it.
    pub truth: Truth,
    /// Population summary metrics that scenarios track (e.g. `share_up`).
    pub metrics: BTreeMap<String, f64>,
    /// Metrics over time where the study has time.
    pub paths: Vec<TimePath>,
}

/// Errors of the study layer: invalid configs name the key and expectation.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    /// A study name that is not registered.
    #[error("unknown study `{0}` (expected one of: {expected})", expected = StudyName::keys_text())]
    UnknownStudy(String),
    /// A setting outside what the config accepts.
    #[error("invalid value for `{key}`: {reason}")]
    InvalidParameter {
        /// The dotted setting key.
        key: String,
        /// What was expected.
        reason: String,
    },
    /// An override table that does not fit the config (unknown key, type).
    #[error("invalid override: {0}")]
    Override(String),
    /// Reading or building the cohort's data.
    #[error(transparent)]
    Data(#[from] DataError),
    /// An estimator run inside the study (a replicated table).
    #[error(transparent)]
    Estimate(#[from] EstimateError),
    /// Building the social graph.
    #[error(transparent)]
    Network(#[from] NetworkError),
    /// The Zenou engine.
    #[error(transparent)]
    Zenou(#[from] ZenouError),
    /// A size that cannot be held in memory.
    #[error(transparent)]
    Size(#[from] crate::resources::SizeError),
    /// An allocation that failed.
    #[error(transparent)]
    Alloc(Box<crate::resources::AllocError>),
}

impl From<crate::resources::AllocError> for StudyError {
    fn from(e: crate::resources::AllocError) -> Self {
        StudyError::Alloc(Box::new(e))
    }
}

impl StudyError {
    /// [`StudyError::InvalidParameter`] of `key`, with the expectation.
    pub fn invalid(key: impl Into<String>, reason: impl Into<String>) -> Self {
        StudyError::InvalidParameter {
            key: key.into(),
            reason: reason.into(),
        }
    }
}
