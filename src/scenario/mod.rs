//! Counterfactual scenarios: a TOML file names a study, a baseline and
//! interventions (config overrides and scalings of policy settings), the
//! runner simulates every arm in every replication with common random
//! numbers, and the summary gives each effect (intervention minus baseline)
//! with a 95% interval across replications.
//!
//! Flow: [`Scenario::load`] (schema) -> [`plan`] (arms, validated by the
//! study) -> [`run`] (parallel, deterministic) -> [`Summary::of`] ->
//! `report::run_files::write_all` (CSV, JSON, Markdown and HTML reports).

pub mod draws;
pub mod effects;
pub mod error;
pub mod experiment;
pub mod json;
pub mod plan;
pub mod run;
pub mod schema;
pub mod sensitivity_spec;
pub mod settings_check;
pub mod shipped;
pub mod study;
pub mod summary;
pub mod uncertainty;

pub use effects::{Effect, Interval};
pub use error::ScenarioError;
pub use plan::{Arm, ArmKind, Change, arm_overrides, cohort_arm, plan};
pub use run::{Runs, check, replication_seed, run};
pub use schema::Scenario;
pub use study::StudyModel;
pub use summary::Summary;

use crate::studies::{Simulated, StudyError};

/// What the runner needs of a study: simulate a config given as overrides,
/// and resolve overrides into the full config (to validate them before a
/// run and to read the value a `scale` multiplies).
pub trait Model: Sync {
    fn simulate(&self, overrides: &toml::Table, seed: u64) -> Result<Simulated, StudyError>;
    fn resolve(&self, overrides: &toml::Table) -> Result<toml::Table, StudyError>;
    /// Where the study has time: the dotted config key that `horizon` sets
    /// and the unit it counts (e.g. `zenou.max_years`, "years in the city").
    fn horizon(&self) -> Option<Horizon>;
    /// The settings registry overrides are checked against before a run
    /// (`None`: the model has none, and `resolve` alone checks them).
    fn registry(&self) -> Result<Option<settings_check::Registry>, StudyError> {
        Ok(None)
    }
}

/// The config key a scenario's `horizon` sets, and its unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Horizon {
    pub key: String,
    pub unit: String,
}

/// A [`Model`] from two closures (tests, custom studies).
pub struct FnModel<S, R> {
    pub simulate: S,
    pub resolve: R,
    pub horizon: Option<Horizon>,
}

impl<S, R> Model for FnModel<S, R>
where
    S: Fn(&toml::Table, u64) -> Result<Simulated, StudyError> + Sync,
    R: Fn(&toml::Table) -> Result<toml::Table, StudyError> + Sync,
{
    fn simulate(&self, overrides: &toml::Table, seed: u64) -> Result<Simulated, StudyError> {
        (self.simulate)(overrides, seed)
    }
    fn resolve(&self, overrides: &toml::Table) -> Result<toml::Table, StudyError> {
        (self.resolve)(overrides)
    }
    fn horizon(&self) -> Option<Horizon> {
        self.horizon.clone()
    }
}
