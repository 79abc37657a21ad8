//! Input checks shared by the design-matrix estimators, run before fitting.

use rayon::prelude::*;

use super::{EstimateError, linalg, separation};
use crate::data::{Design, Regressors};

/// Dimensions agree, values are finite and there are more observations than
/// parameters. Returns each column's sum of squares `sum_i x_ij^2`, which
/// the finiteness check computes on the way (finite sums: finite columns).
pub fn check_shape<X: Regressors>(d: &Design<X>) -> Result<Vec<f64>, EstimateError> {
    check_shape_by(d, || {
        (0..d.k())
            .into_par_iter()
            .map(|j| sum_of_squares(d.x.column(j)))
            .collect()
    })
}

/// [`check_shape`] of a binary model's design, whose one read of the
/// regressors also finds their ranges on either side of the outcome for the
/// separation check ([`separation::scan_columns`]).
pub(crate) fn check_binary_shape<X: Regressors>(
    d: &Design<X>,
) -> Result<separation::ColumnScan, EstimateError> {
    let mut ranges = Vec::new();
    let sq = check_shape_by(d, || {
        let scan = separation::scan_columns(&d.x, &d.y);
        ranges = scan.ranges;
        scan.sq
    })?;
    Ok(separation::ColumnScan { sq, ranges })
}

/// [`check_shape`] with the columns' sums of squares from `sq_of`, called
/// once the dimensions and the outcome have passed.
fn check_shape_by<X: Regressors>(
    d: &Design<X>,
    sq_of: impl FnOnce() -> Vec<f64>,
) -> Result<Vec<f64>, EstimateError> {
    let (n, k) = (d.n(), d.k());
    if d.x.n_rows() != n || d.names.len() != k {
        return Err(EstimateError::Invalid(format!(
            "design has {} rows, {} outcome values, {} columns and {} names",
            d.x.n_rows(),
            n,
            k,
            d.names.len()
        )));
    }
    if n <= k {
        return Err(EstimateError::TooFewObservations { n, k });
    }
    if let Some(i) = first_non_finite(&d.y) {
        return Err(EstimateError::Invalid(format!(
            "outcome `{}` is not finite in row {}",
            d.y_name,
            i + 1
        )));
    }
    // Columns summed in parallel; a non-finite sum is a non-finite cell (or
    // an overflow), searched for in that column alone. The first bad column
    // in design order is named.
    let sq = sq_of();
    let bad = (0..k)
        .filter(|&j| !sq[j].is_finite())
        .find_map(|j| first_non_finite(d.x.column(j)).map(|i| (j, i)));
    if let Some((j, i)) = bad {
        return Err(EstimateError::Invalid(format!(
            "regressor `{}` is not finite in row {}",
            d.names[j],
            i + 1
        )));
    }
    if let Some(c) = &d.clusters
        && c.ids.len() != n
    {
        return Err(EstimateError::Invalid(format!(
            "cluster variable `{}` has {} ids for {n} rows",
            c.variable,
            c.ids.len()
        )));
    }
    Ok(sq)
}

/// `sum_i v_i^2` in eight independent lanes (vectorised; NaN or infinite if
/// any value is).
fn sum_of_squares(v: &[f64]) -> f64 {
    let mut lanes = [0.0; 8];
    let chunks = v.chunks_exact(8);
    let tail: f64 = chunks.remainder().iter().map(|x| x * x).sum();
    for c in chunks {
        for l in 0..8 {
            lanes[l] += c[l] * c[l];
        }
    }
    lanes.iter().sum::<f64>() + tail
}

/// Index of the first NaN or infinite value: a branch-free scan of fixed
/// chunks (vectorised), then the position inside the first failing chunk.
fn first_non_finite(v: &[f64]) -> Option<usize> {
    const CHUNK: usize = 256;
    v.chunks(CHUNK).enumerate().find_map(|(c, chunk)| {
        let all_finite = chunk.iter().fold(true, |ok, x| ok & x.is_finite());
        if all_finite {
            None
        } else {
            chunk
                .iter()
                .position(|x| !x.is_finite())
                .map(|i| c * CHUNK + i)
        }
    })
}

/// The outcome takes more than one value.
pub fn check_outcome_varies<X: Regressors>(d: &Design<X>) -> Result<(), EstimateError> {
    let first = d.y[0];
    if d.y.iter().all(|&v| v == first) {
        return Err(EstimateError::OutcomeConstant {
            column: d.y_name.clone(),
            value: first,
        });
    }
    Ok(())
}

/// The outcome is 0/1 (row numbers count complete cases from 1).
pub fn check_binary<X: Regressors>(d: &Design<X>, estimator: &str) -> Result<(), EstimateError> {
    // Fixed chunks scanned without a branch per value (a random 0/1 outcome
    // mispredicts a short-circuit test on every other row), then the
    // position inside the first failing chunk.
    const CHUNK: usize = 256;
    let not01 = |v: f64| (v != 0.0) & (v != 1.0);
    let bad = d.y.chunks(CHUNK).enumerate().find_map(|(c, chunk)| {
        chunk
            .iter()
            .fold(false, |any, &v| any | not01(v))
            .then(|| c * CHUNK + chunk.iter().position(|&v| not01(v)).unwrap_or(0))
    });
    match bad {
        Some(i) => Err(EstimateError::OutcomeNotBinary {
            estimator: estimator.into(),
            column: d.y_name.clone(),
            row: i + 1,
            value: d.y[i],
        }),
        None => Ok(()),
    }
}

/// Names of the first exactly collinear set of columns, from the R factor of
/// a QR decomposition of the design (`r'r = X'X`).
pub fn collinear_names<X: Regressors>(r: &faer::Mat<f64>, d: &Design<X>) -> Option<Vec<String>> {
    let k = d.k();
    linalg::first_dependency(r.as_ref().get(..k, ..k), d.n())
        .map(|cols| cols.into_iter().map(|j| d.names[j].clone()).collect())
}

/// No exact collinearity among the regressors (rank-revealing QR).
pub fn check_full_rank<X: Regressors>(d: &Design<X>) -> Result<(), EstimateError> {
    let r = linalg::tsqr_r(&d.x.to_mat(), None);
    match collinear_names(&r, d) {
        Some(columns) => Err(EstimateError::Collinear { columns }),
        None => Ok(()),
    }
}

/// Fewer clusters than this make CR1 standard errors too small (Cameron,
/// Gelbach and Miller 2008; Cameron and Miller 2015 put the threshold near
/// 30-50 clusters).
pub const FEW_CLUSTERS: usize = 30;

/// The warning a cluster-robust (CR1) fit with fewer than [`FEW_CLUSTERS`]
/// groups carries, naming the count; `None` otherwise.
pub fn few_clusters_warning(info: &super::FitInfo) -> Option<String> {
    match &info.covariance {
        Some(super::CovarianceType::Cluster { variable, groups }) if *groups < FEW_CLUSTERS => {
            Some(format!(
                "only {groups} clusters of `{variable}` (fewer than about {FEW_CLUSTERS}): CR1 \
                 standard errors are biased down and t tests over-reject with so few clusters; \
                 prefer a wild-cluster bootstrap (e.g. Webb weights, Stata boottest, R fwildclusterboot)"
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Over 20 seeds: a value other than 0 and 1 placed anywhere in a
    /// random 0/1 outcome (inside the first chunk, past it, in the last
    /// row) is reported at its own row with its value, the first of two;
    /// a clean outcome passes.
    #[test]
    fn a_non_binary_outcome_is_named_at_its_first_row() {
        for seed in 0..20u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let n = rng.random_range(300..3000);
            let y: Vec<f64> = (0..n)
                .map(|_| f64::from(u8::from(rng.random::<bool>())))
                .collect();
            let mut d = Design {
                y_name: "y".into(),
                y,
                x: faer::Mat::from_fn(n, 1, |_, _| 1.0),
                names: vec!["const".into()],
                clusters: None,
                n_dropped: 0,
            };
            assert!(check_binary(&d, "logit").is_ok(), "seed {seed}");
            let at = [rng.random_range(0..256), rng.random_range(256..n), n - 1][seed as usize % 3];
            let later = rng.random_range(at..n);
            d.y[later] = 0.5;
            d.y[at] = if seed % 2 == 0 { 2.0 } else { f64::NAN };
            match check_binary(&d, "logit") {
                Err(EstimateError::OutcomeNotBinary { row, value, .. }) => {
                    assert_eq!(row, at + 1, "seed {seed}");
                    assert!(value.to_bits() == d.y[at].to_bits(), "seed {seed}");
                }
                other => panic!("seed {seed}: {other:?}"),
            }
        }
    }
}
