//! One Newton–Raphson maximiser for every log-likelihood with an analytic
//! gradient and Hessian (logit, probit, ordered models, ...).
//!
//! Step: `theta' = theta + t * d`, `d = (-H)^-1 g`, with `t` halved (up to
//! `MAX_HALVINGS` times) until the log-likelihood does not decrease.
//! Convergence is declared after a full step whose Newton decrement
//! `g' (-H)^-1 g` (the gradient norm in the metric of the inverse
//! information, free of the parameters' scale) is below `tol`, or whose
//! largest relative parameter change `|d_j| / (|theta_j| + 1)` and relative
//! log-likelihood change are both below `tol`. Newton converges
//! quadratically, so the point reached after such a step is within `O(tol)` of
//! the optimum. Stopping for any other reason is recorded in
//! [`Termination`], never a panic: the caller turns it into an error (single
//! fit) or a warning (one Monte Carlo replication).
//!
//! `maximize_chord` starts nearer: chord (simplified Newton) steps on a
//! fixed approximation of the information, each needing only the value and
//! gradient, then one full evaluation that must certify convergence, with
//! the Newton iteration above taking over wherever it does not.

use faer::Mat;

use super::linalg;

/// Most step halvings tried in one iteration.
pub(crate) const MAX_HALVINGS: usize = 40;

/// Log-likelihood, gradient and Hessian at one point.
#[derive(Debug, Clone)]
pub struct Eval {
    /// Log-likelihood `l(theta)`.
    pub ll: f64,
    /// Gradient `dl/dtheta`.
    pub grad: Vec<f64>,
    /// Hessian of the log-likelihood (negative definite at a regular maximum).
    pub hess: Mat<f64>,
}

/// A log-likelihood the solver can maximise.
pub trait LogLik {
    /// Log-likelihood only (used while halving steps). May return
    /// `f64::NEG_INFINITY` or NaN outside the parameter space.
    fn value(&self, theta: &[f64]) -> f64;
    /// Log-likelihood, analytic gradient and Hessian.
    fn eval(&self, theta: &[f64]) -> Eval;
    /// Log-likelihood and gradient alone (the chord steps of
    /// `maximize_chord`); by default from [`LogLik::eval`].
    fn value_grad(&self, theta: &[f64]) -> (f64, Vec<f64>) {
        let e = self.eval(theta);
        (e.ll, e.grad)
    }
}

/// Why the solver stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Termination {
    /// The Newton decrement fell below the tolerance.
    Converged,
    /// The iteration cap was reached.
    MaxIterations,
    /// No step length improved the log-likelihood.
    LineSearchFailed,
    /// `-H` is not positive definite at the current point.
    SingularHessian,
    /// The log-likelihood or its derivatives are not finite.
    NonFinite,
}

/// Solver settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewtonOptions {
    pub max_iter: usize,
    pub tol: f64,
}

/// Where the solver stopped and why.
#[derive(Debug, Clone)]
pub struct NewtonOutcome {
    /// The last iterate (the MLE when converged).
    pub theta: Vec<f64>,
    /// Evaluation at `theta`.
    pub eval: Eval,
    /// Newton iterations taken.
    pub iterations: usize,
    /// Why the solver stopped.
    pub termination: Termination,
    /// Newton decrement `g' (-H)^-1 g` at `theta` (infinite if `-H` is singular).
    pub decrement: f64,
}

impl NewtonOutcome {
    /// Whether the solver stopped at a maximum ([`Termination::Converged`]).
    pub fn converged(&self) -> bool {
        self.termination == Termination::Converged
    }

    /// Euclidean norm of the gradient at `theta`.
    pub fn grad_norm(&self) -> f64 {
        self.eval.grad.iter().map(|g| g * g).sum::<f64>().sqrt()
    }
}

fn finite(e: &Eval) -> bool {
    e.ll.is_finite()
        && e.grad.iter().all(|g| g.is_finite())
        && e.hess.col_iter().all(|c| c.iter().all(|v| v.is_finite()))
}

/// Newton direction `(-H)^-1 g` and the decrement `g' d`.
fn direction(e: &Eval) -> Option<(Vec<f64>, f64)> {
    let neg = -&e.hess;
    let d = linalg::spd_solve(neg.as_ref(), &e.grad)?;
    let dec = d.iter().zip(&e.grad).map(|(a, b)| a * b).sum();
    Some((d, dec))
}

/// Line search by halving: the first `t` in 1, 1/2, 1/4, ... whose
/// log-likelihood is not below `ll0` (up to rounding), with its evaluation.
fn halve<L: LogLik + ?Sized>(
    f: &L,
    theta: &[f64],
    d: &[f64],
    ll0: f64,
) -> Option<(Vec<f64>, Eval, bool)> {
    let slack = 16.0 * f64::EPSILON * ll0.abs().max(1.0);
    let mut t = 1.0;
    for h in 0..=MAX_HALVINGS {
        let trial: Vec<f64> = theta.iter().zip(d).map(|(a, b)| a + t * b).collect();
        let ok = if h == 0 {
            let e = f.eval(&trial);
            if e.ll >= ll0 - slack && finite(&e) {
                return Some((trial, e, true));
            }
            false
        } else {
            let v = f.value(&trial);
            v.is_finite() && v >= ll0 - slack
        };
        if ok {
            let e = f.eval(&trial);
            return finite(&e).then_some((trial, e, false));
        }
        t *= 0.5;
    }
    None
}

/// Maximise `f` from `start`.
pub(crate) fn maximize<L: LogLik + ?Sized>(
    f: &L,
    start: Vec<f64>,
    opts: NewtonOptions,
) -> NewtonOutcome {
    let eval = f.eval(&start);
    maximize_from(f, start, eval, opts)
}

/// [`maximize`] given the evaluation at `start` (a caller that needed it
/// first, e.g. for a rank check on the Hessian there).
pub(crate) fn maximize_from<L: LogLik + ?Sized>(
    f: &L,
    start: Vec<f64>,
    start_eval: Eval,
    opts: NewtonOptions,
) -> NewtonOutcome {
    let mut theta = start;
    let mut eval = start_eval;
    let stop = |theta, eval: Eval, it, term| {
        let decrement = direction(&eval).map_or(f64::INFINITY, |(_, d)| d);
        NewtonOutcome {
            theta,
            eval,
            iterations: it,
            termination: term,
            decrement,
        }
    };
    if !finite(&eval) {
        return stop(theta, eval, 0, Termination::NonFinite);
    }
    for it in 1..=opts.max_iter {
        let Some((d, dec)) = direction(&eval) else {
            return stop(theta, eval, it - 1, Termination::SingularHessian);
        };
        let Some((next, e, full)) = halve(f, &theta, &d, eval.ll) else {
            let term = if dec < opts.tol {
                Termination::Converged
            } else {
                Termination::LineSearchFailed
            };
            return stop(theta, eval, it - 1, term);
        };
        let rel_step = d
            .iter()
            .zip(&theta)
            .map(|(a, b)| a.abs() / (b.abs() + 1.0))
            .fold(0.0, f64::max);
        let rel_ll = (e.ll - eval.ll).abs() / (eval.ll.abs() + 1.0);
        theta = next;
        eval = e;
        if full && (dec < opts.tol || (rel_step < opts.tol && rel_ll < opts.tol)) {
            return stop(theta, eval, it, Termination::Converged);
        }
    }
    stop(theta, eval, opts.max_iter, Termination::MaxIterations)
}

/// Most chord steps of [`maximize_chord`].
pub(crate) const CHORD_STEPS: usize = 16;
/// A chord step is slow when it shrinks the decrement by less than this.
const SLOW_CHORD: f64 = 1e-4;
/// Below this decrement a slow chord takes a fresh exact Hessian.
const REFRESH_BELOW: f64 = 1e-2;

/// Maximise from `start` by chord steps `theta += A^-1 g(theta)`, with `A`
/// a positive definite approximation of the information `-H` (at first a
/// subsample's, scaled to the full sample), then certify.
///
/// A chord step costs one value-and-gradient evaluation and converges
/// linearly, with rate about `||I - A^-1 (-H)||` (Ortega & Rheinboldt 1970,
/// 10.1.4). Where a step shrinks the chord decrement `g' A^-1 g` by less
/// than [`SLOW_CHORD`] once it is below [`REFRESH_BELOW`], `A` is replaced
/// by the exact `-H` at the current point (one full evaluation, whose
/// Newton step is taken next), after which the rate is that of the distance
/// to the optimum (Shamanskii's method). The steps stop when the decrement
/// falls below `tol^2 / 10` (or a step is predicted, at the last step's
/// rate, to take it there: that step's point gets the full evaluation
/// directly), when it shrinks by less than a factor 4, when a step lowers
/// the log-likelihood, or after [`CHORD_STEPS`] (at most `max_iter`). One
/// full evaluation then decides: the point is accepted as converged when
/// its exact Newton decrement is at most `tol^2`, no looser than the point
/// one full Newton step past a decrement of `tol` that [`maximize`]
/// returns. Anywhere else (and where `A` is not positive
/// definite) [`maximize_from`] continues from the last point with the
/// iterations left; `iterations` counts the chord steps too.
pub(crate) fn maximize_chord<L: LogLik + ?Sized>(
    f: &L,
    start: Vec<f64>,
    info: Mat<f64>,
    opts: NewtonOptions,
) -> NewtonOutcome {
    let accept = |theta, eval: Eval, steps, dec| NewtonOutcome {
        theta,
        eval,
        iterations: steps,
        termination: Termination::Converged,
        decrement: dec,
    };
    let mut theta = start;
    let mut a = info;
    let mut steps = 0;
    let (mut ll, mut g) = f.value_grad(&theta);
    let mut here: Option<Eval> = None;
    let mut last = f64::INFINITY;
    while steps < CHORD_STEPS.min(opts.max_iter) {
        let Some(d) = linalg::spd_solve(a.as_ref(), &g) else {
            break;
        };
        let dc: f64 = d.iter().zip(&g).map(|(a, b)| a * b).sum();
        if !(dc.is_finite() && dc < last / 4.0) || dc < opts.tol * opts.tol / 10.0 {
            break;
        }
        if dc > last * SLOW_CHORD && dc < REFRESH_BELOW {
            let e = f.eval(&theta);
            match direction(&e) {
                Some((_, dec)) if finite(&e) && dec <= opts.tol * opts.tol => {
                    return accept(theta, e, steps, dec);
                }
                Some(_) if finite(&e) => {}
                _ => return maximize_from(f, theta, e, remaining(opts, steps)).counting(steps),
            }
            (a, ll, g, last) = (-&e.hess, e.ll, e.grad.clone(), f64::INFINITY);
            here = Some(e);
            continue;
        }
        let trial: Vec<f64> = theta.iter().zip(&d).map(|(a, b)| a + b).collect();
        let slack = 16.0 * f64::EPSILON * ll.abs().max(1.0);
        if last.is_finite() && dc * (dc / last) < opts.tol * opts.tol / 10.0 {
            // At the last step's rate this one lands converged: the full
            // evaluation that certifies it is made there directly.
            let e = f.eval(&trial);
            if e.ll >= ll - slack && finite(&e) {
                (theta, here) = (trial, Some(e));
                steps += 1;
            }
            break;
        }
        let (lt, gt) = f.value_grad(&trial);
        if !(lt >= ll - slack && gt.iter().all(|v| v.is_finite())) {
            break;
        }
        (theta, ll, g, last) = (trial, lt, gt, dc);
        here = None;
        steps += 1;
    }
    let eval = here.unwrap_or_else(|| f.eval(&theta));
    if finite(&eval)
        && let Some((_, dec)) = direction(&eval)
        && dec <= opts.tol * opts.tol
    {
        return accept(theta, eval, steps, dec);
    }
    maximize_from(f, theta, eval, remaining(opts, steps)).counting(steps)
}

/// `opts` with `used` iterations spent.
fn remaining(opts: NewtonOptions, used: usize) -> NewtonOptions {
    NewtonOptions {
        max_iter: opts.max_iter - used,
        ..opts
    }
}

impl NewtonOutcome {
    /// The outcome with `more` earlier iterations counted.
    fn counting(mut self, more: usize) -> Self {
        self.iterations += more;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Concave quadratic-plus-quartic with maximum at (1, -2).
    struct Bowl;
    impl LogLik for Bowl {
        fn value(&self, t: &[f64]) -> f64 {
            let (a, b) = (t[0] - 1.0, t[1] + 2.0);
            -(a * a) - 2.0 * b * b - a.powi(4)
        }
        fn eval(&self, t: &[f64]) -> Eval {
            let (a, b) = (t[0] - 1.0, t[1] + 2.0);
            let mut h = Mat::zeros(2, 2);
            h[(0, 0)] = -2.0 - 12.0 * a * a;
            h[(1, 1)] = -4.0;
            Eval {
                ll: self.value(t),
                grad: vec![-2.0 * a - 4.0 * a.powi(3), -4.0 * b],
                hess: h,
            }
        }
    }

    #[test]
    fn finds_the_maximum_and_reports_convergence() {
        let opts = NewtonOptions {
            max_iter: 50,
            tol: 1e-12,
        };
        let out = maximize(&Bowl, vec![10.0, 10.0], opts);
        assert!(out.converged());
        assert!((out.theta[0] - 1.0).abs() < 1e-8);
        assert!((out.theta[1] + 2.0).abs() < 1e-10);
    }

    #[test]
    fn iteration_cap_is_a_recorded_state() {
        let opts = NewtonOptions {
            max_iter: 2,
            tol: 1e-12,
        };
        let out = maximize(&Bowl, vec![50.0, 0.0], opts);
        assert_eq!(out.termination, Termination::MaxIterations);
        assert_eq!(out.iterations, 2);
    }

    /// The exact information of [`Bowl`] at `t`, scaled by `s`.
    fn bowl_info(t: &[f64], s: f64) -> Mat<f64> {
        let mut h = -Bowl.eval(t).hess;
        h *= faer::Scale(s);
        h
    }

    /// From starts on a grid, with approximations of the information 0.5 to
    /// 2 times the truth at the start, and one that is not positive
    /// definite: the chord solver reaches the optimum Newton reaches, to
    /// 1e-10, and reports convergence with a decrement at most tol^2.
    #[test]
    fn chord_steps_reach_the_newton_optimum() {
        let opts = NewtonOptions {
            max_iter: 60,
            tol: 1e-8,
        };
        for a in [-3.0, -0.5, 0.0, 2.0, 6.0] {
            for b in [-4.0, 1.0, 3.0] {
                let start = vec![a, b];
                let want = maximize(&Bowl, start.clone(), opts);
                for s in [0.5, 1.0, 2.0, -1.0] {
                    let got = maximize_chord(&Bowl, start.clone(), bowl_info(&start, s), opts);
                    assert!(
                        got.converged(),
                        "start ({a}, {b}) scale {s}: {:?}",
                        got.termination
                    );
                    assert!(got.decrement <= opts.tol * opts.tol || got.iterations > 0);
                    for j in 0..2 {
                        assert!(
                            (got.theta[j] - want.theta[j]).abs() < 1e-10,
                            "start ({a}, {b}) scale {s}: {:?} vs {:?}",
                            got.theta,
                            want.theta
                        );
                    }
                }
            }
        }
    }

    /// The chord steps count against `max_iter`: a cap of 2 from far away is
    /// reached and recorded, never exceeded.
    #[test]
    fn chord_steps_count_against_the_cap() {
        let opts = NewtonOptions {
            max_iter: 2,
            tol: 1e-12,
        };
        let start = vec![50.0, 0.0];
        let out = maximize_chord(&Bowl, start.clone(), bowl_info(&[1.0, -2.0], 1.0), opts);
        assert_eq!(out.termination, Termination::MaxIterations);
        assert!(out.iterations <= 2);
    }
}
