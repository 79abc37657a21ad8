//! `migsim calibrate <study> --method smc [--sbc K]`: the posterior by
//! sequential Monte Carlo, or its simulation-based calibration.

use std::path::Path;

use clap::{Args, ValueEnum};

use crate::calibrate::Options;
use crate::calibrate::smc::SmcOptions;
use crate::columnar::RowFormat;
use crate::shard::Job;
use crate::shard::calibration::{SbcDraws, SbcJob, Smc, SmcJob};

/// Indirect inference or the posterior.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Indirect inference: point estimates, sandwich SEs, J test.
    Ii,
    /// Posterior draws by tempered SMC with a Gaussian synthetic likelihood.
    Smc,
}

/// The Bayesian options of `migsim calibrate` (`--method`, `--sbc`, the sampler's sizes).
#[derive(Debug, Args)]
pub struct SmcArgs {
    /// ii (indirect inference) or smc (posterior draws; writes DIR/posterior.csv with --out).
    #[arg(long, value_enum, default_value_t = Method::Ii)]
    pub method: Method,
    /// With --method smc: simulation-based calibration with K prior draws (writes DIR/sbc_ranks.svg).
    #[arg(long, value_name = "K")]
    pub sbc: Option<usize>,
    /// With --method smc: SMC particles.
    #[arg(long, default_value_t = 200)]
    pub particles: usize,
    /// With --method smc: Metropolis moves per SMC stage.
    #[arg(long, default_value_t = 4)]
    pub moves: usize,
    /// With --method smc: posterior draws (one cohort each) of the predictive check.
    #[arg(long, default_value_t = 40)]
    pub predictive: usize,
    /// With --method smc --out: the draws as DIR/posterior.csv or DIR/posterior.parquet.
    #[arg(long, value_enum, default_value_t = RowFormat::Csv)]
    pub format: RowFormat,
}

/// Whether `b` asks for the Bayesian path.
pub fn wanted(b: &SmcArgs) -> bool {
    b.method == Method::Smc || b.sbc.is_some()
}

/// The sampler options of `--method smc`, checked.
pub fn smc_options(b: &SmcArgs) -> anyhow::Result<SmcOptions> {
    if b.method != Method::Smc {
        anyhow::bail!("--sbc K needs --method smc");
    }
    if b.format != RowFormat::Csv && b.sbc.is_some() {
        anyhow::bail!(
            "--format parquet writes posterior draws: it takes --method smc without --sbc"
        );
    }
    let smc = SmcOptions {
        particles: b.particles,
        moves: b.moves,
        predictive: b.predictive,
    };
    smc.check()?;
    Ok(smc)
}

/// Run `--method smc` (with or without `--sbc`) on the calibration `opts`
/// (the same options as `--method ii`), writing into `out`; under `mpirun`
/// the ranks split each batch's cohorts and rank 0 writes and prints.
pub fn run(opts: Options, b: &SmcArgs, out: Option<&Path>, json: bool) -> anyhow::Result<()> {
    let smc = smc_options(b)?;
    if let Some(dir) = out {
        crate::io::check_writable(dir)?;
    }
    let study = Path::new(opts.study.as_str());
    if let Some(k) = b.sbc {
        let job = SbcJob::load(study, (opts, SbcDraws { smc, k }))?;
        return match super::job::run_collective(&job, out, "cohorts", RowFormat::Csv)? {
            Some((result, paths)) => print(&result, &paths, json),
            None => Ok(()),
        };
    }
    let job = SmcJob::load(study, (opts, Smc(smc)))?;
    // `--format parquet`: the driver writes posterior.csv as posterior.parquet.
    match super::job::run_collective(&job, out, "cohorts", b.format)? {
        Some((result, paths)) => print(&result, &paths, json),
        None => Ok(()),
    }
}

/// The files written (in the human form), then the result as JSON or text.
fn print<R: serde::Serialize + std::fmt::Display>(
    result: &R,
    paths: &[std::path::PathBuf],
    json: bool,
) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(result)?);
    } else {
        for p in paths {
            println!("wrote {}", p.display());
        }
        print!("{result}");
    }
    Ok(())
}
