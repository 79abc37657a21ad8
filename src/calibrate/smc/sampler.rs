//! Adaptive tempered sequential Monte Carlo (Del Moral, Doucet & Jasra
//! 2006; the adaptive temperatures of Jasra et al. 2011) for a posterior
//! `π(θ) ∝ p(θ) L(θ)` with a deterministic log-likelihood.
//!
//! Stage t targets `π_t ∝ p(θ) L(θ)^{φ_t}`, `0 = φ_0 < … < φ_T = 1`. Given
//! normalised weights `w_i` and log-likelihoods `ℓ_i`, the next temperature
//! is the largest `φ' ≤ 1` whose reweighted sample
//! `w_i' ∝ w_i exp((φ' − φ) ℓ_i)` keeps `ESS = (Σw')² / Σw'²` at least
//! `α N` (bisection). The particles are then resampled (systematic) and
//! moved by `M` random-walk Metropolis steps that leave `π_t` invariant:
//! proposal `θ' = θ + s L z`, `L Lᵀ` the particle covariance, `z ~ N(0, I)`,
//! accepted with probability `min(1, exp(φ'(ℓ' − ℓ) + ln p(θ') − ln p(θ)))`;
//! the scale starts at `2.38 / √d` and is multiplied by
//! `exp(2 (a − 0.3))` after a stage with acceptance rate `a`. At `φ = 1` the
//! particles are resampled only if the ESS fell below `α N`, so the final
//! weights are those of the last reweighting. The log evidence is
//! `Σ_t ln Σ_i w_i exp((φ_t − φ_{t−1}) ℓ_i)`.
//!
//! Every random number comes, in a fixed order, from one stream of the
//! seed; the likelihoods of a batch are computed by the [`Target`] (in
//! parallel, in order), so the run is identical for any thread count.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::Serialize;

use super::prior::Priors;
use crate::seed::{Component, SimRng, stream};

/// Stream tag of the sampler's random numbers.
pub(crate) const SMC_STREAM: u64 = 0x5AC0_0001;

/// A posterior to sample: its prior and a batch log-likelihood.
pub trait Target: Sync {
    /// The prior `p(θ)` the sampler starts from.
    fn priors(&self) -> &Priors;
    /// `ln L` of each point, in order (`−∞` where the model gives nothing).
    fn ln_likelihood(&self, points: &[Vec<f64>]) -> Vec<f64>;
}

/// Sampler settings.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Settings {
    /// N, particles.
    pub particles: usize,
    /// Metropolis steps per stage.
    pub moves: usize,
    /// α: the ESS kept at each reweighting, as a share of the particles.
    pub ess_fraction: f64,
    /// Stages before the sampler gives up reaching φ = 1.
    pub max_stages: usize,
    /// Seed of the sampler's stream.
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            particles: 200,
            moves: 4,
            ess_fraction: 0.5,
            max_stages: 200,
            seed: 1,
        }
    }
}

/// One stage of the schedule.
#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    /// φ, the likelihood's exponent after this stage.
    pub temperature: f64,
    /// ESS after the reweighting to this temperature.
    pub ess: f64,
    /// Share of Metropolis proposals accepted at this stage.
    pub acceptance: f64,
    /// Scale of the random-walk proposal (times the particle covariance).
    pub scale: f64,
    /// Likelihood evaluations so far (points, not cohorts).
    pub evaluations: u64,
}

/// The weighted particles at φ = 1 and how the sampler got there.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    /// The particles, one θ each.
    pub particles: Vec<Vec<f64>>,
    /// Normalised weights.
    pub weights: Vec<f64>,
    /// `ln L` of each particle.
    pub ln_likelihood: Vec<f64>,
    /// The tempering schedule.
    pub stages: Vec<Stage>,
    /// Likelihood evaluations (points).
    pub evaluations: u64,
    /// `ln Z`, the sum of the stages' log mean incremental weights.
    pub ln_evidence: f64,
    /// ESS of the final weights, `1 / Σ w²`.
    pub ess: f64,
}

/// Why a run could not finish.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SamplerError {
    /// A sampler setting is out of range.
    #[error("invalid sampler setting `{option}`: {reason}")]
    Setting {
        /// The option.
        option: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// Every prior particle has `ln L = −∞`.
    #[error("no particle of the prior sample has a finite likelihood (every one failed)")]
    NoLikelihood,
    /// φ = 1 was not reached within the stage limit.
    #[error(
        "the temperature reached only {temperature:.3e} after {stages} stages; raise --particles"
    )]
    Stages {
        /// The temperature reached.
        temperature: f64,
        /// Stages run.
        stages: usize,
    },
}

/// Check settings before anything is allocated.
pub fn check(s: &Settings) -> Result<(), SamplerError> {
    let bad = |option, reason: &str| {
        Err(SamplerError::Setting {
            option,
            reason: reason.to_string(),
        })
    };
    if !(8..=100_000).contains(&s.particles) {
        return bad("--particles", "between 8 and 100000");
    }
    if !(1..=100).contains(&s.moves) {
        return bad("--moves", "between 1 and 100");
    }
    if !(s.ess_fraction > 0.0 && s.ess_fraction < 1.0) {
        return bad("ess_fraction", "strictly between 0 and 1");
    }
    if !(1..=10_000).contains(&s.max_stages) {
        return bad("max_stages", "between 1 and 10000");
    }
    Ok(())
}

/// `(Σw)² / Σw²`.
pub(crate) fn ess(weights: &[f64]) -> f64 {
    let s: f64 = weights.iter().sum();
    let s2: f64 = weights.iter().map(|w| w * w).sum();
    if s2 > 0.0 { s * s / s2 } else { 0.0 }
}

/// Normalised weights of log weights, and `ln Σ exp(lw)`.
fn normalise(lw: &[f64]) -> (Vec<f64>, f64) {
    let m = lw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return (vec![0.0; lw.len()], f64::NEG_INFINITY);
    }
    let e: Vec<f64> = lw.iter().map(|x| (x - m).exp()).collect();
    let s: f64 = e.iter().sum();
    (e.iter().map(|x| x / s).collect(), m + s.ln())
}

fn reweighted(lw: &[f64], ll: &[f64], delta: f64) -> Vec<f64> {
    lw.iter()
        .zip(ll)
        .map(|(w, l)| {
            if *l == f64::NEG_INFINITY {
                f64::NEG_INFINITY
            } else {
                w + delta * l
            }
        })
        .collect()
}

/// The largest step `δ ≤ max` with ESS at least `target` (bisection);
/// 0 when the particles with a finite likelihood alone fall short of the
/// target (the stage then only drops the others: `L^0 = 1{L > 0}`).
fn next_step(lw: &[f64], ll: &[f64], max: f64, target: f64) -> f64 {
    if ess(&normalise(&reweighted(lw, ll, max)).0) >= target {
        return max;
    }
    if ess(&normalise(&reweighted(lw, ll, 0.0)).0) < target {
        return 0.0;
    }
    let (mut lo, mut hi) = (0.0, max);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if ess(&normalise(&reweighted(lw, ll, mid)).0) >= target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Systematic resampling: indices of `n` draws from `w`.
pub(crate) fn systematic(w: &[f64], n: usize, rng: &mut SimRng) -> Vec<usize> {
    let u: f64 = rng.random();
    let mut out = Vec::with_capacity(n);
    let (mut i, mut c) = (0, w.first().copied().unwrap_or(0.0));
    for k in 0..n {
        let t = (k as f64 + u) / n as f64;
        while c < t && i + 1 < w.len() {
            i += 1;
            c += w[i];
        }
        out.push(i);
    }
    out
}

/// Weighted mean and covariance of the particles.
pub fn moments(x: &[Vec<f64>], w: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let d = x.first().map_or(0, Vec::len);
    let mut mean = vec![0.0; d];
    for (p, wi) in x.iter().zip(w) {
        for j in 0..d {
            mean[j] += wi * p[j];
        }
    }
    let mut cov = vec![vec![0.0; d]; d];
    for (p, wi) in x.iter().zip(w) {
        for a in 0..d {
            for b in 0..d {
                cov[a][b] += wi * (p[a] - mean[a]) * (p[b] - mean[b]);
            }
        }
    }
    (mean, cov)
}

/// Lower Cholesky factor of `c`, with a small ridge wherever a pivot is
/// not positive (a degenerate particle cloud).
fn cholesky(c: &[Vec<f64>], ridge: &[f64]) -> Vec<Vec<f64>> {
    let d = c.len();
    let mut l = vec![vec![0.0; d]; d];
    for i in 0..d {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let v = c[i][i] + ridge[i] - s;
                l[i][i] = if v > 0.0 { v.sqrt() } else { ridge[i].sqrt() };
            } else {
                l[i][j] = (c[i][j] - s) / l[j][j];
            }
        }
    }
    l
}

/// Sample the posterior of `target`.
pub fn run<T: Target + ?Sized>(target: &T, s: &Settings) -> Result<Run, SamplerError> {
    check(s)?;
    let n = s.particles;
    let priors = target.priors();
    let d = priors.0.len();
    let mut rng = stream(s.seed, 0, Component::Custom(SMC_STREAM));
    let mut x: Vec<Vec<f64>> = (0..n).map(|_| priors.sample(&mut rng)).collect();
    let mut ll = target.ln_likelihood(&x);
    let mut evaluations = n as u64;
    if !ll.iter().any(|l| l.is_finite()) {
        return Err(SamplerError::NoLikelihood);
    }
    ll.iter_mut()
        .filter(|l| !l.is_finite())
        .for_each(|l| *l = f64::NEG_INFINITY);
    let mut lw = vec![0.0; n];
    let mut phi = 0.0;
    let mut ln_evidence = 0.0;
    let mut scale = 2.38 / (d.max(1) as f64).sqrt();
    let ridge: Vec<f64> = priors
        .0
        .iter()
        .map(|p| {
            let (lo, hi) = p.bounds();
            (1e-6 * (hi - lo)).powi(2)
        })
        .collect();
    let mut stages = Vec::new();
    let target_ess = s.ess_fraction * n as f64;
    while phi < 1.0 {
        if stages.len() == s.max_stages {
            return Err(SamplerError::Stages {
                temperature: phi,
                stages: stages.len(),
            });
        }
        let delta = next_step(&lw, &ll, 1.0 - phi, target_ess);
        let (_, before) = normalise(&lw);
        let new_lw = reweighted(&lw, &ll, delta);
        let (w, after) = normalise(&new_lw);
        ln_evidence += after - before;
        phi = if delta >= 1.0 - phi { 1.0 } else { phi + delta };
        let stage_ess = ess(&w);
        let (_, cov) = moments(&x, &w);
        if phi < 1.0 || stage_ess < target_ess {
            let idx = systematic(&w, n, &mut rng);
            x = idx.iter().map(|&i| x[i].clone()).collect();
            ll = idx.iter().map(|&i| ll[i]).collect();
            lw = vec![0.0; n];
        } else {
            lw = w.iter().map(|v| v.ln()).collect();
        }
        let chol = cholesky(&cov, &ridge);
        let mut accepted = 0usize;
        for _ in 0..s.moves {
            let mut proposals = Vec::with_capacity(n);
            let mut inside = Vec::with_capacity(n);
            for p in &x {
                let z: Vec<f64> = (0..d).map(|_| StandardNormal.sample(&mut rng)).collect();
                let y: Vec<f64> = (0..d)
                    .map(|a| p[a] + scale * (0..=a).map(|b| chol[a][b] * z[b]).sum::<f64>())
                    .collect();
                inside.push(priors.ln_density(&y).is_finite());
                proposals.push(y);
            }
            let to_eval: Vec<Vec<f64>> = proposals
                .iter()
                .zip(&inside)
                .filter(|(_, ok)| **ok)
                .map(|(y, _)| y.clone())
                .collect();
            let mut new_ll = target.ln_likelihood(&to_eval).into_iter();
            evaluations += to_eval.len() as u64;
            for i in 0..n {
                let u: f64 = rng.random();
                if !inside[i] {
                    continue;
                }
                let l_new = new_ll
                    .next()
                    .filter(|l| l.is_finite())
                    .unwrap_or(f64::NEG_INFINITY);
                let y = &proposals[i];
                let log_a = if l_new == f64::NEG_INFINITY {
                    f64::NEG_INFINITY
                } else if ll[i] == f64::NEG_INFINITY {
                    f64::INFINITY
                } else {
                    phi * (l_new - ll[i]) + priors.ln_density(y) - priors.ln_density(&x[i])
                };
                if u.ln() < log_a {
                    x[i] = y.clone();
                    ll[i] = l_new;
                    accepted += 1;
                }
            }
        }
        let acceptance = accepted as f64 / (n * s.moves) as f64;
        stages.push(Stage {
            temperature: phi,
            ess: stage_ess,
            acceptance,
            scale,
            evaluations,
        });
        scale = (scale * (2.0 * (acceptance - 0.3)).exp()).clamp(1e-3, 10.0);
    }
    let (weights, _) = normalise(&lw);
    Ok(Run {
        ess: ess(&weights),
        particles: x,
        weights,
        ln_likelihood: ll,
        stages,
        evaluations,
        ln_evidence,
    })
}
