//! Abadie & Imbens (2016, Econometrica 84(2)) standard errors for matching on
//! an *estimated* propensity score F(X'theta) (the default of Stata's
//! `teffects psmatch`). With N units, f = F' and the score model's
//! information I = E[f^2 / (F (1 - F)) X X'] (their eq. 4-5):
//!
//! * ATE (Theorem 1): N Var = sigma^2 - c' I^-1 c,
//!   c = E[(cov(X, mu(1, X) | F) / F + cov(X, mu(0, X) | F) / (1 - F)) f];
//! * ATT (Theorem 2): N Var = sigma_t^2 - c_t' I^-1 c_t + d_t' I^-1 d_t,
//!   c_t = E[(cov(X, mu(1, X) | F) + F / (1 - F) cov(X, mu(0, X) | F)) f] / E[F],
//!   d_t = E[X f (mu(1, F) - mu(0, F) - tau_t)] / E[F] (the derivative of tau_t in theta);
//!
//! sigma^2 / N is the Abadie-Imbens (2006) variance with the score taken as
//! known ([`super::variance::abadie_imbens`]). As in their Section 5, the
//! conditional covariances are estimated by matching within each arm on the
//! score: cov(X_i, Y_i | F, W = w) is the sample covariance over the
//! `max(2, J)` units of arm w nearest to unit i's score (ties included;
//! unit i itself when it is in arm w), and mu(1, F_i) - mu(0, F_i) by
//! unit i's matching imputation Y_hat_i(1) - Y_hat_i(0). Expectations are
//! averages over the matched sample; I is averaged over the score model's
//! sample.

use faer::Mat;

use super::matching::Donors;
use super::{Estimate, Psm};
use crate::estimate::binary_link::Link;
use crate::estimate::{EstimateError, linalg};

/// What the adjustment needs from the score model.
pub struct ScoreParts<'a> {
    /// Score-model regressors (all rows, design order).
    pub x: &'a Mat<f64>,
    /// Linear index X_i'theta.
    pub eta: &'a [f64],
    pub link: Link,
}

/// Adjusted variances of the ATT (and the ATE when `est.ate` is set), given
/// the known-score Abadie-Imbens variances `v_known` in the same order.
pub fn adjusted_variances(
    spec: &Psm,
    y: &[f64],
    d: &[bool],
    score: &ScoreParts<'_>,
    est: &Estimate,
    v_known: &[f64],
) -> Result<Vec<f64>, EstimateError> {
    let p: Vec<f64> = score.eta.iter().map(|&e| score.link.cdf(e)).collect();
    let info_inv = information_inverse(score, &p)?;
    let both = Psm {
        ate: true,
        ..spec.clone()
    }
    .estimate(y, d, &p)?;
    let rows: Vec<usize> = both.units.iter().map(|u| u.row).collect();
    let effect: Vec<f64> = both.units.iter().map(|u| u.effect).collect();
    let l = spec.ai_neighbors.max(2);
    let cov1 = local_covariances(score.x, y, &p, d, &rows, true, l);
    let cov0 = local_covariances(score.x, y, &p, d, &rows, false, l);
    let k = score.x.ncols();
    let n = rows.len() as f64;
    let n1 = rows.iter().filter(|&&i| d[i]).count() as f64;
    let (mut c, mut c_t, mut d_t) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
    for (u, &i) in rows.iter().enumerate() {
        let f = score.link.pdf(score.eta[i]);
        let odds = p[i] / (1.0 - p[i]);
        for j in 0..k {
            c[j] += (cov1[u][j] / p[i] + cov0[u][j] / (1.0 - p[i])) * f / n;
            c_t[j] += (cov1[u][j] + odds * cov0[u][j]) * f / n1;
            if effect[u].is_finite() {
                d_t[j] += score.x[(i, j)] * f * (effect[u] - est.att) / n1;
            }
        }
    }
    let quad = |a: &[f64]| -> f64 {
        (0..k)
            .flat_map(|r| (0..k).map(move |s| (r, s)))
            .map(|(r, s)| a[r] * info_inv[(r, s)] * a[s])
            .sum()
    };
    let mut out = vec![v_known[0] + (quad(&d_t) - quad(&c_t)) / n];
    if let Some(v) = v_known.get(1) {
        out.push(v - quad(&c) / n);
    }
    Ok(out)
}

/// I^-1 with I = (1/N) sum f_i^2 / (F_i (1 - F_i)) X_i X_i'.
fn information_inverse(score: &ScoreParts<'_>, p: &[f64]) -> Result<Mat<f64>, EstimateError> {
    let w: Vec<f64> = score
        .eta
        .iter()
        .zip(p)
        .map(|(&e, &pi)| {
            let f = score.link.pdf(e);
            f * f / (pi * (1.0 - pi)) / p.len() as f64
        })
        .collect();
    let info = linalg::weighted_gram(score.x, &w);
    linalg::spd_inverse(info.as_ref()).ok_or_else(|| {
        EstimateError::Invalid(
            "the propensity-score information matrix is singular; Abadie-Imbens (2016) standard \
             errors are unavailable"
                .into(),
        )
    })
}

/// Per unit (`rows`, the matched sample): the covariance of each score
/// regressor with Y over the `l` units of arm `arm` nearest in score.
fn local_covariances(
    x: &Mat<f64>,
    y: &[f64],
    p: &[f64],
    d: &[bool],
    rows: &[usize],
    arm: bool,
    l: usize,
) -> Vec<Vec<f64>> {
    let members: Vec<usize> = rows.iter().copied().filter(|&i| d[i] == arm).collect();
    let donors = Donors::new(&members.iter().map(|&i| p[i]).collect::<Vec<_>>());
    let k = x.ncols();
    rows.iter()
        .map(|&i| {
            let set: Vec<usize> = donors
                .nearest(p[i], l, None)
                .into_iter()
                .map(|q| members[q])
                .collect();
            if set.len() < 2 {
                return vec![0.0; k];
            }
            let m = set.len() as f64;
            let ybar = set.iter().map(|&j| y[j]).sum::<f64>() / m;
            (0..k)
                .map(|c| {
                    let xbar = set.iter().map(|&j| x[(j, c)]).sum::<f64>() / m;
                    set.iter()
                        .map(|&j| (x[(j, c)] - xbar) * (y[j] - ybar))
                        .sum::<f64>()
                        / (m - 1.0)
                })
                .collect()
        })
        .collect()
}
