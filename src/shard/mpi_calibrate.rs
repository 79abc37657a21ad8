//! `migsim calibrate` under MPI: every rank runs the same deterministic
//! optimiser, and the cohorts of each objective evaluation are split over
//! the ranks.
//!
//! A batch of `P` points with `R` cohort seeds is the job list
//! `(θ_p, seed_r)`, point-major, `J = P·R` jobs; rank `k` of `S` computes
//! jobs `[floor(k·J/S), floor((k+1)·J/S))` (possibly none), and the rows
//! of every job are all-gathered (`MPI_Allgatherv`) in rank order, so each
//! rank holds the rows a single process computes, in the same order, sums
//! them in the same order and takes the same optimiser path. Held-out rows
//! are split the same way. Rank 0 writes.
//!
//! The same holds for the SMC sampler (`--method smc`, `--sbc K`): the
//! cohorts of each batch of likelihood evaluations (all particles of a
//! Metropolis move at once) are split the same way. The driver
//! ([`super::driver::run_collective`]) runs the optimiser or sampler on a
//! one-thread rayon pool so that every rank issues its collectives in the
//! same order (the starts, searched in parallel in one process, run one
//! after another); a rank's share of each batch runs on the global pool
//! from a thread outside it.
//!
//! A cohort that failed crosses ranks as its seed and message
//! ([`CohortError::Remote`]: a study error is not serialisable); a rank
//! whose rows cannot be exchanged ([`MpiCalibrateError`]) aborts every rank.

use serde::{Deserialize, Serialize};

use super::codec::Num;
use super::mpi::{World, abort_all, all_gather_bytes};
use crate::calibrate::objective::{CohortError, CohortRows, Job, Objective, set_cohort_runner};
use crate::replicate::{ReplicationRow, Role, Tables};

/// A [`ReplicationRow`] on the wire, numbers bit-exact.
#[derive(Serialize, Deserialize)]
struct WireRow {
    table: String,
    spec: String,
    term: String,
    published: Option<Num>,
    published_se: Option<Num>,
    synthetic: Option<Num>,
    synthetic_se: Option<Num>,
    note: Option<String>,
    role: Role,
    informative: bool,
    failed: Option<String>,
    tolerance: Option<Num>,
    agrees: Option<bool>,
}

impl From<&ReplicationRow> for WireRow {
    fn from(r: &ReplicationRow) -> WireRow {
        WireRow {
            table: r.table.clone(),
            spec: r.spec.clone(),
            term: r.term.clone(),
            published: r.published.map(Num),
            published_se: r.published_se.map(Num),
            synthetic: r.synthetic.map(Num),
            synthetic_se: r.synthetic_se.map(Num),
            note: r.note.clone(),
            role: r.role,
            informative: r.informative,
            failed: r.failed.clone(),
            tolerance: r.tolerance.map(Num),
            agrees: r.agrees,
        }
    }
}

impl From<WireRow> for ReplicationRow {
    fn from(w: WireRow) -> ReplicationRow {
        ReplicationRow {
            table: w.table,
            spec: w.spec,
            term: w.term,
            published: w.published.map(|n| n.0),
            published_se: w.published_se.map(|n| n.0),
            synthetic: w.synthetic.map(|n| n.0),
            synthetic_se: w.synthetic_se.map(|n| n.0),
            note: w.note,
            role: w.role,
            informative: w.informative,
            failed: w.failed,
            tolerance: w.tolerance.map(|n| n.0),
            agrees: w.agrees,
        }
    }
}

/// A failed cohort on the wire.
#[derive(Serialize, Deserialize)]
struct WireError {
    seed: u64,
    message: String,
}

type WireJob = Result<Vec<WireRow>, WireError>;

/// Why the cohort rows of one batch cannot be exchanged between ranks.
#[derive(Debug, thiserror::Error)]
pub enum MpiCalibrateError {
    /// This rank's rows cannot be encoded.
    #[error("the cohort rows of this rank cannot be encoded: {0}")]
    Encode(#[source] serde_json::Error),
    /// The all-gather itself failed.
    #[error("all-gather of the cohort rows failed: {0}")]
    Gather(#[source] crate::shard::mpi::MpiError),
    /// A rank's rows arrived but cannot be read.
    #[error("the cohort rows of rank {rank} cannot be read: {source}")]
    Decode {
        rank: usize,
        #[source]
        source: serde_json::Error,
    },
    /// A rank sent another number of cohorts than its share.
    #[error("rank {rank} sent {got} cohorts, expected {expected}")]
    Count {
        rank: usize,
        got: usize,
        expected: usize,
    },
}

fn to_wire(job: &Result<Vec<ReplicationRow>, CohortError>, seed: u64) -> WireJob {
    match job {
        Ok(rows) => Ok(rows.iter().map(WireRow::from).collect()),
        Err(e) => Err(WireError {
            seed,
            message: e.to_string(),
        }),
    }
}

fn from_wire(job: WireJob, rank: usize) -> Result<Vec<ReplicationRow>, CohortError> {
    match job {
        Ok(rows) => Ok(rows.into_iter().map(ReplicationRow::from).collect()),
        Err(e) => Err(CohortError::Remote {
            seed: e.seed,
            rank,
            message: e.message,
        }),
    }
}

/// The jobs `[floor(k·J/S), floor((k+1)·J/S))` of rank `k` of `S`.
pub fn share(jobs: usize, rank: usize, size: usize) -> std::ops::Range<usize> {
    let at = |k: usize| (k as u128 * jobs as u128 / size as u128) as usize;
    at(rank)..at(rank + 1)
}

/// This rank's share of `jobs`, then every rank's rows in job order.
fn split_rows(
    o: &Objective,
    jobs: &[Job<'_>],
    tables: &Tables<'_>,
    rank: usize,
    size: usize,
) -> Result<CohortRows, MpiCalibrateError> {
    let mine = &jobs[share(jobs.len(), rank, size)];
    // A plain thread: its parallel iterator uses the global pool while the
    // optimiser's thread waits without running other work.
    let rows = std::thread::scope(|s| s.spawn(|| o.rows_here(mine, tables)).join())
        .unwrap_or_else(|e| std::panic::resume_unwind(e));
    let wire: Vec<WireJob> = rows
        .iter()
        .zip(mine)
        .map(|(r, &(_, seed))| to_wire(r, seed))
        .collect();
    let bytes = serde_json::to_vec(&wire).map_err(MpiCalibrateError::Encode)?;
    let parts = all_gather_bytes(&bytes).map_err(MpiCalibrateError::Gather)?;
    let mut out: CohortRows = Vec::with_capacity(jobs.len());
    for (r, part) in parts.iter().enumerate() {
        let got: Vec<WireJob> = serde_json::from_slice(part)
            .map_err(|source| MpiCalibrateError::Decode { rank: r, source })?;
        let expected = share(jobs.len(), r, size).len();
        if got.len() != expected {
            return Err(MpiCalibrateError::Count {
                rank: r,
                got: got.len(),
                expected,
            });
        }
        out.extend(got.into_iter().map(|j| from_wire(j, r)));
    }
    Ok(out)
}

/// Route every later batch evaluation of this process through the ranks
/// of `world` (each computes its share; the rows are all-gathered).
pub fn install_runner(world: &World) {
    let (rank, size) = (world.rank(), world.size());
    if !set_cohort_runner(Box::new(move |o, jobs, tables| {
        split_rows(o, jobs, tables, rank, size).unwrap_or_else(|e| abort_all(&e.to_string()))
    })) {
        world.abort("a cohort runner is already installed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_partition_the_jobs_in_order() {
        for jobs in 0..30 {
            for size in 1..8 {
                let all: Vec<usize> = (0..size).flat_map(|r| share(jobs, r, size)).collect();
                assert_eq!(
                    all,
                    (0..jobs).collect::<Vec<_>>(),
                    "{jobs} jobs, {size} ranks"
                );
            }
        }
    }
}
