//! One design-estimator fit as the front ends ask for it (the CLI's
//! `migsim fit`, the Python package): the standard-error and margins
//! choices read from the flags, the fit, and the optional Ai-Norton
//! interaction effect or Brant test, with the text that follows the table.

use super::binary::BinaryModel;
use super::interaction::{self, InteractionOptions};
use super::{EstimateError, EstimatorName, FitOptions, FitResult, Margins, SeKind};
use crate::data::{Design, LentDesign};
use crate::numeric::Link;

/// The choices of a design fit, named as the CLI's flags.
#[derive(Debug, Clone, PartialEq)]
pub struct FitRequest {
    /// Cluster-robust (CR1) errors by the design's cluster column.
    pub cluster: bool,
    /// HC1 / Stata `vce(robust)` errors (ignored when `cluster`).
    pub robust: bool,
    /// Average marginal effects (binary models).
    pub margins: bool,
    /// Discrete 0 -> 1 changes for 0/1 regressors (implies `margins`).
    pub discrete: bool,
    /// Brant test of parallel lines (ordered logit).
    pub brant: bool,
    /// The `a:b` term whose Ai-Norton interaction effect to add (logit, probit).
    pub interaction_effect: Option<String>,
    /// Newton iteration cap.
    pub max_iter: usize,
    /// Newton convergence tolerance (on the decrement's square root).
    pub tol: f64,
}

impl Default for FitRequest {
    fn default() -> Self {
        let d = FitOptions::default();
        FitRequest {
            cluster: false,
            robust: false,
            margins: false,
            discrete: false,
            brant: false,
            interaction_effect: None,
            max_iter: d.max_iter,
            tol: d.tol,
        }
    }
}

/// A fit and the text printed after its table (Brant test, interaction effect).
#[derive(Debug, Clone, PartialEq)]
pub struct FitOutcome {
    /// The fit.
    pub result: FitResult,
    /// Text printed after the table, if any.
    pub extra: Option<String>,
}

impl FitOutcome {
    /// The human form `migsim fit` prints: the table, then the extra text.
    pub fn text(&self) -> String {
        let mut s = self.result.to_string();
        if let Some(extra) = &self.extra {
            s.push('\n');
            s.push_str(extra);
        }
        s
    }
}

impl FitRequest {
    /// The estimator options: cluster beats robust beats classical errors;
    /// discrete margins imply margins.
    pub fn options(&self) -> FitOptions {
        let se = if self.cluster {
            SeKind::Cluster
        } else if self.robust {
            SeKind::Robust
        } else {
            SeKind::Classical
        };
        let margins = if self.discrete {
            Some(Margins::Discrete)
        } else if self.margins {
            Some(Margins::Derivative)
        } else {
            None
        };
        FitOptions {
            se,
            margins,
            max_iter: self.max_iter,
            tol: self.tol,
            brant: self.brant,
        }
    }

    /// The interaction-effect option applies to logit and probit only.
    pub fn check(&self, estimator: EstimatorName) -> Result<(), EstimateError> {
        let name = estimator.as_str();
        if self.interaction_effect.is_some() && !matches!(name, "logit" | "probit") {
            return Err(EstimateError::Invalid(format!(
                "--interaction-effect applies to fit logit or fit probit, not {name}"
            )));
        }
        Ok(())
    }

    /// Fit `estimator` (a design estimator) on `design`.
    pub fn fit(
        &self,
        estimator: EstimatorName,
        design: &Design,
    ) -> Result<FitOutcome, EstimateError> {
        self.check(estimator)?;
        let name = estimator.as_str();
        let result = super::fit_by_name(name, design, &self.options())?;
        self.finish(estimator, result, Some(design))
    }

    /// Fit `estimator` on a design of lent columns: a logit or probit (no
    /// interaction effect) reads them where they lie; any other fit gets
    /// the regressors copied into a matrix first. The answer is that of
    /// [`Self::fit`] on the same data.
    pub fn fit_lent(
        &self,
        estimator: EstimatorName,
        design: &LentDesign<'_>,
    ) -> Result<FitOutcome, EstimateError> {
        let d = match design {
            LentDesign::Matrix(d) => return self.fit(estimator, d),
            LentDesign::Columns(d) => d,
        };
        let link = match estimator {
            EstimatorName::Logit => Link::Logit,
            EstimatorName::Probit => Link::Probit,
            _ => return self.fit(estimator, &copied(d)),
        };
        if self.interaction_effect.is_some() {
            return self.fit(estimator, &copied(d));
        }
        self.check(estimator)?;
        let model = BinaryModel {
            link,
            opts: self.options(),
        };
        let result = model.fit(d)?;
        self.finish(estimator, result, None)
    }

    /// The warnings, interaction effect (from `design`, which a fit with
    /// one always passes) and text that follow a fit.
    fn finish(
        &self,
        estimator: EstimatorName,
        mut result: FitResult,
        design: Option<&Design>,
    ) -> Result<FitOutcome, EstimateError> {
        let name = estimator.as_str();
        if let Some(w) = super::checks::few_clusters_warning(&result.info) {
            result.info.warnings.push(w);
        }
        if let (Some(term), Some(design)) = (&self.interaction_effect, design) {
            let link = if name == "logit" {
                interaction::Link::Logit
            } else {
                interaction::Link::Probit
            };
            let ie =
                interaction::from_fit(link, &result, design, term, &InteractionOptions::default())?;
            ie.attach(&mut result);
            return Ok(FitOutcome {
                result,
                extra: Some(ie.summary_text()),
            });
        }
        let extra = super::ordered::brant_text(&result);
        Ok(FitOutcome { result, extra })
    }
}

/// A design of lent columns with its regressors copied into a matrix.
fn copied(d: &Design<crate::data::Columns<'_>>) -> Design {
    Design {
        y_name: d.y_name.clone(),
        y: d.y.clone(),
        x: crate::data::Regressors::to_mat(&d.x).into_owned(),
        names: d.names.clone(),
        clusters: d.clusters.clone(),
        n_dropped: d.n_dropped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_beats_robust_and_discrete_implies_margins() {
        let r = FitRequest {
            cluster: true,
            robust: true,
            discrete: true,
            max_iter: 7,
            ..FitRequest::default()
        };
        let o = r.options();
        assert_eq!(o.se, SeKind::Cluster);
        assert_eq!(o.margins, Some(Margins::Discrete));
        assert_eq!(o.max_iter, 7);
        let plain = FitRequest::default().options();
        assert_eq!(plain.se, SeKind::Classical);
        assert_eq!(plain.margins, None);
    }

    #[test]
    fn interaction_effect_is_refused_outside_logit_and_probit() {
        let r = FitRequest {
            interaction_effect: Some("a:b".into()),
            ..FitRequest::default()
        };
        assert!(r.check(EstimatorName::Logit).is_ok());
        let e = r.check(EstimatorName::Ols).unwrap_err().to_string();
        assert!(e.contains("not ols"), "{e}");
    }
}
