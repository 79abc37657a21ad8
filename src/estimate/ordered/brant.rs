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
//! The binary logit here is a minimal one on the local Newton solver;
//! `estimate::binary` replaces it when the branches meet.

use std::fmt;

use faer::{Mat, MatRef};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::likelihood::{OrderedData, add_weighted_gram};
use super::link::Link;
use super::solver::{self, Concave};

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

/// Logit of a 0/1 outcome on `X` with a leading constant column.
struct BinaryLogit<'a> {
    x: MatRef<'a, f64>,
    z: &'a [f64],
}

impl BinaryLogit<'_> {
    fn index(&self, b: &[f64]) -> Vec<f64> {
        let mut eta = vec![0.0; self.x.nrows()];
        for (j, bj) in b.iter().enumerate() {
            for (e, xv) in eta.iter_mut().zip(self.x.col(j).iter()) {
                *e += bj * xv;
            }
        }
        eta
    }

    fn probabilities(&self, b: &[f64]) -> Vec<f64> {
        self.index(b).iter().map(|&e| Link::Logit.cdf(e)).collect()
    }
}

impl Concave for BinaryLogit<'_> {
    fn value(&self, b: &[f64]) -> f64 {
        let eta = self.index(b);
        eta.iter()
            .zip(self.z)
            .map(|(&e, &z)| {
                if z > 0.5 {
                    Link::Logit.ln_cdf(e)
                } else {
                    Link::Logit.ln_sf(e)
                }
            })
            .sum()
    }

    fn derivatives(&self, b: &[f64]) -> (f64, Vec<f64>, Mat<f64>) {
        let p = self.probabilities(b);
        let resid: Vec<f64> = p.iter().zip(self.z).map(|(p, z)| z - p).collect();
        let grad = (0..self.x.ncols())
            .map(|j| self.x.col(j).iter().zip(&resid).map(|(x, r)| x * r).sum())
            .collect();
        let w: Vec<f64> = p.iter().map(|p| -p * (1.0 - p)).collect();
        let mut hess = Mat::<f64>::zeros(self.x.ncols(), self.x.ncols());
        add_weighted_gram(self.x, &w, hess.as_mut());
        (self.value(b), grad, hess)
    }
}

/// One fitted split: coefficients, fitted probabilities, `(X'WX)^-1`.
struct Split {
    coef: Vec<f64>,
    prob: Vec<f64>,
    inv_info: Mat<f64>,
}

fn fit_split(xc: MatRef<'_, f64>, z: &[f64], max_iter: usize, tol: f64) -> Result<Split, String> {
    let share = z.iter().sum::<f64>() / z.len() as f64;
    let mut start = vec![0.0; xc.ncols()];
    start[0] = Link::Logit.quantile(share);
    let model = BinaryLogit { x: xc, z };
    let out = solver::maximize(&model, start, max_iter, tol)
        .map_err(|_| "its information matrix is singular".to_string())?;
    if !out.converged {
        return Err(format!(
            "it did not converge in {} iterations",
            out.iterations
        ));
    }
    let (_, _, hess) = model.derivatives(&out.theta);
    let inv_info = solver::inverse_negative(hess.as_ref())
        .map_err(|_| "its information is singular".to_string())?;
    Ok(Split {
        prob: model.probabilities(&out.theta),
        coef: out.theta,
        inv_info,
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
) -> Result<BrantTest, String> {
    let (n, k) = (data.x.nrows(), data.k());
    let xc = Mat::<f64>::from_fn(
        n,
        k + 1,
        |i, j| if j == 0 { 1.0 } else { data.x[(i, j - 1)] },
    );
    let mut splits = Vec::with_capacity(data.ncat - 1);
    let mut labels = Vec::with_capacity(data.ncat - 1);
    for (j, value) in values[..data.ncat - 1].iter().enumerate() {
        let z: Vec<f64> = data
            .cat
            .iter()
            .map(|&c| if c > j { 1.0 } else { 0.0 })
            .collect();
        let label = format!("{y_name}>{value}");
        splits.push(
            fit_split(xc.as_ref(), &z, max_iter, tol)
                .map_err(|e| format!("binary logit {label}: {e}"))?,
        );
        labels.push(label);
    }
    let v = stacked_covariance(xc.as_ref(), &splits, k);
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
fn stacked_covariance(xc: MatRef<'_, f64>, splits: &[Split], k: usize) -> Mat<f64> {
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
                let mut mid = Mat::<f64>::zeros(k + 1, k + 1);
                add_weighted_gram(xc, &w, mid.as_mut());
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
) -> Result<WaldRow, String> {
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
    let sol = solver::solve_spd(dvd.as_ref(), &db)
        .map_err(|_| format!("the covariance of the slope differences for `{name}` is singular"))?;
    let chi2: f64 = db.iter().zip(&sol).map(|(a, s)| a * s).sum();
    let p_value = ChiSquared::new(q as f64)
        .map(|c| c.sf(chi2))
        .unwrap_or(f64::NAN);
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
