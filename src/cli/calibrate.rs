//! `migsim calibrate <study>`: indirect inference against the published tables.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use crate::calibrate::Options;
use crate::calibrate::optimise::Search;
use crate::columnar::RowFormat;
use crate::io::check_writable;
use crate::shard::Job;
use crate::shard::calibration::{Ii, IiJob};
use crate::studies::StudyName;

/// The arguments of `migsim calibrate` (both methods).
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// enclave, assets or talent.
    pub study: String,
    /// TOML file of [[target]] rows (table, spec prefix, term) and optional [[free]] keys with bounds.
    // `[[target]]` and `[[free]]` are TOML tables (this text is also the CLI help), not links.
    #[allow(rustdoc::broken_intra_doc_links)]
    #[arg(long)]
    pub targets: Option<PathBuf>,
    /// Free parameters: dotted keys, each optionally with bounds, `KEY[=LOWER:UPPER],...`.
    #[arg(long)]
    pub free: Option<String>,
    /// Cohorts per objective evaluation (common random numbers).
    #[arg(long, default_value_t = 4)]
    pub reps: usize,
    /// Master seed of the cohorts (common random numbers across evaluations).
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
    /// Cohorts at the defaults whose targets give each target's between-geography variance,
    /// added to its published SE² in Q and in the synthetic likelihood (0: off).
    #[arg(long, default_value_t = crate::calibrate::geography::GEOGRAPHY_COHORTS)]
    pub geography_cohorts: usize,
    /// Print the result as one JSON object instead of the text.
    #[arg(long)]
    pub json: bool,
    /// Profile one setting outside the free set: `KEY=V1,V2,...` fixes it at
    /// each value, refits the free set and reports the distance statistic
    /// and the 95% profile set.
    #[arg(long)]
    pub profile: Option<String>,
    /// `--method smc`, `--sbc` and the sampler's options.
    #[command(flatten)]
    pub bayes: super::calibrate_smc::SmcArgs,
}

/// Run `migsim calibrate`: indirect inference here, `--method smc` in [`super::calibrate_smc`]; under `mpirun` through the driver's collective path.
pub fn run(args: CalibrateArgs) -> anyhow::Result<()> {
    let study: StudyName = args.study.parse()?;
    if args.bayes.format != RowFormat::Csv && !super::calibrate_smc::wanted(&args.bayes) {
        anyhow::bail!("--format parquet writes posterior draws: it needs --method smc");
    }
    if super::calibrate_smc::wanted(&args.bayes) {
        let opts = options(&args, study);
        return super::calibrate_smc::run(opts, &args.bayes, args.out.as_deref(), args.json);
    }
    if let Some(dir) = &args.out {
        // Before the run, not after it: `--out` must be a folder we can write.
        check_writable(dir).context("--out")?;
    }
    if let Some(spec) = &args.profile {
        let opts = options(&args, study);
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
    let job = IiJob::load(Path::new(study.as_str()), (options(&args, study), Ii))?;
    // Under mpirun the ranks split each evaluation's cohorts; rank 0 writes.
    let Some((result, paths)) =
        super::job::run_collective(&job, args.out.as_deref(), "cohorts", RowFormat::Csv)?
    else {
        return Ok(());
    };
    if let Err(failed) = result.usable() {
        if args.json {
            println!("{}", IiJob::summary_json(&result)?);
        } else {
            print!("{result}");
        }
        return Err(failed.into());
    }
    if !args.json {
        for path in &paths {
            println!("wrote {}", path.display());
        }
    }
    if args.json {
        println!("{}", IiJob::summary_json(&result)?);
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
        geography_cohorts: args.geography_cohorts,
    }
}
