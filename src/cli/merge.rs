//! `migsim merge DIR... --out DIR`: pool the shards of one run and write the
//! files a one-process run writes (byte-identical apart from timing fields).

use std::path::PathBuf;

use clap::Args;

use crate::shard;

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
}

pub fn run(args: MergeArgs) -> anyhow::Result<()> {
    let pooled = shard::store::pool(&args.shards)?;
    match pooled.manifest.command.as_str() {
        shard::recovery::COMMAND => {
            let rec = shard::recovery::merge(&pooled)?;
            super::recover::report(&rec, &args.out, args.json)
        }
        shard::scenario::COMMAND => {
            let runs = shard::scenario::merge(&pooled)?;
            super::run::report(&runs, Some(args.out), args.json)
        }
        shard::sensitivity::COMMAND => {
            let a = shard::sensitivity::merge(&pooled)?;
            super::sensitivity::report(&a, &args.out, args.json)
        }
        other => anyhow::bail!(
            "shard {}: command `{other}` cannot be merged (expected recover, run or sensitivity)",
            args.shards[0].display()
        ),
    }
}
