//! Frequentist coverage of the posterior and the sandwich intervals over
//! SBC's prior draws: for each draw `k` and parameter `j`, whether the
//! posterior's central 95% interval (weighted 2.5% and 97.5% quantiles)
//! and the sandwich 95% interval of `--method ii` on the same simulated
//! "published" table contain the true `θ_jk`.
//!
//! The sandwich interval is the central 95% of `N(θ̂_j, se_j²)` truncated
//! to the bounds `[a, b]`, the marginal of the draws `[uncertainty] from =
//! "calibrated.toml"` takes: with `F = Φ((a − θ̂)/se)`, `G = Φ((b − θ̂)/se)`,
//! the `p` quantile is `θ̂ + se Φ⁻¹(F + p (G − F))`.
//!
//! Coverage over K draws is `c = h / K` (h draws covered) with Monte Carlo
//! SE `√(c (1 − c) / K)`. A posterior that is right covers 95% averaged
//! over the prior (Bayesian coverage); the sandwich covers 95% at every θ
//! only where its normal approximation is exact (a linear model).

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

use super::posterior_file::weighted_quantile;
use super::sampler::Run;

/// Nominal coverage of both intervals.
pub(crate) const NOMINAL: f64 = 0.95;

/// Central `level` interval of `N(estimate, se²)` truncated to
/// `[lower, upper]`; the whole range when `se` is not a positive finite
/// number or the normal has no mass there, the point when `se` is 0.
pub fn truncated_interval(
    estimate: f64,
    se: f64,
    lower: f64,
    upper: f64,
    level: f64,
) -> (f64, f64) {
    if se == 0.0 && estimate.is_finite() {
        let x = estimate.clamp(lower, upper);
        return (x, x);
    }
    let Ok(z) = Normal::new(0.0, 1.0) else {
        return (lower, upper);
    };
    if !(se.is_finite() && se > 0.0 && estimate.is_finite()) {
        return (lower, upper);
    }
    let f = z.cdf((lower - estimate) / se);
    let g = z.cdf((upper - estimate) / se);
    if g - f <= 0.0 {
        return (lower, upper);
    }
    let q = |p: f64| (estimate + se * z.inverse_cdf(f + p * (g - f))).clamp(lower, upper);
    let tail = 0.5 * (1.0 - level);
    (q(tail), q(1.0 - tail))
}

/// The posterior's central `level` interval of parameter `j` of `run`.
pub fn posterior_interval(run: &Run, j: usize, level: f64) -> (f64, f64) {
    let col: Vec<f64> = run.particles.iter().map(|p| p[j]).collect();
    let tail = 0.5 * (1.0 - level);
    (
        weighted_quantile(&col, &run.weights, tail),
        weighted_quantile(&col, &run.weights, 1.0 - tail),
    )
}

/// Coverage of one interval over the draws.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coverage {
    /// Draws whose interval contains the truth.
    pub covered: usize,
    /// Draws with an interval.
    pub draws: usize,
    /// `covered / draws`.
    pub share: f64,
    /// Monte Carlo SE `√(share (1 − share) / draws)`.
    pub mc_se: f64,
    /// Mean interval width.
    pub mean_width: f64,
}

impl Coverage {
    /// Coverage of `intervals` for `truths` (same length).
    pub fn of(intervals: &[(f64, f64)], truths: &[f64]) -> Coverage {
        let draws = intervals.len().min(truths.len());
        let covered = intervals
            .iter()
            .zip(truths)
            .filter(|((lo, hi), t)| (*lo..=*hi).contains(*t))
            .count();
        let n = draws.max(1) as f64;
        let share = covered as f64 / n;
        Coverage {
            covered,
            draws,
            share,
            mc_se: (share * (1.0 - share) / n).sqrt(),
            mean_width: intervals.iter().map(|(lo, hi)| hi - lo).sum::<f64>() / n,
        }
    }
}

/// One parameter's interval at one SBC draw.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DrawInterval {
    /// The true θ_j of the draw.
    pub truth: f64,
    /// 2.5% weighted quantile of the posterior.
    pub posterior_low: f64,
    /// 97.5% weighted quantile of the posterior.
    pub posterior_high: f64,
    /// `--method ii`'s estimate and sandwich SE on the draw's table.
    pub estimate: f64,
    /// Its sandwich SE.
    pub se: f64,
    /// Lower end of the truncated-normal 95% interval.
    pub sandwich_low: f64,
    /// Upper end of it.
    pub sandwich_high: f64,
}

/// One parameter's coverage by both methods.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageParam {
    /// The parameter's dotted key.
    pub name: String,
    /// Coverage of the posterior intervals.
    pub posterior: Coverage,
    /// Coverage of the sandwich intervals.
    pub sandwich: Coverage,
}

impl CoverageParam {
    /// The coverage of parameter `name` from its per-draw intervals.
    pub fn of(name: &str, rows: &[DrawInterval]) -> CoverageParam {
        let truths: Vec<f64> = rows.iter().map(|r| r.truth).collect();
        let post: Vec<(f64, f64)> = rows
            .iter()
            .map(|r| (r.posterior_low, r.posterior_high))
            .collect();
        let sand: Vec<(f64, f64)> = rows
            .iter()
            .map(|r| (r.sandwich_low, r.sandwich_high))
            .collect();
        CoverageParam {
            name: name.to_string(),
            posterior: Coverage::of(&post, &truths),
            sandwich: Coverage::of(&sand, &truths),
        }
    }
}
