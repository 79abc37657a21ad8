//! Covariance of the (beta, kappa) estimates: inverse observed information,
//! the n/(n-1)-scaled sandwich (Stata `vce(robust)`), and the G/(G-1)-scaled
//! cluster sandwich (Stata `vce(cluster)`, CR1).
//!
//! Duplicates the MLE part of `estimate::covariance`; swap for it when the
//! branches meet.

use faer::Mat;

use crate::data::Clusters;
use crate::estimate::{CovarianceType, EstimateError, SeKind};

/// `A^-1 B A^-1 * scale` with `A^-1 = bread`.
fn sandwich(bread: &Mat<f64>, meat: &Mat<f64>, scale: f64) -> Mat<f64> {
    let v = bread * meat * bread;
    Mat::from_fn(v.nrows(), v.ncols(), |i, j| {
        scale * 0.5 * (v[(i, j)] + v[(j, i)])
    })
}

/// Covariance of the estimates given `bread = (-H)^-1` and the n x p score
/// matrix. Robust: `n/(n-1) A^-1 (S'S) A^-1`; cluster:
/// `G/(G-1) A^-1 (sum_g s_g s_g') A^-1` with `s_g` the score summed over cluster g.
pub fn covariance(
    kind: SeKind,
    bread: Mat<f64>,
    scores: &Mat<f64>,
    clusters: Option<&Clusters>,
) -> Result<(Mat<f64>, CovarianceType), EstimateError> {
    let n = scores.nrows();
    match kind {
        SeKind::Classical => Ok((bread, CovarianceType::Classical)),
        SeKind::Robust => {
            let meat = scores.transpose() * scores;
            let scale = n as f64 / (n as f64 - 1.0);
            Ok((sandwich(&bread, &meat, scale), CovarianceType::Robust))
        }
        SeKind::Cluster => {
            let cl = clusters.ok_or_else(|| EstimateError::InvalidOption {
                option: "cluster".into(),
                reason: "cluster-robust errors need a cluster variable (--cluster COL)".into(),
            })?;
            if cl.groups < 2 {
                return Err(EstimateError::TooFewClusters {
                    variable: cl.variable.clone(),
                    groups: cl.groups,
                });
            }
            if cl.ids.len() != n || cl.ids.iter().any(|&g| g as usize >= cl.groups) {
                return Err(EstimateError::Invalid(format!(
                    "cluster ids of `{}` do not match the {n} observations and {} groups",
                    cl.variable, cl.groups
                )));
            }
            let mut summed = Mat::<f64>::zeros(cl.groups, scores.ncols());
            for (i, &g) in cl.ids.iter().enumerate() {
                for j in 0..scores.ncols() {
                    summed[(g as usize, j)] += scores[(i, j)];
                }
            }
            let meat = summed.transpose() * &summed;
            let g = cl.groups as f64;
            let kind = CovarianceType::Cluster {
                variable: cl.variable.clone(),
                groups: cl.groups,
            };
            Ok((sandwich(&bread, &meat, g / (g - 1.0)), kind))
        }
    }
}
