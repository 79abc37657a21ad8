//! Dense linear algebra for the estimators, on faer 0.24.
//!
//! Everything that touches all `n` rows works in row blocks of [`BLOCK`] rows
//! (never an n x n matrix, never a copy of the design): blocks are processed in
//! parallel and their k x k partial sums are added in block order, so results
//! are bit-identical whatever the number of threads. Small k x k
//! factorisations run sequentially (`Par::Seq`) for the same reason.

use std::ops::Range;

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::matmul::matmul;
use faer::linalg::solvers::{DenseSolveCore, Solve};
use faer::{Accum, Mat, MatRef, Par, Side};
use rayon::prelude::*;

use crate::data::Regressors;
use crate::numeric::reduce;
use crate::numeric::simd::clear_upper_simd;

/// Rows per block in the blocked passes over the data.
pub const BLOCK: usize = 8192;

/// The row ranges of the blocks covering `0..n`.
pub(crate) fn row_blocks(n: usize) -> Vec<Range<usize>> {
    (0..n.div_ceil(BLOCK))
        .map(|b| b * BLOCK..((b + 1) * BLOCK).min(n))
        .collect()
}

/// Map every row block in parallel, then fold the partial results in block
/// order (deterministic reduction).
pub(crate) fn map_blocks<T: Send>(
    n: usize,
    map: impl Fn(Range<usize>) -> T + Sync + Send,
    mut fold: impl FnMut(T),
) {
    let parts: Vec<T> = row_blocks(n)
        .into_par_iter()
        .map(|r| {
            clear_upper_simd();
            map(r)
        })
        .collect();
    parts.into_iter().for_each(&mut fold);
}

/// [`map_blocks`] with each block's slice of `out` (`n` long), for `map`
/// to fill.
pub(crate) fn map_blocks_into<T: Send>(
    out: &mut [f64],
    map: impl Fn(Range<usize>, &mut [f64]) -> T + Sync + Send,
    mut fold: impl FnMut(T),
) {
    let blocks = row_blocks(out.len());
    let parts: Vec<T> = out
        .par_chunks_mut(BLOCK)
        .zip(blocks)
        .map(|(o, r)| {
            clear_upper_simd();
            map(r, o)
        })
        .collect();
    parts.into_iter().for_each(&mut fold);
}

/// Column `j` of a column-major matrix as a slice.
pub fn col(x: &Mat<f64>, j: usize) -> &[f64] {
    x.col_as_slice(j)
}

/// Linear index `X b` restricted to the rows `r`.
pub(crate) fn index_block(x: &dyn Regressors, b: &[f64], r: Range<usize>) -> Vec<f64> {
    let mut eta = vec![0.0; r.len()];
    for (j, &bj) in b.iter().enumerate() {
        for (e, &v) in eta.iter_mut().zip(&x.column(j)[r.clone()]) {
            *e += v * bj;
        }
    }
    eta
}

/// Linear index `X b` for all rows.
pub fn index(x: &dyn Regressors, b: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(x.n_rows());
    map_blocks(x.n_rows(), |r| index_block(x, b, r), |v| out.extend(v));
    out
}

/// `X_r' v` for the rows `r` (v indexed from the block start).
pub(crate) fn xt_vec_block(x: &Mat<f64>, v: &[f64], r: Range<usize>) -> Vec<f64> {
    (0..x.ncols())
        .map(|j| reduce::dot(&col(x, j)[r.clone()], v))
        .collect()
}

/// Rows per product inside [`gram_block`]: the weighted copy and the matrix
/// product's packing buffers then stay near 200 KiB per thread, not 4 MiB.
const GRAM_ROWS: usize = 1024;

/// `X_r' diag(w) X_r` for the rows `r` (w indexed from the block start),
/// summed over consecutive sub-blocks of [`GRAM_ROWS`] rows.
pub(crate) fn gram_block(x: &Mat<f64>, w: &[f64], r: Range<usize>) -> Mat<f64> {
    let k = x.ncols();
    let mut g = Mat::zeros(k, k);
    let mut wx = Mat::<f64>::zeros(GRAM_ROWS.min(r.len()), k);
    for (s, start) in (r.start..r.end).step_by(GRAM_ROWS).enumerate() {
        let len = GRAM_ROWS.min(r.end - start);
        let ws = &w[s * GRAM_ROWS..s * GRAM_ROWS + len];
        for j in 0..k {
            let src = &col(x, j)[start..start + len];
            for ((d, &v), &wi) in wx.col_as_slice_mut(j).iter_mut().zip(src).zip(ws) {
                *d = wi * v;
            }
        }
        matmul(
            g.as_mut(),
            if s == 0 { Accum::Replace } else { Accum::Add },
            x.as_ref().subrows(start, len).transpose(),
            wx.as_ref().subrows(0, len),
            1.0,
            Par::Seq,
        );
    }
    clear_upper_simd();
    g
}

/// `X' diag(w) X`, accumulated in row blocks.
pub(crate) fn weighted_gram(x: &Mat<f64>, w: &[f64]) -> Mat<f64> {
    let mut g = Mat::zeros(x.ncols(), x.ncols());
    map_blocks(x.nrows(), |r| gram_block(x, &w[r.clone()], r), |p| g += p);
    g
}

/// `X' v`, accumulated in row blocks.
pub(crate) fn xt_vec(x: &Mat<f64>, v: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; x.ncols()];
    map_blocks(
        x.nrows(),
        |r| xt_vec_block(x, &v[r.clone()], r),
        |p| out.iter_mut().zip(p).for_each(|(o, a)| *o += a),
    );
    out
}

/// Upper-triangular factor R of a Householder QR of `a` (m >= n), sequential.
fn qr_r(mut a: Mat<f64>) -> Mat<f64> {
    use faer::linalg::qr::no_pivoting::factor as f;
    let (m, n) = a.shape();
    let size = m.min(n);
    let bs = f::recommended_block_size::<f64>(m, n);
    let mut coeff = Mat::zeros(bs, size);
    let req = f::qr_in_place_scratch::<f64>(m, n, bs, Par::Seq, Default::default());
    f::qr_in_place(
        a.as_mut(),
        coeff.as_mut(),
        Par::Seq,
        MemStack::new(&mut MemBuffer::new(req)),
        Default::default(),
    );
    Mat::from_fn(size, n, |i, j| if j >= i { a[(i, j)] } else { 0.0 })
}

/// R factor of the QR decomposition of `[X | extra]` (k' x k', k' = k + 1 with
/// an extra column), by tall-skinny QR: `R <- qr([R; X_block])` block after
/// block. `X = Q R` with `Q` never formed, so `R'R = X'X` without squaring the
/// condition number.
pub(crate) fn tsqr_r(x: &Mat<f64>, extra: Option<&[f64]>) -> Mat<f64> {
    let (n, k) = x.shape();
    let kk = k + usize::from(extra.is_some());
    let mut r = Mat::<f64>::zeros(0, kk);
    for rows in row_blocks(n) {
        let top = r.nrows();
        // `[R; X_rows | extra_rows]`, column by column (slice copies).
        let mut stack = Mat::<f64>::zeros(top + rows.len(), kk);
        for j in 0..kk {
            let dst = stack.col_as_slice_mut(j);
            dst[..top].copy_from_slice(&r.col_as_slice(j)[..top]);
            let src = if j < k {
                Some(&col(x, j)[rows.clone()])
            } else {
                extra.map(|e| &e[rows.clone()])
            };
            if let Some(src) = src {
                dst[top..].copy_from_slice(src);
            }
        }
        r = qr_r(stack);
    }
    r
}

/// R factor of the QR decomposition of `[A | B]` (`A` n x k, `B` n x m), by
/// tall-skinny QR over the row blocks: each block's R in parallel, then one
/// QR of the block factors stacked in block order, so the result does not
/// depend on the number of threads. `R'R = [A | B]'[A | B]`; with
/// `R = [[R11, R12], [0, R22]]` the least-squares solution of `A X = B` is
/// `R11^-1 R12` (see [`lstsq_r`]). Sequential inside each block (no
/// fork-join of the matrix library for a tall, narrow matrix).
pub(crate) fn tsqr_pair(a: MatRef<'_, f64>, b: Option<MatRef<'_, f64>>) -> Mat<f64> {
    let (n, k) = a.shape();
    let m = b.map_or(0, |b| b.ncols());
    let kk = k + m;
    let mut stacked: Vec<Mat<f64>> = Vec::new();
    map_blocks(
        n,
        |rows| {
            let block = Mat::from_fn(rows.len(), kk, |i, j| {
                let r = rows.start + i;
                match b {
                    Some(b) if j >= k => b[(r, j - k)],
                    _ => a[(r, j)],
                }
            });
            qr_r(block)
        },
        |r| stacked.push(r),
    );
    let rows: usize = stacked.iter().map(|r| r.nrows()).sum();
    let mut all = Mat::<f64>::zeros(rows, kk);
    let mut at = 0;
    for r in &stacked {
        all.as_mut().subrows_mut(at, r.nrows()).copy_from(r);
        at += r.nrows();
    }
    qr_r(all)
}

/// `R11^-1 R12` from the factor of [`tsqr_pair`] (`k` columns of `A`); `None`
/// when `R11` has a zero pivot or the solution is not finite.
pub(crate) fn lstsq_r(r: &Mat<f64>, k: usize) -> Option<Mat<f64>> {
    let m = r.ncols() - k;
    if r.nrows() < k || (0..k).any(|j| r[(j, j)] == 0.0) {
        return None;
    }
    let mut x = Mat::from_fn(k, m, |i, j| r[(i, k + j)]);
    r.as_ref()
        .get(..k, ..k)
        .solve_upper_triangular_in_place(x.as_mut());
    let finite = x.col_iter().all(|c| c.iter().all(|v| v.is_finite()));
    finite.then_some(x)
}

/// `A B` for a tall `A` (n x l) and a small `B` (l x k), in row blocks
/// (parallel, sequential inside a block).
pub(crate) fn mul_tall(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> Mat<f64> {
    let (n, k) = (a.nrows(), b.ncols());
    let mut out = Mat::<f64>::zeros(n, k);
    let mut parts: Vec<(usize, Mat<f64>)> = Vec::new();
    map_blocks(
        n,
        |rows| {
            let mut c = Mat::zeros(rows.len(), k);
            matmul(
                c.as_mut(),
                Accum::Replace,
                a.subrows(rows.start, rows.len()),
                b,
                1.0,
                Par::Seq,
            );
            clear_upper_simd();
            (rows.start, c)
        },
        |p| parts.push(p),
    );
    for (start, c) in parts {
        out.as_mut().subrows_mut(start, c.nrows()).copy_from(&c);
    }
    out
}

/// `A' B` for tall `A` (n x l) and `B` (n x k), summed over row blocks in
/// block order (parallel, identical for any number of threads).
pub(crate) fn cross_tall(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> Mat<f64> {
    let mut out = Mat::<f64>::zeros(a.ncols(), b.ncols());
    map_blocks(
        a.nrows(),
        |rows| {
            let mut c = Mat::zeros(a.ncols(), b.ncols());
            matmul(
                c.as_mut(),
                Accum::Replace,
                a.subrows(rows.start, rows.len()).transpose(),
                b.subrows(rows.start, rows.len()),
                1.0,
                Par::Seq,
            );
            clear_upper_simd();
            c
        },
        |c| out += c,
    );
    out
}

/// Column-pivoted QR of a small square matrix: (R, forward permutation where
/// `perm[i]` is the original column placed at position `i`).
pub(crate) fn col_piv_qr(mut a: Mat<f64>) -> (Mat<f64>, Vec<usize>) {
    use faer::linalg::qr::col_pivoting::factor as f;
    let (m, n) = a.shape();
    let size = m.min(n);
    let bs = faer::linalg::qr::no_pivoting::factor::recommended_block_size::<f64>(m, n);
    let mut coeff = Mat::zeros(bs, size);
    let mut fwd = vec![0usize; n];
    let mut bwd = vec![0usize; n];
    let req = f::qr_in_place_scratch::<usize, f64>(m, n, bs, Par::Seq, Default::default());
    f::qr_in_place(
        a.as_mut(),
        coeff.as_mut(),
        &mut fwd,
        &mut bwd,
        Par::Seq,
        MemStack::new(&mut MemBuffer::new(req)),
        Default::default(),
    );
    let r = Mat::from_fn(size, n, |i, j| if j >= i { a[(i, j)] } else { 0.0 });
    (r, fwd)
}

/// Rank tolerance relative to the largest pivot of the unit-norm-scaled
/// factor: `max(n, k) * eps`, numpy's `matrix_rank` rule.
pub(crate) fn rank_tolerance(n: usize, k: usize) -> f64 {
    n.max(k) as f64 * f64::EPSILON
}

/// First exact linear dependency among the columns of a matrix whose Gram
/// matrix is `R'R` (`r` upper triangular, k x k; `n` rows behind it), found by
/// column-pivoted QR of `R` with unit-norm columns. Returns the indices of the
/// dependent column and of the columns it is a combination of (sorted), or
/// `None` when `R` has full column rank.
pub(crate) fn first_dependency(r: MatRef<'_, f64>, n: usize) -> Option<Vec<usize>> {
    first_dependency_tol(r, rank_tolerance(n, r.ncols()))
}

/// Relative pivot tolerance for [`gram_dependency`]: a Gram matrix squares
/// the condition number of its design, so pivots below `1e-9` of the largest
/// (an R^2 above `1 - 1e-9` in the design's terms) count as zero.
pub(crate) const GRAM_RANK_TOL: f64 = 1e-9;

/// First exact linear dependency among the columns of a symmetric positive
/// semi-definite matrix `G = Z'Z` (an information matrix): `G v = 0` exactly
/// when `Z v = 0`, so the columns of `G` carry the dependencies of `Z`.
/// Same output as [`first_dependency`].
pub(crate) fn gram_dependency(g: MatRef<'_, f64>) -> Option<Vec<usize>> {
    first_dependency_tol(g, GRAM_RANK_TOL)
}

/// [`first_dependency`] with an explicit relative pivot tolerance.
fn first_dependency_tol(r: MatRef<'_, f64>, rel_tol: f64) -> Option<Vec<usize>> {
    let k = r.ncols();
    let norms: Vec<f64> = (0..k).map(|j| r.col(j).norm_l2()).collect();
    if let Some(j) = norms.iter().position(|&s| s == 0.0) {
        return Some(vec![j]);
    }
    let scaled = Mat::from_fn(r.nrows(), k, |i, j| r[(i, j)] / norms[j]);
    let (p, perm) = col_piv_qr(scaled);
    let tol = rel_tol * p[(0, 0)].abs();
    let rank = (0..k.min(p.nrows()))
        .take_while(|&i| p[(i, i)].abs() > tol)
        .count();
    if rank == k {
        return None;
    }
    // Column perm[rank] = sum_i z_i * column perm[i], with R11 z = R12.
    let mut z = Mat::from_fn(rank, 1, |i, _| p[(i, rank)]);
    p.as_ref()
        .get(..rank, ..rank)
        .solve_upper_triangular_in_place(z.as_mut());
    let mut cols: Vec<usize> = (0..rank)
        .filter(|&i| z[(i, 0)].abs() > 1e-8)
        .map(|i| perm[i])
        .chain(std::iter::once(perm[rank]))
        .collect();
    cols.sort_unstable();
    Some(cols)
}

/// Inverse of a symmetric positive definite matrix by Cholesky; `None` if it
/// is not numerically positive definite.
pub(crate) fn spd_inverse(a: MatRef<'_, f64>) -> Option<Mat<f64>> {
    let llt = a.llt(Side::Lower).ok()?;
    let inv = llt.inverse();
    let ok = (0..inv.ncols()).all(|j| inv.col_as_slice(j).iter().all(|v| v.is_finite()));
    ok.then_some(inv)
}

/// Solve `A x = b` for symmetric positive definite `A` by Cholesky.
pub(crate) fn spd_solve(a: MatRef<'_, f64>, b: &[f64]) -> Option<Vec<f64>> {
    let llt = a.llt(Side::Lower).ok()?;
    let mut rhs = Mat::from_fn(b.len(), 1, |i, _| b[i]);
    llt.solve_in_place(rhs.as_mut());
    let x: Vec<f64> = (0..b.len()).map(|i| rhs[(i, 0)]).collect();
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// `A B A'` for small dense matrices (sandwich and delta method).
pub fn sandwich(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> Mat<f64> {
    let mut ab = Mat::zeros(a.nrows(), b.ncols());
    matmul(ab.as_mut(), Accum::Replace, a, b, 1.0, Par::Seq);
    let mut out = Mat::zeros(a.nrows(), a.nrows());
    matmul(
        out.as_mut(),
        Accum::Replace,
        ab.as_ref(),
        a.transpose(),
        1.0,
        Par::Seq,
    );
    symmetrize(&mut out);
    out
}

/// Replace `a` by `(a + a') / 2`.
pub(crate) fn symmetrize(a: &mut Mat<f64>) {
    for i in 0..a.nrows() {
        for j in 0..i {
            let m = 0.5 * (a[(i, j)] + a[(j, i)]);
            a[(i, j)] = m;
            a[(j, i)] = m;
        }
    }
}

/// Row-major copy of a square matrix (the `FitResult::vcov` layout).
pub(crate) fn row_major(a: &Mat<f64>) -> Vec<f64> {
    (0..a.nrows())
        .flat_map(|i| (0..a.ncols()).map(move |j| a[(i, j)]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn design(n: usize) -> Mat<f64> {
        Mat::from_fn(n, 3, |i, j| match j {
            0 => 1.0,
            1 => ((i * 7919) % 101) as f64 / 10.0,
            _ => ((i * 104_729) % 37) as f64,
        })
    }

    #[test]
    fn blocked_gram_matches_naive() {
        let x = design(3 * BLOCK + 17);
        let w: Vec<f64> = (0..x.nrows()).map(|i| 1.0 + (i % 5) as f64).collect();
        let g = weighted_gram(&x, &w);
        for a in 0..3 {
            for b in 0..3 {
                let naive: f64 = (0..x.nrows()).map(|i| w[i] * x[(i, a)] * x[(i, b)]).sum();
                assert!((g[(a, b)] - naive).abs() <= 1e-9 * naive.abs().max(1.0));
            }
        }
    }

    #[test]
    fn tsqr_reproduces_gram() {
        let x = design(2 * BLOCK + 5);
        let r = tsqr_r(&x, None);
        let ones = vec![1.0; x.nrows()];
        let g = weighted_gram(&x, &ones);
        let rtr = r.transpose() * &r;
        for a in 0..3 {
            for b in 0..3 {
                assert!((g[(a, b)] - rtr[(a, b)]).abs() <= 1e-9 * g[(a, b)].abs().max(1.0));
            }
        }
        assert!(first_dependency(r.as_ref(), x.nrows()).is_none());
    }

    #[test]
    fn dependency_names_the_combination() {
        let base = design(500);
        // Column 3 = 2*col1 - col0: dependency {0, 1, 3}; column 2 is innocent.
        let x = Mat::from_fn(500, 4, |i, j| {
            if j < 3 {
                base[(i, j)]
            } else {
                2.0 * base[(i, 1)] - base[(i, 0)]
            }
        });
        let r = tsqr_r(&x, None);
        assert_eq!(first_dependency(r.as_ref(), 500), Some(vec![0, 1, 3]));
        let g = weighted_gram(&x, &vec![1.0; 500]);
        assert_eq!(gram_dependency(g.as_ref()), Some(vec![0, 1, 3]));
        let full = weighted_gram(&base, &vec![1.0; 500]);
        assert_eq!(gram_dependency(full.as_ref()), None);
    }
}
