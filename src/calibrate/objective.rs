//! The simulated-minimum-distance objective
//! `Q(θ) = (m(θ) − m_pub)' W (m(θ) − m_pub)`, `W = diag(1 / σ²)` with
//! `σ_j² = se_pub,j² + τ_j²` (the published SE and the target's
//! between-geography variance, `calibrate::geography`), with `m(θ)` the mean
//! of each target row over R cohorts whose seeds are fixed across θ
//! (common random numbers), so Q is a deterministic function of θ.
//!
//! [`Objective::evaluate_batch`] evaluates a batch of θ points (and each
//! point's R cohorts) in parallel with rayon; every cohort depends only on
//! (θ, its seed) and means are summed in replication order, so the result is
//! bit-identical for any thread count, and a batch may be split over
//! processes by index range: a process-wide `CohortRunner`
//! (`set_cohort_runner`, installed by the MPI layer) then computes the
//! rows of the batch's (θ, seed) jobs, which are summarised here in job
//! order exactly as the in-process path does.
//!
//! Every cohort reports to the objective's [`Monitor`] (cohorts simulated
//! so far, of [`Watched::planned`]) and, once the monitor is cancelled,
//! fails at once with [`CohortError::Cancelled`] without simulating, so a
//! search or sampler runs out in moments and its caller returns its
//! `Cancelled` error.
//!
//! An evaluation computes only the specifications its targets read
//! ([`Tables::Rows`]): on the enclave study three of Table 2's five
//! probits, one of Table 5's three Heckman models and one of Table 8's five
//! fits. The rows it does compute are those of a full `migsim replicate`,
//! value for value.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use toml::{Table, Value};

use super::spec::{FreeParam, TargetKey};
use crate::monitor::{Monitor, SILENT};
use crate::replicate::{ReplicationRow, RowKey, Tables, replicate_checked};
use crate::seed::{Component, derive};
use crate::studies::settings::set_dotted;
use crate::studies::{CheckedConfig, StudyError, StudyName};

pub(crate) use crate::studies::calibrated::PENALTY;

/// A resolved target: the replicate row it reads, the published value and
/// SE, and the between-geography variance added to it.
#[derive(Debug, Clone)]
pub struct Target {
    /// The (table, spec prefix, term) the target was given as.
    pub key: TargetKey,
    /// The row's full spec text.
    pub spec: String,
    /// The published value `y_j`.
    pub published: f64,
    /// The published SE `se_pub,j`.
    pub se: f64,
    /// `τ_j²`, the between-geography variance of the target
    /// (`calibrate::geography`); 0 when turned off.
    pub geography_var: f64,
}

/// `σ = sqrt(se² + τ²)`: a target's SD in Q and the synthetic likelihood
/// (τ² from `calibrate::geography`; a negative τ² counts as 0).
pub fn combined_se(se: f64, tau2: f64) -> f64 {
    (se * se + tau2.max(0.0)).sqrt()
}

impl Target {
    /// Whether replicate row `r` is this target's row.
    pub fn matches(&self, r: &ReplicationRow) -> bool {
        r.table == self.key.table && r.spec == self.spec && r.term == self.key.term
    }

    /// `σ_j = sqrt(se_pub,j² + τ_j²)`: the SD the objective weights by.
    pub fn sd(&self) -> f64 {
        combined_se(self.se, self.geography_var)
    }
}

/// The objective: study, fixed overrides, free parameters, targets and the
/// common-random-number seeds of the R cohorts, with the monitor its
/// cohorts report to.
#[derive(Debug, Clone)]
pub struct Objective<'m> {
    /// The study simulated.
    pub study: StudyName,
    /// Fixed overrides every θ starts from.
    pub base: Table,
    /// Cohort size (the paper's N by default).
    pub n: usize,
    /// The free parameters θ, in order.
    pub free: Vec<FreeParam>,
    /// The targets, in order (empty before they are resolved).
    pub targets: Vec<Target>,
    /// The tables the targets read.
    pub tables: Vec<String>,
    /// The R common-random-number cohort seeds.
    pub seeds: Vec<u64>,
    /// Where cohorts report progress and learn of a cancel.
    pub monitor: Watched<'m>,
}

/// The monitor of an objective, the cohorts simulated so far (shared by
/// clones) and the cohorts the caller plans (the progress total; never
/// below the count done).
#[derive(Clone)]
pub struct Watched<'m> {
    /// The caller's monitor.
    pub monitor: &'m dyn Monitor,
    /// Cohorts simulated so far (shared by clones).
    pub done: Arc<AtomicUsize>,
    /// Cohorts the caller plans (the progress total).
    pub planned: usize,
}

impl Watched<'_> {
    /// No progress, never cancelled.
    pub fn silent() -> Watched<'static> {
        Watched {
            monitor: &SILENT,
            done: Arc::default(),
            planned: 0,
        }
    }
}

impl<'m> Watched<'m> {
    /// Report to `monitor`, planning `planned` cohorts.
    pub fn new(monitor: &'m dyn Monitor, planned: usize) -> Watched<'m> {
        Watched {
            monitor,
            done: Arc::default(),
            planned,
        }
    }
}

impl std::fmt::Debug for Watched<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watched")
            .field("done", &self.done.load(Ordering::Relaxed))
            .field("planned", &self.planned)
            .finish()
    }
}

/// One evaluated θ.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// Mean of each target over the cohorts where its estimator succeeded.
    pub moments: Vec<Option<f64>>,
    /// Mean synthetic SE of each target (used by the self-check).
    pub synthetic_se: Vec<Option<f64>>,
    /// Per target, on how many cohorts its estimator failed.
    pub failures: Vec<usize>,
    /// Cohorts that failed as a whole (invalid config, ...), with the reason.
    pub errors: Vec<CohortError>,
    /// `Q(θ)` of the moments (`PENALTY` when one is missing).
    pub q: f64,
}

/// One cohort job: θ and the cohort's seed.
pub type Job<'a> = (&'a [f64], u64);

/// Why a cohort gave no rows at all.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CohortError {
    /// The study rejected θ's config or its simulation failed.
    #[error("cohort with seed {seed}: {source}")]
    Study {
        /// The cohort's seed.
        seed: u64,
        /// The underlying error.
        #[source]
        source: Arc<StudyError>,
    },
    /// The caller cancelled the calibration before this cohort ran.
    #[error("cohort with seed {seed}: cancelled")]
    Cancelled {
        /// The cohort's seed.
        seed: u64,
    },
    /// A cohort that failed on another MPI rank: the error crosses ranks as
    /// its message.
    #[error("cohort with seed {seed} (on MPI rank {rank}): {message}")]
    Remote {
        /// The cohort's seed.
        seed: u64,
        /// The MPI rank.
        rank: usize,
        /// What is wrong.
        message: String,
    },
}

/// The rows of one cohort job.
pub(crate) type CohortResult = Result<Vec<ReplicationRow>, CohortError>;

/// The target-table rows of each job, in job order.
pub(crate) type CohortRows = Vec<CohortResult>;

/// Computes the rows of a list of jobs (for example split over MPI ranks);
/// it must return, in job order, what [`Objective::rows_here`] returns.
pub(crate) type CohortRunner =
    dyn Fn(&Objective, &[Job<'_>], &Tables<'_>) -> CohortRows + Send + Sync + 'static;

static RUNNER: OnceLock<Box<CohortRunner>> = OnceLock::new();

/// Route every later batch evaluation (and held-out rows) of this process
/// through `runner`; `false` if one is already installed.
pub(crate) fn set_cohort_runner(runner: Box<CohortRunner>) -> bool {
    RUNNER.set(runner).is_ok()
}

/// The R cohort seeds of master `seed` (replication r of the population stream).
pub fn cohort_seeds(seed: u64, reps: usize) -> Vec<u64> {
    (0..reps as u64)
        .map(|r| derive(seed, r, Component::Custom(0xCA11)))
        .collect()
}

impl Objective<'_> {
    /// The override table of θ: the fixed overrides with each free key set.
    pub fn overrides(&self, theta: &[f64]) -> Table {
        let mut t = self.base.clone();
        for (p, v) in self.free.iter().zip(theta) {
            set_dotted(&mut t, &p.key, Value::Float(*v));
        }
        t
    }

    /// Whether the monitor asked the calibration to stop.
    pub fn cancelled(&self) -> bool {
        self.monitor.monitor.cancelled()
    }

    /// Rows of `tables` for θ on cohort `seed` (none once cancelled).
    pub fn rows(&self, theta: &[f64], seed: u64, tables: &Tables) -> CohortResult {
        self.rows_checked(&self.checked(theta), seed, tables)
    }

    /// θ's config, resolved and validated once for all its cohorts.
    pub fn checked(&self, theta: &[f64]) -> Result<CheckedConfig, Arc<StudyError>> {
        self.study
            .def()
            .check(&self.overrides(theta), Some(self.n))
            .map_err(Arc::new)
    }

    /// Rows of `tables` for a checked config on cohort `seed` (a config θ
    /// could not make fails each of its cohorts alike; none once
    /// cancelled); each cohort is reported to the monitor.
    pub fn rows_checked(
        &self,
        cfg: &Result<CheckedConfig, Arc<StudyError>>,
        seed: u64,
        tables: &Tables,
    ) -> CohortResult {
        if self.cancelled() {
            return Err(CohortError::Cancelled { seed });
        }
        let study = |source| CohortError::Study { seed, source };
        let rows = match cfg {
            Ok(cfg) => replicate_checked(cfg, seed, tables)
                .map(|r| r.rows)
                .map_err(|e| study(Arc::new(e))),
            Err(e) => Err(study(e.clone())),
        };
        let w = &self.monitor;
        let done = w.done.fetch_add(1, Ordering::Relaxed) + 1;
        w.monitor.progress(done, w.planned.max(done));
        rows
    }

    /// The rows the targets read (table, full spec, term).
    pub fn needed(&self) -> Vec<RowKey> {
        self.targets
            .iter()
            .map(|t| RowKey {
                table: t.key.table.clone(),
                spec: t.spec.clone(),
                term: t.key.term.clone(),
            })
            .collect()
    }

    /// Call `f` with the tables an evaluation computes: the specifications
    /// of the targets, or every table in `self.tables` before the targets
    /// are resolved.
    pub fn with_target_tables<T>(&self, f: impl FnOnce(&Tables<'_>) -> T) -> T {
        let needed = self.needed();
        if needed.is_empty() {
            f(&Tables::Only(&self.tables))
        } else {
            f(&Tables::Rows(&needed))
        }
    }

    /// Evaluate a batch of θ points in parallel (deterministic for any
    /// thread count); with a `CohortRunner` installed, its points × R
    /// cohorts go through the runner as one list of jobs, point-major.
    pub fn evaluate_batch(&self, points: &[Vec<f64>]) -> Vec<Evaluation> {
        if RUNNER.get().is_none() {
            return points.par_iter().map(|p| self.evaluate(p)).collect();
        }
        let jobs: Vec<Job<'_>> = points
            .iter()
            .flat_map(|p| self.seeds.iter().map(move |&s| (p.as_slice(), s)))
            .collect();
        let rows = self.with_target_tables(|t| self.rows_of(&jobs, t));
        rows.chunks(self.seeds.len().max(1))
            .map(|c| self.summarise(c))
            .collect()
    }

    /// Rows of `jobs` through the installed `CohortRunner`, or in this
    /// process.
    pub fn rows_of(&self, jobs: &[Job<'_>], tables: &Tables<'_>) -> CohortRows {
        match RUNNER.get() {
            Some(runner) => runner(self, jobs, tables),
            None => self.rows_here(jobs, tables),
        }
    }

    /// Rows of `jobs` in this process, in parallel, in job order; each run
    /// of jobs on one θ resolves θ's config once.
    pub fn rows_here(&self, jobs: &[Job<'_>], tables: &Tables<'_>) -> CohortRows {
        let runs: Vec<&[Job<'_>]> = jobs
            .chunk_by(|a, b| std::ptr::eq(a.0, b.0) || a.0 == b.0)
            .collect();
        let checked: Vec<_> = runs.par_iter().map(|run| self.checked(run[0].0)).collect();
        let of_job: Vec<usize> = runs
            .iter()
            .enumerate()
            .flat_map(|(i, run)| std::iter::repeat_n(i, run.len()))
            .collect();
        jobs.par_iter()
            .zip(of_job)
            .map(|(&(_, seed), i)| self.rows_checked(&checked[i], seed, tables))
            .collect()
    }

    /// Evaluate one θ: its config resolved once, its R cohorts in parallel,
    /// means in seed order.
    pub fn evaluate(&self, theta: &[f64]) -> Evaluation {
        let cfg = self.checked(theta);
        let per_rep: CohortRows = self.with_target_tables(|tables| {
            self.seeds
                .par_iter()
                .map(|&s| self.rows_checked(&cfg, s, tables))
                .collect()
        });
        self.summarise(&per_rep)
    }

    /// Means of the targets over `per_rep` (the R cohorts of one θ, in seed
    /// order), and Q. Rows beyond the targets' (a full replication) are
    /// ignored, so a full evaluation gives the same [`Evaluation`].
    pub fn summarise(&self, per_rep: &[CohortResult]) -> Evaluation {
        let k = self.targets.len();
        let mut sum = vec![0.0; k];
        let mut se_sum = vec![0.0; k];
        let mut count = vec![0usize; k];
        let mut se_count = vec![0usize; k];
        let mut failures = vec![0usize; k];
        let mut errors = Vec::new();
        for rep in per_rep {
            match rep {
                Err(e) => {
                    errors.push(e.clone());
                    failures.iter_mut().for_each(|f| *f += 1);
                }
                Ok(rows) => {
                    for (j, t) in self.targets.iter().enumerate() {
                        let row = rows.iter().find(|r| t.matches(r));
                        match row.and_then(|r| r.synthetic).filter(|v| v.is_finite()) {
                            Some(v) => {
                                sum[j] += v;
                                count[j] += 1;
                                if let Some(se) = row.and_then(|r| r.synthetic_se) {
                                    se_sum[j] += se;
                                    se_count[j] += 1;
                                }
                            }
                            None => failures[j] += 1,
                        }
                    }
                }
            }
        }
        let moments: Vec<Option<f64>> = (0..k)
            .map(|j| (count[j] > 0).then(|| sum[j] / count[j] as f64))
            .collect();
        let synthetic_se = (0..k)
            .map(|j| (se_count[j] > 0).then(|| se_sum[j] / se_count[j] as f64))
            .collect();
        let q = self.q_of(&moments);
        Evaluation {
            moments,
            synthetic_se,
            failures,
            errors,
            q,
        }
    }

    /// `Q = Σ_j ((m_j − y_j) / σ_j)²` of a moment vector, σ_j from
    /// [`Target::sd`]; `PENALTY` if any moment is missing.
    pub fn q_of(&self, moments: &[Option<f64>]) -> f64 {
        let mut q = 0.0;
        for (m, t) in moments.iter().zip(&self.targets) {
            match m {
                Some(v) => q += ((v - t.published) / t.sd()).powi(2),
                None => return PENALTY,
            }
        }
        if q.is_finite() { q } else { PENALTY }
    }
}
