//! Linear instrumental variables: two-stage least squares with classical, HC1
//! and CR1 covariance, the first-stage Wald F on the excluded instruments and
//! the Hansen J / Sargan overidentification tests.
//!
//! With regressors X (n x k) and instruments Z (n x l, l >= k; the exogenous
//! regressors are their own instruments):
//!
//! * X_hat = P_Z X, beta = (X_hat'X_hat)^-1 X_hat'y, e = y - X beta;
//! * classical: V = s^2 (X_hat'X_hat)^-1 with s^2 = e'e / (n - k);
//! * HC1: V = n/(n-k) A (sum e_i^2 xh_i xh_i') A, A = (X_hat'X_hat)^-1;
//! * CR1: V = G/(G-1) (n-1)/(n-k) A (sum_g s_g s_g') A, s_g = sum_{i in g} xh_i e_i.
//!
//! The three are [`super::covariance::vcov`] with the OLS factors, the
//! scores `xh_i e_i` and the bread A.
//!
//! These are Stata's `ivregress 2sls, small` / `ivreg2, small` and
//! linearmodels' `IV2SLS(...).fit(cov_type=..., debiased=True)`. Inference
//! uses Student t with n - k degrees of freedom (classical, HC1) or G - 1
//! (CR1), as Stata does with `small`.
//!
//! OLS is the special case Z = X.

use faer::linalg::solvers::{DenseSolveCore, SolveLstsq};
use faer::{Mat, MatRef, Side};

use super::covariance::{self, Family, Scores};
use super::error::EstimateError;
use super::linalg;
use super::options::SeKind;
use super::results::{CovarianceType, ParamRow};
use crate::data::Clusters;

/// Inputs of a linear IV fit (borrowed).
#[derive(Debug, Clone, Copy)]
pub struct IvData<'a> {
    pub y: &'a [f64],
    /// Regressors, endogenous and exogenous (n x k).
    pub x: MatRef<'a, f64>,
    /// Instruments: the exogenous regressors and the excluded instruments (n x l).
    pub z: MatRef<'a, f64>,
    pub x_names: &'a [String],
    pub z_names: &'a [String],
    pub clusters: Option<&'a Clusters>,
}

/// Result of a two-stage least-squares fit.
#[derive(Debug, Clone)]
pub struct TwoSls {
    pub beta: Vec<f64>,
    /// k x k covariance of `beta`.
    pub vcov: Mat<f64>,
    pub resid: Vec<f64>,
    pub covariance: CovarianceType,
    /// Degrees of freedom of the t reference distribution.
    pub df: f64,
}

/// An overidentification statistic (chi-square with `df` degrees of freedom).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OverId {
    pub stat: f64,
    pub df: usize,
    pub p_value: f64,
}

impl TwoSls {
    /// Coefficient rows named `names` with t inference on `self.df`.
    pub fn rows(&self, names: &[String]) -> Vec<ParamRow> {
        names
            .iter()
            .enumerate()
            .map(|(j, nm)| {
                let se = self.vcov[(j, j)].max(0.0).sqrt();
                ParamRow::student_t(nm.clone(), self.beta[j], se, self.df)
            })
            .collect()
    }

    /// Row-major copy of the covariance.
    pub fn vcov_row_major(&self) -> Vec<f64> {
        let k = self.vcov.nrows();
        (0..k * k).map(|i| self.vcov[(i / k, i % k)]).collect()
    }
}

/// Two-stage least squares of `d.y` on `d.x` with instruments `d.z`.
pub fn two_sls(d: &IvData<'_>, se: SeKind) -> Result<TwoSls, EstimateError> {
    let (n, k, l) = (d.y.len(), d.x.ncols(), d.z.ncols());
    if n <= k {
        return Err(EstimateError::TooFewObservations { n, k });
    }
    if l < k {
        return Err(EstimateError::Invalid(format!(
            "under-identified: {l} instruments for {k} regressors"
        )));
    }
    check_rank(d.z, d.z_names)?;
    check_rank(d.x, d.x_names)?;
    let pi = lstsq(d.z, d.x)?;
    let x_hat = linalg::mul_tall(d.z, pi.as_ref());
    check_rank(x_hat.as_ref(), d.x_names).map_err(|_| {
        EstimateError::Invalid(format!(
            "the instruments {:?} do not identify the regressors {:?} (rank-deficient first stage)",
            d.z_names, d.x_names
        ))
    })?;
    let y = Mat::from_fn(n, 1, |i, _| d.y[i]);
    let beta_m = lstsq(x_hat.as_ref(), y.as_ref())?;
    let beta: Vec<f64> = (0..k).map(|j| beta_m[(j, 0)]).collect();
    let resid: Vec<f64> = (0..n)
        .map(|i| d.y[i] - (0..k).map(|j| d.x[(i, j)] * beta[j]).sum::<f64>())
        .collect();
    let bread = sym_inverse(&linalg::weighted_gram(&x_hat, &vec![1.0; n]), d.x_names)?;
    let (vcov, covariance, df) = covariance(&bread, &x_hat, &resid, d.clusters, se)?;
    Ok(TwoSls {
        beta,
        vcov,
        resid,
        covariance,
        df,
    })
}

/// Classical, HC1 or CR1 covariance from the bread A = (X_hat'X_hat)^-1 and
/// the scores `xh_i e_i` ([`covariance::vcov`] with the OLS factors), with the
/// degrees of freedom of the t reference: n - k, or G - 1 under clusters.
fn covariance(
    bread: &Mat<f64>,
    xh: &Mat<f64>,
    e: &[f64],
    clusters: Option<&Clusters>,
    se: SeKind,
) -> Result<(Mat<f64>, CovarianceType, f64), EstimateError> {
    let (n, k) = xh.shape();
    let dfr = (n - k) as f64;
    let s2 = e.iter().map(|v| v * v).sum::<f64>() / dfr;
    let scores = Scores::Index { x: xh, resid: e };
    let v = covariance::vcov(se, bread, s2, &scores, clusters, Family::Ols { n, k })?;
    let df = v.groups.map_or(dfr, |g| (g - 1) as f64);
    Ok((v.matrix, v.kind, df))
}

/// Wald test that the coefficients at `idx` are zero, divided by their number:
/// F = b' V^-1 b / q, with the F(q, df) reference distribution.
pub fn wald_f(beta: &[f64], vcov: &Mat<f64>, idx: &[usize], df: f64) -> (f64, f64) {
    let q = idx.len();
    let v = Mat::from_fn(q, q, |a, b| vcov[(idx[a], idx[b])]);
    let names: Vec<String> = idx.iter().map(|i| i.to_string()).collect();
    let Ok(vi) = sym_inverse(&v, &names) else {
        return (f64::NAN, f64::NAN);
    };
    let mut w = 0.0;
    for a in 0..q {
        for b in 0..q {
            w += beta[idx[a]] * vi[(a, b)] * beta[idx[b]];
        }
    }
    let f = w / q as f64;
    (f, f_sf(f, q as f64, df))
}

/// Overidentification test after 2SLS: Hansen's J (robust or cluster) as the
/// minimised two-step efficient GMM criterion with S estimated from the 2SLS
/// residuals (ivreg2 with `robust`; linearmodels `IVGMM(...).j_stat`), or
/// Sargan's n e'P_Z e / e'e (classical). `None` when exactly identified.
pub fn overid(d: &IvData<'_>, fit: &TwoSls, se: SeKind) -> Option<OverId> {
    let (n, k, l) = (d.y.len(), d.x.ncols(), d.z.ncols());
    if l <= k {
        return None;
    }
    let df = l - k;
    let stat = match se {
        SeKind::Classical => sargan(d.z, &fit.resid)?,
        SeKind::Robust | SeKind::Cluster => {
            let cl = if se == SeKind::Cluster {
                d.clusters
            } else {
                None
            };
            hansen_j(d, &fit.resid, cl, n)?
        }
    };
    Some(OverId {
        stat,
        df,
        p_value: chi2_sf(stat, df as f64),
    })
}

fn sargan(z: MatRef<'_, f64>, e: &[f64]) -> Option<f64> {
    let n = e.len();
    let em = Mat::from_fn(n, 1, |i, _| e[i]);
    let coef = lstsq(z, em.as_ref()).ok()?;
    let fitted = linalg::mul_tall(z, coef.as_ref());
    let ss_p: f64 = (0..n).map(|i| fitted[(i, 0)] * e[i]).sum();
    let ss: f64 = e.iter().map(|v| v * v).sum();
    Some(n as f64 * ss_p / ss)
}

fn hansen_j(d: &IvData<'_>, e2sls: &[f64], cl: Option<&Clusters>, n: usize) -> Option<f64> {
    let nf = n as f64;
    let z = d.z.to_owned();
    let scores = Scores::Index {
        x: &z,
        resid: e2sls,
    };
    let meat = match cl {
        None => covariance::meat(&scores),
        Some(c) => covariance::cluster_meat(&scores, c),
    };
    let s = meat * (1.0 / nf);
    let names: Vec<String> = d.z_names.to_vec();
    let w = sym_inverse(&s, &names).ok()?;
    let zx = linalg::cross_tall(d.z, d.x);
    let y = Mat::from_fn(n, 1, |i, _| d.y[i]);
    let zy = linalg::cross_tall(d.z, y.as_ref());
    let a = zx.transpose() * &w * &zx;
    let b = zx.transpose() * &w * &zy;
    let beta = sym_inverse(&a, d.x_names).ok()? * &b;
    let u = &y - linalg::mul_tall(d.x, beta.as_ref());
    let g = linalg::cross_tall(d.z, u.as_ref()) * (1.0 / nf);
    let j = g.transpose() * &w * &g;
    Some(nf * j[(0, 0)])
}

/// Upper tail of chi-square(df).
pub fn chi2_sf(x: f64, df: f64) -> f64 {
    super::dist::chi2_sf(x, df)
}

/// Upper tail of F(d1, d2).
pub fn f_sf(x: f64, d1: f64, d2: f64) -> f64 {
    super::dist::f_sf(x, d1, d2)
}

/// Relative tolerance on |R_jj| / |R_00| below which a column is dependent.
const RANK_TOL: f64 = 1e-10;

/// Error naming the columns of `a` that are linear combinations of others.
/// The column-pivoted QR runs on the k x k factor R of `a` ([`linalg::tsqr_pair`]):
/// `a = Q R` with orthonormal `Q`, so R's columns have `a`'s norms and
/// inner products, and its pivoted factor is `a`'s (up to rounding).
fn check_rank(a: MatRef<'_, f64>, names: &[String]) -> Result<(), EstimateError> {
    let k = a.ncols();
    if k == 0 {
        return Ok(());
    }
    let (r, fwd) = if a.nrows() > k {
        linalg::col_piv_qr(linalg::tsqr_pair(a, None))
    } else {
        linalg::col_piv_qr(a.to_owned())
    };
    let r00 = r[(0, 0)].abs();
    let bad: Vec<String> = (0..k.min(a.nrows()))
        .filter(|&j| r00 == 0.0 || r[(j, j)].abs() <= RANK_TOL * r00)
        .map(|j| {
            names
                .get(fwd[j])
                .cloned()
                .unwrap_or_else(|| fwd[j].to_string())
        })
        .chain((a.nrows()..k).map(|j| names.get(fwd[j]).cloned().unwrap_or_default()))
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(EstimateError::Collinear { columns: bad })
    }
}

/// Least-squares solution of a b = rhs by the QR of `[a | rhs]` in row
/// blocks ([`linalg::tsqr_pair`]; a has full column rank, checked before).
fn lstsq(a: MatRef<'_, f64>, rhs: MatRef<'_, f64>) -> Result<Mat<f64>, EstimateError> {
    let k = a.ncols();
    let sol = if a.nrows() >= k + rhs.ncols() {
        linalg::lstsq_r(&linalg::tsqr_pair(a, Some(rhs)), k)
    } else {
        let s = a.col_piv_qr().solve_lstsq(rhs);
        let finite = s.col_iter().all(|c| c.iter().all(|v| v.is_finite()));
        finite.then_some(s)
    };
    sol.ok_or_else(|| EstimateError::Invalid("least-squares solution is not finite".into()))
}

/// Inverse of a symmetric positive-definite matrix (Cholesky).
fn sym_inverse(a: &Mat<f64>, names: &[String]) -> Result<Mat<f64>, EstimateError> {
    match a.llt(Side::Lower) {
        Ok(c) => Ok(c.inverse()),
        Err(_) => Err(EstimateError::SingularInformation {
            columns: names.to_vec(),
        }),
    }
}
