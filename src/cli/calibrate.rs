//! `migsim calibrate <study>`: indirect inference against the published tables.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::calibrate::optimise::Search;
use crate::calibrate::{Options, calibrate_monitored};
use crate::io::check_writable;
use crate::studies::StudyName;

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// enclave, assets or talent.
    pub study: String,
    /// TOML file of [[target]] rows (table, spec prefix, term) and optional [[free]] keys with bounds.
    #[arg(long)]
    pub targets: Option<PathBuf>,
    /// Free parameters: dotted keys, each optionally with bounds, `KEY[=LOWER:UPPER],...`.
    #[arg(long)]
    pub free: Option<String>,
    /// Cohorts per objective evaluation (common random numbers).
    #[arg(long, default_value_t = 4)]
    pub reps: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Cohort size (default: the paper's N).
    #[arg(long)]
    pub n: Option<usize>,
    /// Nelder-Mead starts (the defaults first, then random points), run in parallel.
    #[arg(long, default_value_t = 3)]
    pub starts: usize,
    /// Nelder-Mead iterations per start.
    #[arg(long, default_value_t = 120)]
    pub max_iters: u64,
    /// Write DIR/calibrated.toml (a scenario file with the estimates and their covariance).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the published targets by the model's own at the defaults and check recovery.
    #[arg(long)]
    pub self_check: bool,
    /// Skip the held-out rows (every table of `migsim replicate`, slow for enclave).
    #[arg(long)]
    pub no_heldout: bool,
    #[arg(long)]
    pub json: bool,
    /// Profile one setting outside the free set: `KEY=V1,V2,...` fixes it at
    /// each value, refits the free set and reports the distance statistic
    /// and the 95% profile set.
    #[arg(long)]
    pub profile: Option<String>,
    #[command(flatten)]
    pub bayes: super::calibrate_smc::SmcArgs,
}

pub fn run(args: CalibrateArgs) -> anyhow::Result<()> {
    let study: StudyName = args.study.parse()?;
    if super::calibrate_smc::wanted(&args.bayes) {
        let opts = options(&args, study);
        return super::calibrate_smc::run(opts, &args.bayes, args.out.as_deref(), args.json);
    }
    if let Some(dir) = &args.out {
        // Before the run, not after it: `--out` must be a folder we can write.
        check_writable(dir).context("--out")?;
    }
    let opts = options(&args, study);
    if let Some(spec) = &args.profile {
        let (key, list) = spec
            .split_once('=')
            .with_context(|| format!("--profile {spec:?}: expected KEY=V1,V2,..."))?;
        let values = list
            .split(',')
            .map(|v| {
                v.trim()
                    .parse::<f64>()
                    .with_context(|| format!("--profile {key}: {v:?} is not a number"))
            })
            .collect::<anyhow::Result<Vec<f64>>>()?;
        let p = crate::calibrate::profile::profile(&opts, key.trim(), &values)?;
        if args.json {
            println!("{}", serde_json::to_string(&p)?);
        } else {
            print!("{p}");
        }
        return Ok(());
    }
    let result = match crate::shard::mpi::world() {
        // Under mpirun: the ranks split each evaluation's cohorts; rank 0 writes.
        Some(world) => {
            let r = crate::shard::mpi_calibrate::calibrate_on_ranks(&world, &opts);
            let r = world.ok_or_abort(r);
            if world.rank() != 0 {
                return Ok(());
            }
            r
        }
        None => {
            let bar = super::job::Progress::new("cohorts", true);
            let r = calibrate_monitored(&opts, &bar);
            bar.finish();
            r?
        }
    };
    if let Err(failed) = result.usable() {
        if args.json {
            println!("{}", serde_json::to_string(&result)?);
        } else {
            print!("{result}");
        }
        return Err(failed.into());
    }
    if let Some(dir) = &args.out {
        let path = result.write(dir)?;
        if !args.json {
            println!("wrote {}", path.display());
        }
    }
    if args.json {
        println!("{}", serde_json::to_string(&result)?);
    } else {
        print!("{result}");
    }
    Ok(())
}

/// The calibration options of the command line, shared by `--method ii`
/// and `--method smc`.
pub fn options(args: &CalibrateArgs, study: StudyName) -> Options {
    Options {
        study,
        targets_file: args.targets.clone(),
        free: args.free.clone(),
        reps: args.reps,
        seed: args.seed,
        n: args.n,
        search: Search {
            starts: args.starts,
            max_iters: args.max_iters,
            ..Search::default()
        },
        self_check: args.self_check,
        heldout: !args.no_heldout,
    }
}
