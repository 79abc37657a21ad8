//! Counterfactual scenarios: a TOML file names a study, a baseline and
//! interventions (config overrides and scalings of policy settings), the
//! runner simulates every arm in every replication with common random
//! numbers, and the summary gives each effect (intervention minus baseline)
//! with a 95% interval across replications.
//!
//! Flow: [`Scenario::load`] (schema) -> [`plan()`] (arms, validated by the
//! study) -> [`run`] (parallel, deterministic) -> [`Summary::of`] ->
//! `report::run_files::write_all` (CSV, JSON, Markdown and HTML reports).

pub(crate) mod draws;
pub(crate) mod effects;
pub(crate) mod error;
pub mod experiment;
pub mod json;
pub mod plan;
pub(crate) mod run;
pub mod schema;
pub mod sensitivity_spec;
pub mod settings_check;
pub(crate) mod shipped;
pub(crate) mod study;
pub mod summary;
pub mod uncertainty;

pub use effects::{Effect, Interval};
pub use error::ScenarioError;
pub use plan::{Arm, ArmKind, Change, arm_overrides, cohort_arm, plan};
pub use run::{Runs, check, replication_seed, run};
pub use schema::Scenario;
pub use study::StudyModel;
pub use summary::Summary;

pub use crate::studies::Horizon;
use crate::studies::{Simulated, StudyError};

/// What the runner needs of a study: simulate a config given as overrides,
/// and resolve overrides into the full config (to validate them before a
/// run and to read the value a `scale` multiplies).
pub trait Model: Sync {
    /// Simulate the config `overrides` make, from `seed`.
    fn simulate(&self, overrides: &toml::Table, seed: u64) -> Result<Simulated, StudyError>;
    /// The config `overrides` make, resolved and checked once, as a
    /// simulation to run with many seeds (by default: [`Model::simulate`]
    /// with these overrides).
    fn prepare(&self, overrides: &toml::Table) -> Result<Prepared<'_>, StudyError> {
        let overrides = overrides.clone();
        Ok(Box::new(move |seed| self.simulate(&overrides, seed)))
    }
    /// Resolve overrides into the full config (checked), as TOML.
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

/// One arm's simulation from a seed (see [`Model::prepare`]).
pub(crate) type Prepared<'a> = Box<dyn Fn(u64) -> Result<Simulated, StudyError> + Send + Sync + 'a>;

/// A [`Model`] from two closures (tests, custom studies).
pub struct FnModel<S, R> {
    /// [`Model::simulate`].
    pub simulate: S,
    /// [`Model::resolve`].
    pub resolve: R,
    /// [`Model::horizon`].
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
