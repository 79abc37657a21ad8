//! The registered studies as a [`Model`]: simulation and config resolution
//! through the study registry ([`crate::studies::StudyDef`]), so overrides
//! are checked by the config's own serde rules.

use toml::Table;

use super::settings_check::Registry;
use super::{Horizon, Model, Prepared};
use crate::studies::{Simulated, StudyError, StudyName};

/// A registered study at a fixed population size.
#[derive(Debug, Clone, Copy)]
pub struct StudyModel {
    /// The study.
    pub study: StudyName,
    /// Population size (`None`: the study's default).
    pub n: Option<usize>,
}

impl Model for StudyModel {
    fn simulate(&self, overrides: &Table, seed: u64) -> Result<Simulated, StudyError> {
        self.study.def().simulate(overrides, self.n, seed)
    }

    /// The arm's config resolved and validated once; each replication only
    /// simulates it.
    fn prepare(&self, overrides: &Table) -> Result<Prepared<'_>, StudyError> {
        let cfg = self.study.def().check(overrides, self.n)?;
        Ok(Box::new(move |seed| cfg.simulate(seed)))
    }

    fn resolve(&self, overrides: &Table) -> Result<Table, StudyError> {
        self.study.def().resolve(overrides, self.n)
    }

    fn horizon(&self) -> Option<Horizon> {
        self.study.def().horizon()
    }

    fn registry(&self) -> Result<Option<Registry>, StudyError> {
        Registry::of(self.study).map(Some)
    }
}
