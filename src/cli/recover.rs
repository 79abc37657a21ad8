//! `migsim recover FILE.toml`: Monte Carlo recovery of known truths.

use std::path::{Path, PathBuf};

use clap::Args;

use super::job::{Front, Help, ShardedArgs};
use crate::recovery::Recovery;
use crate::shard::recovery::{RecoverOptions, SpecInput};

/// The arguments of `migsim recover`.
#[derive(Debug, Args)]
pub struct RecoverArgs {
    /// Replications (default: the spec's).
    #[arg(long)]
    pub reps: Option<usize>,
    /// Master seed (default: the spec's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Sample size per replication (default: the spec's).
    #[arg(long)]
    pub n: Option<usize>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// The recovery spec, `--out`, `--json`, `--shard`.
    #[command(flatten)]
    pub job: ShardedArgs<SpecInput>,
}

/// Run `migsim recover` through the job driver ([`super::job::run`]).
pub fn run(args: RecoverArgs) -> anyhow::Result<()> {
    let options = RecoverOptions {
        reps: args.reps,
        seed: args.seed,
        n: args.n,
    };
    super::job::run(&args.job, options, !args.quiet)
}

impl Front for SpecInput {
    const UNITS: &'static str = "reps";
    const WORK: &'static str = "replications";
    const BATCH_FLAGS: &'static str = " --quiet";
    const HELP: Help = Help {
        file: "Recovery spec (TOML), e.g. scenarios/recovery/logit_well_specified.toml",
        out: "Output directory (default: outputs/recovery/<spec name>/)",
        json: "Print one JSON object instead of the table",
    };

    fn print(rec: &Recovery, dir: &Path, _files: &[PathBuf]) {
        print!("{rec}");
        println!("wrote {}", dir.display());
    }
}
