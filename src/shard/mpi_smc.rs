//! `migsim calibrate --method smc [--sbc K]` under MPI: as
//! [`super::mpi_calibrate`], every rank runs the same deterministic
//! sampler on a one-thread pool, and the cohorts of each batch of
//! likelihood evaluations (all particles of a Metropolis move at once) are
//! split over the ranks and all-gathered in rank order, so every rank
//! holds the rows one process computes and draws the same random numbers.
//! Rank 0 writes.

use super::mpi::World;
use super::mpi_calibrate::install_runner;

/// Run `f` (a posterior or an SBC run) with the cohorts of every
/// evaluation batch split over the ranks of `world`; every rank returns
/// the same result.
pub fn on_ranks<T, E>(world: &World, f: impl FnOnce() -> Result<T, E> + Send) -> Result<T, E>
where
    T: Send,
    E: Send,
{
    install_runner(world);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap_or_else(|e| world.abort(&format!("cannot start the sampler thread: {e}")));
    pool.install(f)
}
