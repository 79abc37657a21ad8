//! The real studies as a [`Model`]: simulation through the study registry
//! (`studies::simulate`) and config resolution through each study's typed
//! config, so overrides are checked by the config's own serde rules.

use toml::Table;

use super::Model;
use crate::studies::{self, Simulated, Study, StudyError, StudyName};

/// A registered study at a fixed population size.
#[derive(Debug, Clone, Copy)]
pub struct StudyModel {
    pub study: StudyName,
    pub n: Option<usize>,
}

impl Model for StudyModel {
    fn simulate(&self, overrides: &Table, seed: u64) -> Result<Simulated, StudyError> {
        studies::simulate(self.study, overrides, self.n, seed)
    }

    fn resolve(&self, overrides: &Table) -> Result<Table, StudyError> {
        match self.study {
            #[allow(unreachable_patterns)]
            other => Err(StudyError::NotAvailable(other)),
        }
    }

    fn horizon_key(&self) -> Option<&str> {
        match self.study {
            _ => None,
        }
    }
}

/// The full config of `S` after `overrides` and size `n`, validated, as TOML.
pub fn resolved<S: Study>(overrides: &Table, n: Option<usize>) -> Result<Table, StudyError> {
    let cfg = studies::config_of::<S>(overrides, n)?;
    match toml::Value::try_from(&cfg) {
        Ok(toml::Value::Table(t)) => Ok(t),
        Ok(_) => Err(StudyError::Override("the config is not a table".into())),
        Err(e) => Err(StudyError::Override(format!(
            "cannot serialise the config: {e}"
        ))),
    }
}
