//! Full maximum likelihood of the Heckman selection model (Stata `heckman`'s
//! default), parametrised as theta = (b, g, a = atanh rho, l = ln sigma) so
//! that every theta is admissible:
//!
//!   s_i = 0:  ln Phi(-Z_i g)
//!   s_i = 1:  ln Phi(A_i) - r_i^2 / 2 - l - ln sqrt(2 pi),
//!             r_i = (y_i - X_i b) / sigma,
//!             A_i = (Z_i g + rho r_i) / sqrt(1 - rho^2) = cosh(a) Z_i g + sinh(a) r_i
//!
//! (Greene 2012, eq. 19-25). `ln Phi` is [`normal::ln_cdf`] (exact in the far
//! tails). With `m = phi(A)/Phi(A)` and `m' = -m (A + m)` the gradient is
//! `m A_theta - r r_theta - e_l` and the Hessian
//! `m' A_theta A_theta' + m A_theta,theta - r_theta r_theta' - r r_theta,theta`,
//! whose non-zero second-derivative blocks are
//! `A_bl = sinh(a) X / sigma`, `A_ba = -cosh(a) X / sigma`, `A_ga = sinh(a) Z`,
//! `A_ll = sinh(a) r`, `A_la = -cosh(a) r`, `A_aa = A`, `r_bl = X / sigma`, `r_ll = r`.
//! Maximised by [`newton::maximize`] from the two-step estimates (rho clamped
//! to +-0.9, as Stata starts); SEs from the inverse observed information;
//! rho = tanh a, sigma = e^l and lambda = rho sigma with delta-method SEs.

use faer::Mat;
use serde_json::json;

use super::selection_data::{SelectionData, TwoStepFit};
use crate::estimate::margins::delta_rows;
use crate::estimate::newton::{self, Eval, LogLik, NewtonOptions, Termination};
use crate::estimate::{CovarianceType, EstimateError, FitOptions, FitResult, ParamRow, linalg};
use crate::numeric::normal;

const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// The log-likelihood over all rows.
pub struct SelectionLik<'a> {
    pub data: &'a SelectionData,
}

impl SelectionLik<'_> {
    fn kx(&self) -> usize {
        self.data.x.ncols()
    }

    fn kz(&self) -> usize {
        self.data.z.ncols()
    }

    fn dot_z(&self, i: usize, g: &[f64]) -> f64 {
        g.iter()
            .enumerate()
            .map(|(j, gj)| self.data.z[(i, j)] * gj)
            .sum()
    }

    fn dot_x(&self, i: usize, b: &[f64]) -> f64 {
        b.iter()
            .enumerate()
            .map(|(j, bj)| self.data.x[(i, j)] * bj)
            .sum()
    }

    /// (zg, r, A) of a selected row.
    fn parts(&self, i: usize, theta: &[f64]) -> (f64, f64, f64) {
        let (kx, kz) = (self.kx(), self.kz());
        let (a, l) = (theta[kx + kz], theta[kx + kz + 1]);
        let zg = self.dot_z(i, &theta[kx..kx + kz]);
        let r = (self.data.y[i] - self.dot_x(i, &theta[..kx])) * (-l).exp();
        (zg, r, a.cosh() * zg + a.sinh() * r)
    }
}

/// `m'(A) = -m (A + m)`, the derivative of the inverse Mills ratio.
fn mills_slope(a: f64, m: f64) -> f64 {
    -m * (a + m)
}

impl LogLik for SelectionLik<'_> {
    fn value(&self, theta: &[f64]) -> f64 {
        let (kx, kz) = (self.kx(), self.kz());
        if theta.iter().any(|t| !t.is_finite()) {
            return f64::NAN;
        }
        let l = theta[kx + kz + 1];
        (0..self.data.s.len())
            .map(|i| {
                if self.data.s[i] {
                    let (_, r, big_a) = self.parts(i, theta);
                    normal::ln_cdf(big_a) - 0.5 * r * r - l - LN_SQRT_2PI
                } else {
                    normal::ln_cdf(-self.dot_z(i, &theta[kx..kx + kz]))
                }
            })
            .sum()
    }

    fn eval(&self, theta: &[f64]) -> Eval {
        let (kx, kz) = (self.kx(), self.kz());
        let k = kx + kz + 2;
        let (ia, il) = (kx + kz, kx + kz + 1);
        let (a, l) = (theta[ia], theta[il]);
        let (ch, sh, inv_sigma) = (a.cosh(), a.sinh(), (-l).exp());
        let mut grad = vec![0.0; k];
        let mut hess = Mat::<f64>::zeros(k, k);
        let (mut va, mut vr) = (vec![0.0; k], vec![0.0; k]);
        for i in 0..self.data.s.len() {
            if !self.data.s[i] {
                let b = -self.dot_z(i, &theta[kx..kx + kz]);
                let m = normal::inv_mills(b);
                let d = mills_slope(b, m);
                for p in 0..kz {
                    let zp = self.data.z[(i, p)];
                    grad[kx + p] -= m * zp;
                    for q in 0..=p {
                        hess[(kx + p, kx + q)] += d * zp * self.data.z[(i, q)];
                    }
                }
                continue;
            }
            let (zg, r, big_a) = self.parts(i, theta);
            let m = normal::inv_mills(big_a);
            let d = mills_slope(big_a, m);
            va.fill(0.0);
            vr.fill(0.0);
            for j in 0..kx {
                let xs = self.data.x[(i, j)] * inv_sigma;
                va[j] = -sh * xs;
                vr[j] = -xs;
            }
            for j in 0..kz {
                va[kx + j] = ch * self.data.z[(i, j)];
            }
            va[ia] = zg * sh + ch * r;
            va[il] = -sh * r;
            vr[il] = -r;
            for p in 0..k {
                grad[p] += m * va[p] - r * vr[p];
                for q in 0..=p {
                    hess[(p, q)] += d * va[p] * va[q] - vr[p] * vr[q];
                }
            }
            grad[il] -= 1.0;
            // m A_theta,theta - r r_theta,theta (lower triangle: row > column).
            for j in 0..kx {
                let xs = self.data.x[(i, j)] * inv_sigma;
                hess[(il, j)] += xs * (m * sh - r);
                hess[(ia, j)] -= m * ch * xs;
            }
            for j in 0..kz {
                hess[(ia, kx + j)] += m * sh * self.data.z[(i, j)];
            }
            hess[(il, il)] += m * sh * r - r * r;
            hess[(il, ia)] -= m * ch * r;
            hess[(ia, ia)] += m * big_a;
        }
        for p in 0..k {
            for q in 0..p {
                hess[(q, p)] = hess[(p, q)];
            }
        }
        Eval {
            ll: self.value(theta),
            grad,
            hess,
        }
    }
}

/// ML fit from the two-step estimates.
pub fn fit(
    data: &SelectionData,
    ts: &TwoStepFit,
    opts: &FitOptions,
) -> Result<FitResult, EstimateError> {
    let (kx, kz) = (data.x.ncols(), data.z.ncols());
    let k = kx + kz + 2;
    let rho0 = ts.scale.rho.clamp(-0.9, 0.9);
    let mut start: Vec<f64> = ts.b[..kx].to_vec();
    start.extend(&ts.g);
    start.push(rho0.atanh());
    start.push(ts.scale.sigma.max(f64::MIN_POSITIVE).ln());
    let lik = SelectionLik { data };
    let out = newton::maximize(
        &lik,
        start,
        NewtonOptions {
            max_iter: opts.max_iter,
            tol: opts.tol,
        },
    );
    let names = param_names(data);
    let neg = -&out.eval.hess;
    let vcov =
        linalg::spd_inverse(neg.as_ref()).ok_or_else(|| EstimateError::SingularInformation {
            columns: linalg::gram_dependency(neg.as_ref())
                .map(|c| c.into_iter().map(|j| names[j].clone()).collect())
                .unwrap_or_else(|| names.clone()),
        })?;
    let theta = &out.theta;
    let se = |j: usize| vcov[(j, j)].sqrt();
    let mut res = FitResult::new("heckman", data.s.len());
    res.coefficients = (0..kx)
        .map(|j| ParamRow::normal(names[j].clone(), theta[j], se(j)))
        .collect();
    res.vcov = Some((0..kx * kx).map(|i| vcov[(i / kx, i % kx)]).collect());
    res.extra_rows.insert(
        "selection".into(),
        (kx..kx + kz)
            .map(|j| ParamRow::normal(names[j].clone(), theta[j], se(j)))
            .collect(),
    );
    let anc = ancillary(theta[k - 2], theta[k - 1], &vcov, k);
    res.fit.insert("rho".into(), anc[2].estimate);
    res.fit.insert("sigma".into(), anc[3].estimate);
    res.fit.insert("lambda".into(), anc[4].estimate);
    res.extra_rows.insert("ancillary".into(), anc);
    record_fit(&mut res, &out, ts, data);
    Ok(res)
}

/// athrho, lnsigma and (delta method, [`delta_rows`]) rho = tanh a,
/// sigma = e^l, lambda = rho sigma, whose Jacobian in (a, l) is
/// `[[1 - rho^2, 0], [0, sigma], [(1 - rho^2) sigma, rho sigma]]`.
fn ancillary(a: f64, l: f64, vcov: &Mat<f64>, k: usize) -> Vec<ParamRow> {
    let (ia, il) = (k - 2, k - 1);
    let v = Mat::from_fn(2, 2, |i, j| vcov[([ia, il][i], [ia, il][j])]);
    let (rho, sigma) = (a.tanh(), l.exp());
    let drho = 1.0 - rho * rho;
    let jac = [[drho, 0.0], [0.0, sigma], [drho * sigma, rho * sigma]];
    let jac = Mat::from_fn(3, 2, |i, j| jac[i][j]);
    let names = ["rho", "sigma", "lambda"].map(String::from);
    let mut rows = vec![
        ParamRow::normal("athrho", a, v[(0, 0)].sqrt()),
        ParamRow::normal("lnsigma", l, v[(1, 1)].sqrt()),
    ];
    rows.extend(delta_rows(&names, &[rho, sigma, rho * sigma], &jac, &v));
    rows
}

fn param_names(data: &SelectionData) -> Vec<String> {
    data.x_names
        .iter()
        .cloned()
        .chain(data.z_names.iter().cloned())
        .chain(["athrho".to_string(), "lnsigma".to_string()])
        .collect()
}

/// Log-likelihood, the LR test of rho = 0 (against the probit plus the OLS
/// of the selected rows at its ML variance) and convergence.
fn record_fit(
    res: &mut FitResult,
    out: &newton::NewtonOutcome,
    ts: &TwoStepFit,
    data: &SelectionData,
) {
    let ll = out.eval.ll;
    res.fit.insert("log_likelihood".into(), ll);
    if let Some(ll_probit) = ts.probit.fit.get("log_likelihood") {
        let rows = data.selected_rows();
        let n1 = rows.len() as f64;
        let kx = data.x.ncols();
        let ssr = independent_ols_ssr(data, &rows, kx);
        let ll_ols = -0.5 * n1 * (1.0 + (2.0 * std::f64::consts::PI * ssr / n1).ln());
        let lr = (2.0 * (ll - ll_probit - ll_ols)).max(0.0);
        res.fit.insert("lr_rho0".into(), lr);
        res.fit
            .insert("lr_rho0_p".into(), normal::two_sided_p(lr.sqrt()));
    }
    res.info.covariance = Some(CovarianceType::Classical);
    res.info.iterations = out.iterations;
    res.info.converged = out.converged();
    if !out.converged() {
        let why = match out.termination {
            Termination::MaxIterations => "the iteration cap was reached",
            Termination::LineSearchFailed => "no step improved the log-likelihood",
            Termination::SingularHessian => "the Hessian is not negative definite",
            Termination::NonFinite => "the log-likelihood is not finite",
            Termination::Converged => "",
        };
        res.info.warnings.push(format!(
            "maximum likelihood did not converge after {} iterations ({why}; gradient norm {:.3e}); \
             the estimates are those of the last iterate",
            out.iterations,
            out.grad_norm()
        ));
    }
    res.tables.insert(
        "model".into(),
        json!({"form": "selection", "method": "ml",
               "covariance": "inverse observed information; rho, sigma, lambda by the delta method"}),
    );
}

/// Residual sum of squares of the OLS of y on X over the selected rows
/// (normal equations through a Cholesky factor; NaN if X'X is singular).
fn independent_ols_ssr(data: &SelectionData, rows: &[usize], kx: usize) -> f64 {
    let x = Mat::from_fn(rows.len(), kx, |r, j| data.x[(rows[r], j)]);
    let y: Vec<f64> = rows.iter().map(|&i| data.y[i]).collect();
    let xtx = x.transpose() * &x;
    let xty = linalg::xt_vec(&x, &y);
    let Some(b) = linalg::spd_solve(xtx.as_ref(), &xty) else {
        return f64::NAN;
    };
    (0..rows.len())
        .map(|r| {
            let e = y[r] - (0..kx).map(|j| x[(r, j)] * b[j]).sum::<f64>();
            e * e
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn toy(seed: u64) -> SelectionData {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        let n = 60;
        let x = Mat::from_fn(n, 2, |_, j| if j == 0 { 1.0 } else { rng.random::<f64>() });
        let z = Mat::from_fn(n, 3, |i, j| match j {
            0 => 1.0,
            1 => x[(i, 1)],
            _ => rng.random::<f64>() - 0.5,
        });
        let s: Vec<bool> = (0..n)
            .map(|i| z[(i, 2)] + 0.3 * rng.random::<f64>() > -0.1)
            .collect();
        let y: Vec<f64> = (0..n).map(|i| x[(i, 1)] + rng.random::<f64>()).collect();
        SelectionData {
            s,
            y,
            x,
            z,
            x_names: vec!["const".into(), "x".into()],
            z_names: vec!["const".into(), "x".into(), "w".into()],
        }
    }

    /// The analytic gradient and Hessian against central differences of
    /// the value and the gradient, at arbitrary (non-optimal) parameters.
    #[test]
    fn derivatives_match_finite_differences() {
        for seed in 0..5 {
            let data = toy(seed);
            let lik = SelectionLik { data: &data };
            let theta = [0.2, 0.7, -0.1, 0.4, 1.5, 0.6 - 0.3 * seed as f64, -0.4];
            let e = lik.eval(&theta);
            let h = 1e-6;
            for p in 0..theta.len() {
                let mut up = theta.to_vec();
                let mut dn = theta.to_vec();
                up[p] += h;
                dn[p] -= h;
                let fd = (lik.value(&up) - lik.value(&dn)) / (2.0 * h);
                assert!(
                    (fd - e.grad[p]).abs() < 1e-6 * (1.0 + fd.abs()),
                    "grad {p}: {fd} vs {}",
                    e.grad[p]
                );
                let (gu, gd) = (lik.eval(&up).grad, lik.eval(&dn).grad);
                for q in 0..theta.len() {
                    let fd2 = (gu[q] - gd[q]) / (2.0 * h);
                    let an = e.hess[(p, q)];
                    assert!(
                        (fd2 - an).abs() < 1e-5 * (1.0 + an.abs()),
                        "hess {p},{q}: {fd2} vs {an}"
                    );
                }
            }
        }
    }
}
