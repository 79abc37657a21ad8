//! The regressors of a design as the hot loops read them: column by column.
//!
//! A [`Design`](super::Design) holds them as one column-major matrix (what
//! the QR, the products and most estimators need) or, for the binary fits
//! on data lent by a caller ([`super::build_design_lent`]), as [`Columns`]:
//! slices of the caller's memory where a column is used as it lies, owned
//! vectors for the rest (the constant, products, converted numbers). The
//! passes of the logit and probit fits read either through [`Regressors`];
//! what needs a matrix gets one from [`Regressors::to_mat`].

use std::borrow::Cow;

use faer::Mat;

/// Column access to an `n x k` block of regressors.
pub trait Regressors: Sync + std::fmt::Debug {
    /// Rows `n`.
    fn n_rows(&self) -> usize;
    /// Columns `k`.
    fn n_cols(&self) -> usize;
    /// Column `j` (`n` values).
    fn column(&self, j: usize) -> &[f64];
    /// The regressors as a column-major matrix: borrowed where they are one,
    /// else a copy.
    fn to_mat(&self) -> Cow<'_, Mat<f64>>;
}

impl Regressors for Mat<f64> {
    fn n_rows(&self) -> usize {
        self.nrows()
    }
    fn n_cols(&self) -> usize {
        self.ncols()
    }
    fn column(&self, j: usize) -> &[f64] {
        self.col_as_slice(j)
    }
    fn to_mat(&self) -> Cow<'_, Mat<f64>> {
        Cow::Borrowed(self)
    }
}

/// Regressors as separate columns of one length, each borrowed or owned.
#[derive(Debug, Clone)]
pub struct Columns<'a> {
    n: usize,
    cols: Vec<Cow<'a, [f64]>>,
}

impl<'a> Columns<'a> {
    /// The columns `cols`, each of `n` values; else the position and
    /// length of the first column of another length.
    pub fn new(n: usize, cols: Vec<Cow<'a, [f64]>>) -> Result<Self, (usize, usize)> {
        match cols.iter().position(|c| c.len() != n) {
            Some(j) => Err((j, cols[j].len())),
            None => Ok(Columns { n, cols }),
        }
    }
}

impl Regressors for Columns<'_> {
    fn n_rows(&self) -> usize {
        self.n
    }
    fn n_cols(&self) -> usize {
        self.cols.len()
    }
    fn column(&self, j: usize) -> &[f64] {
        &self.cols[j]
    }
    fn to_mat(&self) -> Cow<'_, Mat<f64>> {
        Cow::Owned(Mat::from_fn(self.n, self.cols.len(), |i, j| {
            self.cols[j][i]
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_read_as_the_matrix_they_copy_to() {
        let a = [1.0, 2.0, 3.0];
        let cols = Columns::new(
            3,
            vec![Cow::Borrowed(&a[..]), Cow::Owned(vec![4.0, 5.0, 6.0])],
        )
        .expect("equal lengths");
        let m = cols.to_mat();
        assert_eq!((m.n_rows(), m.n_cols()), (3, 2));
        for j in 0..2 {
            assert_eq!(m.column(j), cols.column(j));
        }
        assert_eq!(m[(2, 1)], 6.0);
        assert_eq!(
            Columns::new(3, vec![Cow::Borrowed(&a[..]), Cow::Borrowed(&a[..2])]).err(),
            Some((1, 2))
        );
    }
}
