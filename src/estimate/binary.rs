//! Logit and probit by Newton–Raphson on the analytic gradient and Hessian.
//!
//! `ll(b) = sum_i ln F(q_i x_i'b)`, `q_i = 2 y_i - 1`;
//! gradient `X'r` with generalised residuals `r_i`, Hessian `-X'WX`
//! (see [`Link::obs`]). Each evaluation is one blocked pass over the rows.
//! Classical errors: inverse observed information `(X'WX)^-1` at the optimum.

use faer::{Col, Mat};

use super::EstimateError;
pub use super::binary_lik::BinaryLik;
use super::binary_lik::IndexKeeping;
use super::binary_start::{Start, certifies_full_rank, warm_start};
use super::covariance::{self, Family, Scores};
use super::newton::{self, LogLik, NewtonOptions, NewtonOutcome, Termination};
use super::results::mle_stats;
use super::{
    FitInfo, FitOptions, FitResult, ParamRow, SeKind, binary_start, checks, linalg, margins,
    separation,
};
use crate::data::{Design, Regressors};
use crate::numeric::Link;

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
    pub fn fit<X: Regressors>(&self, d: &Design<X>) -> Result<FitResult, EstimateError> {
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
    pub fn fit_full<X: Regressors>(&self, d: &Design<X>) -> Result<BinaryFit, EstimateError> {
        let name = self.link.name();
        let scan = checks::check_binary_shape(d)?;
        let sq = &scan.sq;
        checks::check_binary(d, name)?;
        checks::check_outcome_varies(d)?;
        let start = match warm_start(self.link, d, sq, self.newton_options()) {
            Some(warm) => Start::Warm(warm.beta, warm.info),
            None => {
                let start = binary_start::start(self.link, d);
                let eval = self.lik(d, None).eval(&start);
                // The rank check: certified from the Hessian at the start,
                // the QR of X only where that cannot certify.
                if !certifies_full_rank(&eval.hess, sq, d.n()) {
                    checks::check_full_rank(d)?;
                }
                Start::At(start, Some(eval))
            }
        };
        let (out, eta) = self.solve_from(d, None, start, Some(&scan.ranges))?;
        let neg_h = -&out.eval.hess;
        let bread = linalg::spd_inverse(neg_h.as_ref()).ok_or_else(|| self.singular(d, &eta))?;
        // Generalised residuals: only the sandwich errors use the scores.
        let resid: Vec<f64> = if self.opts.se == SeKind::Classical {
            Vec::new()
        } else {
            eta.iter()
                .zip(&d.y)
                .map(|(&e, &y)| self.link.obs(y, e).score)
                .collect()
        };
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
    pub fn refit<X: Regressors>(
        &self,
        d: &Design<X>,
        w: Option<&[f64]>,
        start: Vec<f64>,
    ) -> Result<Vec<f64>, EstimateError> {
        checks::check_outcome_varies(d)?;
        let (out, eta) = self.solve_from(d, w, Start::At(start, None), None)?;
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

    fn lik<'a, X: Regressors>(&self, d: &'a Design<X>, w: Option<&'a [f64]>) -> BinaryLik<'a> {
        BinaryLik {
            link: self.link,
            x: &d.x,
            y: &d.y,
            w,
        }
    }

    fn newton_options(&self) -> NewtonOptions {
        NewtonOptions {
            max_iter: self.opts.max_iter,
            tol: self.opts.tol,
        }
    }

    /// Newton from `start` (or chord steps, then Newton, from a warm start)
    /// with the separation checks before and after (the one before from the
    /// columns' `ranges` on either side of the outcome where the caller has
    /// them, [`separation::scan_columns`]); a singular or non-finite
    /// information matrix is an error.
    fn solve_from<X: Regressors>(
        &self,
        d: &Design<X>,
        w: Option<&[f64]>,
        start: Start,
        ranges: Option<&[[(f64, f64); 2]]>,
    ) -> Result<(NewtonOutcome, Vec<f64>), EstimateError> {
        match ranges {
            Some(r) => separation::check_ranges(&d.x, r, &d.names, &d.y_name)?,
            None => separation::check_single_regressors(&d.x, &d.y, &d.names, &d.y_name)?,
        }
        let lik = IndexKeeping::new(self.lik(d, w));
        let nopts = self.newton_options();
        let out = match start {
            Start::At(b, eval) => {
                let eval = eval.unwrap_or_else(|| lik.eval(&b));
                newton::maximize_from(&lik, b, eval, nopts)
            }
            Start::Warm(b, info) => newton::maximize_chord(&lik, b, info, nopts),
        };
        let eta = lik.index_at(&out.theta);
        separation::check_after_fit(&d.x, &eta, &out.theta, &d.names, &d.y_name, w)?;
        if matches!(
            out.termination,
            Termination::SingularHessian | Termination::NonFinite
        ) {
            return Err(self.singular(d, &eta));
        }
        Ok((out, eta))
    }

    fn singular<X: Regressors>(&self, d: &Design<X>, eta: &[f64]) -> EstimateError {
        let sw: Vec<f64> = eta
            .iter()
            .zip(&d.y)
            .map(|(&e, &y)| self.link.obs(y, e).weight.sqrt())
            .collect();
        let xw = Mat::from_fn(d.n(), d.k(), |i, j| sw[i] * d.x.column(j)[i]);
        let r = linalg::tsqr_r(&xw, None);
        let columns = checks::collinear_names(&r, d).unwrap_or_else(|| d.names.clone());
        EstimateError::SingularInformation { columns }
    }

    fn result<X: Regressors>(
        &self,
        d: &Design<X>,
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
            r.marginal_effects = margins::binary_ame(
                self.link,
                &d.x.to_mat(),
                eta,
                &out.theta,
                &d.names,
                kind,
                &v.matrix,
            );
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

/// Log-likelihood of the constant-only binary model (any link):
/// `n [p ln p + (1 - p) ln(1 - p)]`, `p = mean y`.
pub(crate) fn null_ll(y: &[f64]) -> f64 {
    let n = y.len() as f64;
    let p = y.iter().sum::<f64>() / n;
    n * (p * p.ln() + (1.0 - p) * (1.0 - p).ln())
}

/// Likelihood-based fit statistics of a binary model: [`mle_stats`] with
/// `k` parameters and df_model = k minus the constant.
pub(crate) fn likelihood_stats<X: Regressors>(
    ll: f64,
    ll0: f64,
    d: &Design<X>,
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
            pub fn fit<X: Regressors>(&self, d: &Design<X>) -> Result<FitResult, EstimateError> {
                self.model().fit(d)
            }

            /// Fit keeping coefficients, covariance and index; non-convergence
            /// is a warning on the result.
            pub fn fit_full<X: Regressors>(&self, d: &Design<X>) -> Result<BinaryFit, EstimateError> {
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
        let start = binary_start::start(m.link, d);
        let h = m.lik(d, None).eval(&start).hess;
        let sq = checks::check_shape(d).unwrap_or_default();
        (
            certifies_full_rank(&h, &sq, d.n()),
            checks::check_full_rank(d).is_ok(),
        )
    }

    /// Over 20 seeds: well-conditioned designs are certified (also where
    /// `const` is a column of twos); an exact copy, a near copy (1e-7 apart)
    /// and a column of zeros are not. Wherever the certificate holds, the
    /// QR agrees.
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
            let twos = design(build(&|i| z[i][2], 2.0), names.clone(), seed);
            assert_eq!(verdicts(&twos), (true, true), "seed {seed}");
        }
    }

    /// Large designs (past [`binary_start::WARM_MIN_ROWS`]) over 6 seeds, both links, one
    /// of them sorted by the outcome: the warm start and its chord steps end
    /// where Newton from the usual start ends, to 1e-9 in every coefficient
    /// and standard error, converged; the fitted index the fit keeps from its
    /// certifying evaluation is `X b` at the estimate, to rounding.
    #[test]
    fn the_warm_start_ends_where_newton_from_the_start_ends() {
        for seed in 0..6u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let (n, k) = (binary_start::WARM_MIN_ROWS + 1000 * seed as usize, 5);
            let x = Mat::from_fn(n, k, |_, j| {
                if j == 0 {
                    1.0
                } else {
                    rng.random_range(-2.0..2.0)
                }
            });
            let b = [0.2, 0.5, -0.4, 0.3, 0.1];
            let mut y: Vec<f64> = (0..n)
                .map(|i| {
                    let e: f64 = (0..k).map(|j| x[(i, j)] * b[j]).sum();
                    f64::from(u8::from(rng.random::<f64>() < 1.0 / (1.0 + (-e).exp())))
                })
                .collect();
            let mut x = x;
            if seed == 3 {
                let mut order: Vec<usize> = (0..n).collect();
                order.sort_by(|&i, &j| y[i].total_cmp(&y[j]));
                x = Mat::from_fn(n, k, |i, j| x[(order[i], j)]);
                y = order.iter().map(|&i| y[i]).collect();
            }
            let mut d = design(x, vec!["const", "a", "b", "c", "e"], seed);
            d.y = y;
            let link = if seed % 2 == 0 {
                Link::Logit
            } else {
                Link::Probit
            };
            let m = BinaryModel {
                link,
                opts: FitOptions::default(),
            };
            let sq = checks::check_shape(&d).unwrap_or_default();
            assert!(
                warm_start(m.link, &d, &sq, m.newton_options()).is_some(),
                "seed {seed}: no warm start"
            );
            let warm = m.fit_full(&d).map(|f| {
                let b: Vec<f64> = f.beta.iter().copied().collect();
                let want = linalg::index(&d.x, &b);
                for (i, (&got, &w)) in f.eta.iter().zip(&want).enumerate() {
                    assert!(
                        (got - w).abs() <= 1e-12 * w.abs().max(1.0),
                        "seed {seed} row {i}"
                    );
                }
                assert_eq!(f.eta.len(), d.n(), "seed {seed}");
                f.result
            });
            let (plain, _) = m
                .solve_from(
                    &d,
                    None,
                    Start::At(binary_start::start(m.link, &d), None),
                    None,
                )
                .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            let warm = warm.unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            assert!(warm.info.converged, "seed {seed}");
            let bread = linalg::spd_inverse((-&plain.eval.hess).as_ref())
                .unwrap_or_else(|| panic!("seed {seed}: singular"));
            for (j, row) in warm.coefficients.iter().enumerate() {
                let (b, se) = (plain.theta[j], bread[(j, j)].sqrt());
                assert!(
                    (row.estimate - b).abs() <= 1e-9 * b.abs().max(1.0),
                    "seed {seed} b{j}"
                );
                assert!((row.std_error - se).abs() <= 1e-9 * se, "seed {seed} se{j}");
            }
        }
    }

    /// A large design (past [`binary_start::WARM_MIN_ROWS`]) and a column added to it,
    /// over 4 seeds: a copy of a regressor is the collinearity error, a
    /// regressor that separates the outcome is the separation error, as
    /// without a warm start; a dummy set in only 40 scattered rows (a few of
    /// them, or none, in the subsample) still fits, to the coefficients of
    /// Newton from the usual start.
    #[test]
    fn large_designs_keep_their_errors_and_rare_dummies_fit() {
        for seed in 0..4u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(100 + seed);
            let n = binary_start::WARM_MIN_ROWS + 777 * seed as usize;
            let z: Vec<[f64; 2]> = (0..n)
                .map(|_| std::array::from_fn(|_| rng.random_range(-2.0..2.0)))
                .collect();
            let y: Vec<f64> = z
                .iter()
                .map(|r| {
                    let e = 0.3 + 0.6 * r[0] - 0.4 * r[1];
                    f64::from(u8::from(rng.random::<f64>() < 1.0 / (1.0 + (-e).exp())))
                })
                .collect();
            let rare: Vec<usize> = (0..40).map(|_| rng.random_range(0..n)).collect();
            let with = |third: &dyn Fn(usize) -> f64| {
                let mut d = design(
                    Mat::from_fn(n, 4, |i, j| match j {
                        0 => 1.0,
                        3 => third(i),
                        _ => z[i][j - 1],
                    }),
                    vec!["const", "a", "b", "c"],
                    seed,
                );
                d.y = y.clone();
                d
            };
            let m = BinaryModel {
                link: Link::Logit,
                opts: FitOptions::default(),
            };
            let copy = m.fit_full(&with(&|i| z[i][0])).map(|_| ());
            assert!(
                matches!(&copy, Err(EstimateError::Collinear { columns }) if columns.len() == 2),
                "seed {seed}: {copy:?}"
            );
            let sep = m
                .fit_full(&with(&|i| y[i] * 3.0 + z[i][1] * 0.1))
                .map(|_| ());
            assert!(
                matches!(&sep, Err(EstimateError::Separation { column, .. }) if column == "c"),
                "seed {seed}: {sep:?}"
            );
            let d = with(&|i| f64::from(u8::from(rare.contains(&i))));
            let got = m
                .fit_full(&d)
                .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            let (plain, _) = m
                .solve_from(
                    &d,
                    None,
                    Start::At(binary_start::start(m.link, &d), None),
                    None,
                )
                .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            for (j, &b) in plain.theta.iter().enumerate() {
                assert!(
                    (got.beta[j] - b).abs() <= 1e-9 * b.abs().max(1.0),
                    "seed {seed} b{j}"
                );
            }
        }
    }
}
