//! Brant (1990) test of the parallel-lines (proportional odds) assumption of
//! the ordered logit, as Stata's `brant` and R's `brant` compute it.
//!
//! Fit the J-1 binary logits of `z_j = 1[y > j]` on `(1, X)`. With
//! `p_{ij} = P(z_ij = 1)` and `W_jm = diag(p_m (1 - p_j))` for `m >= j`
//! (`E[z_j z_m] = p_m`), the stacked estimates have covariance blocks
//! `V_jm = (X'W_jj X)^-1 X'W_jm X (X'W_mm X)^-1` (Brant 1990, eq. 8). The
//! Wald statistic for `b_1 = b_2 = ... = b_{J-1}` on the slopes is
//! `(D b)' (D V D')^-1 (D b)`, `D` the contrasts `b_1 - b_m`; df = k(J-2)
//! (omnibus) or J-2 (one variable).
//!
//! Each binary logit is `estimate::binary::Logit` on `(const, X)` with
//! classical errors, so `(X'W_jj X)^-1` is its covariance.

use std::fmt;

use faer::Mat;
use serde::{Deserialize, Serialize};

use super::likelihood::OrderedData;
use crate::data::Design;
use crate::estimate::{EstimateError, FitOptions, Logit, SeKind, linalg};

/// Why the Brant test could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BrantError {
    #[error("binary logit {split}: {source}")]
    SplitFit {
        split: String,
        source: EstimateError,
    },
    #[error("binary logit {split}: it did not converge in {iterations} iterations")]
    SplitNotConverged { split: String, iterations: usize },
    #[error("the covariance of the slope differences for `{name}` is singular")]
    SingularDifferences { name: String },
}

/// One Wald test of equal slopes across the binary splits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaldRow {
    pub name: String,
    pub chi2: f64,
    pub df: usize,
    pub p_value: f64,
}

/// The omnibus test and one test per regressor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrantTest {
    pub omnibus: WaldRow,
    pub variables: Vec<WaldRow>,
    /// Binary splits, `y>1`, `y>2`, ... (with the outcome's name)
    pub splits: Vec<String>,
    /// Slopes of each binary logit (one row per split, regressors in design order).
    pub binary_slopes: Vec<Vec<f64>>,
}

/// One fitted split: coefficients, fitted probabilities, `(X'WX)^-1`.
struct Split {
    coef: Vec<f64>,
    prob: Vec<f64>,
    inv_info: Mat<f64>,
}

/// Binary logit of the split `z` (labelled `split`) on the design `xc`
/// (constant first).
fn fit_split(
    xc: &mut Design,
    split: &str,
    z: Vec<f64>,
    max_iter: usize,
    tol: f64,
) -> Result<Split, BrantError> {
    xc.y = z;
    let opts = FitOptions {
        se: SeKind::Classical,
        max_iter,
        tol,
        ..FitOptions::default()
    };
    let fit = Logit::new(opts)
        .fit_full(xc)
        .map_err(|source| BrantError::SplitFit {
            split: split.to_string(),
            source,
        })?;
    if !fit.result.info.converged {
        return Err(BrantError::SplitNotConverged {
            split: split.to_string(),
            iterations: fit.result.info.iterations,
        });
    }
    Ok(Split {
        prob: fit.probabilities(),
        coef: fit.beta.iter().copied().collect(),
        inv_info: fit.vcov,
    })
}

/// Brant test for an ordered-logit design; `Err` explains why it could not
/// be computed (a binary split that separates or does not converge).
pub fn brant_test(
    data: &OrderedData<'_>,
    y_name: &str,
    names: &[String],
    values: &[f64],
    max_iter: usize,
    tol: f64,
) -> Result<BrantTest, BrantError> {
    let (n, k) = (data.x.nrows(), data.k());
    let mut xc = Design {
        y_name: y_name.to_string(),
        y: Vec::new(),
        x: Mat::<f64>::from_fn(
            n,
            k + 1,
            |i, j| if j == 0 { 1.0 } else { data.x[(i, j - 1)] },
        ),
        names: std::iter::once("const".to_string())
            .chain(names.iter().cloned())
            .collect(),
        clusters: None,
        n_dropped: 0,
    };
    let mut splits = Vec::with_capacity(data.ncat - 1);
    let mut labels = Vec::with_capacity(data.ncat - 1);
    for (j, value) in values[..data.ncat - 1].iter().enumerate() {
        let z: Vec<f64> = data
            .cat
            .iter()
            .map(|&c| if c > j { 1.0 } else { 0.0 })
            .collect();
        let label = format!("{y_name}>{value}");
        splits.push(fit_split(&mut xc, &label, z, max_iter, tol)?);
        labels.push(label);
    }
    let v = stacked_covariance(&xc.x, &splits, k);
    let b: Vec<f64> = splits.iter().flat_map(|s| s.coef[1..].to_vec()).collect();
    let m = splits.len();
    let all: Vec<(usize, usize)> = (1..m).flat_map(|r| (0..k).map(move |c| (r, c))).collect();
    let omnibus = wald("All", &all, &b, &v, k)?;
    let variables = (0..k)
        .map(|c| {
            let rows: Vec<(usize, usize)> = (1..m).map(|r| (r, c)).collect();
            wald(&names[c], &rows, &b, &v, k)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(BrantTest {
        omnibus,
        variables,
        splits: labels,
        binary_slopes: splits.iter().map(|s| s.coef[1..].to_vec()).collect(),
    })
}

/// Covariance of the stacked slopes (constant excluded), `mk x mk`.
fn stacked_covariance(xc: &Mat<f64>, splits: &[Split], k: usize) -> Mat<f64> {
    let m = splits.len();
    let mut v = Mat::<f64>::zeros(m * k, m * k);
    for a in 0..m {
        for b in a..m {
            let block = if a == b {
                splits[a].inv_info.clone()
            } else {
                let w: Vec<f64> = splits[a]
                    .prob
                    .iter()
                    .zip(&splits[b].prob)
                    .map(|(pa, pb)| pb * (1.0 - pa))
                    .collect();
                let mid = linalg::weighted_gram(xc, &w);
                &splits[a].inv_info * &mid * &splits[b].inv_info
            };
            for r in 0..k {
                for c in 0..k {
                    v[(a * k + r, b * k + c)] = block[(r + 1, c + 1)];
                    v[(b * k + c, a * k + r)] = block[(r + 1, c + 1)];
                }
            }
        }
    }
    v
}

/// Wald test of `b_{1,c} - b_{r,c} = 0` over the `(r, c)` pairs given.
fn wald(
    name: &str,
    rows: &[(usize, usize)],
    b: &[f64],
    v: &Mat<f64>,
    k: usize,
) -> Result<WaldRow, BrantError> {
    let q = rows.len();
    let d = Mat::<f64>::from_fn(q, b.len(), |i, col| {
        let (r, c) = rows[i];
        if col == c {
            1.0
        } else if col == r * k + c {
            -1.0
        } else {
            0.0
        }
    });
    let db: Vec<f64> = (0..q)
        .map(|i| (0..b.len()).map(|c| d[(i, c)] * b[c]).sum())
        .collect();
    let dvd = &d * v * d.transpose();
    let sol =
        linalg::spd_solve(dvd.as_ref(), &db).ok_or_else(|| BrantError::SingularDifferences {
            name: name.to_string(),
        })?;
    let chi2: f64 = db.iter().zip(&sol).map(|(a, s)| a * s).sum();
    let p_value = crate::estimate::dist::chi2_sf(chi2, q as f64);
    Ok(WaldRow {
        name: name.to_string(),
        chi2,
        df: q,
        p_value,
    })
}

impl fmt::Display for BrantTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = self
            .variables
            .iter()
            .map(|r| r.name.len())
            .max()
            .unwrap_or(3)
            .max(12);
        writeln!(f, "Brant test of parallel regression assumption")?;
        writeln!(f, "{}", "-".repeat(w + 30))?;
        writeln!(f, "{:<w$} {:>12} {:>6} {:>10}", "", "chi2", "df", "P>chi2")?;
        writeln!(f, "{}", "-".repeat(w + 30))?;
        for r in std::iter::once(&self.omnibus).chain(&self.variables) {
            writeln!(
                f,
                "{:<w$} {:>12.4} {:>6} {:>10.4}",
                r.name, r.chi2, r.df, r.p_value
            )?;
        }
        writeln!(f, "{}", "-".repeat(w + 30))?;
        writeln!(
            f,
            "A significant test statistic is evidence that the parallel regression assumption has been violated."
        )
    }
}
