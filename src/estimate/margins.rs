//! Average marginal effects of binary models and the delta method.
//!
//! Derivative AME of design column `j` (statsmodels `get_margeff()`, Stata
//! `margins, dydx(*)`): `AME_j = b_j mean_i f(e_i)`, with Jacobian
//! `d AME_j / d b_l = 1[j = l] mean f(e_i) + b_j mean f'(e_i) x_il`.
//!
//! Discrete AME of a 0/1 column `j` (`get_margeff(dummy=True)`):
//! `AME_j = mean_i [F(e1_i) - F(e0_i)]` with `e1_i = e_i + b_j (1 - x_ij)`,
//! `e0_i = e_i - b_j x_ij`, and Jacobian
//! `d AME_j / d b_l = mean [f(e1_i) x1_il - f(e0_i) x0_il]`, `x1`/`x0` being `x`
//! with column `j` set to 1/0.
//!
//! Delta method: `V(g(b)) = J V(b) J'`.

use faer::Mat;

use super::linalg::{self, col};
use super::{Margins, ParamRow};
use crate::numeric::Link;

/// Delta-method covariance `J V J'` of a smooth function with Jacobian `jac`
/// (m x p) of parameters with covariance `vcov` (p x p).
pub fn delta_method(jac: &Mat<f64>, vcov: &Mat<f64>) -> Mat<f64> {
    linalg::sandwich(jac.as_ref(), vcov.as_ref())
}

/// Delta-method variance `g' V g` of one smooth function with gradient `g`
/// (k) of parameters with covariance `vcov` (k x k): [`delta_method`] with
/// the 1 x k Jacobian `g'`.
pub fn delta_variance(vcov: &Mat<f64>, g: &[f64]) -> f64 {
    let jac = Mat::from_fn(1, g.len(), |_, j| g[j]);
    delta_method(&jac, vcov)[(0, 0)]
}

/// Rows (normal reference) for estimates `est` with delta-method errors.
pub fn delta_rows(names: &[String], est: &[f64], jac: &Mat<f64>, vcov: &Mat<f64>) -> Vec<ParamRow> {
    let v = delta_method(jac, vcov);
    names
        .iter()
        .zip(est)
        .enumerate()
        .map(|(i, (n, &e))| ParamRow::normal(n.clone(), e, v[(i, i)].max(0.0).sqrt()))
        .collect()
}

/// Whether every value of the column is 0 or 1.
pub fn is_dummy(c: &[f64]) -> bool {
    c.iter().all(|&v| v == 0.0 || v == 1.0)
}

/// One AME and its Jacobian row.
struct Effect {
    estimate: f64,
    jac: Vec<f64>,
}

fn derivative_effect(j: usize, beta: &[f64], mean_f: f64, mean_fpx: &[f64]) -> Effect {
    let jac = (0..beta.len())
        .map(|l| f64::from(u8::from(l == j)) * mean_f + beta[j] * mean_fpx[l])
        .collect();
    Effect {
        estimate: beta[j] * mean_f,
        jac,
    }
}

fn discrete_effect(link: Link, x: &Mat<f64>, eta: &[f64], beta: &[f64], j: usize) -> Effect {
    let n = eta.len() as f64;
    let xj = col(x, j);
    let mut diff = vec![0.0; eta.len()];
    let (mut est, mut f1_sum) = (0.0, 0.0);
    for i in 0..eta.len() {
        let e1 = eta[i] + beta[j] * (1.0 - xj[i]);
        let e0 = eta[i] - beta[j] * xj[i];
        est += link.cdf(e1) - link.cdf(e0);
        let (f1, f0) = (link.pdf(e1), link.pdf(e0));
        diff[i] = f1 - f0;
        f1_sum += f1;
    }
    let mut jac: Vec<f64> = linalg::xt_vec(x, &diff).iter().map(|v| v / n).collect();
    jac[j] = f1_sum / n;
    Effect {
        estimate: est / n,
        jac,
    }
}

/// Average marginal effects of every non-constant design column, with
/// delta-method standard errors from `vcov` (the coefficients' covariance).
pub fn binary_ame(
    link: Link,
    x: &Mat<f64>,
    eta: &[f64],
    beta: &[f64],
    names: &[String],
    kind: Margins,
    vcov: &Mat<f64>,
) -> Vec<ParamRow> {
    let n = eta.len() as f64;
    let mean_f = eta.iter().map(|&e| link.pdf(e)).sum::<f64>() / n;
    let fp: Vec<f64> = eta.iter().map(|&e| link.pdf_deriv(e)).collect();
    let mean_fpx: Vec<f64> = linalg::xt_vec(x, &fp).iter().map(|v| v / n).collect();
    let cols: Vec<usize> = (0..names.len()).filter(|&j| names[j] != "const").collect();
    let effects: Vec<Effect> = cols
        .iter()
        .map(|&j| {
            if kind == Margins::Discrete && is_dummy(col(x, j)) {
                discrete_effect(link, x, eta, beta, j)
            } else {
                derivative_effect(j, beta, mean_f, &mean_fpx)
            }
        })
        .collect();
    let jac = Mat::from_fn(effects.len(), beta.len(), |r, l| effects[r].jac[l]);
    let est: Vec<f64> = effects.iter().map(|e| e.estimate).collect();
    let row_names: Vec<String> = cols.iter().map(|&j| names[j].clone()).collect();
    delta_rows(&row_names, &est, &jac, vcov)
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};

    use super::*;
    use crate::seed::SimRng;

    /// `g' V g` written out as the double sum `sum_ij g_i V_ij g_j`.
    fn quadratic_form(v: &Mat<f64>, g: &[f64]) -> f64 {
        (0..g.len())
            .flat_map(|i| (0..g.len()).map(move |j| (i, j)))
            .map(|(i, j)| g[i] * v[(i, j)] * g[j])
            .sum()
    }

    /// Over many random covariances `V = A A'` and Jacobians: the one-gradient
    /// form is the double sum, and the matrix form's diagonal is the
    /// one-gradient form of each row.
    #[test]
    fn delta_variance_is_the_quadratic_form_and_the_diagonal_of_j_v_j() {
        for seed in 0..200 {
            let mut rng = SimRng::seed_from_u64(seed);
            let (k, m) = (rng.random_range(1..7), rng.random_range(1..4));
            let a = Mat::from_fn(k, k, |_, _| rng.random_range(-1.0..1.0));
            let v = &a * a.transpose();
            let jac = Mat::from_fn(m, k, |_, _| rng.random_range(-2.0..2.0));
            let full = delta_method(&jac, &v);
            for i in 0..m {
                let g: Vec<f64> = (0..k).map(|j| jac[(i, j)]).collect();
                let want = quadratic_form(&v, &g);
                let tol = 1e-12 * (1.0 + want.abs());
                assert!((delta_variance(&v, &g) - want).abs() < tol, "seed {seed}");
                assert!((full[(i, i)] - want).abs() < tol, "seed {seed}");
            }
        }
    }
}
