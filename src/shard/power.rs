//! `migsim power` as a [`Job`]: the search over N of
//! [`crate::recovery::power`] on a recovery spec, run by the one driver
//! with the caller's [`Monitor`] (it hears the replications of each N and
//! may cancel). Not [`super::Sharded`]: each N is chosen from the power at
//! the sizes before it, so the search cannot be cut into independent
//! slices.

use std::path::{Path, PathBuf};

use super::ShardError;
use super::job::{File, Job, json_line};
use super::recovery::SpecInput;
use crate::monitor::Monitor;
use crate::recovery::power::{PowerOptions, PowerPoint, PowerResult, power};
use crate::recovery::{RunOptions, Spec};
use crate::report::power::files;

/// The command's name.
pub const COMMAND: &str = "power";

/// What a front end asks of a power search.
pub struct PowerRequest {
    /// Replications per N (default: the spec's).
    pub reps: Option<usize>,
    /// Master seed (default: the spec's).
    pub seed: Option<u64>,
    /// Estimator, estimand, target and the sizes searched.
    pub search: PowerOptions,
    /// Hears each N as soon as it is evaluated.
    pub on_point: Box<dyn Fn(&PowerPoint) + Send + Sync>,
}

/// A recovery spec and the search asked of it.
pub struct PowerInput {
    /// The recovery spec, with the front end's replications and seed.
    pub spec: Spec,
    /// Estimator, estimand, target and the sizes searched.
    pub search: PowerOptions,
    on_point: Box<dyn Fn(&PowerPoint) + Send + Sync>,
}

/// A finished search and the largest N it was allowed.
pub struct PowerOutput {
    /// The power curve and the N found.
    pub result: PowerResult,
    /// The largest N the search was allowed.
    pub n_max: usize,
}

impl Job for PowerInput {
    type Options = PowerRequest;
    type Output = PowerOutput;
    const COMMAND: &'static str = COMMAND;

    /// The spec read as `recover` reads it, with the replications and seed
    /// overridden.
    fn load(path: &Path, r: PowerRequest) -> Result<PowerInput, ShardError> {
        let spec = SpecInput::load(path)?
            .with_overrides(r.reps, r.seed, None)?
            .spec;
        Ok(PowerInput {
            spec,
            search: r.search,
            on_point: r.on_point,
        })
    }

    fn name(&self) -> &str {
        &self.spec.name
    }

    /// `outputs/power/<spec name>/`.
    fn default_dir(name: &str) -> PathBuf {
        Path::new("outputs/power").join(name)
    }

    fn run_whole(&self, monitor: &dyn Monitor) -> Result<PowerOutput, ShardError> {
        let opts = RunOptions {
            threads: None,
            progress: Some(monitor),
        };
        let result = power(&self.spec, &self.search, &opts, &self.on_point)?;
        Ok(PowerOutput {
            result,
            n_max: self.search.n_max,
        })
    }

    /// power.json, power_curve.csv, power_curve.svg.
    fn files(out: &PowerOutput) -> Result<Vec<File>, ShardError> {
        Ok(files(&out.result, &value(&out.result)?))
    }

    /// power.json (on one line, as it is written).
    fn summary_json(out: &PowerOutput) -> Result<String, ShardError> {
        json_line("power.json", &value(&out.result)?)
    }
}

/// The result as a JSON value (keys in sorted order, as power.json holds them).
fn value(r: &PowerResult) -> Result<serde_json::Value, ShardError> {
    serde_json::to_value(r).map_err(|source| ShardError::Encode {
        what: "power.json",
        source,
    })
}
