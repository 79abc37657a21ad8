//! Perfect and quasi-complete separation in binary models, where the MLE does
//! not exist (Albert & Anderson 1984).
//!
//! Before Newton, each non-constant regressor `x` is checked on its own: if
//! `max(x | y = 0) <= min(x | y = 1)` (or the mirror image), the direction
//! "raise the coefficient of `x`, lower the constant" never lowers the
//! likelihood, so the coefficient diverges. Strict inequality is complete
//! separation, equality at the boundary quasi-complete. For a 0/1 dummy this
//! reads "every observation with `x = 1` (or `x = 0`) has the same outcome",
//! the usual fixed-effect cell with no variation.
//!
//! After Newton, separation by a combination of regressors shows as fitted
//! probabilities of exactly 0 or 1 together with a coefficient that moves the
//! index by more than [`DIVERGED_INDEX`] per standard deviation of its
//! regressor; the largest such coefficient is named.

use super::EstimateError;
use super::linalg;
use crate::data::Regressors;
use crate::numeric::reduce;

/// Index change per regressor SD beyond which a coefficient is taken to be
/// diverging (a one-SD change moving a probability from 0.5 to ~1e-9).
pub const DIVERGED_INDEX: f64 = 20.0;

/// Index magnitude at which a fitted probability is numerically 0 or 1
/// (logit: 1 - Lambda(36) < 2.4e-16).
pub const SATURATED_INDEX: f64 = 36.0;

/// Detail for regressor `name` when all `y = 0` lie at or below `hi0` and all
/// `y = 1` at or above `lo1` (`up = true`), or the mirror image.
fn describe(name: &str, dummy: bool, up: bool, hi_low_group: f64, lo_high_group: f64) -> String {
    let (low_y, high_y) = if up { (0, 1) } else { (1, 0) };
    if dummy && hi_low_group == 0.0 {
        format!("y = {high_y} for every observation with {name} = 1")
    } else if dummy {
        format!("y = {low_y} for every observation with {name} = 0")
    } else {
        format!(
            "y = {low_y} whenever {name} <= {hi_low_group} and y = {high_y} whenever {name} >= {lo_high_group}"
        )
    }
}

/// What one read of every regressor before a binary fit gives: each
/// column's sum of squares (its finiteness, and the scale of
/// [`super::binary_start::certifies_full_rank`]) and its `(min, max)` among
/// `y = 0` and among `y = 1` (the single-regressor separation check).
#[derive(Debug, Clone)]
pub(crate) struct ColumnScan {
    /// `sum_i x_ij^2` of each column (NaN or infinite where a cell is).
    pub sq: Vec<f64>,
    /// `[(min, max) where y = 0, (min, max) where y = 1]` of each column, NaN skipped.
    pub ranges: Vec<[(f64, f64); 2]>,
}

/// [`ColumnScan`] of `x` against `y`: blocks of rows in parallel, every
/// column of a block while its slice of `y` is in cache, folded in block
/// order (minima and maxima are exact in any order; the sums of squares
/// then do not depend on the thread count).
pub(crate) fn scan_columns(x: &dyn Regressors, y: &[f64]) -> ColumnScan {
    let k = x.n_cols();
    let empty = [(f64::INFINITY, f64::NEG_INFINITY); 2];
    let mut scan = ColumnScan {
        sq: vec![0.0; k],
        ranges: vec![empty; k],
    };
    linalg::map_blocks(
        y.len(),
        |r| {
            (0..k)
                .map(|j| reduce::sq_min_max_split(&x.column(j)[r.clone()], &y[r.clone()]))
                .collect::<Vec<_>>()
        },
        |part| {
            for (j, (sq, ranges)) in part.into_iter().enumerate() {
                scan.sq[j] += sq;
                scan.ranges[j] = widen(scan.ranges[j], ranges);
            }
        },
    );
    scan
}

/// Check each regressor on its own for separation of `y`.
pub fn check_single_regressors(
    x: &dyn Regressors,
    y: &[f64],
    names: &[String],
    outcome: &str,
) -> Result<(), EstimateError> {
    check_ranges(x, &scan_columns(x, y).ranges, names, outcome)
}

/// [`check_single_regressors`] from the columns' ranges on either side of
/// the outcome ([`scan_columns`]): the first separating column in design
/// order is reported.
pub(crate) fn check_ranges(
    x: &dyn Regressors,
    ranges: &[[(f64, f64); 2]],
    names: &[String],
    outcome: &str,
) -> Result<(), EstimateError> {
    match (0..names.len())
        .find_map(|j| column_separation(x.column(j), ranges[j], &names[j], outcome))
    {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The union of two per-group ranges.
fn widen(a: [(f64, f64); 2], b: [(f64, f64); 2]) -> [(f64, f64); 2] {
    [0, 1].map(|g| (a[g].0.min(b[g].0), a[g].1.max(b[g].1)))
}

/// The separation error of one regressor `c`, if its `ranges` over the rows
/// with `y = 0` and with `y = 1` separate `y`.
fn column_separation(
    c: &[f64],
    ranges: [(f64, f64); 2],
    name: &str,
    outcome: &str,
) -> Option<EstimateError> {
    let [(lo0, hi0), (lo1, hi1)] = ranges;
    if lo0.min(lo1) == hi0.max(hi1) {
        return None;
    }
    let dummy = || c.iter().all(|&v| v == 0.0 || v == 1.0);
    let (complete, detail) = if hi0 <= lo1 {
        (hi0 < lo1, describe(name, dummy(), true, hi0, lo1))
    } else if hi1 <= lo0 {
        (hi1 < lo0, describe(name, dummy(), false, hi1, lo0))
    } else {
        return None;
    };
    Some(EstimateError::Separation {
        kind: if complete {
            "complete"
        } else {
            "quasi-complete"
        }
        .into(),
        column: name.to_string(),
        outcome: outcome.to_string(),
        detail,
    })
}

/// After a fit: quasi-complete separation by a combination of regressors.
pub fn check_after_fit(
    x: &dyn Regressors,
    eta: &[f64],
    beta: &[f64],
    names: &[String],
    outcome: &str,
    w: Option<&[f64]>,
) -> Result<(), EstimateError> {
    let saturated = eta.iter().filter(|e| e.abs() > SATURATED_INDEX).count();
    if saturated == 0 {
        return Ok(());
    }
    let worst = diverging_column(x, beta, names, DIVERGED_INDEX, w);
    match worst {
        Some((j, _)) => Err(EstimateError::Separation {
            kind: "quasi-complete".into(),
            column: names[j].clone(),
            outcome: outcome.to_string(),
            detail: format!(
                "(jointly with other regressors) exactly for {saturated} observations \
                 whose fitted probabilities are 0 or 1; its coefficient diverges ({:.3e})",
                beta[j]
            ),
        }),
        None => Ok(()),
    }
}

/// The non-constant column whose coefficient moves the index the most per
/// standard deviation of its regressor, `|b_j| sd(x_j)`, if that exceeds
/// `threshold`: the diverging coefficient to blame for separation.
/// With frequency weights `w`, the SD is that of the rows repeated w_i times.
pub fn diverging_column(
    x: &dyn Regressors,
    beta: &[f64],
    names: &[String],
    threshold: f64,
    w: Option<&[f64]>,
) -> Option<(usize, f64)> {
    let wt = |i: usize| w.map_or(1.0, |w| w[i]);
    let n: f64 = (0..x.n_rows()).map(wt).sum();
    (0..x.n_cols())
        .filter(|&j| names[j] != "const")
        .map(|j| {
            let c = x.column(j);
            let m = c.iter().enumerate().map(|(i, v)| wt(i) * v).sum::<f64>() / n;
            let ss: f64 = c
                .iter()
                .enumerate()
                .map(|(i, v)| wt(i) * (v - m) * (v - m))
                .sum();
            (j, (beta[j] * (ss / n).sqrt()).abs())
        })
        .filter(|p| p.1 > threshold)
        .max_by(|a, b| a.1.total_cmp(&b.1))
}
