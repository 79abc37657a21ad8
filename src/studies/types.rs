//! Result and error types shared by the study modules.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::data::{DataError, Dataset};
use crate::estimate::EstimateError;
use crate::network::NetworkError;
use crate::zenou::ZenouError;

/// The studies migsim simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StudyName {
    /// Hometown enclaves and occupational mobility (Zenou dyad model).
    Enclave,
    /// Household assets and the intention to emigrate.
    Assets,
    /// Social networks and the retention of foreign talent.
    Talent,
}

impl StudyName {
    pub const ALL: [StudyName; 3] = [StudyName::Enclave, StudyName::Assets, StudyName::Talent];

    pub fn as_str(self) -> &'static str {
        match self {
            StudyName::Enclave => "enclave",
            StudyName::Assets => "assets",
            StudyName::Talent => "talent",
        }
    }
}

impl fmt::Display for StudyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StudyName {
    type Err = StudyError;
    fn from_str(s: &str) -> Result<Self, StudyError> {
        StudyName::ALL
            .into_iter()
            .find(|n| n.as_str() == s)
            .ok_or_else(|| StudyError::UnknownStudy(s.to_string()))
    }
}

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
    #[error("unknown study `{0}` (expected one of: enclave, assets, talent)")]
    UnknownStudy(String),
    #[error("study `{0}` is not available in this build")]
    NotAvailable(StudyName),
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
