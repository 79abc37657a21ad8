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
    /// Standard-error kind and other fit options.
    pub opts: FitOptions,
}

/// A fitted OLS model: the shared result plus the pieces downstream
/// estimators reuse.
#[derive(Debug, Clone)]
pub struct OlsFit {
    /// The shared result (coefficients, SEs, R², F).
    pub result: FitResult,
    /// Coefficients `b = (X'X)⁻¹X'y`, in design-column order.
    pub beta: Col<f64>,
    /// Covariance of `b` of the chosen kind (classical `s²(X'X)⁻¹`, HC1 or CR1).
    pub vcov: Mat<f64>,
    /// Residuals `y - Xb`.
    pub resid: Vec<f64>,
}

impl Ols {
    /// The estimator with these options.
    pub fn new(opts: FitOptions) -> Self {
        Ols { opts }
    }

    /// Fit `y = Xb + e` by least squares (QR); the result only.
    pub fn fit(&self, d: &Design) -> Result<FitResult, EstimateError> {
        self.fit_full(d).map(|f| f.result)
    }

    /// As [`Ols::fit`], keeping `b`, its covariance and the residuals.
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
        let (fit, f_note) = ols_stats(d, beta, rss, v, df);
        r.fit = fit;
        r.info.warnings.extend(f_note);
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
    vcov: &Vcov,
    df_denom: f64,
) -> (BTreeMap<String, f64>, Option<String>) {
    let v = &vcov.matrix;
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
    let vs = Mat::from_fn(free.len(), free.len(), |a, b| v[(free[a], free[b])]);
    let bs: Vec<f64> = free.iter().map(|&j| beta[j]).collect();
    let (f, fp, note) = joint_f(&vs, &bs, df_denom, vcov.groups);
    let s2 = rss / (n - k);
    let stats = [
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
    .collect();
    (stats, note)
}

/// Wald F of all slopes, `F = b' V^-1 b / q` on (q, `df_denom`) degrees of
/// freedom, with its p-value — or NaN for both and a note when `V` cannot be
/// inverted: a cluster covariance from G clusters has rank at most G - 1
/// (scores sum to zero), so with q >= G slopes, or fixed effects nested in
/// the clusters, the statistic does not exist (Stata reports F as missing).
fn joint_f(
    vs: &Mat<f64>,
    bs: &[f64],
    df_denom: f64,
    groups: Option<usize>,
) -> (f64, f64, Option<String>) {
    let q = bs.len();
    if q == 0 {
        return (f64::NAN, f64::NAN, None);
    }
    let unavailable = |why: String| {
        let note = format!("F test of all slopes unavailable: {why}");
        (f64::NAN, f64::NAN, Some(note))
    };
    if let Some(g) = groups.filter(|&g| g <= q) {
        return unavailable(format!(
            "the cluster covariance has rank at most {} ({g} clusters) but there are {q} slopes",
            g.saturating_sub(1)
        ));
    }
    // Only a cluster covariance is rank deficient by construction; classical and
    // HC ones are checked by their Cholesky factor alone (an ill-conditioned
    // but valid design such as Longley's must keep its F).
    if groups.is_some() && linalg::gram_dependency(vs.as_ref()).is_some() {
        return unavailable(
            "the covariance of the slopes is rank deficient (e.g. fixed effects nested in the clusters)"
                .into(),
        );
    }
    match linalg::spd_solve(vs.as_ref(), bs) {
        Some(z) => {
            let f = z.iter().zip(bs).map(|(a, b)| a * b).sum::<f64>() / q as f64;
            (f, super::dist::f_sf(f, q as f64, df_denom), None)
        }
        None => unavailable("the covariance of the slopes is not positive definite".into()),
    }
}
