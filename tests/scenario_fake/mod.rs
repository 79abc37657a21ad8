//! A fake study for scenario tests: uniforms drawn from the seed first, then
//! transformed with the parameters (common random numbers by construction),
//! so effects are known exactly.

// StudyError is the library's error type; the fake study returns it as is.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;

use migsim::data::Dataset;
use migsim::scenario::{FnModel, Horizon};
use migsim::seed::{self, Component};
use migsim::studies::{Simulated, StudyError, TimePath, Truth, apply_overrides};
use rand::Rng;
use serde::{Deserialize, Serialize};
use toml::Table;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    /// Added to the 0.5 threshold of `share`: its effect on `share` is `boost`.
    pub boost: f64,
    /// Multiplies `level` = mean of the uniforms.
    pub level_mult: f64,
    pub label: String,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            boost: 0.0,
            level_mult: 1.0,
            label: "none".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub n: usize,
    pub years: f64,
    pub policy: Policy,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            n: 400,
            years: 4.0,
            policy: Policy::default(),
        }
    }
}

fn config(overrides: &Table) -> Result<Config, StudyError> {
    let cfg: Config = apply_overrides(&Config::default(), overrides)?;
    if !(0.0..=0.5).contains(&cfg.policy.boost) {
        return Err(StudyError::invalid(
            "policy.boost",
            "expected a number in [0, 0.5]",
        ));
    }
    Ok(cfg)
}

pub fn simulate(overrides: &Table, seed: u64) -> Result<Simulated, StudyError> {
    let cfg = config(overrides)?;
    let mut rng = seed::stream(seed, 0, Component::Custom(1));
    let u: Vec<f64> = (0..cfg.n).map(|_| rng.random::<f64>()).collect();
    let n = cfg.n as f64;
    let share_at = |thr: f64| u.iter().filter(|&&x| x < thr).count() as f64 / n;
    let thr = 0.5 + cfg.policy.boost;
    let mut metrics = BTreeMap::new();
    metrics.insert("share".to_string(), share_at(thr));
    metrics.insert(
        "level".to_string(),
        cfg.policy.level_mult * u.iter().sum::<f64>() / n,
    );
    let steps = cfg.years.round() as usize;
    let times: Vec<f64> = (0..=steps).map(|t| t as f64).collect();
    let values = times
        .iter()
        .map(|t| share_at(thr * t / cfg.years))
        .collect();
    Ok(Simulated {
        cohort: Dataset::from_columns("fake", vec![]).map_err(StudyError::from)?,
        truth: Truth::default(),
        metrics,
        paths: vec![TimePath {
            metric: "share".into(),
            times,
            values,
        }],
    })
}

pub fn resolve(overrides: &Table) -> Result<Table, StudyError> {
    let cfg = config(overrides)?;
    match toml::Value::try_from(&cfg) {
        Ok(toml::Value::Table(t)) => Ok(t),
        _ => Err(StudyError::Override("not a table".into())),
    }
}

pub type Fake = FnModel<
    fn(&Table, u64) -> Result<Simulated, StudyError>,
    fn(&Table) -> Result<Table, StudyError>,
>;

pub fn model() -> Fake {
    FnModel {
        simulate: simulate as fn(&Table, u64) -> Result<Simulated, StudyError>,
        resolve: resolve as fn(&Table) -> Result<Table, StudyError>,
        horizon: Some(Horizon {
            key: "years".into(),
            unit: "years".into(),
        }),
    }
}

#[allow(dead_code)]
/// A scenario TOML for the fake study (the `study` key must name a real study).
pub const SCENARIO: &str = r#"
name = "fake"
description = "A fake study with known effects."
study = "enclave"
horizon = 4
replications = 6
seed = 11
metrics = ["share", "level"]

[[intervention]]
name = "default-boost"
description = "sets the boost to its default"
set = { "policy.boost" = 0.0 }

[[intervention]]
name = "boost"
set = { policy = { boost = 0.1 } }

[[intervention]]
name = "double-level"
scale = { "policy.level_mult" = 2.0 }

[sweep]
key = "policy.boost"
values = [0.0, 0.1, 0.2]
"#;
