//! Configured engine runs: one replication (single-threaded, deterministic)
//! and independent replications in parallel with rayon.
//!
//! Replication `r` of master seed `s` draws its graph from
//! `seed::stream(s, r, Network)`, its initial states from
//! `stream(s, r, Population)` and its events from `stream(s, r, Engine)`, so
//! results do not depend on the number of threads.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use rayon::prelude::*;

use crate::resources::{DEFAULT_TIME_LIMIT_S, check_items, check_time};

use super::analytic::Params;
use super::engine::{Population, RandomMixing, Rates, simulate};
use super::error::{ZenouError, check};
use super::tracker::Tracker;
use crate::network::{NetworkSpec, SocialGraph};
use crate::seed::{Component, SimRng, stream};

/// Weak-tie probabilities: one for all, or one per agent.
#[derive(Debug, Clone, PartialEq)]
pub enum OmegaSpec {
    Shared(f64),
    PerAgent(Vec<f64>),
}

/// Everything a run needs.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineConfig {
    /// Number of agents (even; dyads are `(2m, 2m + 1)`).
    pub n: usize,
    pub lambda: f64,
    pub delta: f64,
    pub omega: OmegaSpec,
    pub t_end: f64,
    /// Interval of the share-up series (`None`: no series).
    pub record_every: Option<f64>,
    /// Probability that an agent starts up (independently). Default 0.5.
    pub initial_up: f64,
    /// Number of batches over the second half for the standard error. Default 32.
    pub batches: usize,
    pub network: NetworkSpec,
    /// Longest estimated run time accepted, in seconds (default
    /// `DEFAULT_TIME_LIMIT_S`, 24 hours); see [`EngineConfig::estimated_seconds`].
    pub max_run_s: f64,
}

/// Calibrated cost of one engine event (an up agent's job-information or
/// job-loss event), seconds: `benches/zenou.rs` measures 30-60 million
/// events/s for 10^6 agents on one core; a cheaper figure would refuse fewer
/// runs, so the estimate takes the fast end.
pub(crate) const SECONDS_PER_EVENT: f64 = 2.5e-8;

/// Bytes one agent takes in a run: 4 in the state array, 4 in the list of
/// agents up (reserved for all), 1 in the final state.
pub(crate) const BYTES_PER_AGENT: u128 = 9;

/// Calibrated cost of one recorded series point, seconds.
pub(crate) const SECONDS_PER_POINT: f64 = 5e-9;

impl EngineConfig {
    /// Random mixing, shared omega, half up at the start, 32 batches, no series.
    pub fn new(n: usize, lambda: f64, delta: f64, omega: f64, t_end: f64) -> Self {
        Self {
            n,
            lambda,
            delta,
            omega: OmegaSpec::Shared(omega),
            t_end,
            record_every: None,
            initial_up: 0.5,
            batches: 32,
            network: NetworkSpec::Random,
            max_run_s: DEFAULT_TIME_LIMIT_S,
        }
    }

    /// Check every field; errors name the parameter and its allowed range.
    pub fn validate(&self) -> Result<(), ZenouError> {
        let max = u32::MAX as u64 - 1;
        if self.n < 2 || !self.n.is_multiple_of(2) || self.n as u64 > max {
            return Err(ZenouError::InvalidAgents {
                n: self.n as u64,
                max,
            });
        }
        check(
            "lambda",
            self.lambda,
            "a finite number > 0",
            self.lambda > 0.0,
        )?;
        check(
            "delta",
            self.delta,
            "a finite number >= 0",
            self.delta >= 0.0,
        )?;
        let in_range = |w: f64| w > 0.0 && w <= 1.0;
        match &self.omega {
            OmegaSpec::Shared(w) => {
                check("omega", *w, "a number in (0, 1]", in_range(*w))?;
            }
            OmegaSpec::PerAgent(ws) => {
                if ws.len() != self.n {
                    return Err(ZenouError::OmegaLength {
                        got: ws.len(),
                        n: self.n,
                    });
                }
                for &w in ws {
                    check(
                        "omega",
                        w,
                        "a number in (0, 1] for every agent",
                        in_range(w),
                    )?;
                }
            }
        }
        check("t_end", self.t_end, "a finite number > 0", self.t_end > 0.0)?;
        if let Some(r) = self.record_every {
            check("record_every", r, "a finite number > 0", r > 0.0)?;
        }
        check(
            "initial_up",
            self.initial_up,
            "a share in [0, 1]",
            (0.0..=1.0).contains(&self.initial_up),
        )?;
        let b = self.batches as f64;
        check("batches", b, "an integer >= 2", self.batches >= 2)?;
        self.check_memory()?;
        self.check_time()
    }

    /// Expected events and recorded points of a run. Each up agent has an
    /// event at rate lambda + delta, so a run has about
    /// `n * share * (lambda + delta) * t_end` events, with `share` the
    /// steady-state share up e* (eq. 6, at the mean omega) when it exists and
    /// the initial share otherwise (then the share falls towards 0 and the
    /// figure is an upper bound); the series has `t_end / record_every + 1`
    /// points.
    pub fn expected_work(&self) -> (f64, f64) {
        let omega = match &self.omega {
            OmegaSpec::Shared(w) => *w,
            OmegaSpec::PerAgent(ws) => ws.iter().sum::<f64>() / ws.len().max(1) as f64,
        };
        let share = Params::new(self.lambda, self.delta, omega)
            .ok()
            .filter(Params::exists)
            .map_or(self.initial_up, |p| p.e_star());
        let events = self.n as f64 * share * (self.lambda + self.delta) * self.t_end;
        let points = self.record_every.map_or(0.0, |r| self.t_end / r + 1.0);
        (events, points)
    }

    /// Estimated run time: events x `SECONDS_PER_EVENT` plus recorded
    /// points x `SECONDS_PER_POINT`.
    pub fn estimated_seconds(&self) -> f64 {
        let (events, points) = self.expected_work();
        events * SECONDS_PER_EVENT + points * SECONDS_PER_POINT
    }

    /// Refuse a run whose [`EngineConfig::estimated_seconds`] exceeds
    /// `max_run_s`, naming `record_every` when the series dominates and
    /// `t_end` otherwise.
    fn check_time(&self) -> Result<(), ZenouError> {
        let (events, points) = self.expected_work();
        let seconds = self.estimated_seconds();
        let basis = format!(
            "{events:.2e} events x {:.0} ns + {points:.2e} recorded points x {:.0} ns, \
             {} agents",
            SECONDS_PER_EVENT * 1e9,
            SECONDS_PER_POINT * 1e9,
            self.n
        );
        let raise = "`--max-hours` of `migsim zenou`, or `max_run_s`";
        match self.record_every {
            Some(r) if points * SECONDS_PER_POINT > events * SECONDS_PER_EVENT => {
                check_time("record_every", r, seconds, basis, self.max_run_s, raise)?
            }
            _ => check_time("t_end", self.t_end, seconds, basis, self.max_run_s, raise)?,
        }
        Ok(())
    }

    /// Refuse, before anything is allocated, a run whose agents, batch
    /// means (8 bytes each) or recorded series (16 bytes a point) would not
    /// fit in memory. An agent holds [`BYTES_PER_AGENT`] (its slot in the
    /// state array, in the up list and its final state), 8 more with its own
    /// omega, and about 12 bytes per network tie (the graph's adjacency and
    /// its building).
    fn check_memory(&self) -> Result<(), ZenouError> {
        let k = self.network.mean_degree();
        let omega = match self.omega {
            OmegaSpec::Shared(_) => 0,
            OmegaSpec::PerAgent(_) => 8,
        };
        let per_agent = BYTES_PER_AGENT + omega + (12.0 * k.clamp(0.0, 1e15)) as u128;
        check_items("agents", self.n, self.n as u128, per_agent, "agents")?;
        check_items(
            "batches",
            self.batches,
            self.batches as u128,
            8,
            "batch means",
        )?;
        if let Some(r) = self.record_every {
            let points = (self.t_end / r).min(1e30) as u128 + 1;
            check_items("record_every", r, points, 16, "recorded points")?;
        }
        Ok(())
    }
}

/// What one replication produced.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RunResult {
    pub replication: u64,
    /// Mean share up over `[t_end/2, t_end]`.
    pub mean: f64,
    /// Batch-means standard error of `mean`.
    pub se: f64,
    /// Batches behind `se` after merging correlated ones (see `Tracker::estimate_merged`).
    pub se_batches: usize,
    pub batch_means: Vec<f64>,
    /// `(t, share up)` at the recording interval.
    pub series: Vec<(f64, f64)>,
    /// Final state of every agent (`true` = up).
    #[serde(skip)]
    pub final_state: Vec<bool>,
    pub final_share: f64,
    pub events: u64,
    /// Wall time of the event loop (not reproducible; excluded from equality checks by callers).
    pub elapsed_s: f64,
}

/// Run the engine on a given graph (`None` = random mixing) from `pop`.
pub fn run_on(
    config: &EngineConfig,
    graph: Option<&SocialGraph>,
    pop: Population,
    rng: &mut SimRng,
) -> Result<RunResult, ZenouError> {
    run_on_with_progress(config, graph, pop, rng, None)
}

/// [`run_on`], publishing the simulated time reached to `progress` (as `f64`
/// bits) as the run goes, for a progress bar; the result is the same.
pub(crate) fn run_on_with_progress(
    config: &EngineConfig,
    graph: Option<&SocialGraph>,
    mut pop: Population,
    rng: &mut SimRng,
    progress: Option<Arc<AtomicU64>>,
) -> Result<RunResult, ZenouError> {
    config.validate()?;
    if let Some(g) = graph
        && g.node_count() != config.n
    {
        return Err(ZenouError::GraphSize {
            graph: g.node_count(),
            agents: config.n,
        });
    }
    let rates = Rates {
        lambda: config.lambda,
        delta: config.delta,
    };
    let mut tracker = Tracker::new(config.n, config.t_end, config.record_every, config.batches)
        .with_progress(progress);
    tracker.reserve_series()?;
    let t = config.t_end;
    let mixing = RandomMixing { n: config.n as u32 };
    let start = Instant::now();
    let events = match (&config.omega, graph) {
        (OmegaSpec::Shared(w), None) => simulate(&mut pop, rates, &mixing, w, t, &mut tracker, rng),
        (OmegaSpec::Shared(w), Some(g)) => simulate(&mut pop, rates, &g, w, t, &mut tracker, rng),
        (OmegaSpec::PerAgent(ws), None) => simulate(
            &mut pop,
            rates,
            &mixing,
            &ws.as_slice(),
            t,
            &mut tracker,
            rng,
        ),
        (OmegaSpec::PerAgent(ws), Some(g)) => {
            simulate(&mut pop, rates, &g, &ws.as_slice(), t, &mut tracker, rng)
        }
    };
    let elapsed_s = start.elapsed().as_secs_f64();
    let (mean, se, se_batches) = tracker.estimate_merged();
    let (series, batch_means) = tracker.into_series();
    Ok(RunResult {
        replication: 0,
        mean,
        se,
        se_batches,
        batch_means,
        series,
        final_share: pop.n_up() as f64 / config.n as f64,
        final_state: pop.states(),
        events,
        elapsed_s,
    })
}

/// Replication `rep` of `master`: builds the graph, the initial states and runs.
pub fn run_replication(
    config: &EngineConfig,
    master: u64,
    rep: u64,
) -> Result<RunResult, ZenouError> {
    run_replication_with_progress(config, master, rep, None)
}

/// [`run_replication`] with a progress cell (see [`run_on_with_progress`]).
pub(crate) fn run_replication_with_progress(
    config: &EngineConfig,
    master: u64,
    rep: u64,
    progress: Option<Arc<AtomicU64>>,
) -> Result<RunResult, ZenouError> {
    config.validate()?;
    let graph = config
        .network
        .build(config.n, &mut stream(master, rep, Component::Network))?;
    let pop = Population::try_random(
        config.n,
        config.initial_up,
        &mut stream(master, rep, Component::Population),
    )?;
    let mut rng = stream(master, rep, Component::Engine);
    let mut r = run_on_with_progress(config, graph.as_ref(), pop, &mut rng, progress)?;
    r.replication = rep;
    Ok(r)
}

/// Replications `0..reps` in parallel; the results, in replication order, do
/// not depend on `RAYON_NUM_THREADS`.
pub fn run_replications(
    config: &EngineConfig,
    master: u64,
    reps: u64,
) -> Result<Vec<RunResult>, ZenouError> {
    (0..reps)
        .into_par_iter()
        .map(|r| run_replication(config, master, r))
        .collect()
}
