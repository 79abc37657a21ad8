//! Logit and probit by Newton–Raphson on the analytic gradient and Hessian.
//!
//! `ll(b) = sum_i ln F(q_i x_i'b)`, `q_i = 2 y_i - 1`;
//! gradient `X'r` with generalised residuals `r_i`, Hessian `-X'WX`
//! (see [`Link::obs`]). Each evaluation is one blocked pass over the rows.
//! Classical errors: inverse observed information `(X'WX)^-1` at the optimum.

use faer::{Col, Mat};

use super::EstimateError;
use super::covariance::{self, Family, Scores};
use super::newton::{self, Eval, LogLik, NewtonOptions, NewtonOutcome, Termination};
use super::results::mle_stats;
use super::{
    FitInfo, FitOptions, FitResult, ParamRow, binary_pass, checks, linalg, margins, separation,
};
use crate::data::Design;
use crate::numeric::Link;

/// The log-likelihood of a binary model on a design, optionally with
/// frequency weights (`sum_i w_i ln F(q_i x_i'b)`: row i counted w_i times).
pub struct BinaryLik<'a> {
    /// Logit or probit `F`.
    pub link: Link,
    /// Regressors, n x k.
    pub x: &'a Mat<f64>,
    /// 0/1 outcome.
    pub y: &'a [f64],
    /// Frequency weights `w_i`; `None`: each row once.
    pub w: Option<&'a [f64]>,
}

impl BinaryLik<'_> {
    fn weight(&self, i: usize) -> f64 {
        self.w.map_or(1.0, |w| w[i])
    }
}

impl LogLik for BinaryLik<'_> {
    fn value(&self, b: &[f64]) -> f64 {
        let mut ll = 0.0;
        linalg::map_blocks(
            self.y.len(),
            |r| {
                let eta = linalg::index_block(self.x, b, r.clone());
                let y = &self.y[r.clone()];
                eta.iter()
                    .zip(y)
                    .zip(r)
                    .map(|((&e, &y), i)| self.weight(i) * self.link.obs_ll(y, e))
                    .sum::<f64>()
            },
            |p| ll += p,
        );
        ll
    }

    fn eval(&self, b: &[f64]) -> Eval {
        let k = b.len();
        let mut out = Eval {
            ll: 0.0,
            grad: vec![0.0; k],
            hess: Mat::zeros(k, k),
        };
        linalg::map_blocks(
            self.y.len(),
            |r| binary_pass::block_sums(self.link, self.x, self.y, self.w, b, r),
            |s| {
                out.ll += s.ll;
                out.grad.iter_mut().zip(s.grad).for_each(|(o, a)| *o += a);
                out.hess -= s.gram;
            },
        );
        out
    }
}

/// A fitted binary model: the shared result plus the pieces downstream
/// estimators reuse.
#[derive(Debug, Clone)]
pub struct BinaryFit {
    /// The shared result (coefficients, SEs, fit statistics).
    pub result: FitResult,
    /// The link that was fitted.
    pub link: Link,
    /// Coefficients in design-column order.
    pub beta: Col<f64>,
    /// Covariance of `beta` of the requested kind.
    pub vcov: Mat<f64>,
    /// Fitted linear index `x_i'b`.
    pub eta: Vec<f64>,
    /// Euclidean norm of the score at `beta`.
    pub grad_norm: f64,
}

impl BinaryFit {
    /// Fitted probabilities `F(x_i'b)`.
    pub fn probabilities(&self) -> Vec<f64> {
        self.eta.iter().map(|&e| self.link.cdf(e)).collect()
    }
}

/// A binary-response model with a given link.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BinaryModel {
    pub link: Link,
    pub opts: FitOptions,
}

impl BinaryModel {
    /// Fit; non-convergence is an error.
    pub fn fit(&self, d: &Design) -> Result<FitResult, EstimateError> {
        let fit = self.fit_full(d)?;
        if !fit.result.info.converged {
            return Err(EstimateError::NotConverged {
                estimator: self.link.name().into(),
                iterations: fit.result.info.iterations,
                grad_norm: fit.grad_norm,
            });
        }
        Ok(fit.result)
    }

    /// Fit; non-convergence (iteration cap, failed line search) is recorded
    /// as `info.converged = false` plus a warning, for Monte Carlo harnesses.
    /// Separation and a singular information matrix are errors.
    pub fn fit_full(&self, d: &Design) -> Result<BinaryFit, EstimateError> {
        let name = self.link.name();
        checks::check_shape(d)?;
        checks::check_binary(d, name)?;
        checks::check_outcome_varies(d)?;
        let start = self.start(d);
        let start_eval = self.lik(d, None).eval(&start);
        // The rank check: certified from the Hessian at the start, which is
        // `-w X'X` there; the QR of X only where that cannot certify.
        if !certifies_full_rank(d, &start, &start_eval.hess) {
            checks::check_full_rank(d)?;
        }
        let (out, eta) = self.solve_from(d, None, start, Some(start_eval))?;
        let neg_h = -&out.eval.hess;
        let bread = linalg::spd_inverse(neg_h.as_ref()).ok_or_else(|| self.singular(d, &eta))?;
        let resid: Vec<f64> = eta
            .iter()
            .zip(&d.y)
            .map(|(&e, &y)| self.link.obs(y, e).score)
            .collect();
        let scores = Scores::Index {
            x: &d.x,
            resid: &resid,
        };
        let v = covariance::vcov(
            self.opts.se,
            &bread,
            1.0,
            &scores,
            d.clusters.as_ref(),
            Family::Mle { n: d.n() },
        )?;
        let result = self.result(d, &out, &eta, &v)?;
        Ok(BinaryFit {
            result,
            link: self.link,
            beta: Col::from_fn(out.theta.len(), |j| out.theta[j]),
            vcov: v.matrix,
            eta,
            grad_norm: out.grad_norm(),
        })
    }

    /// Fitted index only, Newton started at `start` (a bootstrap refit
    /// warm-started at the full-sample estimate), with optional frequency
    /// weights (a resample's distinct rows and their counts): no covariance
    /// or statistics, and non-convergence, collinearity and separation are
    /// errors, as in [`BinaryModel::fit`]. The design is taken to have the
    /// shape and 0/1 outcome of the one first fitted.
    pub fn refit(
        &self,
        d: &Design,
        w: Option<&[f64]>,
        start: Vec<f64>,
    ) -> Result<Vec<f64>, EstimateError> {
        checks::check_outcome_varies(d)?;
        let (out, eta) = self.solve_from(d, w, start, None)?;
        // X'WX has the rank of X (every weight is positive), so its pivoted
        // QR finds the collinearity a resample can create, at O(k^3) instead
        // of a QR of X.
        let neg_h = -&out.eval.hess;
        if let Some(cols) = linalg::gram_dependency(neg_h.as_ref()) {
            return Err(EstimateError::Collinear {
                columns: cols.iter().map(|&j| d.names[j].clone()).collect(),
            });
        }
        if !out.converged() {
            return Err(EstimateError::NotConverged {
                estimator: self.link.name().into(),
                iterations: out.iterations,
                grad_norm: out.grad_norm(),
            });
        }
        Ok(eta)
    }

    fn lik<'a>(&self, d: &'a Design, w: Option<&'a [f64]>) -> BinaryLik<'a> {
        BinaryLik {
            link: self.link,
            x: &d.x,
            y: &d.y,
            w,
        }
    }

    /// Newton from `start` (its evaluation given or computed) with the
    /// separation checks before and after; a singular or non-finite
    /// information matrix is an error.
    fn solve_from(
        &self,
        d: &Design,
        w: Option<&[f64]>,
        start: Vec<f64>,
        start_eval: Option<Eval>,
    ) -> Result<(NewtonOutcome, Vec<f64>), EstimateError> {
        separation::check_single_regressors(&d.x, &d.y, &d.names, &d.y_name)?;
        let lik = self.lik(d, w);
        let nopts = NewtonOptions {
            max_iter: self.opts.max_iter,
            tol: self.opts.tol,
        };
        let start_eval = start_eval.unwrap_or_else(|| lik.eval(&start));
        let out = newton::maximize_from(&lik, start, start_eval, nopts);
        let eta = linalg::index(&d.x, &out.theta);
        separation::check_after_fit(&d.x, &eta, &out.theta, &d.names, &d.y_name, w)?;
        if matches!(
            out.termination,
            Termination::SingularHessian | Termination::NonFinite
        ) {
            return Err(self.singular(d, &eta));
        }
        Ok((out, eta))
    }

    /// Start at `b = 0` with the constant (if any) at `F^-1(mean y)`.
    fn start(&self, d: &Design) -> Vec<f64> {
        let mut b = vec![0.0; d.k()];
        if let Some(c) = d.col_index("const") {
            let p = d.y.iter().sum::<f64>() / d.n() as f64;
            b[c] = self.link.inverse_cdf(p);
        }
        b
    }

    fn singular(&self, d: &Design, eta: &[f64]) -> EstimateError {
        let sw: Vec<f64> = eta
            .iter()
            .zip(&d.y)
            .map(|(&e, &y)| self.link.obs(y, e).weight.sqrt())
            .collect();
        let xw = Mat::from_fn(d.n(), d.k(), |i, j| sw[i] * d.x[(i, j)]);
        let r = linalg::tsqr_r(&xw, None);
        let columns = checks::collinear_names(&r, d).unwrap_or_else(|| d.names.clone());
        EstimateError::SingularInformation { columns }
    }

    fn result(
        &self,
        d: &Design,
        out: &NewtonOutcome,
        eta: &[f64],
        v: &covariance::Vcov,
    ) -> Result<FitResult, EstimateError> {
        let mut r = FitResult::new(self.link.name(), d.n());
        let se = covariance::std_errors(&v.matrix);
        r.coefficients = d
            .names
            .iter()
            .zip(&out.theta)
            .zip(&se)
            .map(|((n, &b), &s)| ParamRow::normal(n.clone(), b, s))
            .collect();
        if let Some(kind) = self.opts.margins {
            r.marginal_effects =
                margins::binary_ame(self.link, &d.x, eta, &out.theta, &d.names, kind, &v.matrix);
        }
        r.fit = likelihood_stats(out.eval.ll, null_ll(&d.y), d);
        r.info = FitInfo::from_newton(&d.y_name, v.kind.clone(), out, d.n_dropped);
        if !out.converged() {
            r.info.warnings.push(format!(
                "{} did not converge ({:?} after {} iterations, gradient norm {:.3e})",
                self.link.name(),
                out.termination,
                out.iterations,
                out.grad_norm()
            ));
        }
        r.vcov = Some(linalg::row_major(&v.matrix));
        Ok(r)
    }
}

/// Whether the Hessian `h` at `start` proves the design of full column rank,
/// so that the QR of [`checks::check_full_rank`] would find no dependency.
///
/// At a start whose index is the same on every row (all coefficients zero
/// but that of a constant column of ones), every row has the same weight,
/// so `-h = w X'X`. Scaled to a unit diagonal, `S = D X'X D` is the Gram
/// matrix of the unit-norm columns `X D`, and `lambda_min(S) = sigma_min(X D)^2`.
/// The QR check declares a dependency only where a pivot of the R factor of
/// `X D` falls below `n eps` times the largest, and every pivot is at least
/// `sigma_min(X D)` while the largest is at most `sqrt(k)`. A Cholesky factor
/// of `S - tau I` proves `lambda_min(S) > tau`, and with
/// `tau = max(1e-8, 1e3 k (n / BLOCK + BLOCK) eps)`, far above both the
/// rounding of the blocked sums behind `S` and `k (n eps)^2`, the QR would
/// pass. `false` (the caller runs the QR) for any other start, or where the
/// Cholesky fails: then the QR decides, as before.
fn certifies_full_rank(d: &Design, start: &[f64], h: &Mat<f64>) -> bool {
    let constant = d.col_index("const");
    let index_is_constant = start
        .iter()
        .enumerate()
        .all(|(j, &b)| b == 0.0 || Some(j) == constant)
        && constant.is_none_or(|c| linalg::col(&d.x, c).iter().all(|&v| v == 1.0));
    if !index_is_constant {
        return false;
    }
    let k = d.k();
    let diag: Vec<f64> = (0..k).map(|j| -h[(j, j)]).collect();
    if diag.iter().any(|&v| !(v > 0.0 && v.is_finite())) {
        return false;
    }
    let n = d.n() as f64;
    let block = linalg::BLOCK as f64;
    let tau = (1e3 * k as f64 * (n / block + block) * f64::EPSILON).max(1e-8);
    let shifted = Mat::from_fn(k, k, |i, j| {
        let s = -h[(i, j)] / (diag[i] * diag[j]).sqrt();
        if i == j { s - tau } else { s }
    });
    shifted.as_ref().llt(faer::Side::Lower).is_ok()
}

/// Log-likelihood of the constant-only binary model (any link):
/// `n [p ln p + (1 - p) ln(1 - p)]`, `p = mean y`.
pub(crate) fn null_ll(y: &[f64]) -> f64 {
    let n = y.len() as f64;
    let p = y.iter().sum::<f64>() / n;
    n * (p * p.ln() + (1.0 - p) * (1.0 - p).ln())
}

/// Likelihood-based fit statistics of a binary model: [`mle_stats`] with
/// `k` parameters and df_model = k minus the constant.
pub(crate) fn likelihood_stats(
    ll: f64,
    ll0: f64,
    d: &Design,
) -> std::collections::BTreeMap<String, f64> {
    let k = d.k();
    let df = k - usize::from(d.col_index("const").is_some());
    mle_stats(ll, ll0, d.n(), k, df)
}

macro_rules! binary_estimator {
    ($(#[$doc:meta])* $name:ident, $link:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            /// Standard errors, margins and optimiser settings.
            pub opts: FitOptions,
        }

        impl $name {
            /// The estimator with these options.
            pub fn new(opts: FitOptions) -> Self {
                $name { opts }
            }

            fn model(&self) -> BinaryModel {
                BinaryModel { link: $link, opts: self.opts.clone() }
            }

            /// Fit; non-convergence is an error.
            pub fn fit(&self, d: &Design) -> Result<FitResult, EstimateError> {
                self.model().fit(d)
            }

            /// Fit keeping coefficients, covariance and index; non-convergence
            /// is a warning on the result.
            pub fn fit_full(&self, d: &Design) -> Result<BinaryFit, EstimateError> {
                self.model().fit_full(d)
            }
        }
    };
}

binary_estimator!(
    /// Logit: `P(y = 1) = Lambda(x'b)`.
    Logit,
    Link::Logit
);
binary_estimator!(
    /// Probit: `P(y = 1) = Phi(x'b)`.
    Probit,
    Link::Probit
);

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn design(x: Mat<f64>, names: Vec<&str>, seed: u64) -> Design {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let y = (0..x.nrows())
            .map(|_| f64::from(u8::from(rng.random::<bool>())))
            .collect();
        Design {
            y_name: "y".into(),
            y,
            x,
            names: names.into_iter().map(String::from).collect(),
            clusters: None,
            n_dropped: 0,
        }
    }

    /// The certificate's verdict on `d`, and the QR's.
    fn verdicts(d: &Design) -> (bool, bool) {
        let m = BinaryModel {
            link: Link::Logit,
            opts: FitOptions::default(),
        };
        let start = m.start(d);
        let h = m.lik(d, None).eval(&start).hess;
        (
            certifies_full_rank(d, &start, &h),
            checks::check_full_rank(d).is_ok(),
        )
    }

    /// Over 20 seeds: well-conditioned designs are certified; an exact copy,
    /// a near copy (1e-7 apart) and a column of zeros are not, and a design
    /// whose `const` is not a column of ones is left to the QR. Wherever the
    /// certificate holds, the QR agrees.
    #[test]
    fn the_start_hessian_certifies_rank_only_where_the_qr_would_pass() {
        for seed in 0..20u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let n = 500 + 100 * seed as usize;
            let z: Vec<[f64; 3]> = (0..n)
                .map(|_| std::array::from_fn(|_| rng.random_range(-1.0..1.0)))
                .collect();
            let names = vec!["const", "a", "b", "c"];
            let build = |third: &dyn Fn(usize) -> f64, one: f64| {
                Mat::from_fn(n, 4, |i, j| match j {
                    0 => one,
                    3 => third(i),
                    _ => z[i][j - 1],
                })
            };
            let good = design(build(&|i| z[i][2], 1.0), names.clone(), seed);
            assert_eq!(verdicts(&good), (true, true), "seed {seed}");
            let copy = design(build(&|i| z[i][0], 1.0), names.clone(), seed);
            assert_eq!(verdicts(&copy), (false, false), "seed {seed}");
            let near = design(
                build(&|i| z[i][0] + 1e-7 * z[i][2], 1.0),
                names.clone(),
                seed,
            );
            assert!(!verdicts(&near).0, "seed {seed}");
            let zero = design(build(&|_| 0.0, 1.0), names.clone(), seed);
            assert!(!verdicts(&zero).0, "seed {seed}");
            let shifted = design(build(&|i| z[i][2], 2.0), names.clone(), seed);
            assert!(!verdicts(&shifted).0, "seed {seed}");
        }
    }
}
