//! The real studies as a [`Model`]: simulation through the study registry
//! (`studies::simulate`) and config resolution through each study's typed
//! config, so overrides are checked by the config's own serde rules.

use toml::Table;

use super::settings_check::Registry;
use super::{Horizon, Model};
use crate::studies::{self, Simulated, Study, StudyError, StudyName, assets, enclave, talent};

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
            StudyName::Enclave => resolved::<enclave::Enclave>(overrides, self.n),
            StudyName::Assets => resolved::<assets::Assets>(overrides, self.n),
            StudyName::Talent => resolved::<talent::Talent>(overrides, self.n),
        }
    }

    /// enclave: years in the city are capped at the horizon (the engine runs
    /// each migrant's years); assets: waves of cumulative causation; talent
    /// is a cross-section.
    fn horizon(&self) -> Option<Horizon> {
        let (key, unit) = match self.study {
            StudyName::Enclave => ("zenou.max_years", "years in the city"),
            StudyName::Assets => ("waves.count", "waves"),
            StudyName::Talent => return None,
        };
        Some(Horizon {
            key: key.into(),
            unit: unit.into(),
        })
    }

    fn registry(&self) -> Result<Option<Registry>, StudyError> {
        Registry::of(self.study).map(Some)
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
