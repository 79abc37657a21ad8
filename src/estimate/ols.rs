//! Ordinary least squares by tall-skinny QR of `[X | y]`.
//!
//! With `qr([X | y]) = [[R, z], [0, rho]]`: `b = R^-1 z`, `e'e = rho^2`,
//! `(X'X)^-1 = R^-1 R^-T`; `X'X` is never formed, so the condition number is
//! not squared. t statistics use `n - k` degrees of freedom, or `G - 1` with
//! cluster-robust errors (Stata's `regress, vce(cluster)` convention).

use std::collections::BTreeMap;

use faer::{Col, Mat};

use super::covariance::{self, Family, Scores, Vcov};
use super::{EstimateError, FitOptions, FitResult, ParamRow, checks, linalg};
use crate::data::Design;

/// OLS estimator.
#[derive(Debug, Clone, PartialEq)]
pub struct Ols {
    pub opts: FitOptions,
}

/// A fitted OLS model: the shared result plus the pieces downstream
/// estimators reuse.
#[derive(Debug, Clone)]
pub struct OlsFit {
    pub result: FitResult,
    pub beta: Col<f64>,
    pub vcov: Mat<f64>,
    /// Residuals `y - Xb`.
    pub resid: Vec<f64>,
}

impl Ols {
    pub fn new(opts: FitOptions) -> Self {
        Ols { opts }
    }

    pub fn fit(&self, d: &Design) -> Result<FitResult, EstimateError> {
        self.fit_full(d).map(|f| f.result)
    }

    pub fn fit_full(&self, d: &Design) -> Result<OlsFit, EstimateError> {
        checks::check_shape(d)?;
        if self.opts.margins.is_some() {
            return Err(EstimateError::InvalidOption {
                option: "margins".into(),
                reason: "marginal effects are defined for logit and probit; OLS coefficients already are".into(),
            });
        }
        let (n, k) = (d.n(), d.k());
        let r = linalg::tsqr_r(&d.x, Some(&d.y));
        if let Some(columns) = checks::collinear_names(&r, d) {
            return Err(EstimateError::Collinear { columns });
        }
        let rinv = upper_inverse(&r, k);
        let beta: Vec<f64> = (0..k)
            .map(|i| (i..k).map(|j| rinv[(i, j)] * r[(j, k)]).sum())
            .collect();
        let xtx_inv = &rinv * rinv.transpose();
        let fitted = linalg::index(&d.x, &beta);
        let resid: Vec<f64> = d.y.iter().zip(&fitted).map(|(y, f)| y - f).collect();
        let rss = r[(k, k)] * r[(k, k)];
        let s2 = rss / (n - k) as f64;
        let scores = Scores::Index {
            x: &d.x,
            resid: &resid,
        };
        let v = covariance::vcov(
            self.opts.se,
            &xtx_inv,
            s2,
            &scores,
            d.clusters.as_ref(),
            Family::Ols { n, k },
        )?;
        let result = self.result(d, &beta, rss, &v);
        Ok(OlsFit {
            result,
            beta: Col::from_fn(k, |j| beta[j]),
            vcov: v.matrix,
            resid,
        })
    }

    fn result(&self, d: &Design, beta: &[f64], rss: f64, v: &Vcov) -> FitResult {
        let (n, k) = (d.n(), d.k());
        let df = v.groups.map_or((n - k) as f64, |g| (g - 1) as f64);
        let se = covariance::std_errors(&v.matrix);
        let mut r = FitResult::new("ols", n);
        r.coefficients = d
            .names
            .iter()
            .zip(beta)
            .zip(&se)
            .map(|((name, &b), &s)| ParamRow::student_t(name.clone(), b, s, df))
            .collect();
        r.fit = ols_stats(d, beta, rss, &v.matrix, df);
        r.info.dependent = d.y_name.clone();
        r.info.covariance = Some(v.kind.clone());
        r.info.converged = true;
        r.info.n_dropped = d.n_dropped;
        r.vcov = Some(linalg::row_major(&v.matrix));
        r
    }
}

/// Inverse of the leading k x k upper-triangular block of `r`.
fn upper_inverse(r: &Mat<f64>, k: usize) -> Mat<f64> {
    let mut inv = Mat::<f64>::identity(k, k);
    r.as_ref()
        .get(..k, ..k)
        .solve_upper_triangular_in_place(inv.as_mut());
    inv
}

/// Gaussian log-likelihood at the ML variance `rss / n`.
fn gaussian_ll(rss: f64, n: f64) -> f64 {
    -0.5 * n * ((2.0 * std::f64::consts::PI).ln() + (rss / n).ln() + 1.0)
}

/// OLS fit statistics as statsmodels names them: r2 and adj_r2 (centred when
/// a constant is present), the Wald F test that all non-constant coefficients
/// are zero with the reported covariance (the classical ANOVA F when
/// classical), log-likelihood (and of the constant-only model), aic, bic,
/// scale `s^2`, sigma, df_model, df_resid.
fn ols_stats(
    d: &Design,
    beta: &[f64],
    rss: f64,
    v: &Mat<f64>,
    df_denom: f64,
) -> BTreeMap<String, f64> {
    use statrs::distribution::{ContinuousCDF, FisherSnedecor};
    let (n, k) = (d.n() as f64, d.k() as f64);
    let konst = d.col_index("const");
    let c = f64::from(u8::from(konst.is_some()));
    let ybar = d.y.iter().sum::<f64>() / n;
    let tss =
        d.y.iter()
            .map(|y| {
                if konst.is_some() {
                    (y - ybar).powi(2)
                } else {
                    y * y
                }
            })
            .sum::<f64>();
    let tss_c = d.y.iter().map(|y| (y - ybar).powi(2)).sum::<f64>();
    let r2 = 1.0 - rss / tss;
    let ll = gaussian_ll(rss, n);
    let free: Vec<usize> = (0..d.k()).filter(|&j| Some(j) != konst).collect();
    let q = free.len() as f64;
    let vs = Mat::from_fn(free.len(), free.len(), |a, b| v[(free[a], free[b])]);
    let bs: Vec<f64> = free.iter().map(|&j| beta[j]).collect();
    let f = linalg::spd_solve(vs.as_ref(), &bs).map_or(f64::NAN, |z| {
        z.iter().zip(&bs).map(|(a, b)| a * b).sum::<f64>() / q
    });
    let fp = FisherSnedecor::new(q, df_denom).map_or(f64::NAN, |dist| dist.sf(f));
    let s2 = rss / (n - k);
    [
        ("r2", r2),
        ("adj_r2", 1.0 - (n - c) / (n - k) * (1.0 - r2)),
        ("f_stat", f),
        ("f_pvalue", fp),
        ("log_likelihood", ll),
        ("ll_null", gaussian_ll(tss_c, n)),
        ("aic", -2.0 * ll + 2.0 * k),
        ("bic", -2.0 * ll + k * n.ln()),
        ("scale", s2),
        ("sigma", s2.sqrt()),
        ("df_model", k - c),
        ("df_resid", n - k),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b))
    .collect()
}
