//! The command line's one runner of jobs ([`crate::shard::Job`]: `recover`,
//! `run`, `sensitivity`, `power`): it picks the path of
//! [`crate::shard::driver`] (MPI under `mpirun`, one `--shard K/N` slice,
//! or one process), names the default output folder, shows the one
//! progress bar, and prints the result; `migsim merge` finds the job of a
//! shard by its manifest's command in [`merge`].

use std::io::IsTerminal;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::columnar::RowFormat;
use crate::monitor::{Monitor, SILENT};
use crate::shard::driver;
use crate::shard::mpi::{World, world};
use crate::shard::recovery::SpecInput;
use crate::shard::scenario::ScenarioInput;
use crate::shard::sensitivity::SensitivityInput;
use crate::shard::{Collective, Job, Manifest, Pooled, ShardArg, Sharded};

/// A job as the command line shows it.
pub trait Front: Job {
    /// What the progress bar counts.
    const UNITS: &'static str;
    /// What its units of work are, in messages (`slurm --shards`).
    const WORK: &'static str = "units of work";
    /// Flags a batch task (a Slurm array task) adds to the command.
    const BATCH_FLAGS: &'static str = "";
    /// The help lines of the arguments every job takes.
    const HELP: Help;
    /// Print the text summary of `out`, written to `dir` as `files`.
    fn print(out: &Self::Output, dir: &Path, files: &[PathBuf]);
}

/// The help lines of a job's common arguments.
pub struct Help {
    /// The spec file (positional).
    pub file: &'static str,
    /// `--out` and its default.
    pub out: &'static str,
    /// `--json`.
    pub json: &'static str,
}

/// The arguments of every job: its spec file, `--out` and `--json`.
#[derive(Args)]
pub struct JobArgs<J: Front> {
    /// The spec file.
    #[arg(help = J::HELP.file)]
    pub file: PathBuf,
    /// Output folder (default: the job's own folder).
    #[arg(long, help = J::HELP.out)]
    pub out: Option<PathBuf>,
    /// Print the JSON summary instead of the text.
    #[arg(long, help = J::HELP.json)]
    pub json: bool,
    /// Row files (the job's `.csv` files) as csv or parquet (same columns).
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
    #[arg(skip)]
    job: PhantomData<fn() -> J>,
}

impl<J: Front> std::fmt::Debug for JobArgs<J> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobArgs")
            .field("job", &J::COMMAND)
            .field("file", &self.file)
            .field("out", &self.out)
            .field("json", &self.json)
            .field("format", &self.format)
            .finish()
    }
}

/// The arguments of every sharded job: [`JobArgs`] and `--shard`.
#[derive(Args)]
pub struct ShardedArgs<J: Front + Sharded> {
    /// The spec file, `--out`, `--json`.
    #[command(flatten)]
    pub job: JobArgs<J>,
    /// Run only shard K of N (1-based) of the units of work (replications,
    /// then parameter draws; design rows), or `auto` from
    /// SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT; writes rows and a
    /// manifest for `migsim merge` (default --out: the one-process folder's
    /// shard-K-of-N).
    #[arg(long, value_name = "K/N|auto")]
    pub shard: Option<ShardArg>,
}

impl<J: Front + Sharded> std::fmt::Debug for ShardedArgs<J> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShardedArgs")
            .field("job", &self.job)
            .field("shard", &self.shard)
            .finish()
    }
}

/// Run job `J` with `options` as `args` say: under `mpirun` over the
/// ranks, with `--shard` one slice, otherwise in this process; `progress`:
/// show the progress bar (on a terminal, after a second).
pub fn run<J: Front + Sharded>(
    args: &ShardedArgs<J>,
    options: J::Options,
    progress: bool,
) -> anyhow::Result<()> {
    let a = &args.job;
    if let Some(world) = world() {
        return on_ranks::<J>(args, options, &world);
    }
    if let Some(shard) = args.shard {
        if a.format == RowFormat::Parquet {
            anyhow::bail!(
                "--format parquet applies to a whole run's files, not to --shard (shard rows \
                 stay CSV for `migsim merge`; pass --format parquet to merge)"
            );
        }
        let slice = shard.resolve()?;
        let job = J::load(&a.file, options)?;
        let dir = a
            .out
            .clone()
            .unwrap_or_else(|| driver::shard_dir(&J::default_dir(job.name()), slice));
        let bar = Progress::new(J::UNITS, progress);
        let manifest = driver::run_shard(&job, slice, &dir, &bar);
        bar.finish();
        return print_shard(&manifest?, &dir, a.json);
    }
    let job = J::load(&a.file, options)?;
    whole(&job, a, progress)
}

/// Run job `J`, whose work does not split into slices, in this process
/// (under `mpirun` every rank stops with one error instead of each
/// running the whole job).
pub fn run_one<J: Front>(
    args: &JobArgs<J>,
    options: J::Options,
    progress: bool,
) -> anyhow::Result<()> {
    if let Some(world) = world() {
        world.abort(&format!(
            "`{}` does not split over MPI ranks: run it without mpirun",
            J::COMMAND
        ));
    }
    let job = J::load(&args.file, options)?;
    whole(&job, args, progress)
}

/// Run a [`Collective`] job (`calibrate`): under `mpirun` over the ranks,
/// which split each batch (the output on rank 0, `None` on the others),
/// otherwise in this process with the progress bar counting `units`; the
/// files go into `out` when given, their CSV files in `format`.
pub fn run_collective<J: Collective>(
    job: &J,
    out: Option<&Path>,
    units: &str,
    format: RowFormat,
) -> anyhow::Result<Option<driver::Written<J::Output>>>
where
    J::Output: Send,
{
    if let Some(world) = world() {
        return Ok(driver::run_collective(&world, job, out, format)?);
    }
    let bar = Progress::new(units, true);
    let done = driver::run_whole_to(job, out, &bar, format);
    bar.finish();
    Ok(Some(done?))
}

/// One process: every unit, the files, the printout.
fn whole<J: Front>(job: &J, args: &JobArgs<J>, progress: bool) -> anyhow::Result<()> {
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| J::default_dir(job.name()));
    let bar = Progress::new(J::UNITS, progress);
    let done = driver::run_whole_as(job, &dir, &bar, args.format);
    bar.finish();
    let (out, files) = done?;
    report::<J>(&out, &dir, &files, args.json)
}

/// Print a finished output written to `dir`: its JSON summary or its text.
fn report<J: Front>(
    out: &J::Output,
    dir: &Path,
    files: &[PathBuf],
    json: bool,
) -> anyhow::Result<()> {
    if json {
        println!("{}", J::summary_json(out)?);
    } else {
        J::print(out, dir, files);
    }
    Ok(())
}

/// Under `mpirun`: ranks split the units, rank 0 pools, writes and prints.
fn on_ranks<J: Front + Sharded>(
    args: &ShardedArgs<J>,
    options: J::Options,
    world: &World,
) -> anyhow::Result<()> {
    if args.shard.is_some() {
        world.abort("--shard cannot be combined with mpirun: the ranks are the shards");
    }
    let a = &args.job;
    let message = |e: anyhow::Error| super::error_message(&e);
    let job = world.ok_or_abort(J::load(&a.file, options).map_err(|e| message(e.into())));
    let Some(out) = driver::run_ranks(world, &job, &SILENT) else {
        return Ok(());
    };
    let dir = a.out.clone().unwrap_or_else(|| J::default_dir(job.name()));
    let files =
        world.ok_or_abort(driver::write::<J>(&dir, &out, a.format).map_err(|e| message(e.into())));
    world.ok_or_abort(report::<J>(&out, &dir, &files, a.json).map_err(message));
    Ok(())
}

/// `migsim merge`: the pooled shards of job `J` written into `dir` and
/// printed.
fn merge_as<J: Front + Sharded>(
    pooled: &Pooled,
    dir: &Path,
    json: bool,
    format: RowFormat,
) -> anyhow::Result<()> {
    let (out, files) = driver::merge::<J>(pooled, dir, format)?;
    report::<J>(&out, dir, &files, json)
}

/// A registered job's merge: pool, summarise, write, print.
type Merger = fn(&Pooled, &Path, bool, RowFormat) -> anyhow::Result<()>;

/// A sharded job of the command line: what `merge` and `slurm` need of it.
pub struct Registered {
    /// Its command, also its shard manifests' command.
    pub command: &'static str,
    /// What its units of work are, for messages ("replications").
    pub work: &'static str,
    /// Flags a batch task (a Slurm array task) adds to the command.
    pub batch_flags: &'static str,
    /// `migsim merge` of its pooled shards.
    pub merge: Merger,
    /// The spec's name and its units of work, from the file as a batch
    /// task loads it (without overrides).
    pub facts: fn(&Path) -> anyhow::Result<(String, usize)>,
}

impl Registered {
    /// The entry of job `J`.
    const fn of<J: Front + Sharded>() -> Registered
    where
        J::Options: Default,
    {
        Registered {
            command: J::COMMAND,
            work: J::WORK,
            batch_flags: J::BATCH_FLAGS,
            merge: merge_as::<J>,
            facts: facts::<J>,
        }
    }
}

/// The name and the units of work of job `J` on `file`.
fn facts<J: Sharded>(file: &Path) -> anyhow::Result<(String, usize)>
where
    J::Options: Default,
{
    let job = J::load(file, J::Options::default())?;
    Ok((job.name().to_string(), job.total()?))
}

/// Every sharded job of the command line, by command: the list `merge`
/// finds a manifest's job in and `slurm` offers.
pub const JOBS: [Registered; 3] = [
    Registered::of::<SpecInput>(),
    Registered::of::<ScenarioInput>(),
    Registered::of::<SensitivityInput>(),
];

/// The registered job of `command`.
pub fn sharded(command: &str) -> Option<&'static Registered> {
    JOBS.iter().find(|j| j.command == command)
}

/// Merge pooled shards with the job their manifest names (`first` names
/// the first shard folder in the error for an unknown command).
pub fn merge(
    pooled: &Pooled,
    first: &Path,
    dir: &Path,
    json: bool,
    format: RowFormat,
) -> anyhow::Result<()> {
    let command = pooled.manifest.command.as_str();
    match sharded(command) {
        Some(job) => (job.merge)(pooled, dir, json, format),
        None => {
            let names: Vec<&str> = JOBS.iter().map(|j| j.command).collect();
            let (last, rest) = names.split_last().unwrap_or((&"", &[]));
            anyhow::bail!(
                "shard {}: command `{command}` cannot be merged (expected {} or {last})",
                first.display(),
                rest.join(", ")
            )
        }
    }
}

/// What a shard run prints: the slice it ran and where it wrote.
fn print_shard(m: &Manifest, dir: &Path, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(m)?);
        return Ok(());
    }
    let span = match (m.indices.first(), m.indices.last()) {
        (Some(a), Some(b)) => format!("indices {a}..={b}"),
        _ => "no indices".into(),
    };
    println!(
        "shard {} of {} {}: {span} of {} ({} rows, {:.1} s)",
        m.shard, m.command, m.spec_file, m.total, m.rows, m.elapsed_s
    );
    println!("wrote {}", dir.display());
    Ok(())
}

/// The progress bar of every job: on stderr, shown only on a terminal and
/// only once a job has taken more than a second.
pub(crate) struct Progress {
    bar: ProgressBar,
    start: Instant,
    shown: bool,
}

impl Progress {
    pub(crate) fn new(units: &str, wanted: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        let template = format!("{{bar:40}} {{pos}}/{{len}} {units}, eta {{eta}}");
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style);
        }
        Progress {
            bar,
            start: Instant::now(),
            shown: wanted && std::io::stderr().is_terminal(),
        }
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Monitor for Progress {
    fn progress(&self, done: usize, total: usize) {
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
        if self.shown && self.bar.is_hidden() && self.start.elapsed() > Duration::from_secs(1) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}
