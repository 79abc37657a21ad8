//! A compact Newton maximiser with step halving, a faer Cholesky solve, and
//! a rank-revealing incremental Cholesky of a Gram matrix.
//!
//! Duplicates, on purpose and small, what `estimate::newton` and
//! `estimate::linalg` provide to the other estimators; swap these for the
//! shared solver when the branches meet.

use faer::linalg::solvers::{DenseSolveCore, Solve};
use faer::{Mat, MatRef, Side};

/// Maximal step halvings before a Newton step is declared failed.
const MAX_HALVINGS: usize = 40;

/// Relative residual variance under which a column counts as a linear
/// combination of the earlier ones (R^2 above 1 - 1e-9).
const DEPENDENCE_TOL: f64 = 1e-9;

/// A smooth concave objective.
pub trait Concave {
    /// Objective value; `-inf` or NaN outside the domain.
    fn value(&self, theta: &[f64]) -> f64;
    /// Value, gradient and a negative-definite curvature matrix.
    fn derivatives(&self, theta: &[f64]) -> (f64, Vec<f64>, Mat<f64>);
}

/// Where the iterations stopped.
#[derive(Debug, Clone)]
pub struct NewtonOutcome {
    pub theta: Vec<f64>,
    pub iterations: usize,
    pub converged: bool,
    /// Newton decrement `g' (-H)^-1 g` at the last evaluated point.
    pub decrement: f64,
}

/// The curvature matrix was not negative definite; the indices are the
/// parameters that depend on the others.
#[derive(Debug, Clone, PartialEq)]
pub struct Singular(pub Vec<usize>);

/// Maximise `obj` from `start` by Newton-Raphson with step halving.
///
/// Converged once the decrement `g'(-H)^-1 g` falls below `tol` (the last
/// step is still taken, so the returned point is one quadratic step closer).
pub fn maximize<P: Concave>(
    obj: &P,
    start: Vec<f64>,
    max_iter: usize,
    tol: f64,
) -> Result<NewtonOutcome, Singular> {
    let mut theta = start;
    let mut decrement = f64::INFINITY;
    for iter in 1..=max_iter {
        let (value, grad, hess) = obj.derivatives(&theta);
        let step = solve_negative(hess.as_ref(), &grad)?;
        decrement = grad.iter().zip(&step).map(|(g, s)| g * s).sum();
        match halve_until_better(obj, &theta, &step, value) {
            Some(next) => theta = next,
            None => {
                let done = decrement <= tol.sqrt();
                return Ok(NewtonOutcome {
                    theta,
                    iterations: iter,
                    converged: done,
                    decrement,
                });
            }
        }
        if decrement <= tol {
            return Ok(NewtonOutcome {
                theta,
                iterations: iter,
                converged: true,
                decrement,
            });
        }
    }
    Ok(NewtonOutcome {
        theta,
        iterations: max_iter,
        converged: false,
        decrement,
    })
}

fn halve_until_better<P: Concave>(
    obj: &P,
    theta: &[f64],
    step: &[f64],
    value: f64,
) -> Option<Vec<f64>> {
    let mut scale = 1.0;
    for _ in 0..MAX_HALVINGS {
        let next: Vec<f64> = theta.iter().zip(step).map(|(t, s)| t + scale * s).collect();
        let v = obj.value(&next);
        if v >= value {
            return Some(next);
        }
        scale *= 0.5;
    }
    None
}

/// Solve `(-H) s = g` by Cholesky; on failure name the dependent parameters.
pub fn solve_negative(hess: MatRef<'_, f64>, grad: &[f64]) -> Result<Vec<f64>, Singular> {
    let neg = Mat::<f64>::from_fn(hess.nrows(), hess.ncols(), |i, j| -hess[(i, j)]);
    solve_spd(neg.as_ref(), grad)
}

/// Solve `A s = b` for symmetric positive definite `A` by Cholesky.
pub fn solve_spd(a: MatRef<'_, f64>, b: &[f64]) -> Result<Vec<f64>, Singular> {
    let llt = a.llt(Side::Lower).map_err(|_| singular(a))?;
    let rhs = Mat::<f64>::from_fn(b.len(), 1, |i, _| b[i]);
    let s = llt.solve(rhs.as_ref());
    Ok((0..b.len()).map(|i| s[(i, 0)]).collect())
}

/// `(-H)^-1` by Cholesky; on failure name the dependent parameters.
pub fn inverse_negative(hess: MatRef<'_, f64>) -> Result<Mat<f64>, Singular> {
    let neg = Mat::<f64>::from_fn(hess.nrows(), hess.ncols(), |i, j| -hess[(i, j)]);
    let llt = neg.llt(Side::Lower).map_err(|_| singular(neg.as_ref()))?;
    Ok(llt.inverse())
}

fn singular(gram: MatRef<'_, f64>) -> Singular {
    let dep: Vec<usize> = dependent_columns(gram)
        .into_iter()
        .map(|(j, _)| j)
        .collect();
    Singular(if dep.is_empty() {
        (0..gram.nrows()).collect()
    } else {
        dep
    })
}

/// Columns of a Gram matrix `G = Z'Z` that are linear combinations of
/// earlier columns, each with the earlier columns it loads on.
///
/// Incremental Cholesky in column order: column `j` is dependent when its
/// residual variance `G_jj - z'z` (with `L z = G_Aj` over the accepted set
/// `A`) is at most `1e-9 G_jj`; its loadings are `L' b = z`.
pub fn dependent_columns(gram: MatRef<'_, f64>) -> Vec<(usize, Vec<usize>)> {
    let k = gram.nrows();
    let mut accepted: Vec<usize> = Vec::new();
    let mut l: Vec<Vec<f64>> = Vec::new();
    let mut out = Vec::new();
    for j in 0..k {
        let gjj = gram[(j, j)];
        let mut z = Vec::with_capacity(accepted.len());
        for (r, &a) in accepted.iter().enumerate() {
            let s: f64 = (0..r).map(|c| l[r][c] * z[c]).sum();
            z.push((gram[(a, j)] - s) / l[r][r]);
        }
        let resid = gjj - z.iter().map(|v| v * v).sum::<f64>();
        if gjj.is_nan() || gjj <= 0.0 || resid <= DEPENDENCE_TOL * gjj {
            let mut b = vec![0.0; z.len()];
            for r in (0..z.len()).rev() {
                let s: f64 = (r + 1..z.len()).map(|c| l[c][r] * b[c]).sum();
                b[r] = (z[r] - s) / l[r][r];
            }
            let loads = accepted
                .iter()
                .zip(&b)
                .filter(|&(&a, bv)| (bv * gram[(a, a)].sqrt()).abs() > 1e-6 * gjj.max(0.0).sqrt())
                .map(|(&a, _)| a)
                .collect();
            out.push((j, loads));
        } else {
            z.push(resid.sqrt());
            l.push(z);
            accepted.push(j);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Quadratic;

    impl Concave for Quadratic {
        fn value(&self, t: &[f64]) -> f64 {
            -(t[0] - 1.0).powi(2) - 2.0 * (t[1] + 0.5).powi(2) - (t[0] - 1.0) * (t[1] + 0.5)
        }
        fn derivatives(&self, t: &[f64]) -> (f64, Vec<f64>, Mat<f64>) {
            let (a, b) = (t[0] - 1.0, t[1] + 0.5);
            let g = vec![-2.0 * a - b, -4.0 * b - a];
            let h = Mat::from_fn(2, 2, |i, j| [[-2.0, -1.0], [-1.0, -4.0]][i][j]);
            (self.value(t), g, h)
        }
    }

    #[test]
    fn newton_finds_quadratic_maximum() {
        let out = maximize(&Quadratic, vec![10.0, 10.0], 50, 1e-12).unwrap();
        assert!(out.converged);
        assert!((out.theta[0] - 1.0).abs() < 1e-12 && (out.theta[1] + 0.5).abs() < 1e-12);
    }

    #[test]
    fn dependent_column_names_its_combination() {
        // columns: a, b, 2a - b, c  (Gram of a 4-row design)
        let z = Mat::from_fn(4, 4, |i, j| {
            let a = [1.0, 2.0, 0.5, -1.0][i];
            let b = [0.3, -1.0, 2.0, 1.0][i];
            let c = [1.0, 1.0, -2.0, 0.0][i];
            [a, b, 2.0 * a - b, c][j]
        });
        let gram = z.transpose() * &z;
        assert_eq!(dependent_columns(gram.as_ref()), vec![(2, vec![0, 1])]);
    }
}
