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
//!
//! Memory pipeline (large populations): each event touches about three
//! random cache lines (the up list at the drawn index, the dyad's two
//! states, which share one line, a weak tie's state, and the state of the
//! agent moved into a freed slot). Beyond a few million agents every one of
//! them misses the cache, and the events, one after another, would each wait
//! for them in turn. The engine therefore reads its random stream ahead
//! (`super::ahead::Ahead`): the words the next events will draw are known,
//! so their up-list slots are prefetched `DEPTH` events ahead, and the
//! states of their agents and weak ties `MID` events ahead (by then the
//! slot is in cache). A prediction assumes the usual number of words per
//! draw; when a rare draw takes more (a rejection in `Exp1` or
//! `random_range`) the chain of predictions is rebuilt from the true
//! position. Prefetches are hints only: the draws, the events and the
//! generator's final state are exactly those of the plain loop, so the
//! output of a seed is unchanged.

use crate::resources::{AllocError, try_with_capacity};
use rand::Rng;
use rand_distr::Exp1;

use super::ahead::Ahead;
use super::tracker::Tracker;
use crate::monitor::Monitor;
use crate::network::SocialGraph;
use crate::seed::SimRng;

const DOWN: u32 = u32::MAX;

/// Events between an up-list slot's prefetch and its event.
pub(crate) const DEPTH: usize = 16;
/// Events between the prefetch of an event's agent states and the event.
pub(crate) const MID: usize = 6;
/// Events between two calls of a run's [`Monitor`] (progress, then the
/// question whether to stop): about a tenth of a second at 10^7 events/s,
/// and one predictable branch per event in between.
pub const CHECK_EVERY: u64 = 1 << 20;
/// The `total` a run reports to its [`Monitor`]: progress is counted in
/// thousandths of the simulated horizon `t_end`.
pub const PROGRESS_STEPS: usize = 1000;

/// A run stopped because its [`Monitor`] asked it to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stopped {
    /// Events done before the stop.
    pub events: u64,
    /// Simulated time reached.
    pub t: f64,
}

/// Thousandths of `t_end` reached at time `t` (see [`PROGRESS_STEPS`]).
#[inline]
fn steps_done(t: f64, t_end: f64) -> usize {
    ((t / t_end).clamp(0.0, 1.0) * PROGRESS_STEPS as f64) as usize
}

/// Populations from this size on run the prefetching pipeline (below, the
/// states fit in the second-level cache and the look-ahead only costs).
pub const PIPELINE_FROM: usize = 1 << 20;

/// Ask the CPU to start loading the cache line of `p` (a hint: no effect on
/// results, nothing happens on other architectures).
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and reads nothing into the program;
    // `p` is derived from a live slice element (in bounds).
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// A vector of `count` copies of `value`, whose pages the kernel is asked
/// to back with transparent huge pages before they are touched: the random
/// accesses of the engine then miss the TLB far less often.
fn try_filled_huge(what: &str, count: usize, value: u32) -> Result<Vec<u32>, AllocError> {
    let mut v = try_with_capacity(what, count)?;
    advise_huge(v.as_ptr(), count * size_of::<u32>());
    v.resize(count, value);
    Ok(v)
}

/// `madvise(MADV_HUGEPAGE)` over the 2 MiB pages inside `[p, p + bytes)`.
fn advise_huge(p: *const u32, bytes: usize) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 1 << 21;
        let start = (p as usize).next_multiple_of(HUGE);
        let end = (p as usize + bytes) / HUGE * HUGE;
        if end > start {
            // SAFETY: the range lies inside an allocation this process owns;
            // MADV_HUGEPAGE only changes how the kernel backs those pages
            // (contents are unaffected) and a failure is harmless.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (p, bytes);
}

/// Agents' states as an indexable set of up agents: `up` lists them densely,
/// `pos[i]` is `i`'s index in `up` or `DOWN`. 8 bytes per agent; the two
/// agents of a dyad have adjacent slots of `pos`, in one cache line.
#[derive(Debug)]
pub struct Population {
    pos: Vec<u32>,
    up: Vec<u32>,
}

impl Clone for Population {
    /// A copy with room for every agent in the up list (as built), so a run
    /// from the copy never reallocates it, on huge pages like the original.
    fn clone(&self) -> Self {
        let n = self.pos.len();
        let mut pos = Vec::with_capacity(n);
        advise_huge(pos.as_ptr(), n * size_of::<u32>());
        pos.extend_from_slice(&self.pos);
        let mut up = Vec::with_capacity(n);
        advise_huge(up.as_ptr(), n * size_of::<u32>());
        up.extend_from_slice(&self.up);
        Self { pos, up }
    }
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
    /// allocator refuses the 8 bytes per agent (asking for huge pages).
    pub fn try_new(n: usize) -> Result<Self, AllocError> {
        let pos = try_filled_huge("agent states", n, DOWN)?;
        let up: Vec<u32> = try_with_capacity("the list of agents up", n)?;
        advise_huge(up.as_ptr(), n * size_of::<u32>());
        Ok(Self { pos, up })
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

    /// Number of agents.
    pub fn len(&self) -> usize {
        self.pos.len()
    }

    /// Whether there are no agents.
    pub fn is_empty(&self) -> bool {
        self.pos.is_empty()
    }

    /// Number of agents up.
    pub fn n_up(&self) -> usize {
        self.up.len()
    }

    /// Whether agent `i` is up.
    #[inline(always)]
    pub fn is_up(&self, i: u32) -> bool {
        self.pos[i as usize] != DOWN
    }

    /// Put agent `i` up (appended to the up list; nothing if already up).
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
    /// The weak tie `i` contacts, drawn from `rng` (`None`: no contact).
    fn pick<R: Rng + ?Sized>(&self, i: u32, rng: &mut R) -> Option<u32>;

    /// The contact [`WeakTies::pick`] would make if its first draw is the
    /// 64-bit `word`, when that is known without reading memory (a prefetch
    /// hint only: any answer is safe).
    #[inline(always)]
    fn guess(&self, _i: u32, _word: u64) -> Option<u32> {
        None
    }

    /// Prefetch what picking a contact of `i` will read.
    #[inline(always)]
    fn prefetch(&self, _i: u32) {}
}

/// Uniform random other agent among `n`.
#[derive(Debug, Clone, Copy)]
pub struct RandomMixing {
    /// Number of agents.
    pub n: u32,
}

impl WeakTies for RandomMixing {
    #[inline(always)]
    fn pick<R: Rng + ?Sized>(&self, i: u32, rng: &mut R) -> Option<u32> {
        let j = rng.random_range(0..self.n - 1);
        Some(if j >= i { j + 1 } else { j })
    }

    /// `random_range(0..n - 1)` is the high half of `(word >> 32) (n - 1)`
    /// unless it rejects (probability below n / 2^32).
    #[inline(always)]
    fn guess(&self, i: u32, word: u64) -> Option<u32> {
        let j = (((word >> 32) * u64::from(self.n - 1)) >> 32) as u32;
        Some(if j >= i { j + 1 } else { j })
    }
}

impl WeakTies for &SocialGraph {
    /// The start of `i`'s neighbour list (reading `i`'s offsets).
    #[inline(always)]
    fn prefetch(&self, i: u32) {
        prefetch(self.neighbors_of(i).as_ptr());
    }

    #[inline(always)]
    fn pick<R: Rng + ?Sized>(&self, i: u32, rng: &mut R) -> Option<u32> {
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
    /// Probability that an information event of `i` goes to a weak tie.
    fn omega(&self, i: u32) -> f64;

    /// The largest omega (a bound used to predict which events take a weak
    /// tie; 1 is always safe).
    fn omega_max(&self) -> f64 {
        1.0
    }

    /// Prefetch agent `i`'s omega.
    #[inline(always)]
    fn prefetch(&self, _i: u32) {}
}

impl OmegaOf for f64 {
    #[inline(always)]
    fn omega(&self, _: u32) -> f64 {
        *self
    }

    fn omega_max(&self) -> f64 {
        *self
    }
}

impl OmegaOf for &[f64] {
    #[inline(always)]
    fn omega(&self, i: u32) -> f64 {
        self[i as usize]
    }

    fn omega_max(&self) -> f64 {
        self.iter().copied().fold(0.0, f64::max)
    }

    #[inline(always)]
    fn prefetch(&self, i: u32) {
        if let Some(w) = self.get(i as usize) {
            prefetch(w);
        }
    }
}

/// Rates of the chain.
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    /// Job-information rate of an up agent.
    pub lambda: f64,
    /// Job-loss rate of an up agent.
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
    /// `to` went up on information from `from` over `tie`.
    fn offer(&mut self, from: u32, to: u32, tie: Tie);
}

/// Records nothing (the engine's cost is unchanged).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoLog;

impl OfferLog for NoLog {
    #[inline(always)]
    fn offer(&mut self, _: u32, _: u32, _: Tie) {}
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
/// Populations of [`PIPELINE_FROM`] agents or more run with prefetching;
/// the result and `rng`'s final state are the same either way.
#[allow(clippy::too_many_arguments)]
pub(crate) fn simulate_logged<W: WeakTies, O: OmegaOf, L: OfferLog>(
    pop: &mut Population,
    rates: Rates,
    weak: &W,
    omega: &O,
    t_end: f64,
    tracker: &mut Tracker,
    log: &mut L,
    rng: &mut SimRng,
) -> u64 {
    let pipeline = pop.len() >= PIPELINE_FROM;
    simulate_with(pop, rates, weak, omega, t_end, tracker, log, rng, pipeline)
}

/// `simulate_logged` with the prefetching pipeline on or off (for tests
/// and benchmarks: both give the same result).
#[allow(clippy::too_many_arguments)]
pub fn simulate_with<W: WeakTies, O: OmegaOf, L: OfferLog>(
    pop: &mut Population,
    rates: Rates,
    weak: &W,
    omega: &O,
    t_end: f64,
    tracker: &mut Tracker,
    log: &mut L,
    rng: &mut SimRng,
    pipeline: bool,
) -> u64 {
    run_events(
        pop, rates, weak, omega, t_end, tracker, log, rng, pipeline, None,
    )
    .unwrap_or_else(|stopped| stopped.events)
}

/// `simulate_logged` under a [`Monitor`]: every `CHECK_EVERY` events it
/// reports the thousandths of `t_end` reached (of [`PROGRESS_STEPS`]) and
/// stops, with [`Stopped`], when the monitor says it is cancelled (`rng`
/// then continues after the last word drawn). A run that is not stopped is
/// exactly the run of `simulate_logged`: the monitor never touches the
/// random stream or the state.
#[allow(clippy::too_many_arguments)]
pub fn simulate_monitored<W: WeakTies, O: OmegaOf, L: OfferLog>(
    pop: &mut Population,
    rates: Rates,
    weak: &W,
    omega: &O,
    t_end: f64,
    tracker: &mut Tracker,
    log: &mut L,
    rng: &mut SimRng,
    monitor: &dyn Monitor,
) -> Result<u64, Stopped> {
    let pipeline = pop.len() >= PIPELINE_FROM;
    let events = run_events(
        pop,
        rates,
        weak,
        omega,
        t_end,
        tracker,
        log,
        rng,
        pipeline,
        Some(monitor),
    )?;
    monitor.progress(PROGRESS_STEPS, PROGRESS_STEPS);
    Ok(events)
}

/// The event loop with the pipeline on or off, under an optional monitor;
/// `rng` is handed back after the last word drawn, stopped or not.
#[allow(clippy::too_many_arguments)]
fn run_events<W: WeakTies, O: OmegaOf, L: OfferLog>(
    pop: &mut Population,
    rates: Rates,
    weak: &W,
    omega: &O,
    t_end: f64,
    tracker: &mut Tracker,
    log: &mut L,
    rng: &mut SimRng,
    pipeline: bool,
    monitor: Option<&dyn Monitor>,
) -> Result<u64, Stopped> {
    let mut ahead = Ahead::new(rng.clone());
    let events = if pipeline {
        let mut pipe = Pipeline::new(rates, omega.omega_max());
        event_loop(
            pop,
            rates,
            weak,
            omega,
            t_end,
            tracker,
            log,
            &mut ahead,
            monitor,
            |a, p| pipe.step(a, p, weak, omega),
        )
    } else {
        event_loop(
            pop,
            rates,
            weak,
            omega,
            t_end,
            tracker,
            log,
            &mut ahead,
            monitor,
            |_, _| {},
        )
    };
    *rng = ahead.finish();
    events
}

/// Gillespie's direct method; `before` runs at the start of each event
/// (the prefetching pipeline, or nothing); `monitor` is asked every
/// [`CHECK_EVERY`] events.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn event_loop<W: WeakTies, O: OmegaOf, L: OfferLog>(
    pop: &mut Population,
    rates: Rates,
    weak: &W,
    omega: &O,
    t_end: f64,
    tracker: &mut Tracker,
    log: &mut L,
    rng: &mut Ahead,
    monitor: Option<&dyn Monitor>,
    mut before: impl FnMut(&mut Ahead, &Population),
) -> Result<u64, Stopped> {
    let per_up = rates.lambda + rates.delta;
    let p_info = rates.lambda / per_up;
    let mut t = 0.0;
    let mut events = 0u64;
    loop {
        let u = pop.up.len();
        if u == 0 {
            break;
        }
        before(rng, pop);
        let e: f64 = rng.sample(Exp1);
        let t1 = t + e / (u as f64 * per_up);
        if t1 >= t_end {
            break;
        }
        tracker.advance(t, t1, u);
        t = t1;
        events += 1;
        if events.is_multiple_of(CHECK_EVERY)
            && let Some(m) = monitor
        {
            m.progress(steps_done(t, t_end), PROGRESS_STEPS);
            if m.cancelled() {
                return Err(Stopped { events, t });
            }
        }
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
    Ok(events)
}

/// Predicted position of one coming event in the random stream.
#[derive(Debug, Clone, Copy, Default)]
struct Coming {
    /// Index (in words drawn) of the event's first draw.
    at: usize,
    /// Its `random_range(0..u)` word and its uniform word.
    k_word: u64,
    x_word: u64,
}

/// The prefetching pipeline: predictions for the next [`DEPTH`] events.
struct Pipeline {
    ring: [Coming; DEPTH],
    /// Event count of `ring`'s oldest entry (the event about to run).
    next: usize,
    /// Uniform draws in `[weak_lo, p_info)` take a weak tie (one more word).
    weak_lo: f64,
    p_info: f64,
    valid: bool,
}

impl Pipeline {
    fn new(rates: Rates, omega_max: f64) -> Self {
        let p_info = rates.lambda / (rates.lambda + rates.delta);
        Self {
            ring: [Coming::default(); DEPTH],
            next: 0,
            weak_lo: p_info * (1.0 - omega_max.clamp(0.0, 1.0)),
            p_info,
            valid: false,
        }
    }

    /// The event starting at word `at` (`at - head` words ahead).
    #[inline(always)]
    fn read(a: &Ahead, head: usize, at: usize) -> Coming {
        let o = at - head;
        Coming {
            at,
            k_word: a.peek(o + 1),
            x_word: a.peek(o + 2),
        }
    }

    /// Words the event `c` usually draws: Exp1, the index, the uniform and,
    /// for a weak tie, one more.
    #[inline(always)]
    fn len(&self, c: &Coming) -> usize {
        let x = (c.x_word >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        3 + usize::from(x < self.p_info && x >= self.weak_lo)
    }

    /// Slot of the up list that the event `c` draws with `u` agents up.
    #[inline(always)]
    fn slot(c: &Coming, u: usize) -> usize {
        (((c.k_word >> 32) * u as u64) >> 32) as usize
    }

    /// Rebuild the predictions from the true position.
    #[cold]
    fn rebuild(&mut self, a: &Ahead, pop: &Population) {
        let head = a.drawn();
        let mut at = head;
        let u = pop.up.len();
        for d in 0..DEPTH {
            let c = Self::read(a, head, at);
            if let Some(&i) = pop.up.get(Self::slot(&c, u)) {
                prefetch(&pop.pos[(i & !1) as usize]);
            }
            at += self.len(&c);
            self.ring[(self.next + d) % DEPTH] = c;
        }
        self.valid = true;
    }

    /// Before an event: check the prediction, predict one event further and
    /// prefetch the lines the coming events touch.
    #[inline(always)]
    fn step<W: WeakTies, O: OmegaOf>(
        &mut self,
        a: &mut Ahead,
        pop: &Population,
        weak: &W,
        omega: &O,
    ) {
        a.ensure();
        let head = a.drawn();
        if !self.valid || self.ring[self.next % DEPTH].at != head {
            self.rebuild(a, pop);
        }
        let u = pop.up.len();
        // The newest prediction, DEPTH events ahead: its up-list slot.
        let last = self.ring[(self.next + DEPTH - 1) % DEPTH];
        let deep = Self::read(a, head, last.at + self.len(&last));
        prefetch(
            pop.up
                .as_ptr()
                .wrapping_add(Self::slot(&deep, u).min(u - 1)),
        );
        // MID events ahead: the slot is in cache; its agent's dyad line,
        // omega and weak tie.
        let mid = self.ring[(self.next + MID) % DEPTH];
        if let Some(&i) = pop.up.get(Self::slot(&mid, u)) {
            prefetch(&pop.pos[(i & !1) as usize]);
            omega.prefetch(i);
            if self.len(&mid) == 4 {
                let o = mid.at - head + 3;
                match weak.guess(i, a.peek(o)) {
                    Some(j) => {
                        if let Some(p) = pop.pos.get(j as usize) {
                            prefetch(p);
                        }
                    }
                    None => weak.prefetch(i),
                }
            }
        }
        // A removal moves the last up agent into the freed slot.
        if u >= 2 {
            prefetch(&pop.pos[pop.up[u - 1] as usize]);
            prefetch(&pop.pos[pop.up[u - 2] as usize]);
        }
        self.ring[self.next % DEPTH] = deep;
        self.next += 1;
    }
}
