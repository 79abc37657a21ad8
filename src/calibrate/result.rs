//! What a calibration returns: the free parameters' and targets' rows, the
//! fit and the whole result (the `--json` document).

use serde::Serialize;

use super::CalibrateError;
use super::inference::Identification;
use super::optimise::StartResult;
use crate::studies::StudyName;

/// A free parameter's result.
#[derive(Debug, Clone, Serialize)]
pub struct ParamRow {
    pub name: String,
    pub start: f64,
    pub estimate: f64,
    pub se: f64,
    pub lower: f64,
    pub upper: f64,
    /// θ₀ in `--self-check` mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truth: Option<f64>,
}

/// A target's (or a held-out row's) fit.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    pub table: String,
    pub spec: String,
    pub term: String,
    pub published: f64,
    pub published_se: Option<f64>,
    pub at_start: Option<f64>,
    pub calibrated: Option<f64>,
    /// Targets: (calibrated − published) / published_se; held out:
    /// divided by the combined SE `sqrt(se_pub² + se_sim² / R)`.
    pub z: Option<f64>,
    /// Cohorts on which this row's estimator failed (at the estimate).
    pub failures: usize,
}

/// The fit.
#[derive(Debug, Clone, Serialize)]
pub struct Fit {
    pub q: f64,
    pub j: f64,
    pub df: usize,
    pub p_value: Option<f64>,
    pub evaluations: u64,
    pub elapsed_s: f64,
    pub converged: bool,
    /// Q at the estimate is the failure penalty (a target had no estimate
    /// on any cohort): the result is not a calibration and is not written.
    pub failed: bool,
    pub reps: usize,
    pub seed: u64,
    pub n: usize,
    /// Share of held-out rows with |z| <= 1.96 (None without held-out rows).
    pub heldout_within_1_96: Option<f64>,
}

/// A calibration's result (the `--json` document).
#[derive(Debug, Clone, Serialize)]
pub struct Calibration {
    pub study: StudyName,
    pub self_check: bool,
    pub params: Vec<ParamRow>,
    pub targets: Vec<TargetRow>,
    pub heldout: Vec<TargetRow>,
    pub fit: Fit,
    pub identification: Identification,
    pub covariance: Vec<Vec<f64>>,
    pub starts: Vec<StartResult>,
    /// Non-convergence, estimator failures, unidentified parameters.
    pub warnings: Vec<String>,
    /// Where the targets came from (file or "default").
    pub target_set: String,
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
