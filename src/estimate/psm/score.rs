//! The propensity score: a logit or probit of the treatment on the design's
//! other columns, fitted by the shared binary estimators.

use faer::Mat;

use super::{Psm, ScoreModel};
use crate::data::Design;
use crate::estimate::binary::BinaryModel;
use crate::estimate::binary_link::Link;
use crate::estimate::{BinaryFit, EstimateError, FitOptions, Logit, Probit};

/// Design of the score model: the 0/1 treatment on the covariate columns.
pub fn score_design(design: &Design, d: &[bool], covs: &[usize], treatment: &str) -> Design {
    Design {
        y_name: treatment.into(),
        y: d.iter().map(|&t| f64::from(u8::from(t))).collect(),
        x: Mat::from_fn(design.n(), covs.len(), |i, j| design.x[(i, covs[j])]),
        names: covs.iter().map(|&j| design.names[j].clone()).collect(),
        clusters: None,
        n_dropped: design.n_dropped,
    }
}

/// The rows `idx` of a design (a bootstrap resample).
pub fn resample(design: &Design, idx: &[usize]) -> Design {
    Design {
        y_name: design.y_name.clone(),
        y: idx.iter().map(|&i| design.y[i]).collect(),
        x: gather_rows(&design.x, idx),
        names: design.names.clone(),
        clusters: None,
        n_dropped: design.n_dropped,
    }
}

/// Rows `idx` of a column-major matrix.
fn gather_rows(x: &Mat<f64>, idx: &[usize]) -> Mat<f64> {
    let mut out = Mat::<f64>::zeros(idx.len(), x.ncols());
    for j in 0..x.ncols() {
        let src = x.col_as_slice(j);
        for (d, &i) in out.col_as_slice_mut(j).iter_mut().zip(idx) {
            *d = src[i];
        }
    }
    out
}

impl ScoreModel {
    /// Parse `logit` or `probit`.
    pub fn parse(s: &str) -> Result<Self, EstimateError> {
        match s {
            "logit" => Ok(ScoreModel::Logit),
            "probit" => Ok(ScoreModel::Probit),
            other => Err(EstimateError::InvalidOption {
                option: "score".into(),
                reason: format!("expected logit or probit, got `{other}`"),
            }),
        }
    }

    /// Scores of the rows `idx` of a bootstrap resample, Newton warm-started at the full-sample
    /// coefficients `start`; `None` when the refit fails (separation,
    /// singular information, no convergence).
    ///
    /// The resample's likelihood is fitted on its distinct rows weighted by
    /// their counts (the same likelihood, about 63% of the rows).
    pub fn refit(self, sd: &Design, idx: &[usize], start: &[f64]) -> Option<Vec<f64>> {
        let link = match self {
            ScoreModel::Logit => Link::Logit,
            ScoreModel::Probit => Link::Probit,
        };
        let model = BinaryModel {
            link,
            opts: FitOptions::default(),
        };
        let mut count = vec![0u32; sd.n()];
        idx.iter().for_each(|&i| count[i] += 1);
        let rows: Vec<usize> = (0..sd.n()).filter(|&i| count[i] > 0).collect();
        let w: Vec<f64> = rows.iter().map(|&i| f64::from(count[i])).collect();
        let eta = model
            .refit(&resample(sd, &rows), Some(&w), start.to_vec())
            .ok()?;
        let mut p = vec![f64::NAN; sd.n()];
        rows.iter().zip(eta).for_each(|(&i, e)| p[i] = link.cdf(e));
        Some(idx.iter().map(|&i| p[i]).collect())
    }

    /// Fit the score model (classical covariance; non-convergence is an error).
    pub fn fit(self, sd: &Design) -> Result<BinaryFit, EstimateError> {
        let opts = FitOptions::default();
        let fit = match self {
            ScoreModel::Logit => Logit::new(opts).fit_full(sd)?,
            ScoreModel::Probit => Probit::new(opts).fit_full(sd)?,
        };
        if !fit.result.info.converged {
            return Err(EstimateError::NotConverged {
                estimator: format!("propensity-score {}", fit.link.name()),
                iterations: fit.result.info.iterations,
                grad_norm: fit.grad_norm,
            });
        }
        Ok(fit)
    }
}

impl Psm {
    /// Estimate the propensity score by `self.score` on every design column
    /// but the treatment, then match on it. The bootstrap (if any)
    /// re-estimates the score on each resample; replications whose score
    /// model fails (e.g. separation in a resample) are skipped and counted in
    /// a warning. The score model's coefficients are in
    /// `extra_rows["score_model"]`, its fit statistics under `score_*`.
    pub fn fit(&self, design: &Design) -> Result<crate::estimate::FitResult, EstimateError> {
        self.validate()?;
        let (d, covs) = self.split(design)?;
        let treated = d.iter().filter(|&&t| t).count();
        if treated == 0 || treated == d.len() {
            return Err(EstimateError::NoTreatedOrControls {
                column: self.treatment.clone(),
                treated,
                controls: d.len() - treated,
            });
        }
        let sd = score_design(design, &d, &covs, &self.treatment);
        let score_fit = self.score.fit(&sd)?;
        let scores = score_fit.probabilities();
        let model = self.score;
        let start: Vec<f64> = score_fit.beta.iter().copied().collect();
        let rescore = |idx: &[usize]| model.refit(&sd, idx, &start);
        let mut res = self.assemble(design, &scores, &rescore)?;
        if self.se == super::MatchingSe::Ai2016 {
            self.adjust_for_estimated_score(design, &d, &sd, &score_fit, &mut res)?;
        }
        res.extra_rows
            .insert("score_model".into(), score_fit.result.coefficients.clone());
        for (k, v) in &score_fit.result.fit {
            res.fit.insert(format!("score_{k}"), *v);
        }
        res.info
            .warnings
            .extend(score_fit.result.info.warnings.iter().cloned());
        Ok(res)
    }
}

impl Psm {
    /// Replace the known-score Abadie-Imbens SEs of `res` by the
    /// estimated-score ones ([`super::ai2016`]).
    fn adjust_for_estimated_score(
        &self,
        design: &Design,
        d: &[bool],
        sd: &Design,
        score_fit: &BinaryFit,
        res: &mut crate::estimate::FitResult,
    ) -> Result<(), EstimateError> {
        let est = self.estimate(&design.y, d, &score_fit.probabilities())?;
        let v_known: Vec<f64> = res.effects.iter().map(|r| r.std_error.powi(2)).collect();
        let parts = super::ai2016::ScoreParts {
            x: &sd.x,
            eta: &score_fit.eta,
            link: score_fit.link,
        };
        let v = super::ai2016::adjusted_variances(self, &design.y, d, &parts, &est, &v_known)?;
        for (row, (var, known)) in res.effects.iter_mut().zip(v.iter().zip(&v_known)) {
            let se = if *var > 0.0 {
                var.sqrt()
            } else {
                res.info.warnings.push(format!(
                    "the estimated-score adjustment made the {} variance non-positive ({var:.3e}); \
                     the known-score (2006) SE is reported",
                    row.name
                ));
                known.sqrt()
            };
            *row = crate::estimate::ParamRow::normal(row.name.clone(), row.estimate, se);
        }
        res.fit
            .insert("se_known_score_att".into(), v_known[0].sqrt());
        res.info.covariance = Some(crate::estimate::CovarianceType::AbadieImbens2016);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn design(n: usize) -> Design {
        let x = Mat::from_fn(n, 3, |i, j| match j {
            0 => 1.0,
            1 => (i as f64 * 0.37).sin(),
            _ => f64::from(u8::from(i % 3 == 0)),
        });
        let y = (0..n)
            .map(|i| f64::from(u8::from((i as f64 * 0.53).cos() + 0.6 * x[(i, 1)] > 0.1)))
            .collect();
        Design {
            y_name: "t".into(),
            y,
            x,
            names: vec!["const".into(), "a".into(), "b".into()],
            clusters: None,
            n_dropped: 0,
        }
    }

    /// The warm-started, count-weighted refit gives the scores of a fresh
    /// fit on the resampled rows.
    #[test]
    fn weighted_refit_equals_fit_on_resampled_rows() {
        let sd = design(300);
        let idx: Vec<usize> = (0..300).map(|i| (i * 7919 + 13) % 300 / 2 * 2).collect();
        for model in [ScoreModel::Logit, ScoreModel::Probit] {
            let full = model.fit(&sd).map_err(|e| e.to_string());
            let start: Vec<f64> = full
                .map(|f| f.beta.iter().copied().collect())
                .unwrap_or_default();
            let fresh = model.fit(&resample(&sd, &idx)).map(|f| f.probabilities());
            let refit = model.refit(&sd, &idx, &start);
            let (Ok(fresh), Some(refit)) = (fresh, refit) else {
                panic!("{model:?}: a fit failed");
            };
            let worst = fresh
                .iter()
                .zip(&refit)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            assert!(worst < 1e-9, "{model:?}: {worst}");
        }
    }

    /// A resample that makes two columns collinear is rejected by the refit
    /// exactly as by a fresh fit, not kept on a rounding-singular Hessian.
    #[test]
    fn refit_rejects_resamples_that_are_collinear() {
        let mut sd = design(300);
        let x = Mat::from_fn(300, 4, |i, j| match j {
            3 if i < 4 => 1.0 - sd.x[(i, 2)],
            3 => sd.x[(i, 2)],
            _ => sd.x[(i, j)],
        });
        sd.x = x;
        sd.names.push("c".into());
        let idx: Vec<usize> = (0..300).map(|i| 4 + (i * 7) % 296).collect();
        for model in [ScoreModel::Logit, ScoreModel::Probit] {
            let start: Vec<f64> = match model.fit(&sd) {
                Ok(f) => f.beta.iter().copied().collect(),
                Err(e) => panic!("{model:?} full sample: {e}"),
            };
            assert!(model.fit(&resample(&sd, &idx)).is_err());
            assert!(model.refit(&sd, &idx, &start).is_none(), "{model:?}");
        }
    }
}
