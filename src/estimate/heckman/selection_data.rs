//! The data and the two-step fit of the sample-selection model, shared by
//! the two-step estimator ([`super::selection`]) and the maximum-likelihood
//! fit that starts from it ([`super::selection_ml`]).

use faer::Mat;

use super::TwoStep;
use crate::estimate::FitResult;

/// The model's data: outcome and regressors split by equation.
#[derive(Debug, Clone)]
pub struct SelectionData {
    /// 1 where the outcome is observed.
    pub s: Vec<bool>,
    /// Outcome (read only where `s`).
    pub y: Vec<f64>,
    /// Outcome regressors, all rows.
    pub x: Mat<f64>,
    /// Selection regressors, all rows.
    pub z: Mat<f64>,
    pub x_names: Vec<String>,
    pub z_names: Vec<String>,
}

impl SelectionData {
    pub fn n_selected(&self) -> usize {
        self.s.iter().filter(|s| **s).count()
    }

    /// Rows where the outcome is observed.
    pub fn selected_rows(&self) -> Vec<usize> {
        (0..self.s.len()).filter(|&i| self.s[i]).collect()
    }
}

/// Step 1 and 2 of the two-step estimator, which the ML fit starts from.
#[derive(Debug, Clone)]
pub struct TwoStepFit {
    pub probit: FitResult,
    /// Selection coefficients and their (probit) covariance.
    pub g: Vec<f64>,
    pub v_g: Mat<f64>,
    /// Outcome coefficients, then `beta_lambda`.
    pub b: Vec<f64>,
    pub scale: TwoStep,
}
