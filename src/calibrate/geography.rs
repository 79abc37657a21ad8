//! Between-geography variance of the targets, added to the published SEs
//! in the weighting of `--method ii` and the synthetic likelihood of
//! `--method smc`.
//!
//! Every cohort seed redraws the study's geography (cities, regions,
//! network draws) as well as its sample, while the objective's R cohorts
//! keep their seeds fixed across θ (common random numbers). The published
//! table is one draw of a geography and of a sample on it; its SE
//! `se_pub,j` measures only the sampling part. By the law of total
//! variance, the estimate `x_j` of target j on one cohort at the published
//! N has
//!
//! `Var(x_j) = E[Var(x_j | geography)] + Var(E[x_j | geography])
//!           = E[se_j²] + τ_j²`,
//!
//! with `se_j` the cohort's own estimated SE of the row. Over G
//! independent cohorts at θ₀ (each its own geography) the between-geography
//! variance is estimated by
//!
//! `τ̂_j² = max(0, s_j² − mean_g se_gj²)`,
//!
//! `s_j² = Σ_g (x_gj − x̄_j)² / (G − 1)` the between-cohort variance over
//! the cohorts that estimate the target (the difference is unbiased for
//! τ_j²; the clip at 0 keeps the weight finite). The target's variance
//! used by calibration is then
//!
//! `σ_j² = se_pub,j² + τ̂_j²`:
//!
//! `Q(θ) = Σ_j (m_j(θ) − y_j)² / σ_j²` and `W = diag(1/σ_j²)` in the
//! sandwich and J test, and `y_j ~ N(m_j(θ), (1 + 1/R) σ_j²)` in the
//! synthetic likelihood (the published value carries one geography's
//! deviation, and the mean of the R simulated cohorts 1/R of one).
//! `--geography-cohorts 0` turns it off (`τ̂² = 0`, the published SEs
//! alone). In `--self-check` mode the target SEs already are the SD over
//! independent cohorts, geography included, so nothing is added.

use serde::Serialize;

use super::objective::Objective;
pub use super::objective::combined_se;
use crate::seed::{Component, derive};

/// Default G: cohorts at θ₀ whose targets give τ̂² (as for the self-check's
/// SEs, an SD from 12 cohorts is off by a fifth or more).
pub const GEOGRAPHY_COHORTS: usize = 32;

/// Stream tag of the geography cohorts' seeds.
pub const GEOGRAPHY_STREAM: u64 = 0x6E0_6A4F;

/// Most geography cohorts a calibration accepts.
pub const MAX_GEOGRAPHY_COHORTS: usize = 10_000;

/// One target's estimate on one geography cohort: the value and its own
/// estimated SE (None when the estimator gave none).
pub type Draw = (f64, Option<f64>);

/// The between-geography variance of one target from G cohorts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TargetGeography {
    /// Cohorts on which the target was estimated (with an SE).
    pub cohorts: usize,
    /// `s²`: the between-cohort variance of the estimates.
    pub total_variance: f64,
    /// `mean_g se_g²`: the mean squared within-cohort SE.
    pub sampling_variance: f64,
    /// `τ̂² = max(0, s² − mean se²)`; 0 with fewer than 3 cohorts.
    pub tau2: f64,
}

/// `τ̂²` of one target from its per-cohort draws (None where the cohort
/// gave no value or no SE): see the module formula. Fewer than 3 usable
/// cohorts give τ̂² = 0 (nothing to add rather than a guess).
pub fn target_geography(draws: &[Option<Draw>]) -> TargetGeography {
    let usable: Vec<(f64, f64)> = draws
        .iter()
        .flatten()
        .filter_map(|&(x, se)| se.map(|s| (x, s)))
        .filter(|(x, s)| x.is_finite() && s.is_finite())
        .collect();
    let g = usable.len();
    if g < 3 {
        return TargetGeography {
            cohorts: g,
            total_variance: 0.0,
            sampling_variance: 0.0,
            tau2: 0.0,
        };
    }
    let n = g as f64;
    let mean = usable.iter().map(|(x, _)| x).sum::<f64>() / n;
    let total_variance = usable.iter().map(|(x, _)| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let sampling_variance = usable.iter().map(|(_, s)| s * s).sum::<f64>() / n;
    TargetGeography {
        cohorts: g,
        total_variance,
        sampling_variance,
        tau2: (total_variance - sampling_variance).max(0.0),
    }
}

/// The seeds of the G geography cohorts of master `seed` (independent of
/// the objective's common-random-number seeds).
pub fn geography_seeds(seed: u64, cohorts: usize) -> Vec<u64> {
    (0..cohorts as u64)
        .map(|g| derive(seed, (1 << 34) + g, Component::Custom(GEOGRAPHY_STREAM)))
        .collect()
}

/// Every target's `τ̂²` over `cohorts` independent cohorts at θ₀ at the
/// objective's N (through [`Objective::rows_of`], so split over MPI ranks
/// when a runner is installed), targets in objective order.
pub fn estimate(o: &Objective, theta0: &[f64], seed: u64, cohorts: usize) -> Vec<TargetGeography> {
    let seeds = geography_seeds(seed, cohorts);
    let jobs: Vec<(&[f64], u64)> = seeds.iter().map(|&s| (theta0, s)).collect();
    let runs = o.with_target_tables(|t| o.rows_of(&jobs, t));
    o.targets
        .iter()
        .map(|t| {
            let draws: Vec<Option<Draw>> = runs
                .iter()
                .map(|run| {
                    let rows = run.as_ref().ok()?;
                    let r = rows.iter().find(|r| t.matches(r))?;
                    let v = r.synthetic.filter(|v| v.is_finite())?;
                    Some((v, r.synthetic_se))
                })
                .collect();
            target_geography(&draws)
        })
        .collect()
}

/// What a result reports of the geography variance: G and, per target,
/// the published SE, `τ̂` and the combined SE σ.
#[derive(Debug, Clone, Serialize)]
pub struct GeographyReport {
    /// G (0: turned off or a self-check).
    pub cohorts: usize,
    /// Per target, in the objective's order.
    pub targets: Vec<GeographyRow>,
}

/// One target's row of a [`GeographyReport`].
#[derive(Debug, Clone, Serialize)]
pub struct GeographyRow {
    /// The target row's table.
    pub table: String,
    /// Its full specification text.
    pub spec: String,
    /// Its term.
    pub term: String,
    /// `se_pub`, the published SE.
    pub published_se: f64,
    /// `τ̂`, the between-geography SD.
    pub geography_sd: f64,
    /// `σ = sqrt(se_pub² + τ̂²)`, the SD calibration weights by.
    pub combined_se: f64,
}

impl GeographyReport {
    /// The report of an objective whose targets carry their τ̂².
    pub fn of(o: &Objective, cohorts: usize) -> GeographyReport {
        GeographyReport {
            cohorts,
            targets: o
                .targets
                .iter()
                .map(|t| GeographyRow {
                    table: t.key.table.clone(),
                    spec: t.spec.clone(),
                    term: t.key.term.clone(),
                    published_se: t.se,
                    geography_sd: t.geography_var.sqrt(),
                    combined_se: t.sd(),
                })
                .collect(),
        }
    }
}

impl std::fmt::Display for GeographyReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.cohorts == 0 {
            return writeln!(
                f,
                "\nBetween-geography variance: off (targets weighted by their published SEs)"
            );
        }
        writeln!(
            f,
            "\nBetween-geography variance over {} cohorts at θ₀: σ = sqrt(se² + τ²)",
            self.cohorts
        )?;
        writeln!(
            f,
            "  {:<8} {:<34} {:<22} {:>10} {:>10} {:>10}",
            "table", "spec", "term", "se", "tau", "sigma"
        )?;
        for r in &self.targets {
            let spec: String = r.spec.chars().take(34).collect();
            let term: String = r.term.chars().take(22).collect();
            writeln!(
                f,
                "  {:<8} {:<34} {:<22} {:>10.4} {:>10.4} {:>10.4}",
                r.table, spec, term, r.published_se, r.geography_sd, r.combined_se
            )?;
        }
        Ok(())
    }
}
