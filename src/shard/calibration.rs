//! `migsim calibrate` as [`Job`]s run by the one [`super::driver`]:
//! indirect inference ([`IiJob`]), the SMC posterior ([`SmcJob`]) and its
//! simulation-based calibration ([`SbcJob`]).
//!
//! None of them is [`super::Sharded`]: the optimiser and the sampler choose
//! each batch of points from the results of the batch before, so the work
//! is not a list of independent units that `--shard K/N` could slice and
//! `merge` pool. Each is a [`Collective`] job instead: under MPI every rank
//! runs the same deterministic search, and the cohorts of each batch are
//! split over the ranks ([`super::mpi_calibrate`]); the driver owns the
//! rest (checking the output folder, the caller's [`Monitor`] for progress
//! and cancellation in one process, writing the files as one set on rank 0).
//!
//! A calibration has no spec file: the study is its spec. [`Job::load`]
//! takes the study's name as typed (`migsim calibrate <study>`) in place of
//! a path, and the rest of the command line as its options.

use std::path::{Path, PathBuf};

use super::ShardError;
use super::job::{Collective, File, Job, json_line};
use super::mpi::World;
use crate::calibrate::smc::sbc::{Sbc, sbc_monitored};
use crate::calibrate::smc::{Posterior, SmcError, SmcOptions, posterior_monitored};
use crate::calibrate::{CalibrateError, Calibration, Options, calibrate_monitored};
use crate::monitor::Monitor;
use crate::report::rank_histogram::rank_histogram;
use crate::studies::StudyName;

/// The manifest-free command name of every calibration job.
pub const COMMAND: &str = "calibrate";

/// Indirect inference: point estimates, sandwich SEs, J test; writes
/// `calibrated.toml` when the calibration is usable.
pub struct IiJob {
    /// The study and how to calibrate it.
    pub opts: Options,
}

/// The posterior by tempered SMC: `posterior.csv` and `posterior.json`.
pub struct SmcJob {
    /// The study and its calibration options (targets, free set, cohorts).
    pub opts: Options,
    /// The sampler's options.
    pub smc: SmcOptions,
}

/// Simulation-based calibration of [`SmcJob`] with `k` prior draws:
/// `sbc.json`, `sbc_ranks.csv`, `sbc_intervals.csv` and `sbc_ranks.svg`.
pub struct SbcJob {
    /// The study and its calibration options.
    pub opts: Options,
    /// The sampler's options.
    pub smc: SmcOptions,
    /// Prior draws.
    pub k: usize,
}

/// `opts` with the study named by `path` (a calibration's "spec").
fn study_options(path: &Path, opts: Options) -> Result<Options, ShardError> {
    let name = path.to_string_lossy();
    let study: StudyName = name.parse().map_err(Box::new)?;
    Ok(Options { study, ..opts })
}

/// `outputs/calibrate/<study>/` (the command line writes only with `--out`).
fn calibrate_dir(name: &str) -> PathBuf {
    Path::new("outputs/calibrate").join(name)
}

fn calibrate_error(e: CalibrateError) -> ShardError {
    ShardError::Calibrate(Box::new(e))
}

fn smc_error(e: SmcError) -> ShardError {
    ShardError::Smc(Box::new(e))
}

impl Job for IiJob {
    type Options = Options;
    type Output = Calibration;
    const COMMAND: &'static str = COMMAND;

    fn load(path: &Path, opts: Options) -> Result<IiJob, ShardError> {
        Ok(IiJob {
            opts: study_options(path, opts)?,
        })
    }

    fn name(&self) -> &str {
        self.opts.study.as_str()
    }

    fn default_dir(name: &str) -> PathBuf {
        calibrate_dir(name)
    }

    fn run_whole(&self, monitor: &dyn Monitor) -> Result<Calibration, ShardError> {
        calibrate_monitored(&self.opts, monitor).map_err(calibrate_error)
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

    fn summary_json(c: &Calibration) -> Result<String, ShardError> {
        json_line("the calibration", c)
    }
}

impl Collective for IiJob {
    fn split_over(world: &World) {
        super::mpi_calibrate::install_runner(world);
    }
}

impl Job for SmcJob {
    type Options = (Options, SmcOptions);
    type Output = Posterior;
    const COMMAND: &'static str = COMMAND;

    fn load(path: &Path, (opts, smc): (Options, SmcOptions)) -> Result<SmcJob, ShardError> {
        Ok(SmcJob {
            opts: study_options(path, opts)?,
            smc,
        })
    }

    fn name(&self) -> &str {
        self.opts.study.as_str()
    }

    fn default_dir(name: &str) -> PathBuf {
        calibrate_dir(name)
    }

    fn run_whole(&self, monitor: &dyn Monitor) -> Result<Posterior, ShardError> {
        posterior_monitored(&self.opts, &self.smc, monitor).map_err(smc_error)
    }

    /// `posterior.csv` (one column per parameter) and `posterior.json`.
    fn files(p: &Posterior) -> Result<Vec<File>, ShardError> {
        Ok(p.files(Path::new("")).map_err(smc_error)?.into())
    }

    fn summary_json(p: &Posterior) -> Result<String, ShardError> {
        json_line("the posterior", p)
    }
}

impl Collective for SmcJob {
    fn split_over(world: &World) {
        super::mpi_calibrate::install_runner(world);
    }
}

impl Job for SbcJob {
    type Options = (Options, SmcOptions, usize);
    type Output = Sbc;
    const COMMAND: &'static str = COMMAND;

    fn load(
        path: &Path,
        (opts, smc, k): (Options, SmcOptions, usize),
    ) -> Result<SbcJob, ShardError> {
        Ok(SbcJob {
            opts: study_options(path, opts)?,
            smc,
            k,
        })
    }

    fn name(&self) -> &str {
        self.opts.study.as_str()
    }

    fn default_dir(name: &str) -> PathBuf {
        calibrate_dir(name)
    }

    fn run_whole(&self, monitor: &dyn Monitor) -> Result<Sbc, ShardError> {
        sbc_monitored(&self.opts, &self.smc, self.k, monitor).map_err(smc_error)
    }

    /// `sbc.json`, `sbc_ranks.csv`, `sbc_intervals.csv` and the rank
    /// histograms `sbc_ranks.svg`.
    fn files(s: &Sbc) -> Result<Vec<File>, ShardError> {
        let svg = rank_histogram(s)?;
        Ok(s.files(Path::new(""), svg).map_err(smc_error)?.into())
    }

    fn summary_json(s: &Sbc) -> Result<String, ShardError> {
        json_line("the SBC run", s)
    }
}

impl Collective for SbcJob {
    fn split_over(world: &World) {
        super::mpi_calibrate::install_runner(world);
    }
}
