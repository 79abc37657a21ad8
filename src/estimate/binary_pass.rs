//! One fused pass of a binary model's Newton evaluation over a block of rows:
//! index `eta = X b`, the per-row terms of [`Link::obs`], the gradient `X'r`
//! and the lower triangle of `X'WX`, sub-block by sub-block so that each
//! sub-block's columns are read from memory once and stay in cache
//! for the rest.
//!
//! Hand-written because no crate does this shape well: `X'WX` for a tall
//! design with a few dozen columns is a symmetric rank-`n` update whose inner
//! dimension is huge and whose output is tiny, where a general matrix
//! product spends as long packing its operands as multiplying them (measured:
//! faer's packing kernels took 40% of the product's time at k = 21). Here the
//! product runs as 4 x 4 tiles of `sum_i (w_i x_ij) x_il` over `j >= l`, each
//! tile 16 independent 8-lane accumulators, so the FMA units never wait on
//! one another, and only the lower triangle is computed.
//!
//! The logit terms use the eight-lane `exp` and `ln(1 + a)` of
//! [`crate::numeric::lanes`] (within 2 ulp), which inline and vectorise for
//! the instruction set of the pass; probit terms stay scalar ([`Link::obs`]).
//!
//! [`block_grad`] is the same pass without `X'WX`, for the chord steps of
//! [`super::newton::maximize_chord`].
//!
//! The code is compiled three times, for AVX-512, for AVX2 with FMA (chosen
//! at run time where the CPU has them) and for the x86-64 baseline. Sums run in a fixed order
//! inside a block, so a block's result does not depend on the thread that
//! computed it.

use std::ops::Range;

use faer::Mat;

use crate::data::Regressors;
use crate::numeric::simd::dispatched;
use crate::numeric::{Link, lanes};

/// Rows per sub-block: the sub-block's copies of `x` and of `w x` for up to
/// 24 columns take 192 KiB, well inside a core's L2 cache (measured: 512
/// rows 7.0 ms a pass at 300,000 x 21, 128 rows 7.9 ms).
const SUB: usize = 512;
/// Lanes of one accumulator.
const LANES: usize = 8;
/// Tile edge of the `X'WX` product.
const TILE: usize = 4;

/// Log-likelihood, gradient and lower-triangular `X'WX` of one block.
pub(crate) struct BlockSums {
    /// `sum_i f_i ln F(q_i eta_i)`.
    pub ll: f64,
    /// `sum_i f_i r_i x_i`.
    pub grad: Vec<f64>,
    /// `X'WX` (k x k, both triangles filled).
    pub gram: Mat<f64>,
}

dispatched!(
    /// The sums of rows `r` at coefficients `b`, with frequency weights `f`
    /// (`None`: each row once; indexed like `y`), and the rows' index
    /// `x_i'b` written to `eta` where given (`r.len()` long).
    fn block_sums(
        link: Link,
        x: &dyn Regressors,
        y: &[f64],
        f: Option<&[f64]>,
        b: &[f64],
        r: Range<usize>,
        eta: Option<&mut [f64]>
    ) -> BlockSums => block_sums_body
);

dispatched!(
    /// Log-likelihood and gradient alone of rows `r` at `b` (no `X'WX`: a
    /// tenth of the arithmetic of [`block_sums`], one read of the rows).
    fn block_grad(
        link: Link,
        x: &dyn Regressors,
        y: &[f64],
        f: Option<&[f64]>,
        b: &[f64],
        r: Range<usize>
    ) -> (f64, Vec<f64>) => grad_body
);

/// `a * b + c`, fused where the instruction set has FMA (a call to the
/// software `fma` otherwise, which is far slower than the two operations).
#[inline(always)]
fn madd<const FMA: bool>(a: f64, b: f64, c: f64) -> f64 {
    if FMA { a.mul_add(b, c) } else { a * b + c }
}

/// A sub-block's working values: `w x`, column after column, each column
/// [`SUB`] rows long and zero past the sub-block's rows and past the
/// design's columns (to a multiple of [`TILE`]), and the per-row terms.
struct Scratch {
    wx: Vec<f64>,
    eta: [f64; SUB],
    score: [f64; SUB],
    w: [f64; SUB],
}

#[inline(always)]
fn block_sums_body<const FMA: bool>(
    link: Link,
    x: &dyn Regressors,
    y: &[f64],
    f: Option<&[f64]>,
    b: &[f64],
    r: Range<usize>,
    mut eta: Option<&mut [f64]>,
) -> BlockSums {
    let k = x.n_cols();
    let kp = k.div_ceil(TILE) * TILE;
    let tiles = (kp / TILE) * (kp / TILE + 1) / 2;
    let mut acc = vec![[[0.0; LANES]; TILE * TILE]; tiles];
    let mut grad = vec![0.0; k];
    let mut ll = 0.0;
    let mut s = Scratch {
        wx: vec![0.0; kp * SUB],
        eta: [0.0; SUB],
        score: [0.0; SUB],
        w: [0.0; SUB],
    };
    let mut tail = Vec::new();
    for start in r.clone().step_by(SUB) {
        let rows = start..(start + SUB).min(r.end);
        let len = rows.len();
        let cols = sub_columns(x, kp, rows.clone(), &mut tail);
        index_into::<FMA>(&cols[..k], b, &mut s.eta);
        if let Some(out) = eta.as_deref_mut() {
            out[start - r.start..][..len].copy_from_slice(&s.eta[..len]);
        }
        ll += terms(link, &y[rows.clone()], f.map(|f| &f[rows]), &mut s, len);
        weigh::<FMA>(&cols[..k], len, &mut s, &mut grad);
        tiles_update::<FMA>(&cols, &s.wx, &mut acc);
    }
    BlockSums {
        ll,
        grad,
        gram: fold_tiles(k, kp, &acc),
    }
}

/// [`block_grad`]'s body: per sub-block, the index straight from the
/// columns, the link's terms, then `grad_j += sum_i score_i x_ij` on the
/// same rows while they are still in cache.
#[inline(always)]
fn grad_body<const FMA: bool>(
    link: Link,
    x: &dyn Regressors,
    y: &[f64],
    f: Option<&[f64]>,
    b: &[f64],
    r: Range<usize>,
) -> (f64, Vec<f64>) {
    let k = x.n_cols();
    let mut grad = vec![0.0; k];
    let mut ll = 0.0;
    let mut s = Scratch {
        wx: Vec::new(),
        eta: [0.0; SUB],
        score: [0.0; SUB],
        w: [0.0; SUB],
    };
    for start in r.clone().step_by(SUB) {
        let rows = start..(start + SUB).min(r.end);
        let len = rows.len();
        s.eta.fill(0.0);
        for (j, &bj) in b.iter().enumerate() {
            for (e, &v) in s.eta.iter_mut().zip(&x.column(j)[rows.clone()]) {
                *e = madd::<FMA>(v, bj, *e);
            }
        }
        ll += terms(
            link,
            &y[rows.clone()],
            f.map(|f| &f[rows.clone()]),
            &mut s,
            len,
        );
        for (j, g) in grad.iter_mut().enumerate() {
            let xj = &x.column(j)[rows.clone()];
            let mut lanes = [0.0; LANES];
            let full = len / LANES * LANES;
            for (c, sc) in xj[..full]
                .chunks_exact(LANES)
                .zip(s.score.chunks_exact(LANES))
            {
                for l in 0..LANES {
                    lanes[l] = madd::<FMA>(c[l], sc[l], lanes[l]);
                }
            }
            for (i, &v) in xj.iter().enumerate().skip(full) {
                lanes[i - full] = madd::<FMA>(v, s.score[i], lanes[i - full]);
            }
            *g += lanes.iter().sum::<f64>();
        }
    }
    (ll, grad)
}

/// Zeros standing in for the columns past the design's (to a multiple of
/// [`TILE`]) and for the rows past a short sub-block.
static ZEROS: [f64; SUB] = [0.0; SUB];

/// The sub-block's `kp` columns, each [`SUB`] rows long: a full sub-block's
/// read where they lie, a short one's copied into `tail` with zeros after
/// its rows; the columns past the design's are [`ZEROS`].
#[inline(always)]
fn sub_columns<'a>(
    x: &'a dyn Regressors,
    kp: usize,
    rows: Range<usize>,
    tail: &'a mut Vec<f64>,
) -> Vec<&'a [f64]> {
    let (k, len) = (x.n_cols(), rows.len());
    if len == SUB {
        return (0..kp)
            .map(|j| {
                if j < k {
                    &x.column(j)[rows.clone()]
                } else {
                    &ZEROS[..]
                }
            })
            .collect();
    }
    tail.clear();
    tail.resize(k * SUB, 0.0);
    for j in 0..k {
        tail[j * SUB..j * SUB + len].copy_from_slice(&x.column(j)[rows.clone()]);
    }
    let tail: &'a [f64] = tail;
    (0..kp)
        .map(|j| {
            if j < k {
                &tail[j * SUB..(j + 1) * SUB]
            } else {
                &ZEROS[..]
            }
        })
        .collect()
}

/// `eta = X b` on the sub-block's columns.
#[inline(always)]
fn index_into<const FMA: bool>(cols: &[&[f64]], b: &[f64], eta: &mut [f64; SUB]) {
    eta.fill(0.0);
    for (c, &bj) in cols.iter().zip(b) {
        for (e, &v) in eta.iter_mut().zip(c.iter()) {
            *e = madd::<FMA>(v, bj, *e);
        }
    }
}

/// Per-row score `f_i r_i` and weight `f_i w_i` into `s` (zero past `len`);
/// returns the rows' log-likelihood.
#[inline(always)]
fn terms(link: Link, y: &[f64], f: Option<&[f64]>, s: &mut Scratch, len: usize) -> f64 {
    let mut ll = 0.0;
    let mut done = 0;
    if link == Link::Logit {
        let mut llv = [0.0; lanes::N];
        for i in (0..len / lanes::N * lanes::N).step_by(lanes::N) {
            let at = |v: &[f64]| -> [f64; lanes::N] { std::array::from_fn(|l| v[i + l]) };
            let (e, yv) = (at(&s.eta), at(y));
            let fv = f.map_or([1.0; lanes::N], at);
            let (l, sc, w) = logit_terms(e, yv);
            for q in 0..lanes::N {
                llv[q] += fv[q] * l[q];
                s.score[i + q] = fv[q] * sc[q];
                s.w[i + q] = fv[q] * w[q];
            }
        }
        ll = llv.iter().sum();
        done = len / lanes::N * lanes::N;
    }
    for i in done..len {
        let t = link.obs(y[i], s.eta[i]);
        let fi = f.map_or(1.0, |f| f[i]);
        ll += fi * t.ll;
        s.score[i] = fi * t.score;
        s.w[i] = fi * t.weight;
    }
    s.score[len..].fill(0.0);
    s.w[len..].fill(0.0);
    ll
}

/// [`Link::obs`] of the logit on four rows: with `a = exp(-|e|)`,
/// `Lambda(e) = 1 / (1 + a)` for `e >= 0` and `a / (1 + a)` below,
/// `ln Lambda(q e) = -(max(-q e, 0) + ln(1 + a))`, `w = a / (1 + a)^2`,
/// `q = 2 y - 1`.
#[inline(always)]
fn logit_terms(e: [f64; lanes::N], y: [f64; lanes::N]) -> Lanes3 {
    let a = lanes::exp_nonpositive(e.map(|v| -v.abs()));
    let (log1p, recip) = lanes::ln_1p_unit_recip(a);
    let (mut ll, mut score, mut w) = ([0.0; lanes::N], [0.0; lanes::N], [0.0; lanes::N]);
    for l in 0..lanes::N {
        let inv = recip[l];
        let cdf = if e[l] >= 0.0 { inv } else { a[l] * inv };
        let minus_qe = e[l] - (y[l] + y[l]) * e[l];
        // `max(-q e, 0)` written so that a NaN index stays NaN.
        let hinge = if minus_qe < 0.0 { 0.0 } else { minus_qe };
        ll[l] = -(hinge + log1p[l]);
        score[l] = y[l] - cdf;
        w[l] = a[l] * inv * inv;
    }
    (ll, score, w)
}

/// Log-likelihood, score and weight terms of [`lanes::N`] rows.
type Lanes3 = ([f64; lanes::N], [f64; lanes::N], [f64; lanes::N]);

/// Gradient `grad_j += sum_i score_i x_ij` and the weighted copy
/// `wx_j = w x_j` of each column.
#[inline(always)]
fn weigh<const FMA: bool>(cols: &[&[f64]], len: usize, s: &mut Scratch, grad: &mut [f64]) {
    for (j, (g, &xj)) in grad.iter_mut().zip(cols).enumerate() {
        let mut lanes = [0.0; LANES];
        for (c, sc) in xj[..len.div_ceil(LANES) * LANES]
            .chunks_exact(LANES)
            .zip(s.score.chunks_exact(LANES))
        {
            for l in 0..LANES {
                lanes[l] = madd::<FMA>(c[l], sc[l], lanes[l]);
            }
        }
        *g += lanes.iter().sum::<f64>();
        let wj = &mut s.wx[j * SUB..(j + 1) * SUB];
        for ((d, &v), &w) in wj.iter_mut().zip(xj).zip(&s.w) {
            *d = w * v;
        }
    }
}

/// Add the sub-block's `sum_i wx_ij x_il` to each lower tile's 16 lane
/// accumulators (rows past the sub-block are zero in both copies).
#[inline(always)]
fn tiles_update<const FMA: bool>(
    cols: &[&[f64]],
    wx: &[f64],
    acc: &mut [[[f64; LANES]; TILE * TILE]],
) {
    let nt = cols.len() / TILE;
    let mut t = 0;
    for tj in 0..nt {
        for tl in 0..=tj {
            let mut a = acc[t];
            for i in (0..SUB).step_by(LANES) {
                let mut wj = [[0.0; LANES]; TILE];
                let mut xl = [[0.0; LANES]; TILE];
                for u in 0..TILE {
                    let at = (tj * TILE + u) * SUB + i;
                    wj[u].copy_from_slice(&wx[at..at + LANES]);
                    xl[u].copy_from_slice(&cols[tl * TILE + u][i..i + LANES]);
                }
                for u in 0..TILE {
                    for v in 0..TILE {
                        for l in 0..LANES {
                            a[u * TILE + v][l] =
                                madd::<FMA>(wj[u][l], xl[v][l], a[u * TILE + v][l]);
                        }
                    }
                }
            }
            acc[t] = a;
            t += 1;
        }
    }
}

/// The k x k symmetric `X'WX` from the tiles' lane accumulators.
fn fold_tiles(k: usize, kp: usize, acc: &[[[f64; LANES]; TILE * TILE]]) -> Mat<f64> {
    let mut g = Mat::zeros(k, k);
    let mut t = 0;
    for tj in 0..kp / TILE {
        for tl in 0..=tj {
            for u in 0..TILE {
                for v in 0..TILE {
                    let (j, l) = (tj * TILE + u, tl * TILE + v);
                    if j < k && l <= j {
                        let sum: f64 = acc[t][u * TILE + v].iter().sum();
                        g[(j, l)] = sum;
                        g[(l, j)] = sum;
                    }
                }
            }
            t += 1;
        }
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// The same sums row by row from [`Link::obs`], in plain sequential order.
    fn naive(link: Link, x: &Mat<f64>, y: &[f64], f: Option<&[f64]>, b: &[f64]) -> BlockSums {
        let (n, k) = x.shape();
        let mut out = BlockSums {
            ll: 0.0,
            grad: vec![0.0; k],
            gram: Mat::zeros(k, k),
        };
        for i in 0..n {
            let e: f64 = (0..k).map(|j| x[(i, j)] * b[j]).sum();
            let t = link.obs(y[i], e);
            let fi = f.map_or(1.0, |f| f[i]);
            out.ll += fi * t.ll;
            for j in 0..k {
                out.grad[j] += fi * t.score * x[(i, j)];
                for l in 0..k {
                    out.gram[(j, l)] += fi * t.weight * x[(i, j)] * x[(i, l)];
                }
            }
        }
        out
    }

    fn close(a: f64, b: f64, scale: f64) -> bool {
        (a - b).abs() <= 1e-11 * scale.max(1.0)
    }

    /// Row counts that are and are not multiples of the sub-block and of the
    /// lanes, column counts on both sides of a tile edge, both links, with and
    /// without frequency weights, indices out to +-40: over 24 seeds; the
    /// gradient-only pass gives the same value and gradient.
    #[test]
    fn fused_sums_equal_the_row_by_row_sums() {
        for seed in 0..24u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let n = [1, 7, 128, 300, 1001][seed as usize % 5];
            let k = [1, 3, 4, 5, 9, 13][seed as usize % 6];
            let x = Mat::from_fn(n, k, |_, j| {
                if j == 0 {
                    1.0
                } else {
                    rng.random_range(-3.0..3.0)
                }
            });
            let y: Vec<f64> = (0..n)
                .map(|_| f64::from(u8::from(rng.random::<bool>())))
                .collect();
            let scale = if seed % 4 == 0 { 13.0 } else { 1.0 };
            let b: Vec<f64> = (0..k)
                .map(|_| scale * rng.random_range(-1.0..1.0))
                .collect();
            let f: Vec<f64> = (0..n)
                .map(|_| f64::from(rng.random_range(1..4u8)))
                .collect();
            for link in [Link::Logit, Link::Probit] {
                for w in [None, Some(&f[..])] {
                    let got = block_sums(link, &x, &y, w, &b, 0..n, None);
                    let want = naive(link, &x, &y, w, &b);
                    let s = want.ll.abs();
                    assert!(
                        close(got.ll, want.ll, s),
                        "seed {seed} {link:?}: ll {} vs {}",
                        got.ll,
                        want.ll
                    );
                    let (g_ll, g_grad) = block_grad(link, &x, &y, w, &b, 0..n);
                    assert!(
                        close(g_ll, want.ll, s),
                        "seed {seed} {link:?}: gradient pass ll"
                    );
                    for (j, g) in g_grad.iter().enumerate() {
                        let gs = want.gram[(j, j)].abs() * n as f64;
                        assert!(close(got.grad[j], want.grad[j], gs), "seed {seed} grad {j}");
                        assert!(close(*g, want.grad[j], gs), "seed {seed} pass grad {j}");
                        for l in 0..k {
                            assert!(
                                close(got.gram[(j, l)], want.gram[(j, l)], gs),
                                "seed {seed} {link:?} gram ({j}, {l}): {} vs {}",
                                got.gram[(j, l)],
                                want.gram[(j, l)]
                            );
                        }
                    }
                }
            }
        }
    }

    /// A NaN coefficient gives a NaN log-likelihood in both passes (the
    /// solver's non-finite check sees it), for both links.
    #[test]
    fn a_nan_index_is_not_hidden() {
        let x = Mat::from_fn(40, 2, |i, j| if j == 0 { 1.0 } else { i as f64 / 10.0 });
        let y: Vec<f64> = (0..40).map(|i| f64::from(u8::from(i % 3 == 0))).collect();
        for link in [Link::Logit, Link::Probit] {
            let b = [0.1, f64::NAN];
            assert!(
                block_sums(link, &x, &y, None, &b, 0..40, None).ll.is_nan(),
                "{link:?}"
            );
            assert!(
                block_grad(link, &x, &y, None, &b, 0..40).0.is_nan(),
                "{link:?}"
            );
        }
    }

    /// A block's sums do not depend on where the block starts in the data.
    #[test]
    fn a_block_inside_the_data_reads_its_own_rows() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let (n, k) = (700, 6);
        let x = Mat::from_fn(n, k, |_, _| rng.random_range(-1.0..1.0));
        let y: Vec<f64> = (0..n)
            .map(|_| f64::from(u8::from(rng.random::<bool>())))
            .collect();
        let b = vec![0.3; k];
        let got = block_sums(Link::Logit, &x, &y, None, &b, 200..531, None);
        let sub = Mat::from_fn(331, k, |i, j| x[(200 + i, j)]);
        let want = naive(Link::Logit, &sub, &y[200..531], None, &b);
        assert!(close(got.ll, want.ll, want.ll.abs()));
        assert!(close(got.gram[(5, 2)], want.gram[(5, 2)], 331.0));
    }
}
