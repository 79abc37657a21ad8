//! The traits of the jobs front ends run: [`Job`] (load, run in one
//! process, files, summary) and [`Sharded`], the jobs that also run in
//! `--shard K/N` slices, on MPI ranks and through `migsim merge`:
//! `recover`, `run` and `sensitivity` today, and any new command whose work
//! is a list of independent units (`power` is a [`Job`] only).
//!
//! A job has `R` units of work (replications, parameter draws, design
//! rows). Unit `i` draws its randomness from `seed::derive(master, i, ..)`
//! only, so slice `K` of `N` ([`Slice::range_of`]: the block
//! `[floor((K-1)·R/N), floor(K·R/N))`) needs no coordination, and the rows
//! of all slices pooled in index order are the rows one process computes.
//! That gives the four paths of [`super::driver`] the same result:
//!
//! - one process: [`Job::run_whole`] (no row encoding);
//! - a shard: [`Sharded::run_slice`], written as a shard folder
//!   ([`super::store`]);
//! - `merge`: shard folders pooled ([`super::store::pool`]), then
//!   [`Sharded::merge`];
//! - MPI: every rank runs [`Sharded::run_slice`] on its slice, rank 0
//!   pools the gathered rows in memory and calls [`Sharded::merge`].
//!
//! A finished [`Job::Output`] is written by [`Job::files`] as one set of
//! files and summarised for machines by [`Job::summary_json`]; the text a
//! front end prints is the front end's own. Progress and cancellation go
//! through the library's [`Monitor`]: every path hands the caller's monitor
//! to the units it computes, and a cancelled job returns an error and
//! writes nothing.
//!
//! A job that is neither (its batches depend on each other) may be a
//! [`Collective`] job: the driver runs it on MPI ranks that split each
//! batch (`calibrate`).
//!
//! To add a sharded job: implement both traits in `shard/<job>.rs` (its
//! row type and the decoding checks live there), and register it with the
//! command line in `cli/job.rs` (one line of its job list, which `merge`
//! reads).

use std::path::{Path, PathBuf};

use super::ShardError;
use super::mpi::World;
use super::slice::Slice;
use super::store::{Meta, Pooled};
use crate::monitor::Monitor;

/// One output file of a finished job: its name inside the output folder and
/// its bytes.
pub type File = (&'static str, Vec<u8>);

/// The rows one slice computed, with the facts its manifest records.
pub struct SliceRows<'a> {
    /// What every shard of the run must agree on (spec, settings, seed,
    /// total units, run facts such as the tracked metrics).
    pub meta: Meta<'a>,
    /// The unit indices held, ascending (one per row).
    pub indices: Vec<usize>,
    /// One JSON line per unit, numbers bit-exact ([`super::codec`]).
    pub rows: Vec<String>,
}

/// A job a front end runs in one process: load a spec, run it with a
/// [`Monitor`], write its files, summarise it. Every [`Sharded`] job is
/// one; a job whose work is not independent units (`power`'s search over
/// N) is only this.
pub trait Job: Sized + Sync {
    /// What the front end overrides on top of the spec file (e.g.
    /// `--reps`, `--method`); `()` when nothing.
    type Options;
    /// The finished, summarised result: the same value from one process,
    /// from merged shards and on MPI rank 0.
    type Output;

    /// The command's name (for a [`Sharded`] job also its manifests'
    /// command, under which `merge` finds it).
    const COMMAND: &'static str;

    /// Read and check the spec at `path` (keeping its text for the shard
    /// manifests) and apply `options`.
    fn load(path: &Path, options: Self::Options) -> Result<Self, ShardError>;

    /// The spec's name (default output folders are named after it).
    fn name(&self) -> &str;

    /// The output folder when the front end names none.
    fn default_dir(name: &str) -> PathBuf;

    /// Every unit in this process, summarised (for a [`Sharded`] job: what
    /// [`Sharded::merge`] returns for the shards of every slice).
    fn run_whole(&self, monitor: &dyn Monitor) -> Result<Self::Output, ShardError>;

    /// The files of a finished output, by name, written as one set.
    fn files(output: &Self::Output) -> Result<Vec<File>, ShardError>;

    /// The output's machine-readable summary (what `--json` prints), one
    /// line of JSON.
    fn summary_json(output: &Self::Output) -> Result<String, ShardError>;
}

/// A job split into independent units of work (see the module
/// documentation): what `--shard`, `merge` and MPI ranks run.
pub trait Sharded: Job {
    /// Units of work of the whole job (what `--shard K/N` slices).
    fn total(&self) -> Result<usize, ShardError>;

    /// The rows of the units of `slice` ([`ShardError::TooManyShards`],
    /// before any simulation, when there are more shards than units).
    fn run_slice(&self, slice: Slice, monitor: &dyn Monitor) -> Result<SliceRows<'_>, ShardError>;

    /// The output of pooled rows: the spec re-read from the stored text
    /// with the stored settings, every row decoded and checked, and the
    /// one-process summarising code.
    fn merge(pooled: &Pooled) -> Result<Self::Output, ShardError>;
}

/// A job whose work is a deterministic sequence of batches, each chosen
/// from the results of the one before (an optimiser, a sampler:
/// `calibrate`), so it cannot be sliced into independent units. Under MPI
/// ([`super::driver::run_collective`]) every rank runs the same sequence
/// and each batch's evaluations are split over the ranks and gathered in
/// rank order, so every rank holds what one process computes and takes
/// the same path; rank 0 writes.
pub trait Collective: Job {
    /// Route every later batch of evaluations of this process over the
    /// ranks of `world` (each computes its share, every rank receives all
    /// results in order).
    fn split_over(world: &World);
}

/// `value` as one line of JSON, or [`ShardError::Encode`] naming `what`.
pub fn json_line<T: serde::Serialize + ?Sized>(
    what: &'static str,
    value: &T,
) -> Result<String, ShardError> {
    serde_json::to_string(value).map_err(|source| ShardError::Encode { what, source })
}
