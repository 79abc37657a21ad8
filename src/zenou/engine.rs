//! The exact continuous-time agent-based dyad engine.
//!
//! Agents `2m` and `2m + 1` form dyad `m` (the partner of `i` is `i ^ 1`).
//! Every up agent carries rate `lambda + delta`, down agents none, so the next
//! event comes after `Exp(U (lambda + delta))` with `U` agents up, and is
//! carried by a uniform up agent `i` (an indexable set makes this O(1)). With
//! probability `lambda / (lambda + delta)` it is an information event: `i`
//! passes a job to its partner with probability `1 - omega_i`, else to a weak
//! tie (a uniform other agent under random mixing, a uniform graph neighbour
//! otherwise; nothing happens for an isolated node), who goes up if down.
//! Otherwise `i` falls down. This is Gillespie's direct method on the exact
//! Markov chain; the cost is O(1) per event, independent of N.

use crate::resources::{AllocError, try_filled, try_with_capacity};
use rand::Rng;
use rand_distr::Exp1;

use super::tracker::Tracker;
use crate::network::SocialGraph;
use crate::seed::SimRng;

const DOWN: u32 = u32::MAX;

/// Agents' states as an indexable set of up agents: `up` lists them densely,
/// `pos[i]` is `i`'s index in `up` or `DOWN`. 8 bytes per agent.
#[derive(Debug, Clone)]
pub struct Population {
    pos: Vec<u32>,
    up: Vec<u32>,
}

impl Population {
    /// All agents down; `n` must be below `u32::MAX`.
    pub fn new(n: usize) -> Self {
        Self {
            pos: vec![DOWN; n],
            up: Vec::with_capacity(n),
        }
    }

    /// [`Population::new`], with an error instead of an abort when the
    /// allocator refuses the 8 bytes per agent.
    pub fn try_new(n: usize) -> Result<Self, AllocError> {
        Ok(Self {
            pos: try_filled("agent states", n, DOWN)?,
            up: try_with_capacity("the list of agents up", n)?,
        })
    }

    /// Agent `i` up independently with probability `share`.
    pub fn random(n: usize, share: f64, rng: &mut SimRng) -> Self {
        let mut p = Self::new(n);
        p.draw(share, rng);
        p
    }

    /// [`Population::random`] with fallible allocation ([`Population::try_new`]).
    pub fn try_random(n: usize, share: f64, rng: &mut SimRng) -> Result<Self, AllocError> {
        let mut p = Self::try_new(n)?;
        p.draw(share, rng);
        Ok(p)
    }

    fn draw(&mut self, share: f64, rng: &mut SimRng) {
        for i in 0..self.pos.len() as u32 {
            if rng.random::<f64>() < share {
                self.set_up(i);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.pos.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pos.is_empty()
    }

    pub fn n_up(&self) -> usize {
        self.up.len()
    }

    #[inline(always)]
    pub fn is_up(&self, i: u32) -> bool {
        self.pos[i as usize] != DOWN
    }

    #[inline(always)]
    pub fn set_up(&mut self, i: u32) {
        if self.pos[i as usize] == DOWN {
            self.pos[i as usize] = self.up.len() as u32;
            self.up.push(i);
        }
    }

    /// Put down the agent at index `k` of the up list.
    #[inline(always)]
    fn remove_at(&mut self, k: usize) {
        let i = self.up[k];
        let last = self.up.pop().unwrap_or(i);
        if last != i {
            self.up[k] = last;
            self.pos[last as usize] = k as u32;
        }
        self.pos[i as usize] = DOWN;
    }

    /// `true` for agents up.
    pub fn states(&self) -> Vec<bool> {
        self.pos.iter().map(|&p| p != DOWN).collect()
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        (self.pos.capacity() + self.up.capacity()) * size_of::<u32>()
    }
}

/// Where a weak-tie contact lands.
pub trait WeakTies {
    fn pick(&self, i: u32, rng: &mut SimRng) -> Option<u32>;
}

/// Uniform random other agent among `n`.
#[derive(Debug, Clone, Copy)]
pub struct RandomMixing {
    pub n: u32,
}

impl WeakTies for RandomMixing {
    #[inline(always)]
    fn pick(&self, i: u32, rng: &mut SimRng) -> Option<u32> {
        let j = rng.random_range(0..self.n - 1);
        Some(if j >= i { j + 1 } else { j })
    }
}

impl WeakTies for &SocialGraph {
    #[inline(always)]
    fn pick(&self, i: u32, rng: &mut SimRng) -> Option<u32> {
        if self.is_weighted() {
            return self.contact(i, rng.random());
        }
        let nb = self.neighbors_of(i);
        if nb.is_empty() {
            None
        } else {
            Some(nb[rng.random_range(0..nb.len())])
        }
    }
}

/// Weak-tie probability of agent `i`.
pub trait OmegaOf {
    fn omega(&self, i: u32) -> f64;
}

impl OmegaOf for f64 {
    #[inline(always)]
    fn omega(&self, _: u32) -> f64 {
        *self
    }
}

impl OmegaOf for &[f64] {
    #[inline(always)]
    fn omega(&self, i: u32) -> f64 {
        self[i as usize]
    }
}

/// Rates of the chain.
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    pub lambda: f64,
    pub delta: f64,
}

/// The tie that carried a job offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tie {
    /// The dyad partner.
    Strong,
    /// A weak tie (random mixing or a graph neighbour).
    Weak,
}

/// Receives every job offer that moved a down agent up: `to` went up on
/// information from `from`, passed over `tie`. Offers reaching an agent
/// already up change nothing and are not reported.
pub trait OfferLog {
    fn offer(&mut self, from: u32, to: u32, tie: Tie);
}

/// Records nothing (the engine's cost is unchanged).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoLog;

impl OfferLog for NoLog {
    #[inline(always)]
    fn offer(&mut self, _: u32, _: u32, _: Tie) {}
}

/// The tie that passed each agent's current good job: `None` for an agent
/// down or up since before the run, else the tie of the offer that last
/// moved it up.
#[derive(Debug, Clone)]
pub struct TieRecord {
    pub via: Vec<Option<Tie>>,
}

impl TieRecord {
    pub fn new(n: usize) -> Self {
        Self { via: vec![None; n] }
    }
}

impl OfferLog for TieRecord {
    #[inline(always)]
    fn offer(&mut self, _: u32, to: u32, tie: Tie) {
        self.via[to as usize] = Some(tie);
    }
}

/// Simulate from time 0 to `t_end`; returns the number of events.
pub fn simulate<W: WeakTies, O: OmegaOf>(
    pop: &mut Population,
    rates: Rates,
    weak: &W,
    omega: &O,
    t_end: f64,
    tracker: &mut Tracker,
    rng: &mut SimRng,
) -> u64 {
    simulate_logged(pop, rates, weak, omega, t_end, tracker, &mut NoLog, rng)
}

/// [`simulate`], reporting each offer that moved an agent up to `log`.
#[allow(clippy::too_many_arguments)]
pub fn simulate_logged<W: WeakTies, O: OmegaOf, L: OfferLog>(
    pop: &mut Population,
    rates: Rates,
    weak: &W,
    omega: &O,
    t_end: f64,
    tracker: &mut Tracker,
    log: &mut L,
    rng: &mut SimRng,
) -> u64 {
    let per_up = rates.lambda + rates.delta;
    let p_info = rates.lambda / per_up;
    let mut t = 0.0;
    let mut events = 0u64;
    loop {
        let u = pop.up.len();
        if u == 0 {
            break;
        }
        let e: f64 = rng.sample(Exp1);
        let t1 = t + e / (u as f64 * per_up);
        if t1 >= t_end {
            break;
        }
        tracker.advance(t, t1, u);
        t = t1;
        events += 1;
        tracker.tick(events, t);
        let k = rng.random_range(0..u as u32) as usize;
        let i = pop.up[k];
        let x: f64 = rng.random();
        if x < p_info {
            let target = if x < p_info * (1.0 - omega.omega(i)) {
                Some((i ^ 1, Tie::Strong))
            } else {
                weak.pick(i, rng).map(|j| (j, Tie::Weak))
            };
            if let Some((j, tie)) = target
                && !pop.is_up(j)
            {
                pop.set_up(j);
                log.offer(i, j, tie);
            }
        } else {
            pop.remove_at(k);
        }
    }
    tracker.advance(t, t_end, pop.up.len());
    events
}
