//! `migsim calibrate` as one [`Job`] run by the one [`super::driver`],
//! [`Calibrating`], for each of its methods ([`Method`]): indirect
//! inference ([`Ii`], [`IiJob`]), the SMC posterior ([`Smc`], [`SmcJob`])
//! and its simulation-based calibration ([`SbcDraws`], [`SbcJob`]).
//!
//! None of them is [`super::Sharded`]: the optimiser and the sampler choose
//! each batch of points from the results of the batch before, so the work
//! is not a list of independent units that `--shard K/N` could slice and
//! `merge` pool. Each is a [`Collective`] job instead: under MPI every rank
//! runs the same deterministic search, and the cohorts of each batch are
//! split over the ranks (`super::mpi_calibrate`); the driver owns the
//! rest (checking the output folder, the caller's [`Monitor`] for progress
//! and cancellation in one process, writing the files as one set on rank 0).
//!
//! A calibration has no spec file: the study is its spec. [`Job::load`]
//! takes the study's name as typed (`migsim calibrate <study>`) in place of
//! a path, and the rest of the command line as its options.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::ShardError;
use super::job::{Collective, File, Job, json_line};
use super::mpi::World;
use crate::calibrate::smc::sbc::{Sbc, sbc_monitored};
use crate::calibrate::smc::{Posterior, SmcError, SmcOptions, posterior_monitored};
use crate::calibrate::{CalibrateError, Calibration, Options, calibrate_monitored};
use crate::monitor::Monitor;
use crate::report::rank_histogram::rank_histogram;
use crate::studies::StudyName;

/// The command name of every calibration job.
pub const COMMAND: &str = "calibrate";

/// How a calibration is computed and what it writes.
pub trait Method: Sized + Sync {
    /// The finished result (what `--json` prints).
    type Output: Serialize + Send;
    /// The result's name in an encoding error.
    const WHAT: &'static str;
    /// Calibrate with `opts`, reporting cohorts to `monitor`.
    fn run(&self, opts: &Options, monitor: &dyn Monitor) -> Result<Self::Output, ShardError>;
    /// The files of a finished result, by name.
    fn files(out: &Self::Output) -> Result<Vec<File>, ShardError>;
}

/// A calibration of one study by one [`Method`].
pub struct Calibrating<M> {
    /// The study and how to calibrate it (targets, free set, cohorts).
    pub opts: Options,
    /// The method and its own options.
    pub method: M,
}

/// Indirect inference: point estimates, sandwich SEs, J test.
pub struct Ii;

/// The posterior by tempered SMC with these sampler options.
pub struct Smc(pub SmcOptions);

/// Simulation-based calibration of [`Smc`] with `k` prior draws.
pub struct SbcDraws {
    /// The sampler's options.
    pub smc: SmcOptions,
    /// Prior draws.
    pub k: usize,
}

/// `migsim calibrate` (`--method ii`).
pub type IiJob = Calibrating<Ii>;
/// `migsim calibrate --method smc`.
pub type SmcJob = Calibrating<Smc>;
/// `migsim calibrate --method smc --sbc K`.
pub type SbcJob = Calibrating<SbcDraws>;

fn calibrate_error(e: CalibrateError) -> ShardError {
    ShardError::Calibrate(Box::new(e))
}

fn smc_error(e: SmcError) -> ShardError {
    ShardError::Smc(Box::new(e))
}

impl Method for Ii {
    type Output = Calibration;
    const WHAT: &'static str = "the calibration";

    fn run(&self, opts: &Options, monitor: &dyn Monitor) -> Result<Calibration, ShardError> {
        calibrate_monitored(opts, monitor).map_err(calibrate_error)
    }

    /// `calibrated.toml` (a scenario file with the estimates and their
    /// covariance); none for a calibration that failed
    /// ([`Calibration::usable`]), so nothing is written then.
    fn files(c: &Calibration) -> Result<Vec<File>, ShardError> {
        if c.usable().is_err() {
            return Ok(Vec::new());
        }
        let text = c.scenario_toml().map_err(calibrate_error)?;
        Ok(vec![("calibrated.toml", text.into_bytes())])
    }
}

impl Method for Smc {
    type Output = Posterior;
    const WHAT: &'static str = "the posterior";

    fn run(&self, opts: &Options, monitor: &dyn Monitor) -> Result<Posterior, ShardError> {
        posterior_monitored(opts, &self.0, monitor).map_err(smc_error)
    }

    /// `posterior.csv` (one column per parameter) and `posterior.json`;
    /// the driver writes `posterior.parquet` instead under `--format parquet`.
    fn files(p: &Posterior) -> Result<Vec<File>, ShardError> {
        Ok(p.files(Path::new("")).map_err(smc_error)?.into())
    }
}

impl Method for SbcDraws {
    type Output = Sbc;
    const WHAT: &'static str = "the SBC run";

    fn run(&self, opts: &Options, monitor: &dyn Monitor) -> Result<Sbc, ShardError> {
        sbc_monitored(opts, &self.smc, self.k, monitor).map_err(smc_error)
    }

    /// `sbc.json`, `sbc_ranks.csv`, `sbc_intervals.csv` and the rank
    /// histograms `sbc_ranks.svg`.
    fn files(s: &Sbc) -> Result<Vec<File>, ShardError> {
        let svg = rank_histogram(s)?;
        Ok(s.files(Path::new(""), svg).map_err(smc_error)?.into())
    }
}

impl<M: Method> Job for Calibrating<M> {
    type Options = (Options, M);
    type Output = M::Output;
    const COMMAND: &'static str = COMMAND;

    /// `path`: the study's name as typed; it replaces `opts.study`.
    fn load(path: &Path, (opts, method): (Options, M)) -> Result<Self, ShardError> {
        let study: StudyName = path.to_string_lossy().parse().map_err(Box::new)?;
        Ok(Calibrating {
            opts: Options { study, ..opts },
            method,
        })
    }

    fn name(&self) -> &str {
        self.opts.study.as_str()
    }

    /// `outputs/calibrate/<study>/` (the command line writes only with
    /// `--out`).
    fn default_dir(name: &str) -> PathBuf {
        Path::new("outputs/calibrate").join(name)
    }

    fn run_whole(&self, monitor: &dyn Monitor) -> Result<M::Output, ShardError> {
        self.method.run(&self.opts, monitor)
    }

    fn files(out: &M::Output) -> Result<Vec<File>, ShardError> {
        M::files(out)
    }

    fn summary_json(out: &M::Output) -> Result<String, ShardError> {
        json_line(M::WHAT, out)
    }
}

impl<M: Method> Collective for Calibrating<M> {
    fn split_over(world: &World) {
        super::mpi_calibrate::install_runner(world);
    }
}
