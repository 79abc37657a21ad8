//! Bounded derivative-free minimisation of Q: argmin's Nelder–Mead on an
//! unbounded transform of θ, `θ_k = lower_k + (upper_k − lower_k) σ(u_k)`
//! with σ the logistic function, from several starts run in parallel.

use std::sync::atomic::{AtomicU64, Ordering};

use argmin::core::{CostFunction, Error, Executor, State, TerminationReason, TerminationStatus};
use argmin::solver::neldermead::NelderMead;
use rand::Rng;
use rayon::prelude::*;

use super::objective::{Objective, PENALTY};
use super::spec::FreeParam;
use crate::seed::{Component, stream};

/// θ of unbounded `u`.
pub fn to_theta(free: &[FreeParam], u: &[f64]) -> Vec<f64> {
    free.iter()
        .zip(u)
        .map(|(p, &x)| p.lower + (p.upper - p.lower) / (1.0 + (-x).exp()))
        .collect()
}

/// `u` of θ (θ clamped just inside its bounds).
pub fn to_u(free: &[FreeParam], theta: &[f64]) -> Vec<f64> {
    free.iter()
        .zip(theta)
        .map(|(p, &t)| {
            let f = ((t - p.lower) / (p.upper - p.lower)).clamp(1e-6, 1.0 - 1e-6);
            (f / (1.0 - f)).ln()
        })
        .collect()
}

/// Settings of the search.
#[derive(Debug, Clone, Copy)]
pub struct Search {
    /// Nelder–Mead starts (θ₀ first, then random points).
    pub starts: usize,
    /// Iterations per start.
    pub max_iters: u64,
    /// Stop when the SD of Q over the simplex falls below this.
    pub q_tolerance: f64,
    /// Initial simplex step in u (logit) units.
    pub step: f64,
}

impl Default for Search {
    fn default() -> Self {
        Search {
            starts: 3,
            max_iters: 120,
            q_tolerance: 1e-3,
            step: 0.8,
        }
    }
}

/// Result of one start.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StartResult {
    /// Where this start began.
    pub start: Vec<f64>,
    /// Its best θ.
    pub estimate: Vec<f64>,
    /// Q at the estimate.
    pub q: f64,
    /// Nelder–Mead iterations run.
    pub iterations: u64,
    /// Objective evaluations (θ points).
    pub evaluations: u64,
    /// Whether it stopped by the Q tolerance.
    pub converged: bool,
    /// Why the search stopped.
    pub status: String,
}

struct Problem<'a> {
    objective: &'a Objective<'a>,
    evaluations: &'a AtomicU64,
}

impl CostFunction for Problem<'_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, u: &Vec<f64>) -> Result<f64, Error> {
        self.evaluations.fetch_add(1, Ordering::Relaxed);
        let theta = to_theta(&self.objective.free, u);
        let e = self.objective.evaluate_batch(&[theta]);
        Ok(e.first().map_or(PENALTY, |e| e.q))
    }
}

/// Start points: the given `first`, then points drawn uniformly in the
/// middle 60% of each range from `seed`.
pub(crate) fn start_points(
    free: &[FreeParam],
    first: Vec<f64>,
    count: usize,
    seed: u64,
) -> Vec<Vec<f64>> {
    let mut rng = stream(seed, 0, Component::Custom(0x57A7));
    let mut out = vec![first];
    while out.len() < count.max(1) {
        out.push(
            free.iter()
                .map(|p| p.lower + (p.upper - p.lower) * rng.random_range(0.2..0.8))
                .collect(),
        );
    }
    out
}

/// Nelder–Mead from one start.
pub(crate) fn search_one(objective: &Objective, start: &[f64], s: &Search) -> StartResult {
    let evaluations = AtomicU64::new(0);
    let u0 = to_u(&objective.free, start);
    let mut simplex = vec![u0.clone()];
    for k in 0..u0.len() {
        let mut v = u0.clone();
        v[k] += if v[k] > 0.0 { -s.step } else { s.step };
        simplex.push(v);
    }
    let fail = |status: String, evaluations: u64| StartResult {
        start: start.to_vec(),
        estimate: start.to_vec(),
        q: PENALTY,
        iterations: 0,
        evaluations,
        converged: false,
        status,
    };
    let solver = match NelderMead::new(simplex).with_sd_tolerance(s.q_tolerance) {
        Ok(solver) => solver,
        Err(e) => return fail(format!("solver setup failed: {e}"), 0),
    };
    let problem = Problem {
        objective,
        evaluations: &evaluations,
    };
    let run = Executor::new(problem, solver)
        .configure(|st| st.max_iters(s.max_iters))
        .run();
    let n_eval = evaluations.load(Ordering::Relaxed);
    match run {
        Err(e) => fail(format!("search failed: {e}"), n_eval),
        Ok(res) => {
            let st = res.state();
            let u = st.get_best_param().cloned().unwrap_or(u0);
            let (converged, status) = match st.get_termination_status() {
                TerminationStatus::Terminated(TerminationReason::SolverConverged) => (
                    true,
                    "converged (simplex Q spread below tolerance)".to_string(),
                ),
                TerminationStatus::Terminated(r) => (false, format!("stopped: {r}")),
                TerminationStatus::NotTerminated => (false, "not terminated".to_string()),
            };
            StartResult {
                start: start.to_vec(),
                estimate: to_theta(&objective.free, &u),
                q: st.get_best_cost(),
                iterations: st.get_iter(),
                evaluations: n_eval,
                converged,
                status,
            }
        }
    }
}

/// Every start in parallel; results in start order.
pub fn search(objective: &Objective, starts: &[Vec<f64>], s: &Search) -> Vec<StartResult> {
    starts
        .par_iter()
        .map(|st| search_one(objective, st, s))
        .collect()
}

/// Index of the best start (lowest Q, first on ties).
pub(crate) fn best(results: &[StartResult]) -> usize {
    let mut b = 0;
    for (i, r) in results.iter().enumerate() {
        if r.q < results[b].q {
            b = i;
        }
    }
    b
}
