//! What `migsim calibrate --method smc` returns: per-parameter posterior
//! summaries, the sampler's schedule, the posterior predictive fit and the
//! weighted draws (the `--json` document and `posterior.json`).

use serde::Serialize;

use super::posterior_file::{PosteriorSample, weighted_quantile};
use super::prior::Prior;
use super::sampler::{Settings, Stage};
use crate::calibrate::geography::GeographyReport;
use crate::studies::StudyName;

/// The posterior quantiles reported per parameter.
pub const QUANTILES: [f64; 7] = [0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975];

/// One free parameter's posterior.
#[derive(Debug, Clone, Serialize)]
pub struct ParamSummary {
    /// The dotted key.
    pub name: String,
    /// Its prior.
    pub prior: Prior,
    /// Weighted posterior mean.
    pub mean: f64,
    /// Weighted posterior SD.
    pub sd: f64,
    /// At [`QUANTILES`].
    pub quantiles: Vec<f64>,
}

impl ParamSummary {
    /// Summaries of every column of `s` (weighted mean, sd, quantiles).
    pub fn of(s: &PosteriorSample, priors: &[Prior]) -> Vec<ParamSummary> {
        let mean = s.mean();
        (0..s.params.len())
            .map(|j| {
                let col = s.column(j);
                let var: f64 = col
                    .iter()
                    .zip(&s.weights)
                    .map(|(x, w)| w * (x - mean[j]).powi(2))
                    .sum();
                ParamSummary {
                    name: s.params[j].clone(),
                    prior: priors[j],
                    mean: mean[j],
                    sd: var.max(0.0).sqrt(),
                    quantiles: QUANTILES
                        .iter()
                        .map(|&p| weighted_quantile(&col, &s.weights, p))
                        .collect(),
                }
            })
            .collect()
    }
}

/// A target's or held-out row's posterior predictive check: the row's
/// estimate on one fresh cohort at the published N for each of S posterior
/// draws.
#[derive(Debug, Clone, Serialize)]
pub struct PredictiveRow {
    /// The row's table.
    pub table: String,
    /// Its full specification text.
    pub spec: String,
    /// Its term.
    pub term: String,
    /// The published value (the model's own in self-check and SBC runs).
    pub published: f64,
    /// The published SE, if any.
    pub published_se: Option<f64>,
    /// Mean of the predictive draws.
    pub mean: Option<f64>,
    /// 2.5% and 97.5% quantiles of the predictive draws.
    pub low: Option<f64>,
    /// 97.5% quantile.
    pub high: Option<f64>,
    /// Whether the published value lies in [low, high].
    pub inside: Option<bool>,
    /// Draws on which the estimator gave no value.
    pub failures: usize,
}

/// The posterior predictive fit.
#[derive(Debug, Clone, Serialize)]
pub struct Predictive {
    /// S, posterior draws (one cohort each).
    pub draws: usize,
    /// The targets' rows.
    pub targets: Vec<PredictiveRow>,
    /// The held-out rows (empty without them).
    pub heldout: Vec<PredictiveRow>,
    /// Share of targets whose published value lies in the 95% interval.
    pub targets_inside: Option<f64>,
    /// The same for the held-out rows.
    pub heldout_inside: Option<f64>,
}

/// A posterior (the `--json` document).
#[derive(Debug, Clone, Serialize)]
pub struct Posterior {
    /// The study.
    pub study: StudyName,
    /// `"smc"`.
    pub method: &'static str,
    /// Per parameter: prior and posterior summaries.
    pub params: Vec<ParamSummary>,
    /// The sampler settings used.
    pub settings: Settings,
    /// Temperatures, ESS and acceptance rate of each stage.
    pub stages: Vec<Stage>,
    /// Likelihood evaluations (θ points).
    pub evaluations: u64,
    /// Cohorts simulated: evaluations × R, plus the predictive cohorts.
    pub simulations: u64,
    /// ESS of the final weights.
    pub ess: f64,
    /// `ln Z` of the sampler.
    pub ln_evidence: f64,
    /// The posterior predictive check.
    pub predictive: Predictive,
    /// R, cohorts per evaluation.
    pub reps: usize,
    /// The master seed.
    pub seed: u64,
    /// Cohort size.
    pub n: usize,
    /// Where the targets came from (file or "default").
    pub target_set: String,
    /// The between-geography variance added to each target's published SE.
    pub geography: GeographyReport,
    /// Wall-clock seconds.
    pub elapsed_s: f64,
    /// Weakly pinned parameters, low ESS, estimator failures.
    pub warnings: Vec<String>,
    /// The weighted draws (`posterior.csv`).
    #[serde(skip)]
    pub sample: PosteriorSample,
}
