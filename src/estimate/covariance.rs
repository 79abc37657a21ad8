//! Covariance matrices of M-estimators: classical, robust sandwich and
//! cluster-robust, with Stata's small-sample factors.
//!
//! With bread `A^-1` (`(X'X)^-1` for OLS, the inverse observed information
//! `(-H)^-1` for MLE) and per-observation scores `s_i` (`e_i x_i` for OLS,
//! `d ll_i / d theta` for MLE):
//!
//! | kind      | OLS                                                   | MLE                               |
//! |-----------|-------------------------------------------------------|-----------------------------------|
//! | classical | `s^2 (X'X)^-1`, `s^2 = e'e / (n - k)`                 | `(-H)^-1`                         |
//! | robust    | HC1: `n/(n-k) A^-1 (sum s_i s_i') A^-1`               | `n/(n-1) A^-1 (sum s_i s_i') A^-1` |
//! | cluster   | CR1: `G/(G-1) (n-1)/(n-k) A^-1 (sum_g S_g S_g') A^-1` | `G/(G-1) A^-1 (sum_g S_g S_g') A^-1` |
//!
//! `S_g` is the sum of the scores in cluster `g`. These are Stata's
//! `regress, vce(robust|cluster)` and `logit/probit, vce(robust|cluster)`.
//! statsmodels: OLS `HC1` and `cluster` (default correction) match; for
//! Logit/Probit, statsmodels' `HC0`..`HC3` all return the uncorrected sandwich
//! (times `n/(n-1)` gives ours) and its `cluster` applies the OLS factor
//! `G/(G-1) (n-1)/(n-k)`; `cov_kwds={'use_correction': False}` times
//! `G/(G-1)` gives ours.

use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, Par};

use super::linalg;
use super::{CovarianceType, EstimateError, SeKind};
use crate::data::{Clusters, Regressors};

/// Which small-sample factors apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Least squares with `n` observations and `k` coefficients.
    Ols { n: usize, k: usize },
    /// Maximum likelihood with `n` observations.
    Mle { n: usize },
}

/// Per-observation scores.
#[derive(Debug, Clone, Copy)]
pub enum Scores<'a> {
    /// `s_i = r_i x_i` (single-index models: OLS residuals, GLM generalised residuals).
    Index {
        x: &'a dyn Regressors,
        resid: &'a [f64],
    },
    /// `s_i` = row `i` of an n x p matrix.
    Dense(&'a Mat<f64>),
}

impl Scores<'_> {
    fn dim(&self) -> (usize, usize) {
        match self {
            Scores::Index { x, .. } => (x.n_rows(), x.n_cols()),
            Scores::Dense(s) => s.shape(),
        }
    }

    /// `s_ij`.
    fn at(&self, i: usize, j: usize) -> f64 {
        match self {
            Scores::Index { x, resid } => resid[i] * x.column(j)[i],
            Scores::Dense(s) => s[(i, j)],
        }
    }
}

/// `sum_i s_i s_i'`, in row blocks.
pub fn meat(scores: &Scores<'_>) -> Mat<f64> {
    match scores {
        Scores::Index { x, resid } => {
            let w: Vec<f64> = resid.iter().map(|r| r * r).collect();
            linalg::weighted_gram(&x.to_mat(), &w)
        }
        Scores::Dense(s) => linalg::weighted_gram(s, &vec![1.0; s.nrows()]),
    }
}

/// `sum_g S_g S_g'` with `S_g` the within-cluster score sums.
pub fn cluster_meat(scores: &Scores<'_>, clusters: &Clusters) -> Mat<f64> {
    let (n, p) = scores.dim();
    let mut sums = Mat::<f64>::zeros(clusters.groups, p);
    for j in 0..p {
        for i in 0..n {
            sums[(clusters.ids[i] as usize, j)] += scores.at(i, j);
        }
    }
    let mut m = Mat::zeros(p, p);
    matmul(
        m.as_mut(),
        Accum::Replace,
        sums.transpose(),
        sums.as_ref(),
        1.0,
        Par::Seq,
    );
    m
}

/// A covariance matrix with its description and, for clusters, the number of
/// groups (OLS t statistics then use `G - 1` degrees of freedom).
#[derive(Debug, Clone)]
pub struct Vcov {
    pub matrix: Mat<f64>,
    pub kind: CovarianceType,
    pub groups: Option<usize>,
}

/// Covariance of the requested kind. `bread` is `(X'X)^-1` or `(-H)^-1`;
/// `scale` multiplies the classical one (`s^2` for OLS, 1 for MLE).
pub fn vcov(
    se: SeKind,
    bread: &Mat<f64>,
    scale: f64,
    scores: &Scores<'_>,
    clusters: Option<&Clusters>,
    family: Family,
) -> Result<Vcov, EstimateError> {
    match se {
        SeKind::Classical => Ok(Vcov {
            matrix: bread * faer::Scale(scale),
            kind: CovarianceType::Classical,
            groups: None,
        }),
        SeKind::Robust => {
            let factor = match family {
                Family::Ols { n, k } => n as f64 / (n - k) as f64,
                Family::Mle { n } => n as f64 / (n as f64 - 1.0),
            };
            let m = linalg::sandwich(bread.as_ref(), meat(scores).as_ref());
            Ok(Vcov {
                matrix: m * faer::Scale(factor),
                kind: CovarianceType::Robust,
                groups: None,
            })
        }
        SeKind::Cluster => {
            let c = clusters.ok_or_else(|| EstimateError::InvalidOption {
                option: "cluster".into(),
                reason: "cluster-robust errors need a cluster variable (--cluster COL)".into(),
            })?;
            if c.groups < 2 {
                return Err(EstimateError::TooFewClusters {
                    variable: c.variable.clone(),
                    groups: c.groups,
                });
            }
            let n = scores.dim().0;
            if c.ids.len() != n || c.ids.iter().any(|&g| g as usize >= c.groups) {
                return Err(EstimateError::Invalid(format!(
                    "cluster ids of `{}` do not match the {n} observations and {} groups",
                    c.variable, c.groups
                )));
            }
            let g = c.groups as f64;
            let factor = match family {
                Family::Ols { n, k } => g / (g - 1.0) * (n as f64 - 1.0) / (n - k) as f64,
                Family::Mle { .. } => g / (g - 1.0),
            };
            let m = linalg::sandwich(bread.as_ref(), cluster_meat(scores, c).as_ref());
            Ok(Vcov {
                matrix: m * faer::Scale(factor),
                kind: CovarianceType::Cluster {
                    variable: c.variable.clone(),
                    groups: c.groups,
                },
                groups: Some(c.groups),
            })
        }
    }
}

/// Standard errors: square roots of the diagonal.
pub fn std_errors(v: &Mat<f64>) -> Vec<f64> {
    (0..v.nrows()).map(|i| v[(i, i)].max(0.0).sqrt()).collect()
}
