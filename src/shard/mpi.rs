//! MPI ranks as shards (cargo feature `mpi`, rsmpi over the system MPI).
//!
//! Under `mpirun -np P`, rank `r` computes shard `r+1` of `P` exactly as a
//! job-array task would; each rank's manifest and rows are gathered to rank
//! 0 (`MPI_Gatherv` of the JSON bytes), which pools them in index order with
//! the same checks as `migsim merge` and writes the one-process files. A
//! rank that fails prints its error and calls `MPI_Abort`, which ends every
//! rank with a non-zero exit instead of leaving rank 0 waiting in the gather.
//!
//! Without the feature, [`world`] is always `None` and the commands run in
//! one process.

use serde::{Deserialize, Serialize};

use super::manifest::Manifest;
use super::slice::Slice;
use super::store::{Pooled, Shard, pool_shards};

/// Why rows could not travel between ranks.
#[derive(Debug, thiserror::Error)]
pub enum MpiError {
    /// One rank's rows exceed MPI's 32-bit byte count.
    #[cfg(feature = "mpi")]
    #[error("more than 2 GiB of rows on one rank ({bytes} bytes)")]
    RankTooLarge { bytes: usize },
    /// All ranks' rows together exceed MPI's 32-bit byte count.
    #[cfg(feature = "mpi")]
    #[error("more than 2 GiB of rows in all (over {bytes} bytes)")]
    TotalTooLarge { bytes: i64 },
    /// A rank's rows arrived but are not the JSON sent.
    #[error("the rows of rank {rank} cannot be read: {source}")]
    Part {
        rank: usize,
        #[source]
        source: serde_json::Error,
    },
}

/// `len` as an MPI count, or the error `too_large(len)`.
#[cfg(feature = "mpi")]
fn count<N: Copy + TryInto<i32>>(len: N, too_large: fn(N) -> MpiError) -> Result<i32, MpiError> {
    len.try_into().map_err(|_| too_large(len))
}

/// One rank's contribution as sent to rank 0.
#[derive(Serialize, Deserialize)]
struct Part {
    manifest: Manifest,
    rows: Vec<String>,
}

/// The MPI job this process belongs to (only when there is more than one rank).
pub struct World {
    #[cfg(feature = "mpi")]
    universe: mpi::environment::Universe,
    rank: usize,
    size: usize,
}

/// The MPI world when this build has the `mpi` feature and runs under
/// `mpirun` with more than one rank; `None` otherwise.
pub fn world() -> Option<World> {
    #[cfg(feature = "mpi")]
    {
        use mpi::traits::Communicator;
        // Serialized: `calibrate` calls MPI from a rayon worker thread (one
        // at a time), not from the main thread.
        let (universe, _) = mpi::initialize_with_threading(mpi::Threading::Serialized)?;
        let w = universe.world();
        let (rank, size) = (w.rank() as usize, w.size() as usize);
        (size > 1).then_some(World {
            universe,
            rank,
            size,
        })
    }
    #[cfg(not(feature = "mpi"))]
    {
        None
    }
}

impl World {
    /// This rank's slice: shard `rank + 1` of `size`.
    pub fn slice(&self) -> Slice {
        Slice {
            k: self.rank + 1,
            n: self.size,
        }
    }

    /// This process's rank, from 0.
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// The number of ranks.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The value, or: print the error (naming the rank) and abort every rank.
    pub fn ok_or_abort<T, E: std::fmt::Display>(&self, r: Result<T, E>) -> T {
        match r {
            Ok(v) => v,
            Err(e) => self.abort(&e.to_string()),
        }
    }

    /// Print `message` and end the whole MPI job with exit code 2.
    pub fn abort(&self, message: &str) -> ! {
        eprintln!("error: MPI rank {} of {}: {message}", self.rank, self.size);
        #[cfg(feature = "mpi")]
        {
            use mpi::traits::Communicator;
            self.universe.world().abort(2)
        }
        #[cfg(not(feature = "mpi"))]
        {
            std::process::exit(2)
        }
    }

    /// Gather every rank's manifest and rows to rank 0 and pool them there
    /// (`Some` on rank 0, `None` elsewhere). Pooling errors abort the job.
    pub fn gather(&self, manifest: Manifest, spec_text: &str, rows: Vec<String>) -> Option<Pooled> {
        let bytes = serde_json::to_vec(&Part { manifest, rows }).unwrap_or_default();
        let parts = self.gather_bytes(bytes)?;
        let shards = parts
            .iter()
            .enumerate()
            .map(|(r, b)| {
                let part: Part = serde_json::from_slice(b)
                    .map_err(|source| MpiError::Part { rank: r, source })?;
                Ok(Shard {
                    dir: format!("<MPI rank {r}>").into(),
                    manifest: part.manifest,
                    spec_text: spec_text.to_string(),
                    rows: part.rows,
                })
            })
            .collect::<Result<Vec<_>, MpiError>>();
        let shards = self.ok_or_abort(shards);
        Some(self.ok_or_abort(pool_shards(shards)))
    }

    #[cfg(feature = "mpi")]
    fn gather_bytes(&self, bytes: Vec<u8>) -> Option<Vec<Vec<u8>>> {
        use mpi::datatype::PartitionMut;
        use mpi::traits::{Communicator, Root};
        let world = self.universe.world();
        let root = world.process_at_rank(0);
        let len = self.ok_or_abort(count(bytes.len(), |bytes| MpiError::RankTooLarge { bytes }));
        if self.rank != 0 {
            root.gather_into(&len);
            root.gather_varcount_into(&bytes[..]);
            return None;
        }
        let mut counts = vec![0i32; self.size];
        root.gather_into_root(&len, &mut counts[..]);
        let mut displs = Vec::with_capacity(self.size);
        let mut total: i64 = 0;
        for &c in &counts {
            displs.push(self.ok_or_abort(count(total, |bytes| MpiError::TotalTooLarge { bytes })));
            total += i64::from(c);
        }
        let mut buf = vec![0u8; total as usize];
        {
            let mut part = PartitionMut::new(&mut buf[..], &counts[..], &displs[..]);
            root.gather_varcount_into_root(&bytes[..], &mut part);
        }
        Some(
            counts
                .iter()
                .zip(&displs)
                .map(|(&c, &d)| buf[d as usize..(d + c) as usize].to_vec())
                .collect(),
        )
    }

    #[cfg(not(feature = "mpi"))]
    fn gather_bytes(&self, bytes: Vec<u8>) -> Option<Vec<Vec<u8>>> {
        Some(vec![bytes])
    }
}

/// Print `message` and end the whole MPI job with exit code 2 (for code
/// that does not hold the [`World`] value, e.g. a worker thread).
pub fn abort_all(message: &(impl std::fmt::Display + ?Sized)) -> ! {
    eprintln!("error: MPI: {message}");
    #[cfg(feature = "mpi")]
    {
        use mpi::traits::Communicator;
        mpi::topology::SimpleCommunicator::world().abort(2)
    }
    #[cfg(not(feature = "mpi"))]
    {
        std::process::exit(2)
    }
}

/// Every rank's `bytes`, in rank order, on every rank (`MPI_Allgatherv`).
/// Callable without the [`World`] value (from a worker thread): it uses
/// `MPI_COMM_WORLD`, which [`world`] initialised.
#[cfg(feature = "mpi")]
pub fn all_gather_bytes(bytes: &[u8]) -> Result<Vec<Vec<u8>>, MpiError> {
    use mpi::datatype::PartitionMut;
    use mpi::topology::SimpleCommunicator;
    use mpi::traits::{Communicator, CommunicatorCollectives};
    let world = SimpleCommunicator::world();
    let size = world.size() as usize;
    let len = count(bytes.len(), |bytes| MpiError::RankTooLarge { bytes })?;
    let mut counts = vec![0i32; size];
    world.all_gather_into(&len, &mut counts[..]);
    let mut displs = Vec::with_capacity(size);
    let mut total: i64 = 0;
    for &c in &counts {
        displs.push(count(total, |bytes| MpiError::TotalTooLarge { bytes })?);
        total += i64::from(c);
    }
    let mut buf = vec![0u8; total as usize];
    {
        let mut part = PartitionMut::new(&mut buf[..], &counts[..], &displs[..]);
        world.all_gather_varcount_into(bytes, &mut part);
    }
    Ok(counts
        .iter()
        .zip(&displs)
        .map(|(&c, &d)| buf[d as usize..(d + c) as usize].to_vec())
        .collect())
}

/// Without MPI there is one rank.
#[cfg(not(feature = "mpi"))]
pub fn all_gather_bytes(bytes: &[u8]) -> Result<Vec<Vec<u8>>, MpiError> {
    Ok(vec![bytes.to_vec()])
}
