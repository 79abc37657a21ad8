//! The design matrix every estimator consumes.

use faer::Mat;

use super::regressors::Regressors;

/// Outcome, regressors and (optionally) cluster ids of the complete cases of a
/// model, ready for estimation.
/// `X` is how the regressors are held: a matrix (the default, what every
/// estimator takes) or [`super::Columns`] lent by a caller (the binary fits).
#[derive(Debug, Clone)]
pub struct Design<X = Mat<f64>> {
    /// Outcome column name.
    pub y_name: String,
    /// Outcome, one value per complete case.
    pub y: Vec<f64>,
    /// Regressors, n x k, column-major; the constant (if any) is a column named `const`.
    pub x: X,
    /// Column names of `x`, as written in the formula (`a`, `a^2`, `a:b`, `COL=value`, `const`).
    pub names: Vec<String>,
    /// Dense cluster index (0..groups) per row, with the cluster variable's name.
    pub clusters: Option<Clusters>,
    /// Rows dropped listwise for missing values in the model's variables.
    pub n_dropped: usize,
}

/// Cluster membership of each row.
#[derive(Debug, Clone)]
pub struct Clusters {
    /// Name of the cluster variable.
    pub variable: String,
    /// Dense cluster index `0..groups` of each row.
    pub ids: Vec<u32>,
    /// Number of distinct clusters `G` (the `G/(G-1)` of cluster-robust SEs).
    pub groups: usize,
}

impl<X: Regressors> Design<X> {
    /// Number of observations.
    pub fn n(&self) -> usize {
        self.y.len()
    }

    /// Number of regressors.
    pub fn k(&self) -> usize {
        self.x.n_cols()
    }

    /// Position of a named column.
    pub fn col_index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}
