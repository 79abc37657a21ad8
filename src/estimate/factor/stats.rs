//! Correlation matrix, eigenpairs and solves for the one-factor fit.

use faer::Mat;
use faer::Side;
use faer::linalg::solvers::Solve;

use crate::estimate::EstimateError;

/// Items on their listwise-complete rows, with means and sample SDs.
pub(super) struct Standardized {
    /// For each input row, whether all items are present.
    complete: Vec<bool>,
    /// Column-major standardised values of the complete rows.
    z: Vec<Vec<f64>>,
}

impl Standardized {
    /// Standardise with the (n - 1) SD; a constant item is an error.
    pub fn new(names: &[String], columns: &[Vec<f64>]) -> Result<Self, EstimateError> {
        let n = columns[0].len();
        let complete: Vec<bool> = (0..n)
            .map(|i| columns.iter().all(|c| c[i].is_finite()))
            .collect();
        let m = complete.iter().filter(|&&c| c).count();
        if m <= columns.len() {
            return Err(EstimateError::TooFewObservations {
                n: m,
                k: columns.len() + 1,
            });
        }
        let mut z = Vec::with_capacity(columns.len());
        for (name, col) in names.iter().zip(columns) {
            let x: Vec<f64> = (0..n).filter(|&i| complete[i]).map(|i| col[i]).collect();
            let mean = x.iter().sum::<f64>() / m as f64;
            let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (m - 1) as f64;
            if var <= f64::EPSILON * mean.abs().max(1.0).powi(2) {
                return Err(EstimateError::ConstantColumn {
                    column: name.clone(),
                    role: "factor item".into(),
                    value: x[0],
                });
            }
            let sd = var.sqrt();
            z.push(x.iter().map(|v| (v - mean) / sd).collect());
        }
        Ok(Standardized { complete, z })
    }

    pub fn n_complete(&self) -> usize {
        self.z[0].len()
    }

    /// Pearson correlation matrix of the complete rows.
    pub fn correlation(&self) -> Mat<f64> {
        let k = self.z.len();
        let denom = (self.n_complete() - 1) as f64;
        Mat::from_fn(k, k, |a, b| {
            if a == b {
                1.0
            } else {
                self.z[a]
                    .iter()
                    .zip(&self.z[b])
                    .map(|(x, y)| x * y)
                    .sum::<f64>()
                    / denom
            }
        })
    }

    /// Scores z_i' w per input row (`NaN` on incomplete rows).
    pub fn scores(&self, w: &[f64]) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.complete.len());
        let mut r = 0;
        for &ok in &self.complete {
            if ok {
                out.push(self.z.iter().zip(w).map(|(col, wj)| col[r] * wj).sum());
                r += 1;
            } else {
                out.push(f64::NAN);
            }
        }
        out
    }
}

fn evd_error() -> EstimateError {
    EstimateError::Invalid("factor: eigendecomposition of the correlation matrix failed".into())
}

/// Eigenvalues of a symmetric matrix, largest first.
pub(super) fn eigenvalues_desc(a: &Mat<f64>) -> Result<Vec<f64>, EstimateError> {
    let mut e = a
        .self_adjoint_eigenvalues(Side::Lower)
        .map_err(|_| evd_error())?;
    e.reverse();
    Ok(e)
}

/// Largest eigenvalue of a symmetric matrix and its unit eigenvector.
pub(crate) fn first_eigen(a: &Mat<f64>) -> Result<(f64, Vec<f64>), EstimateError> {
    let evd = a.self_adjoint_eigen(Side::Lower).map_err(|_| evd_error())?;
    let k = a.nrows();
    let s = evd.S().column_vector();
    let u = evd.U();
    Ok((s[k - 1], (0..k).map(|i| u[(i, k - 1)]).collect()))
}

/// Solve R x = b for a positive definite R; a singular R means collinear items.
pub(crate) fn solve_spd(
    r: &Mat<f64>,
    b: &[f64],
    names: &[String],
) -> Result<Vec<f64>, EstimateError> {
    let llt = r.llt(Side::Lower).map_err(|_| EstimateError::Collinear {
        columns: names.to_vec(),
    })?;
    let rhs = Mat::from_fn(b.len(), 1, |i, _| b[i]);
    let x = llt.solve(&rhs);
    Ok((0..b.len()).map(|i| x[(i, 0)]).collect())
}

/// Squared multiple correlations 1 - 1 / (R^-1)_jj.
pub(super) fn smc(r: &Mat<f64>, names: &[String]) -> Result<Vec<f64>, EstimateError> {
    let k = r.nrows();
    (0..k)
        .map(|j| {
            let e: Vec<f64> = (0..k).map(|i| f64::from(u8::from(i == j))).collect();
            solve_spd(r, &e, names).map(|x| 1.0 - 1.0 / x[j])
        })
        .collect()
}
