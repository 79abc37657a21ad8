//! `migsim recover FILE.toml`: Monte Carlo recovery of known truths.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::columnar::{RowFormat, write_files};
use crate::recovery::{self, Recovery, RunOptions};
use crate::shard::{self, ShardArg, recovery::SpecInput};

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
    /// Row files (replications, diagnosands) as csv or parquet.
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

pub fn run(args: RecoverArgs) -> anyhow::Result<()> {
    if let Some(world) = shard::mpi::world() {
        return run_mpi(&args, &world);
    }
    let input = load(&args)?;
    if let Some(shard) = args.shard {
        super::run::no_parquet_shards(args.format)?;
        return run_shard(&args, &input, shard);
    }
    let spec = &input.spec;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs/recovery").join(&spec.name));
    crate::io::check_writable(&dir)?;
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let pb = ProgressBar::new(spec.reps as u64);
        if let Ok(style) =
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} reps ({eta} left)")
        {
            pb.set_style(style.progress_chars("=> "));
        }
        pb.set_message(spec.name.clone());
        pb
    });
    let tick = |_done: usize, _total: usize| {
        if let Some(pb) = &bar {
            pb.inc(1);
        }
    };
    let result = recovery::run(
        spec,
        &RunOptions {
            threads: None,
            progress: Some(&tick),
        },
    );
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    let rec = result?;
    report_as(&rec, &dir, args.json, args.format)
}

/// Write a finished recovery (one process, merged shards or MPI rank 0)
/// and print it.
pub fn report(rec: &Recovery, dir: &Path, json: bool) -> anyhow::Result<()> {
    report_as(rec, dir, json, RowFormat::Csv)
}

/// [`report`] with the row files in `format`.
pub fn report_as(rec: &Recovery, dir: &Path, json: bool, format: RowFormat) -> anyhow::Result<()> {
    write_files(dir, recovery::output_files(rec), format)?;
    if json {
        println!("{}", serde_json::to_string(&rec.to_json())?);
    } else {
        print!("{rec}");
        println!("wrote {}", dir.display());
    }
    Ok(())
}

/// The spec with the command-line overrides applied.
fn load(args: &RecoverArgs) -> anyhow::Result<SpecInput> {
    Ok(SpecInput::load(&args.file)?.with_overrides(args.reps, args.seed, args.n)?)
}

fn run_shard(args: &RecoverArgs, input: &SpecInput, shard: ShardArg) -> anyhow::Result<()> {
    let slice = shard.resolve()?;
    let dir = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("outputs/recovery")
            .join(&input.spec.name)
            .join(format!("shard-{}-of-{}", slice.k, slice.n))
    });
    crate::io::check_writable(&dir)?;
    let opts = RunOptions::default();
    let manifest = input.run_shard(slice, &opts, &dir)?;
    super::shard_print::print_shard(&manifest, &dir, args.json)
}

/// Under `mpirun`: ranks split the replications, rank 0 pools and writes.
fn run_mpi(args: &RecoverArgs, world: &shard::mpi::World) -> anyhow::Result<()> {
    if args.shard.is_some() {
        world.abort("--shard cannot be combined with mpirun: the ranks are the shards");
    }
    let input = &world.ok_or_abort(load(args).map_err(|e| super::error_message(&e)));
    let slice = world.slice();
    let start = std::time::Instant::now();
    let (indices, rows) = world.ok_or_abort(input.rows(slice, &RunOptions::default()));
    let manifest = input
        .meta(slice)
        .manifest(&indices, &rows, start.elapsed().as_secs_f64());
    let Some(pooled) = world.gather(manifest, &input.text, rows) else {
        return Ok(());
    };
    let mut rec = world.ok_or_abort(shard::recovery::merge(&pooled));
    rec.elapsed_s = start.elapsed().as_secs_f64();
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs/recovery").join(&input.spec.name));
    world.ok_or_abort(
        report_as(&rec, &dir, args.json, args.format).map_err(|e| super::error_message(&e)),
    );
    Ok(())
}
