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
    pub metric: String,
    pub times: Vec<f64>,
    pub values: Vec<f64>,
}

/// One simulated cohort.
#[derive(Debug, Clone)]
pub struct Simulated {
    /// The survey as measured, with the DESIGN.md column names (latent
    /// columns prefixed `true_`).
    pub cohort: Dataset,
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
    #[error("invalid value for `{key}`: {reason}")]
    InvalidParameter { key: String, reason: String },
    #[error("invalid override: {0}")]
    Override(String),
    #[error(transparent)]
    Data(#[from] DataError),
    #[error(transparent)]
    Estimate(#[from] EstimateError),
    #[error(transparent)]
    Network(#[from] NetworkError),
    #[error(transparent)]
    Zenou(#[from] ZenouError),
    #[error(transparent)]
    Size(#[from] crate::resources::SizeError),
    #[error(transparent)]
    Alloc(Box<crate::resources::AllocError>),
}

impl From<crate::resources::AllocError> for StudyError {
    fn from(e: crate::resources::AllocError) -> Self {
        StudyError::Alloc(Box::new(e))
    }
}

impl StudyError {
    pub fn invalid(key: impl Into<String>, reason: impl Into<String>) -> Self {
        StudyError::InvalidParameter {
            key: key.into(),
            reason: reason.into(),
        }
    }
}
