//! Where a binary fit's iteration starts, and the proof of full rank that
//! lets it skip the QR of the design: the usual start, the warm start of a
//! large fit from a subsample, and the rank certificate from a Hessian.

use std::borrow::Cow;

use faer::Mat;
use rayon::prelude::*;

use super::binary_lik::BinaryLik;
use super::newton::{self, Eval, LogLik, NewtonOptions};
use super::{checks, linalg};
use crate::data::{Columns, Design, Regressors};
use crate::numeric::Link;

/// Rows of the warm start's subsample ([`warm_start`]).
pub(super) const WARM_ROWS: usize = 16_384;
/// Consecutive rows of one chunk of the subsample.
const WARM_CHUNK: usize = 256;
/// Fewest rows for a warm start: below, Newton on all rows costs little.
pub(super) const WARM_MIN_ROWS: usize = 8 * WARM_ROWS;
/// Fewest allowed iterations for a warm start, and the subsample fit's cap
/// (a lower `max_iter` keeps the plain Newton iteration it asks for).
pub(super) const WARM_MIN_ITER: usize = 25;

/// Where the full-data iteration starts.
pub(super) enum Start {
    /// Newton from these coefficients (their evaluation if already made).
    At(Vec<f64>, Option<Eval>),
    /// Chord steps from a subsample's estimate on its scaled information.
    Warm(Vec<f64>, Mat<f64>),
}

/// A subsample's estimate and its information scaled to the full sample.
pub(super) struct WarmStart {
    /// The subsample's estimate.
    pub beta: Vec<f64>,
    /// Its information `-H`, scaled by `n / WARM_ROWS`.
    pub info: Mat<f64>,
}

/// Whether the Hessian `h` of a binary log-likelihood on some of the
/// design's rows (any coefficients) proves the whole design of full column
/// rank, so that the QR of [`checks::check_full_rank`] would find no
/// dependency. `sq` holds the columns' sums of squares over all `n` rows.
///
/// `-h = X_s' W X_s` over a subset `s` of the rows, each weight in `[0, 1]`
/// (the logit's `Lambda (1 - Lambda) <= 1/4`; the probit's observed
/// `lambda (lambda + q x'b) < 1`). With `D = diag(sq)^(-1/2)` the unit-norm
/// scaling of all of `X`, `D X'X D >= D X_s'X_s D >= D (-h) D` in the
/// positive semidefinite order, so `lambda_min(D (-h) D) > tau` gives
/// `sigma_min(X D)^2 > tau`. The QR check declares a dependency only where a
/// pivot of the R factor of `X D` falls below `n eps` times the largest, and
/// every pivot is at least `sigma_min(X D)` while the largest is at most
/// `sqrt(k)`. A Cholesky factor of `D (-h) D - tau I` proves the bound, and
/// with `tau = max(1e-8, 1e3 k (n / BLOCK + BLOCK) eps)`, far above both the
/// rounding of the blocked sums behind `h` and `k (n eps)^2`, the QR would
/// pass. `false` (the caller runs the QR) where the Cholesky fails.
pub(super) fn certifies_full_rank(h: &Mat<f64>, sq: &[f64], n: usize) -> bool {
    let k = sq.len();
    if h.nrows() != k || sq.iter().any(|&v| !(v > 0.0 && v.is_finite())) {
        return false;
    }
    let block = linalg::BLOCK as f64;
    let tau = (1e3 * k as f64 * (n as f64 / block + block) * f64::EPSILON).max(1e-8);
    let shifted = Mat::from_fn(k, k, |i, j| {
        let s = -h[(i, j)] / (sq[i] * sq[j]).sqrt();
        if i == j { s - tau } else { s }
    });
    shifted.as_ref().llt(faer::Side::Lower).is_ok()
}

/// Start at `b = 0` with the constant (if any) at `F^-1(mean y)`.
pub(super) fn start<X: Regressors>(link: Link, d: &Design<X>) -> Vec<f64> {
    let mut b = vec![0.0; d.k()];
    if let Some(c) = d.col_index("const") {
        let p = d.y.iter().sum::<f64>() / d.n() as f64;
        b[c] = link.inverse_cdf(p);
    }
    b
}

/// The warm start of a large fit: the estimate on [`WARM_ROWS`] rows
/// (chunks of [`WARM_CHUNK`] consecutive rows spread evenly over the data,
/// so sorted data are sampled throughout) and its information scaled to
/// the full sample, for [`newton::maximize_chord`]. It only chooses where
/// the full-data iteration starts, never the answer. `None` (Newton from
/// [`start`] on all rows) for fewer than [`WARM_MIN_ROWS`] rows, more than
/// `WARM_ROWS / 200` columns, an iteration cap below [`WARM_MIN_ITER`],
/// where the subsample's fit does not converge, or where the subsample's
/// start Hessian does not certify the full design's rank
/// ([`certifies_full_rank`]; the full start Hessian or the QR then decides).
/// `sq`: the columns' sums of squares over all rows.
pub(super) fn warm_start<X: Regressors>(
    link: Link,
    d: &Design<X>,
    sq: &[f64],
    opts: NewtonOptions,
) -> Option<WarmStart> {
    let (n, k) = (d.n(), d.k());
    if n < WARM_MIN_ROWS || k * 200 > WARM_ROWS || opts.max_iter < WARM_MIN_ITER {
        return None;
    }
    let chunks = WARM_ROWS / WARM_CHUNK;
    let starts: Vec<usize> = (0..chunks).map(|c| c * n / chunks).collect();
    let gather = |v: &[f64]| -> Vec<f64> {
        starts
            .iter()
            .flat_map(|&s| &v[s..s + WARM_CHUNK])
            .copied()
            .collect()
    };
    // Each column gathered once, straight into its own vector (the columns
    // in parallel).
    let cols: Vec<Cow<'_, [f64]>> = (0..k)
        .into_par_iter()
        .map(|j| Cow::Owned(gather(d.x.column(j))))
        .collect();
    let sub = Design {
        y_name: d.y_name.clone(),
        y: gather(&d.y),
        x: Columns::new(WARM_ROWS, cols).ok()?,
        names: d.names.clone(),
        clusters: None,
        n_dropped: 0,
    };
    checks::check_outcome_varies(&sub).ok()?;
    let lik = BinaryLik {
        link,
        x: &sub.x,
        y: &sub.y,
        w: None,
    };
    let b0 = start(link, &sub);
    let eval = lik.eval(&b0);
    if !certifies_full_rank(&eval.hess, sq, n) {
        return None;
    }
    let capped = NewtonOptions {
        max_iter: WARM_MIN_ITER,
        ..opts
    };
    let out = newton::maximize_from(&lik, b0, eval, capped);
    if !out.converged() {
        return None;
    }
    let scale = n as f64 / WARM_ROWS as f64;
    Some(WarmStart {
        beta: out.theta,
        info: Mat::from_fn(k, k, |i, j| -scale * out.eval.hess[(i, j)]),
    })
}
