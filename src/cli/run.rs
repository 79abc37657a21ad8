//! `migsim run FILE.toml [--out DIR]`: a scenario run, baseline vs
//! counterfactuals, written as CSV, JSON and Markdown/HTML reports.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::columnar::{RowFormat, write_files};
use crate::report::reading::{diff_value, level_value, sentence};
use crate::report::run_files as output;
use crate::scenario::{Runs, Scenario, Summary};
use crate::shard::{self, ShardArg, scenario::ScenarioInput};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (see scenarios/).
    pub file: PathBuf,
    /// Output folder (default: outputs/<scenario name>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print summary.json on stdout instead of the text summary.
    #[arg(long)]
    pub json: bool,
    /// Run only shard K of N (1-based) of the replications, or `auto` from
    /// SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT; writes rows and a
    /// manifest for `migsim merge` (default --out: outputs/<name>/shard-K-of-N).
    #[arg(long, value_name = "K/N|auto")]
    pub shard: Option<ShardArg>,
    /// Row files (replications, paths, draws) as csv or parquet.
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

pub fn run(args: RunArgs) -> anyhow::Result<()> {
    if let Some(world) = shard::mpi::world() {
        return run_mpi(&args, &world);
    }
    if let Some(shard) = args.shard {
        no_parquet_shards(args.format)?;
        return run_shard(&args, shard);
    }
    let scn = Scenario::load(&args.file)?;
    let dir = args.out.unwrap_or_else(|| output::default_dir(&scn.name));
    let bar = Progress::new();
    let monitor = |done, total| bar.update(done, total);
    if args.format == RowFormat::Csv {
        let (summary, files) = output::run_to_dir(&scn, &dir, &monitor)?;
        bar.finish();
        return print_written(&summary, &dir, &files, args.json);
    }
    crate::io::check_writable(&dir)?;
    let model = crate::scenario::StudyModel {
        study: scn.study,
        n: scn.n,
    };
    let runs = crate::scenario::run(&scn, &model, &monitor)?;
    bar.finish();
    let summary = Summary::of(&runs);
    let files = write_files(&dir, output::files(&runs, &summary)?, args.format)?;
    print_written(&summary, &dir, &files, args.json)
}

/// Shards write CSV rows for `migsim merge`; the format is the final files'.
pub(crate) fn no_parquet_shards(format: RowFormat) -> anyhow::Result<()> {
    if format == RowFormat::Parquet {
        anyhow::bail!(
            "--format parquet applies to a whole run's files, not to --shard (shard rows stay \
             CSV for `migsim merge`)"
        );
    }
    Ok(())
}

/// Summarise, write and print a finished run (merged shards or MPI rank
/// 0); `out` defaults to outputs/<scenario name>/.
pub fn report(runs: &Runs, out: Option<PathBuf>, json: bool) -> anyhow::Result<()> {
    report_as(runs, out, json, RowFormat::Csv)
}

/// [`report`] with the row files in `format`.
pub fn report_as(
    runs: &Runs,
    out: Option<PathBuf>,
    json: bool,
    format: RowFormat,
) -> anyhow::Result<()> {
    let summary = Summary::of(runs);
    let dir = out.unwrap_or_else(|| output::default_dir(&runs.scenario.name));
    let files = write_files(&dir, output::files(runs, &summary)?, format)?;
    print_written(&summary, &dir, &files, json)
}

fn print_written(
    summary: &Summary,
    dir: &Path,
    files: &[PathBuf],
    json: bool,
) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(summary)?);
        return Ok(());
    }
    print_text(summary);
    println!("\nwrote {}", dir.display());
    for f in files {
        println!("  {}", f.display());
    }
    if let Some(html) = files.iter().find(|f| f.ends_with("report.html")) {
        println!("open {} in a browser for the charts", html.display());
    }
    Ok(())
}

fn run_shard(args: &RunArgs, shard: ShardArg) -> anyhow::Result<()> {
    let slice = shard.resolve()?;
    let input = ScenarioInput::load(&args.file)?;
    let dir = args.out.clone().unwrap_or_else(|| {
        output::default_dir(&input.scn.name).join(format!("shard-{}-of-{}", slice.k, slice.n))
    });
    crate::io::check_writable(&dir)?;
    let bar = Progress::new();
    let manifest = input.run_shard(slice, &|done, total| bar.update(done, total), &dir)?;
    bar.finish();
    super::shard_print::print_shard(&manifest, &dir, args.json)
}

/// Under `mpirun`: ranks split the replications, rank 0 pools and writes.
fn run_mpi(args: &RunArgs, world: &shard::mpi::World) -> anyhow::Result<()> {
    if args.shard.is_some() {
        world.abort("--shard cannot be combined with mpirun: the ranks are the shards");
    }
    let input = world.ok_or_abort(ScenarioInput::load(&args.file));
    let slice = world.slice();
    let start = std::time::Instant::now();
    let (metrics, indices, rows) = world.ok_or_abort(input.rows(slice, &|_, _| {}));
    let manifest =
        input
            .meta(slice, &metrics)
            .manifest(&indices, &rows, start.elapsed().as_secs_f64());
    let Some(pooled) = world.gather(manifest, &input.text, rows) else {
        return Ok(());
    };
    let runs = world.ok_or_abort(shard::scenario::merge(&pooled));
    world.ok_or_abort(
        report_as(&runs, args.out.clone(), args.json, args.format)
            .map_err(|e| super::error_message(&e)),
    );
    Ok(())
}

fn print_text(s: &Summary) {
    println!(
        "{} ({}): {} arms x {} replications, seed {}",
        s.scenario,
        s.study,
        s.arms.len() + s.sweep.as_ref().map_or(0, |w| w.values.len()),
        s.replications,
        s.seed
    );
    let total = s.uncertainty.is_some();
    println!(
        "\n  {:<20} {:<22} {:>10} {:>10} {:>9}  95% CI{}",
        "metric",
        "intervention",
        "baseline",
        "counterf.",
        "effect",
        if total {
            " (simulation)   95% incl. parameters"
        } else {
            ""
        }
    );
    for e in &s.effects {
        let m = e.metric.as_str();
        let tot = e.total().map_or(String::new(), |(lo, hi)| {
            format!("   [{}, {}]", diff_value(m, lo), diff_value(m, hi))
        });
        println!(
            "  {:<20} {:<22} {:>10} {:>10} {:>9}  [{}, {}]{tot}",
            m,
            e.intervention,
            level_value(m, e.baseline_mean),
            level_value(m, e.counterfactual_mean),
            diff_value(m, e.estimate),
            diff_value(m, e.ci_low),
            diff_value(m, e.ci_high)
        );
    }
    println!("  (effects of shares in percentage points)\n");
    for e in &s.effects {
        println!("  {}", sentence(e, s.window_phrase(&e.metric).as_deref()));
    }
    for w in &s.warnings {
        eprintln!("warning: {w}");
    }
}

/// A progress bar on stderr, shown only on a terminal and only once a run
/// has taken more than a second.
pub(crate) struct Progress {
    bar: ProgressBar,
    start: Instant,
    terminal: bool,
}

impl Progress {
    pub(crate) fn new() -> Progress {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40} {pos}/{len} simulations, eta {eta}")
        {
            bar.set_style(style);
        }
        Progress {
            bar,
            start: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
        }
    }

    pub(crate) fn update(&self, done: usize, total: usize) {
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
        if self.terminal && self.bar.is_hidden() && self.start.elapsed() > Duration::from_secs(1) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
