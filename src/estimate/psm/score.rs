//! The propensity score: a logit or probit of the treatment on the design's
//! other columns, fitted by the shared binary estimators.

use faer::Mat;

use super::{Psm, ScoreModel};
use crate::data::Design;
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
        x: Mat::from_fn(idx.len(), design.k(), |r, j| design.x[(idx[r], j)]),
        names: design.names.clone(),
        clusters: None,
        n_dropped: design.n_dropped,
    }
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
        let rescore = |idx: &[usize]| {
            model
                .fit(&resample(&sd, idx))
                .ok()
                .map(|f| f.probabilities())
        };
        let mut res = self.assemble(design, &scores, &rescore)?;
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
