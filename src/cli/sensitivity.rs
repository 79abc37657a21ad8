//! `migsim sensitivity FILE.toml [--method sobol|morris] [--n N] [--out DIR]
//! [--json] [--shard K/N|auto]`: global sensitivity of a scenario's levels
//! and effects to the parameters of its `[sensitivity]` table.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::columnar::{RowFormat, write_files};
use crate::report::reading::sig;
use crate::report::sensitivity_files as output;
use crate::scenario::{Scenario, StudyModel};
use crate::sensitivity::Method;
use crate::sensitivity::analyse;
use crate::sensitivity::scenario::{Analysis, IndexValues};
use crate::shard::{self, ShardArg, sensitivity::SensitivityInput};

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Scenario file with a [sensitivity] table.
    pub file: PathBuf,
    /// sobol (first-order and total indices) or morris (mu*, sigma); default: the table's.
    #[arg(long)]
    pub method: Option<Method>,
    /// Sobol base samples N, or Morris trajectories; default: the table's.
    #[arg(long)]
    pub n: Option<usize>,
    /// Output folder (default: outputs/<scenario name>-sensitivity/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print sensitivity.json on stdout instead of the text summary.
    #[arg(long)]
    pub json: bool,
    /// Run only shard K of N (1-based) of the design rows, or `auto` from
    /// SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT; writes rows and a
    /// manifest for `migsim merge` (default --out:
    /// outputs/<name>-sensitivity/shard-K-of-N).
    #[arg(long, value_name = "K/N|auto")]
    pub shard: Option<ShardArg>,
    /// Row files (indices, design) as csv or parquet.
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

pub fn run(args: SensitivityArgs) -> anyhow::Result<()> {
    if let Some(world) = shard::mpi::world() {
        return run_mpi(&args, &world);
    }
    if let Some(shard) = args.shard {
        super::run::no_parquet_shards(args.format)?;
        return run_shard(&args, shard);
    }
    let scn = Scenario::load(&args.file)?;
    let model = StudyModel {
        study: scn.study,
        n: scn.n,
    };
    let dir = args.out.unwrap_or_else(|| output::default_dir(&scn.name));
    crate::io::check_writable(&dir)?;
    let a = analyse(&scn, &model, args.method, args.n, &|_, _| {})?;
    report_as(&a, &dir, args.json, args.format)
}

fn run_shard(args: &SensitivityArgs, shard: ShardArg) -> anyhow::Result<()> {
    let slice = shard.resolve()?;
    let input = SensitivityInput::load(&args.file, args.method, args.n)?;
    let dir = args.out.clone().unwrap_or_else(|| {
        output::default_dir(&input.scn.name).join(format!("shard-{}-of-{}", slice.k, slice.n))
    });
    crate::io::check_writable(&dir)?;
    let manifest = input.run_shard(slice, &|_, _| {}, &dir)?;
    super::shard_print::print_shard(&manifest, &dir, args.json)
}

/// Under `mpirun`: ranks split the design rows, rank 0 pools and writes.
fn run_mpi(args: &SensitivityArgs, world: &shard::mpi::World) -> anyhow::Result<()> {
    if args.shard.is_some() {
        world.abort("--shard cannot be combined with mpirun: the ranks are the shards");
    }
    let input = world.ok_or_abort(SensitivityInput::load(&args.file, args.method, args.n));
    let slice = world.slice();
    let start = std::time::Instant::now();
    let (plan, indices, rows) = world.ok_or_abort(input.rows(slice, &|_, _| {}));
    let manifest =
        input
            .meta(&plan, slice)
            .manifest(&indices, &rows, start.elapsed().as_secs_f64());
    let Some(pooled) = world.gather(manifest, &input.text, rows) else {
        return Ok(());
    };
    let a = world.ok_or_abort(shard::sensitivity::merge(&pooled));
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| output::default_dir(&input.scn.name));
    world.ok_or_abort(
        report_as(&a, &dir, args.json, args.format).map_err(|e| super::error_message(&e)),
    );
    Ok(())
}

/// Write a finished analysis (one process, merged shards or MPI rank 0)
/// and print it.
pub fn report(a: &Analysis, dir: &Path, json: bool) -> anyhow::Result<()> {
    report_as(a, dir, json, RowFormat::Csv)
}

/// [`report`] with the row files in `format`.
pub fn report_as(a: &Analysis, dir: &Path, json: bool, format: RowFormat) -> anyhow::Result<()> {
    let files = write_files(dir, output::files(a)?.into(), format)?;
    if json {
        println!("{}", serde_json::to_string(a)?);
        return Ok(());
    }
    println!(
        "{} ({}): {} sensitivity, n = {}, {} model runs x {} replication(s)",
        a.scenario, a.study, a.method, a.n, a.runs, a.replications
    );
    for r in &a.indices {
        let v = match r.values {
            IndexValues::Sobol(s) => format!(
                "S1 {} [{}, {}]  ST {} [{}, {}]",
                sig(s.s1),
                sig(s.s1_low),
                sig(s.s1_high),
                sig(s.st),
                sig(s.st_low),
                sig(s.st_high)
            ),
            IndexValues::Morris(m) => format!("mu* {}  sigma {}", sig(m.mu_star), sig(m.sigma)),
        };
        let note = r
            .note
            .as_ref()
            .map_or(String::new(), |n| format!("  ({n})"));
        println!(
            "  {:<16} {:<20} {:<32} {v}{note}",
            r.metric, r.intervention, r.param
        );
    }
    for w in &a.warnings {
        println!("warning: {w}");
    }
    println!("\nwrote {}", dir.display());
    for f in &files {
        println!("  {}", f.display());
    }
    Ok(())
}
