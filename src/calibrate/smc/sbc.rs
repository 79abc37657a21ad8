//! Simulation-based calibration (Talts et al. 2018) of the posterior:
//! draw `θ_k` from the prior, simulate a "published" table from it (each
//! target's estimate on one fresh cohort at the published N, with the
//! published SEs kept; a θ whose cohort cannot estimate every target is
//! redrawn, see `DATA_TRIES`), sample that table's posterior, and take the rank
//! `r_jk = #{l : θ̃_jl < θ_jk}` of the truth among `L` draws `θ̃` resampled
//! (systematic) from the weighted particles. If the posterior is right,
//! each `r_j` is uniform on `{0, …, L}`: grouped into B equal bins of
//! `(L + 1)/B` ranks, `χ² = Σ_b (O_b − K/B)² / (K/B)` is χ² with `B − 1`
//! df. B is the largest divisor of `L + 1` with at least 5 expected per
//! bin (at least 2 bins).
//!
//! On the same table, `--method ii` (searched from the study's defaults,
//! no held-out rows) gives a sandwich interval; [`coverage`] reports how
//! often each method's 95% interval covers `θ_k`.

use std::time::Instant;

use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::SmcError;
use super::coverage::{self, CoverageParam, DrawInterval, NOMINAL, truncated_interval};
use super::posterior::{SmcOptions, planned_cohorts, priors_of, sample};
use super::sampler::{Run, systematic};
use crate::calibrate::geography::GeographyReport;
use crate::calibrate::inference::{CORRELATION_COHORTS, target_draws};
use crate::calibrate::objective::{Objective, Watched};
use crate::calibrate::run::calibrate_objective;
use crate::calibrate::setup::{Options, geography_cohorts, setup};
use crate::monitor::{Monitor, SILENT};
use crate::seed::{Component, SimRng, derive, stream};
use crate::studies::StudyName;

/// Stream tag of SBC's prior draws, "published" cohorts and rank draws.
pub(crate) const SBC_STREAM: u64 = 0x5AC0_0003;
/// L: posterior draws per rank (ranks 0..=L).
pub const RANK_DRAWS: usize = 19;
/// Prior draws tried per SBC draw for one whose cohort estimates every
/// target: θ_k is drawn from the prior restricted to where a published
/// table can exist (the likelihood is 0 elsewhere, so the posterior is
/// restricted alike).
pub(crate) const DATA_TRIES: usize = 100;
/// A parameter passes when its χ² p-value is at least this.
pub(crate) const LEVEL: f64 = 0.01;

/// One parameter's rank statistics.
#[derive(Debug, Clone, Serialize)]
pub struct SbcParam {
    /// The dotted key.
    pub name: String,
    /// Rank of the truth at each draw, in 0..=L.
    pub ranks: Vec<usize>,
    /// Ranks per bin.
    pub counts: Vec<usize>,
    /// χ² of the bin counts against uniform.
    pub chi2: f64,
    /// Its degrees of freedom, bins − 1.
    pub df: usize,
    /// Its upper-tail p-value.
    pub p_value: f64,
    /// `p_value >= LEVEL`.
    pub passes: bool,
}

/// An SBC run.
#[derive(Debug, Clone, Serialize)]
pub struct Sbc {
    /// The study (None for a toy).
    pub study: Option<StudyName>,
    /// K, prior draws.
    pub draws: usize,
    /// L, posterior draws per rank.
    pub rank_draws: usize,
    /// B, bins of the χ² test.
    pub bins: usize,
    /// The χ² test's level.
    pub level: f64,
    /// Per parameter: ranks and χ².
    pub params: Vec<SbcParam>,
    /// The prior draws θ_k.
    pub truths: Vec<Vec<f64>>,
    /// Coverage of the posterior and sandwich 95% intervals per parameter.
    pub coverage: Vec<CoverageParam>,
    /// `intervals[k][j]`: both intervals of parameter j at draw k.
    pub intervals: Vec<Vec<DrawInterval>>,
    /// Draws whose `--method ii` search did not converge or failed (their
    /// sandwich intervals are counted as computed).
    pub ii_not_converged: usize,
    /// Evaluations and cohorts include those of `--method ii`.
    pub evaluations: u64,
    /// Cohorts simulated.
    pub simulations: u64,
    /// The between-geography variance added to the targets' SEs (estimated
    /// once at θ₀ and kept for every draw).
    pub geography: GeographyReport,
    /// Wall-clock seconds.
    pub elapsed_s: f64,
}

/// Bins for K draws and ranks `0..=l`.
pub(crate) fn bins_for(k: usize, l: usize) -> usize {
    (2..=l + 1)
        .rev()
        .find(|b| (l + 1).is_multiple_of(*b) && k >= 5 * b)
        .unwrap_or(2)
}

/// Counts per bin, χ², df and p-value of ranks in `0..=l`.
pub(crate) fn uniformity(ranks: &[usize], l: usize, bins: usize) -> (Vec<usize>, f64, usize, f64) {
    let mut counts = vec![0usize; bins];
    for &r in ranks {
        counts[(r.min(l) * bins) / (l + 1)] += 1;
    }
    let e = ranks.len() as f64 / bins as f64;
    let chi2: f64 = counts.iter().map(|&o| (o as f64 - e).powi(2) / e).sum();
    let df = bins - 1;
    let p = ChiSquared::new(df as f64).map_or(f64::NAN, |c| c.sf(chi2));
    (counts, chi2, df, p)
}

/// Ranks of `truth` among `l` draws resampled from `run`'s weights.
pub fn ranks_of(run: &Run, truth: &[f64], l: usize, rng: &mut SimRng) -> Vec<usize> {
    let idx = systematic(&run.weights, l, rng);
    // Systematic resampling is ordered by particle; the ranks do not care.
    (0..truth.len())
        .map(|j| {
            idx.iter()
                .filter(|&&i| run.particles[i][j] < truth[j])
                .count()
        })
        .collect()
}

/// The per-parameter statistics of `ranks[k][j]`.
pub fn summarise(names: &[String], ranks: &[Vec<usize>], l: usize) -> (usize, Vec<SbcParam>) {
    let bins = bins_for(ranks.len(), l);
    let params = names
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let r: Vec<usize> = ranks.iter().map(|x| x[j]).collect();
            let (counts, chi2, df, p_value) = uniformity(&r, l, bins);
            SbcParam {
                name: name.clone(),
                ranks: r,
                counts,
                chi2,
                df,
                p_value,
                passes: p_value >= LEVEL,
            }
        })
        .collect();
    (bins, params)
}

/// SBC of `opts`' calibration with `k` prior draws.
pub fn sbc(opts: &Options, smc: &SmcOptions, k: usize) -> Result<Sbc, SmcError> {
    sbc_monitored(opts, smc, k, &SILENT)
}

/// [`sbc`], reporting cohorts simulated to `monitor` (of k SMC runs'
/// planned cohorts); once it is cancelled the call returns
/// [`SmcError::Cancelled`] without running further cohorts.
pub fn sbc_monitored(
    opts: &Options,
    smc: &SmcOptions,
    k: usize,
    monitor: &dyn Monitor,
) -> Result<Sbc, SmcError> {
    let clock = Instant::now();
    smc.check()?;
    if !(2..=100_000).contains(&k) {
        return Err(SmcError::Option {
            option: "--sbc",
            reason: format!("{k}: expected between 2 and 100000 prior draws"),
        });
    }
    let (o, theta0, _) = setup(opts)?;
    let mut o: Objective<'_> = o;
    o.monitor = Watched::new(
        monitor,
        k * (DATA_TRIES.min(2) + planned_cohorts(opts, smc)),
    );
    let priors = priors_of(opts, &o)?;
    let mut rng = stream(opts.seed, 0, Component::Custom(SBC_STREAM));
    let mut truths: Vec<Vec<f64>> = Vec::with_capacity(k);
    let mut data: Vec<Vec<f64>> = Vec::with_capacity(k);
    for d in 0..k {
        let base = derive(opts.seed, 1 + d as u64, Component::Custom(SBC_STREAM));
        let mut found = None;
        let mut theta = Vec::new();
        for t in 0..DATA_TRIES as u64 {
            theta = priors.sample(&mut rng);
            let s = derive(base, t, Component::Custom(SBC_STREAM));
            if let Some(v) = target_draws(&o, &theta, &[s]).pop().flatten() {
                found = Some(v);
                break;
            }
        }
        if o.cancelled() {
            return Err(SmcError::Cancelled);
        }
        let published = found.ok_or_else(|| SmcError::SbcData {
            draw: d,
            tries: DATA_TRIES,
            theta: theta.clone(),
        })?;
        truths.push(theta);
        data.push(published);
    }
    let (mut evaluations, mut simulations) = (0u64, 0u64);
    let ii_opts = Options {
        heldout: false,
        self_check: false,
        ..opts.clone()
    };
    let mut ranks = Vec::with_capacity(k);
    let mut intervals = Vec::with_capacity(k);
    let mut ii_not_converged = 0;
    for (d, (theta, published)) in truths.iter().zip(data).enumerate() {
        let mut od = o.clone();
        for (t, v) in od.targets.iter_mut().zip(published) {
            t.published = v;
        }
        let sampled = sample(&od, priors.clone(), &smc.settings(opts.seed, 2 + d as u64));
        if o.cancelled() {
            return Err(SmcError::Cancelled);
        }
        let (run, sims) = sampled?;
        evaluations += run.evaluations;
        simulations += sims + 1;
        let mut r = stream(
            opts.seed,
            (1 << 32) + d as u64,
            Component::Custom(SBC_STREAM),
        );
        ranks.push(ranks_of(&run, theta, RANK_DRAWS, &mut r));
        let (rows, evals, converged) = draw_intervals(&ii_opts, od, theta0.clone(), &run, theta)?;
        evaluations += evals;
        simulations += evals * opts.reps as u64 + CORRELATION_COHORTS;
        ii_not_converged += usize::from(!converged);
        intervals.push(rows);
    }
    let names: Vec<String> = o.free.iter().map(|p| p.key.clone()).collect();
    let (bins, params) = summarise(&names, &ranks, RANK_DRAWS);
    let coverage = names
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let rows: Vec<DrawInterval> = intervals.iter().map(|r| r[j]).collect();
            CoverageParam::of(name, &rows)
        })
        .collect();
    Ok(Sbc {
        study: Some(o.study),
        draws: k,
        rank_draws: RANK_DRAWS,
        bins,
        level: LEVEL,
        params,
        truths,
        coverage,
        intervals,
        ii_not_converged,
        evaluations,
        simulations,
        geography: GeographyReport::of(&o, geography_cohorts(opts)),
        elapsed_s: clock.elapsed().as_secs_f64(),
    })
}

/// Both 95% intervals of every parameter at one draw: the posterior's from
/// `run` and the sandwich's of `--method ii` on the same objective `o`
/// (searched from `theta0`); with `--method ii`'s evaluations and whether
/// it converged.
fn draw_intervals(
    opts: &Options,
    o: Objective,
    theta0: Vec<f64>,
    run: &Run,
    truth: &[f64],
) -> Result<(Vec<DrawInterval>, u64, bool), SmcError> {
    let free = o.free.clone();
    let ii = calibrate_objective(opts, o, theta0, "sbc".into())?;
    let rows = free
        .iter()
        .zip(&ii.params)
        .enumerate()
        .map(|(j, (f, p))| {
            let (posterior_low, posterior_high) = coverage::posterior_interval(run, j, NOMINAL);
            let (sandwich_low, sandwich_high) =
                truncated_interval(p.estimate, p.se, f.lower, f.upper, NOMINAL);
            DrawInterval {
                truth: truth[j],
                posterior_low,
                posterior_high,
                estimate: p.estimate,
                se: p.se,
                sandwich_low,
                sandwich_high,
            }
        })
        .collect();
    Ok((rows, ii.fit.evaluations, ii.fit.converged))
}
