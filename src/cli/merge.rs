//! `migsim merge DIR... --out DIR`: pool the shards of one run and write the
//! files a one-process run writes (byte-identical apart from timing fields).

use std::path::PathBuf;

use clap::Args;

use crate::shard;

/// The arguments of `migsim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard folders (written by `--shard K/N` runs), in any order.
    #[arg(required = true, num_args = 1..)]
    pub shards: Vec<PathBuf>,
    /// Output folder of the merged run.
    #[arg(long)]
    pub out: PathBuf,
    /// Print the run's JSON object instead of the text summary.
    #[arg(long)]
    pub json: bool,
    /// Row files of the merged run as csv or parquet (same columns).
    #[arg(long, value_enum, default_value_t)]
    pub format: crate::columnar::RowFormat,
}

/// Run `migsim merge`: pool the shard folders and hand them to their job ([`super::job::merge`]).
pub fn run(args: MergeArgs) -> anyhow::Result<()> {
    let pooled = shard::store::pool(&args.shards)?;
    super::job::merge(&pooled, &args.shards[0], &args.out, args.json, args.format)
}
