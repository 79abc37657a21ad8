//! Job information over the migrants' years in the city: the exact Zenou
//! engine (`zenou::engine`) on the dyads and the weak-tie graph.
//!
//! All migrants of the cohort start together (share `initial_up` up, the
//! information the community already holds) and migrant i is read at
//! `t = years_i`: the run is cut into one-year segments, and after segment k
//! the job state of the migrants with k years in the city is recorded; the
//! others keep passing information on. The chain is Markov, so segmenting
//! leaves it exact.
//!
//! Weak-tie meetings are two-sided: an up migrant i spends a share omega_i of
//! its contacts on weak ties, and among its graph neighbours meets j with
//! probability proportional to omega_j (rejection sampling), so the contact
//! rate of a pair is proportional to `omega_i omega_j` and a migrant who
//! chooses a low omega (an enclave resident) also hears less from weak ties.
//!
//! Information inside a hometown group is redundant: an opening a fellow
//! provincial hears of circulates in the group, and a contact j hears what
//! circulates there in proportion to how much of his own weak-tie talk is
//! with the group. A weak-tie contact j in the speaker's own hometown group
//! therefore already knows the opening with probability
//!
//!   P(redundant | i -> j, g_i = g_j) = rho a_j,
//!
//! with `a_j` the share of j's weak ties inside his hometown group (the
//! true ascribed-network share the survey measures, Table 8 (1)) and
//! `rho = network.hometown_redundancy`; the contact then passes nothing new.
//! With `rho = 1`, j knows the opening exactly when the weak tie he last
//! talked with (a uniform one of his ties) is a fellow provincial. The more
//! of their weak ties a migrant and his fellow provincials keep inside the
//! group (homophily), the less new information their weak ties bring:
//! homophily costs information by mechanism, through each migrant's own
//! ties, whatever the group's size or its location quotient (the earlier
//! constant `rho` made the cost of homophily depend on enclave residents
//! clustering in large, high-LQ groups, i.e. on the LQ slope of the enclave
//! choice).
//!
//! The engine reports which tie passed every offer that moved a migrant up
//! ([`JobSource`]); the survey's `job_via_network` is read from that record.

use rand::Rng;

use super::config::Config;
use super::network::ascribed_share;
use super::population::{Population, streams};
use crate::network::SocialGraph;
use crate::seed::{Component, stream};
use crate::zenou::engine::{self, OfferLog, Rates, Tie, WeakTies};
use crate::zenou::tracker::Tracker;

/// Graph neighbours met in proportion to their omega; a contact j in the
/// speaker's hometown group already knows the opening with probability
/// `known[j] = rho a_j`.
struct MeetingWeighted<'a> {
    graph: &'a SocialGraph,
    omega: &'a [f64],
    omega_max: f64,
    known: Vec<f64>,
}

/// Tries before a weak-tie contact is given up (acceptance is at least
/// `min omega / max omega` per try).
const MAX_TRIES: usize = 64;

impl WeakTies for MeetingWeighted<'_> {
    #[inline]
    fn pick<R: Rng + ?Sized>(&self, i: u32, rng: &mut R) -> Option<u32> {
        let nb = self.graph.neighbors_of(i);
        if nb.is_empty() || self.omega_max <= 0.0 {
            return None;
        }
        for _ in 0..MAX_TRIES {
            let j = nb[rng.random_range(0..nb.len())];
            if rng.random::<f64>() * self.omega_max < self.omega[j as usize] {
                let known = self.known[j as usize];
                let redundant = known > 0.0
                    && self.graph.group(j) == self.graph.group(i)
                    && rng.random::<f64>() < known;
                return if redundant { None } else { Some(j) };
            }
        }
        None
    }
}

/// `rho a_j` for every migrant j (0 for an isolated migrant, who is never
/// met).
fn known_in_group(rho: f64, graph: &SocialGraph) -> Vec<f64> {
    if rho <= 0.0 {
        return vec![0.0; graph.node_count()];
    }
    ascribed_share(graph)
        .into_iter()
        .map(|a| if a.is_finite() { rho * a } else { 0.0 })
        .collect()
}

/// Where a migrant's current good job came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobSource {
    /// No good job at the survey, or held since arrival (before any tie in
    /// the city passed an offer): the job found outside the engine.
    Other,
    /// Passed by the dyad partner (a relative or fellow villager).
    Strong,
    /// Passed by a weak tie in the migrant's hometown group.
    Hometown,
    /// Passed by a weak tie outside the hometown group.
    Weak,
}

impl JobSource {
    /// Found "through family or friends" in the survey's sense: a strong
    /// tie or a fellow provincial.
    pub fn via_network(self) -> bool {
        matches!(self, JobSource::Strong | JobSource::Hometown)
    }
}

/// Records the source of each offer, splitting weak ties by hometown group.
struct SourceLog<'a> {
    graph: &'a SocialGraph,
    source: Vec<JobSource>,
}

impl OfferLog for SourceLog<'_> {
    #[inline(always)]
    fn offer(&mut self, from: u32, to: u32, tie: Tie) {
        self.source[to as usize] = match tie {
            Tie::Strong => JobSource::Strong,
            Tie::Weak if self.graph.group(from) == self.graph.group(to) => JobSource::Hometown,
            Tie::Weak => JobSource::Weak,
        };
    }
}

/// Job state (up in the good segment) of every migrant at its years in the
/// city, the tie that passed that job, and the share up among all migrants
/// at the end of each year.
#[derive(Debug, Clone)]
pub struct JobRun {
    /// Whether each migrant holds a good job at the survey.
    pub job: Vec<bool>,
    /// Source of the good job at the survey ([`JobSource::Other`] when down).
    pub source: Vec<JobSource>,
    /// Share up among all migrants at the end of each year.
    pub share_by_year: Vec<f64>,
}

/// Run the engine under weak-tie shares `omega` and `graph`. The engine's
/// random stream is the same for every call with the same seed.
pub fn run_jobs(
    cfg: &Config,
    pop: &Population,
    omega: &[f64],
    graph: &SocialGraph,
    seed: u64,
) -> JobRun {
    let z = &cfg.zenou;
    let rates = Rates {
        lambda: z.lambda * cfg.policy.platform_lambda_mult,
        delta: z.delta,
    };
    let weak = MeetingWeighted {
        graph,
        omega,
        omega_max: omega.iter().copied().fold(0.0, f64::max),
        known: known_in_group(cfg.network.hometown_redundancy, graph),
    };
    let mut log = SourceLog {
        graph,
        source: vec![JobSource::Other; pop.n],
    };
    let mut rng = stream(seed, 0, Component::Custom(streams::ENGINE));
    let mut state = engine::Population::random(pop.n, z.initial_up, &mut rng);
    let max_year = pop.years.iter().copied().max().unwrap_or(1) as usize;
    let mut by_year: Vec<Vec<u32>> = vec![Vec::new(); max_year + 1];
    for (i, &y) in pop.years.iter().enumerate() {
        by_year[y as usize].push(i as u32);
    }
    let mut job = vec![false; pop.n];
    let mut source = vec![JobSource::Other; pop.n];
    let mut share_by_year = Vec::with_capacity(max_year);
    for agents in by_year.iter().skip(1) {
        let mut tracker = Tracker::new(pop.n, 1.0, None, 2);
        engine::simulate_logged(
            &mut state,
            rates,
            &weak,
            &omega,
            1.0,
            &mut tracker,
            &mut log,
            &mut rng,
        );
        for &i in agents {
            let up = state.is_up(i);
            job[i as usize] = up;
            if up {
                source[i as usize] = log.source[i as usize];
            }
        }
        share_by_year.push(state.n_up() as f64 / pop.n as f64);
    }
    JobRun {
        job,
        source,
        share_by_year,
    }
}
