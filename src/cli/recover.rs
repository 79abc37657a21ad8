//! `migsim recover FILE.toml`: Monte Carlo recovery of known truths.

use std::path::{Path, PathBuf};

use clap::Args;

use super::job::{Front, JobRun};
use crate::recovery::Recovery;
use crate::shard::ShardArg;
use crate::shard::recovery::{RecoverOptions, SpecInput};

#[derive(Debug, Args)]
pub struct RecoverArgs {
    /// Recovery spec (TOML), e.g. scenarios/recovery/logit_well_specified.toml.
    pub file: PathBuf,
    /// Replications (default: the spec's).
    #[arg(long)]
    pub reps: Option<usize>,
    /// Master seed (default: the spec's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Sample size per replication (default: the spec's).
    #[arg(long)]
    pub n: Option<usize>,
    /// Output directory (default: outputs/recovery/<spec name>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Run only shard K of N (1-based) of the replications, or `auto` from
    /// SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT; writes rows and a
    /// manifest for `migsim merge` (default --out: outputs/recovery/<name>/shard-K-of-N).
    #[arg(long, value_name = "K/N|auto")]
    pub shard: Option<ShardArg>,
}

pub fn run(args: RecoverArgs) -> anyhow::Result<()> {
    let options = RecoverOptions {
        reps: args.reps,
        seed: args.seed,
        n: args.n,
    };
    let how = JobRun {
        out: args.out,
        json: args.json,
        shard: args.shard,
        progress: !args.quiet,
    };
    super::job::run::<SpecInput>(&args.file, options, &how)
}

impl Front for SpecInput {
    const UNITS: &'static str = "reps";

    fn print(rec: &Recovery, dir: &Path, _files: &[PathBuf]) {
        print!("{rec}");
        println!("wrote {}", dir.display());
    }
}
