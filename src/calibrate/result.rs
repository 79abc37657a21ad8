//! What a calibration returns: the free parameters' and targets' rows, the
//! fit and the whole result (the `--json` document).

use serde::Serialize;

use super::CalibrateError;
use super::geography::GeographyReport;
use super::inference::Identification;
use super::optimise::StartResult;
use crate::studies::StudyName;

/// A free parameter's result.
#[derive(Debug, Clone, Serialize)]
pub struct ParamRow {
    /// The dotted config key.
    pub name: String,
    /// θ₀, its default.
    pub start: f64,
    /// θ̂.
    pub estimate: f64,
    /// Sandwich SE (a uniform's SD over the bounds when unidentified).
    pub se: f64,
    /// Lower search bound.
    pub lower: f64,
    /// Upper search bound.
    pub upper: f64,
    /// θ₀ in `--self-check` mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truth: Option<f64>,
}

/// A target's (or a held-out row's) fit.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    /// The row's table.
    pub table: String,
    /// Its full specification text.
    pub spec: String,
    /// Its term.
    pub term: String,
    /// The published value.
    pub published: f64,
    /// The published SE, where the paper gives one.
    pub published_se: Option<f64>,
    /// Mean over the R cohorts at θ₀.
    pub at_start: Option<f64>,
    /// Mean over the R cohorts at θ̂.
    pub calibrated: Option<f64>,
    /// Targets: (calibrated − published) / σ, `σ = sqrt(se_pub² + τ²)`
    /// with τ² the between-geography variance; held out:
    /// divided by the combined SE `sqrt(se_pub² + se_sim² / R)`.
    pub z: Option<f64>,
    /// Cohorts on which this row's estimator failed (at the estimate).
    pub failures: usize,
}

/// The fit.
#[derive(Debug, Clone, Serialize)]
pub struct Fit {
    /// Q at θ̂.
    pub q: f64,
    /// The J statistic.
    pub j: f64,
    /// Its degrees of freedom.
    pub df: usize,
    /// Its χ² p-value (None when df = 0).
    pub p_value: Option<f64>,
    /// Objective evaluations in all (searches, endpoints, Jacobian).
    pub evaluations: u64,
    /// Wall-clock seconds.
    pub elapsed_s: f64,
    /// Whether the best start converged and did not fail.
    pub converged: bool,
    /// Q at the estimate is the failure penalty (a target had no estimate
    /// on any cohort): the result is not a calibration and is not written.
    pub failed: bool,
    /// R, cohorts per evaluation.
    pub reps: usize,
    /// The master seed.
    pub seed: u64,
    /// Cohort size.
    pub n: usize,
    /// Share of held-out rows with |z| <= 1.96 (None without held-out rows).
    pub heldout_within_1_96: Option<f64>,
}

/// A calibration's result (the `--json` document).
#[derive(Debug, Clone, Serialize)]
pub struct Calibration {
    /// The study calibrated.
    pub study: StudyName,
    /// Whether the targets were the model's own at θ₀.
    pub self_check: bool,
    /// The free parameters' rows.
    pub params: Vec<ParamRow>,
    /// The targets' fit.
    pub targets: Vec<TargetRow>,
    /// The held-out rows' fit (empty without them).
    pub heldout: Vec<TargetRow>,
    /// Q, J and the search's counts.
    pub fit: Fit,
    /// Rank, condition number and unidentified parameters.
    pub identification: Identification,
    /// The sandwich covariance of θ̂, row-major.
    pub covariance: Vec<Vec<f64>>,
    /// Each start's result.
    pub starts: Vec<StartResult>,
    /// Non-convergence, estimator failures, unidentified parameters.
    pub warnings: Vec<String>,
    /// Where the targets came from (file or "default").
    pub target_set: String,
    /// The between-geography variance added to each target's published SE.
    pub geography: GeographyReport,
}

impl Calibration {
    /// `Err` with the targets' failure counts when the fit failed
    /// ([`Fit::failed`]); such a result must not be used.
    pub fn usable(&self) -> Result<(), CalibrateError> {
        if !self.fit.failed {
            return Ok(());
        }
        let counts: Vec<String> = self
            .targets
            .iter()
            .filter(|t| t.failures > 0)
            .map(|t| {
                format!(
                    "{} / {} / {} failed on {} of {} cohorts",
                    t.table, t.spec, t.term, t.failures, self.fit.reps
                )
            })
            .collect();
        Err(CalibrateError::Failed {
            q: self.fit.q,
            counts: if counts.is_empty() {
                "no target could be estimated".into()
            } else {
                counts.join("; ")
            },
        })
    }
}
