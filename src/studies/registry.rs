//! The study registry: one list of the registered studies, and the
//! object-safe [`StudyDef`] through which everything outside a study's own
//! folder reaches it (simulate, resolve a config, horizon, settings
//! registry, config source, sample covariates, metrics, citations, starter
//! scenario).
//!
//! [`StudyName`] (its variants, [`StudyName::ALL`], parsing, serde names and
//! the "expected one of" text) is generated from the one list in
//! [`registered_studies!`] below, so a fourth study is a new `studies/<x>/`
//! folder implementing [`Study`], one line here and one line in
//! `crate::replicate::registry` (its published tables).

use std::any::Any;
use std::path::Path;
use std::sync::Arc;

use toml::Table;

use super::metric_info::MetricInfo;
use super::sample::{Range, Sample};
use super::settings::{self, Setting};
use super::{Simulated, StudyError, assets, config_of, enclave, talent};

/// A study: its config and how to simulate it, with what the registry
/// tells the rest of the crate about it.
pub trait Study {
    /// The study's config (defaults calibrated to the paper).
    type Config: serde::Serialize + serde::de::DeserializeOwned + Default + Clone + Send + Sync;
    /// The study's registered name.
    const NAME: StudyName;
    /// The config's source text (`include_str!`), whose doc comments give
    /// the settings registry its meanings.
    const CONFIG_SOURCE: &'static str;
    /// Covariates a sample file (`population = "FILE.csv"`) may give.
    const COVARIATES: &'static [&'static str];
    /// The accepted range of each of [`Study::COVARIATES`].
    const COVARIATE_RANGE: Range;
    /// Where the study has time: the config key a scenario's `horizon`
    /// sets and the unit it counts.
    const HORIZON: Option<(&'static str, &'static str)>;
    /// The scenario metrics the study reports.
    const METRICS: &'static [MetricInfo];
    /// The paper of the study, then the models it builds on.
    const CITATIONS: &'static [&'static str];
    /// What `migsim settings <study> --scenario` writes besides the settings.
    const STARTER: Starter;
    /// Population (cohort) size of a config.
    fn n(cfg: &Self::Config) -> usize;
    /// Set the population (cohort) size of a config.
    fn set_n(cfg: &mut Self::Config, n: usize);
    /// Check parameters before anything runs (ranges, shares in [0, 1], ...).
    fn validate(cfg: &Self::Config) -> Result<(), StudyError>;
    /// Simulate one cohort with its truth from a config that
    /// [`Study::validate`] accepted.
    fn run(cfg: &Self::Config, seed: u64) -> Result<Simulated, StudyError>;
    /// Simulate one cohort with its truth, validating `cfg` first.
    fn simulate(cfg: &Self::Config, seed: u64) -> Result<Simulated, StudyError> {
        Self::validate(cfg)?;
        Self::run(cfg, seed)
    }
}

/// The study-specific lines of a starter scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Starter {
    /// The `horizon = ...` line with its comment (empty without time).
    pub horizon: &'static str,
    /// The body of the one `[[intervention]]` (name, description, set).
    pub intervention: &'static str,
}

/// The config key a scenario's `horizon` sets, and its unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Horizon {
    /// Dotted config key (e.g. `zenou.max_years`).
    pub key: String,
    /// What it counts (e.g. "years in the city").
    pub unit: String,
}

/// A registered study as an object: what scenarios, recovery, calibration,
/// `migsim settings` and the front ends call. Implemented for every
/// [`Study`].
pub trait StudyDef: Sync {
    /// The study's registered name.
    fn name(&self) -> StudyName;
    /// Simulate from the defaults with `overrides` and size `n`, from `seed`.
    fn simulate(
        &self,
        overrides: &Table,
        n: Option<usize>,
        seed: u64,
    ) -> Result<Simulated, StudyError>;
    /// The config after `overrides` and size `n`, resolved and validated
    /// once, to simulate with any number of seeds.
    fn check(&self, overrides: &Table, n: Option<usize>) -> Result<CheckedConfig, StudyError>;
    /// The full config after `overrides` and size `n`, validated, as TOML.
    fn resolve(&self, overrides: &Table, n: Option<usize>) -> Result<Table, StudyError>;
    /// Where the study has time (`None`: a cross-section).
    fn horizon(&self) -> Option<Horizon>;
    /// Every setting of the study's config, in key order.
    fn settings(&self) -> Result<Vec<Setting>, StudyError>;
    /// The config's source text (doc comments give the settings' meanings).
    fn config_source(&self) -> &'static str;
    /// Read and check a sample file for the study's covariates.
    fn read_sample(&self, path: &Path) -> Result<Sample, StudyError>;
    /// The scenario metrics the study reports.
    fn metrics(&self) -> &'static [MetricInfo];
    /// The paper of the study, then the models it builds on.
    fn citations(&self) -> &'static [&'static str];
    /// The study-specific lines of its starter scenario.
    fn starter(&self) -> Starter;
}

/// A study config resolved from overrides and a size and validated once
/// ([`StudyDef::check`]): simulating it again, with any seed, neither
/// merges overrides nor validates.
#[derive(Clone)]
pub struct CheckedConfig {
    study: StudyName,
    config: Arc<dyn Checked>,
}

impl std::fmt::Debug for CheckedConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CheckedConfig({}, n = {})", self.study, self.config.n())
    }
}

/// The typed config behind a [`CheckedConfig`].
trait Checked: Send + Sync {
    fn run(&self, seed: u64) -> Result<Simulated, StudyError>;
    fn n(&self) -> usize;
    fn as_any(&self) -> &dyn Any;
}

/// The validated config of study `S`.
struct Valid<S: Study>(S::Config);

impl<S: Study + 'static> Checked for Valid<S> {
    fn run(&self, seed: u64) -> Result<Simulated, StudyError> {
        S::run(&self.0, seed)
    }
    fn n(&self) -> usize {
        S::n(&self.0)
    }
    fn as_any(&self) -> &dyn Any {
        &self.0
    }
}

impl CheckedConfig {
    /// The config of study `S`, checked.
    pub fn of<S: Study + 'static>(overrides: &Table, n: Option<usize>) -> Result<Self, StudyError> {
        Ok(CheckedConfig {
            study: S::NAME,
            config: Arc::new(Valid::<S>(config_of::<S>(overrides, n)?)),
        })
    }

    /// The study it configures.
    pub fn study(&self) -> StudyName {
        self.study
    }

    /// Population (cohort) size.
    pub fn n(&self) -> usize {
        self.config.n()
    }

    /// Simulate one cohort from `seed`.
    pub fn simulate(&self, seed: u64) -> Result<Simulated, StudyError> {
        self.config.run(seed)
    }

    /// The typed config, where it is one of study `S` (else an error naming
    /// both studies).
    pub fn config<S: Study + 'static>(&self) -> Result<&S::Config, StudyError> {
        self.config.as_any().downcast_ref().ok_or_else(|| {
            StudyError::Override(format!(
                "a config of the {} study is not one of the {} study",
                self.study,
                S::NAME
            ))
        })
    }
}

impl<S: Study + Sync + 'static> StudyDef for S {
    fn name(&self) -> StudyName {
        S::NAME
    }

    fn simulate(
        &self,
        overrides: &Table,
        n: Option<usize>,
        seed: u64,
    ) -> Result<Simulated, StudyError> {
        S::simulate(&config_of::<S>(overrides, n)?, seed)
    }

    fn check(&self, overrides: &Table, n: Option<usize>) -> Result<CheckedConfig, StudyError> {
        CheckedConfig::of::<S>(overrides, n)
    }

    fn resolve(&self, overrides: &Table, n: Option<usize>) -> Result<Table, StudyError> {
        let cfg = config_of::<S>(overrides, n)?;
        match toml::Value::try_from(&cfg) {
            Ok(toml::Value::Table(t)) => Ok(t),
            Ok(_) => Err(StudyError::Override("the config is not a table".into())),
            Err(e) => Err(StudyError::Override(format!(
                "cannot serialise the config: {e}"
            ))),
        }
    }

    fn horizon(&self) -> Option<Horizon> {
        S::HORIZON.map(|(key, unit)| Horizon {
            key: key.into(),
            unit: unit.into(),
        })
    }

    fn settings(&self) -> Result<Vec<Setting>, StudyError> {
        settings::table::<S>()
    }

    fn config_source(&self) -> &'static str {
        S::CONFIG_SOURCE
    }

    fn read_sample(&self, path: &Path) -> Result<Sample, StudyError> {
        Sample::read(path, S::COVARIATES, S::COVARIATE_RANGE)
    }

    fn metrics(&self) -> &'static [MetricInfo] {
        S::METRICS
    }

    fn citations(&self) -> &'static [&'static str] {
        S::CITATIONS
    }

    fn starter(&self) -> Starter {
        S::STARTER
    }
}

/// Generates [`StudyName`] and the list of [`StudyDef`]s from one list of
/// `Variant = "key" => StudyType` lines (the key is the name in files, on
/// the command line and in outputs).
macro_rules! registered_studies {
    ($( $(#[$doc:meta])* $variant:ident = $key:literal => $def:path ),+ $(,)?) => {
        /// The studies migsim simulates: one per line of the registry
        /// (`studies/registry.rs`).
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        pub enum StudyName {
            $( $(#[$doc])* #[serde(rename = $key)] $variant, )+
        }

        impl StudyName {
            /// The registered names, in registry order.
            const LIST: &'static [StudyName] = &[ $( StudyName::$variant, )+ ];
            /// The keys, in registry order.
            const KEYS: &'static [&'static str] = &[ $( $key, )+ ];
            /// How many studies are registered (the length of a list with
            /// one entry per study, such as `crate::replicate`'s analyses).
            pub const COUNT: usize = Self::KEYS.len();
            /// The study's definition.
            pub fn def(self) -> &'static dyn StudyDef {
                const DEFS: &[&dyn StudyDef] = &[ $( &$def, )+ ];
                DEFS[self as usize]
            }
        }
    };
}

registered_studies! {
    /// Hometown enclaves and occupational mobility (Zenou dyad model).
    Enclave = "enclave" => enclave::Enclave,
    /// Household assets and the intention to emigrate.
    Assets = "assets" => assets::Assets,
    /// Social networks and the retention of foreign talent.
    Talent = "talent" => talent::Talent,
}

/// Every registered study, as `for study in StudyName::ALL` iterates it.
#[derive(Debug, Clone, Copy)]
pub struct AllStudies;

impl IntoIterator for AllStudies {
    type Item = StudyName;
    type IntoIter = std::iter::Copied<std::slice::Iter<'static, StudyName>>;
    fn into_iter(self) -> Self::IntoIter {
        StudyName::LIST.iter().copied()
    }
}

impl StudyName {
    /// Every registered study, in registry order.
    pub const ALL: AllStudies = AllStudies;

    /// Every registered study, in registry order.
    pub fn all() -> impl Iterator<Item = StudyName> {
        Self::LIST.iter().copied()
    }

    /// The study's key (its name in files, on the command line and in outputs).
    pub fn as_str(self) -> &'static str {
        Self::KEYS[self as usize]
    }

    /// The registered keys as "enclave, assets, talent".
    pub fn keys_text() -> String {
        Self::KEYS.join(", ")
    }
}

impl std::fmt::Display for StudyName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for StudyName {
    type Err = StudyError;
    fn from_str(s: &str) -> Result<Self, StudyError> {
        StudyName::all()
            .find(|n| n.as_str() == s)
            .ok_or_else(|| StudyError::UnknownStudy(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each generated name is its definition's name, parses from its key
    /// and serialises as it.
    #[test]
    fn names_keys_and_definitions_agree() {
        let mut n = 0;
        for study in StudyName::ALL {
            n += 1;
            assert_eq!(study.def().name(), study);
            assert_eq!(study.as_str().parse::<StudyName>().ok(), Some(study));
            let v = toml::Value::try_from(study).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(v.as_str(), Some(study.as_str()));
        }
        assert_eq!(n, StudyName::KEYS.len());
        let e = "nosuch".parse::<StudyName>().unwrap_err().to_string();
        for study in StudyName::ALL {
            assert!(e.contains(study.as_str()), "{e}");
        }
    }
}
