//! The one driver of every [`Job`]: in one process, for a [`Sharded`] job
//! also as one `--shard K/N` slice, pooled by `merge`, and over MPI ranks
//! that each run a slice, and for a [`Collective`] job over MPI ranks that
//! split each batch. Front ends (the command line, the Python package, the
//! server) choose the path and hand in a [`Monitor`]; each path checks the
//! output folder before computing, hands the monitor to the units it runs,
//! and writes its files as one set (a failed or cancelled job writes
//! nothing: the driver itself asks [`Monitor::cancelled`] before the job
//! starts and before it writes).

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::ShardError;
use super::job::{Collective, Job, Sharded, SliceRows};
use super::manifest::Manifest;
use super::mpi::World;
use super::slice::Slice;
use super::store::{self, Pooled};
use crate::columnar::{RowFormat, in_format};
use crate::io::{check_writable, write_dir_atomic};
use crate::monitor::{Monitor, SILENT};

/// A finished output and the paths its files were written to.
pub type Written<O> = (O, Vec<PathBuf>);

/// The folder of shard `slice` under a job's output folder `base`:
/// `base/shard-K-of-N`.
pub(crate) fn shard_dir(base: &Path, slice: Slice) -> PathBuf {
    base.join(format!("shard-{}-of-{}", slice.k, slice.n))
}

/// [`ShardError::Cancelled`] once `monitor` asks to stop: checked before a
/// job starts and again before anything is written, so a cancelled job
/// writes nothing even when its units do not look at the monitor.
fn unless_cancelled(monitor: &dyn Monitor) -> Result<(), ShardError> {
    if monitor.cancelled() {
        return Err(ShardError::Cancelled);
    }
    Ok(())
}

/// Write a finished output's files into `dir` as one set, the row files
/// (`x.csv`) in `format` (Parquet: `x.parquet`, same columns); returns the
/// paths written. An output with no files (a calibration that failed)
/// writes nothing and leaves `dir` as it was.
pub fn write<J: Job>(
    dir: &Path,
    output: &J::Output,
    format: RowFormat,
) -> Result<Vec<PathBuf>, ShardError> {
    let files = J::files(output)?;
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let files = in_format(files, format)?;
    let (names, bytes): (Vec<String>, Vec<Vec<u8>>) = files.into_iter().unzip();
    let named: Vec<(&str, Vec<u8>)> = names.iter().map(String::as_str).zip(bytes).collect();
    Ok(write_dir_atomic(dir, &named)?)
}

/// One process: check that `dir` can be written, run every unit of `job`
/// (`monitor` hears the progress and may cancel), and write the output's
/// files into `dir`. Returns the output and the paths written.
pub fn run_whole<J: Job>(
    job: &J,
    dir: &Path,
    monitor: &dyn Monitor,
) -> Result<(J::Output, Vec<PathBuf>), ShardError> {
    run_whole_as(job, dir, monitor, RowFormat::Csv)
}

/// [`run_whole`] with the row files in `format`.
pub(crate) fn run_whole_as<J: Job>(
    job: &J,
    dir: &Path,
    monitor: &dyn Monitor,
    format: RowFormat,
) -> Result<(J::Output, Vec<PathBuf>), ShardError> {
    run_whole_to(job, Some(dir), monitor, format)
}

/// `run_whole_as` with the output folder optional: without one the job
/// runs and nothing is written (`migsim calibrate` without `--out`).
pub fn run_whole_to<J: Job>(
    job: &J,
    dir: Option<&Path>,
    monitor: &dyn Monitor,
    format: RowFormat,
) -> Result<(J::Output, Vec<PathBuf>), ShardError> {
    if let Some(dir) = dir {
        check_writable(dir)?;
    }
    unless_cancelled(monitor)?;
    let output = job.run_whole(monitor)?;
    unless_cancelled(monitor)?;
    let files = match dir {
        Some(dir) => write::<J>(dir, &output, format)?,
        None => Vec::new(),
    };
    Ok((output, files))
}

/// One shard: check that `dir` can be written, run the units of `slice`
/// and write them as a shard folder (spec, rows, manifest) into `dir`; the
/// manifest's elapsed seconds time the units.
pub fn run_shard<J: Sharded>(
    job: &J,
    slice: Slice,
    dir: &Path,
    monitor: &dyn Monitor,
) -> Result<Manifest, ShardError> {
    check_writable(dir)?;
    unless_cancelled(monitor)?;
    let start = Instant::now();
    let SliceRows {
        meta,
        indices,
        rows,
    } = job.run_slice(slice, monitor)?;
    unless_cancelled(monitor)?;
    store::write(dir, &meta, &indices, &rows, start.elapsed().as_secs_f64())
}

/// `merge`: the output of pooled shards ([`store::pool`]) written into
/// `dir` as a one-process run writes it (row files in `format`).
pub fn merge<J: Sharded>(
    pooled: &Pooled,
    dir: &Path,
    format: RowFormat,
) -> Result<(J::Output, Vec<PathBuf>), ShardError> {
    let output = J::merge(pooled)?;
    let files = write::<J>(dir, &output, format)?;
    Ok((output, files))
}

/// Under MPI: every rank runs its slice (shard `rank + 1` of `size`), rank
/// 0 gathers and pools the rows with the checks of `merge` and returns the
/// output (`None` on the other ranks); its pooled elapsed seconds are the
/// wall-clock time of the job. An error on any rank ends every rank
/// (`World::ok_or_abort`). Rank 0 writes the files ([`write()`]).
pub(crate) fn run_ranks<J: Sharded>(
    world: &World,
    job: &J,
    monitor: &dyn Monitor,
) -> Option<J::Output> {
    let start = Instant::now();
    let SliceRows {
        meta,
        indices,
        rows,
    } = world.ok_or_abort(job.run_slice(world.slice(), monitor));
    let manifest = meta.manifest(&indices, &rows, start.elapsed().as_secs_f64());
    let mut pooled = world.gather(manifest, meta.spec_text, rows)?;
    pooled.elapsed_s = start.elapsed().as_secs_f64();
    Some(world.ok_or_abort(J::merge(&pooled)))
}

/// Under MPI, a [`Collective`] job: every rank checks `dir` (when given),
/// routes the job's batches over the ranks ([`Collective::split_over`]) and
/// runs the whole job on a one-thread pool, so that every rank issues its
/// collectives in the same order (a rank's share of each batch runs on the
/// global pool from a thread outside it). A failure on any rank ends every
/// rank (`World::ok_or_abort`). Rank 0 writes the files into `dir` and
/// returns the output and the paths written; the other ranks return
/// `None`.
pub fn run_collective<J: Collective>(
    world: &World,
    job: &J,
    dir: Option<&Path>,
    format: RowFormat,
) -> Result<Option<Written<J::Output>>, ShardError>
where
    J::Output: Send,
{
    if let Some(dir) = dir {
        check_writable(dir)?;
    }
    J::split_over(world);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap_or_else(|e| world.abort(&format!("cannot start the job's thread: {e}")));
    let output = world.ok_or_abort(pool.install(|| job.run_whole(&SILENT)));
    if world.rank() != 0 {
        return Ok(None);
    }
    let files = match dir {
        Some(dir) => write::<J>(dir, &output, format)?,
        None => Vec::new(),
    };
    Ok(Some((output, files)))
}
