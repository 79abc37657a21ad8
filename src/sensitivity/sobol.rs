//! Sobol first-order and total indices from the outputs of a Saltelli
//! design ([`SaltelliDesign`](super::design::SaltelliDesign)), with
//! percentile bootstrap intervals.
//!
//! With `f_A`, `f_B`, `f_ABi` the outputs at rows A_j, B_j and A_B^(i)_j
//! and `V` the variance of all `f_A` and `f_B` values:
//!
//! * first order (Saltelli et al. 2010, Table 2 (b)):
//!   `S_i = (1/N) Σ_j f_B(j) (f_ABi(j) - f_A(j)) / V`
//! * total (Jansen 1999; Saltelli et al. 2010, Table 2 (f)):
//!   `ST_i = (1/(2N)) Σ_j (f_A(j) - f_ABi(j))^2 / V`
//!
//! the estimators SALib's `sobol.analyze` uses. The bootstrap resamples base
//! samples `j` with replacement (resample `b` drawn from
//! `seed::derive(master, b, Bootstrap)`) and reports the 2.5% and 97.5%
//! percentiles. Written here: no Rust crate implements these estimators.

use rand::Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::error::SensitivityError;
use crate::seed::{self, Component};

/// Indices of one parameter for one output.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SobolIndex {
    pub s1: f64,
    pub s1_low: f64,
    pub s1_high: f64,
    pub st: f64,
    pub st_low: f64,
    pub st_high: f64,
}

/// Outputs of a Saltelli design for one scalar output, split into blocks.
#[derive(Debug, Clone)]
pub struct SaltelliOutputs {
    pub a: Vec<f64>,
    pub b: Vec<f64>,
    /// `ab[i][j]`: output at A_B^(i)_j.
    pub ab: Vec<Vec<f64>>,
}

impl SaltelliOutputs {
    /// Split design-ordered outputs (row `j(k+2) + m`) of `k` parameters.
    pub fn split(y: &[f64], k: usize) -> Result<SaltelliOutputs, SensitivityError> {
        if k == 0 {
            return Err(SensitivityError::NoParams);
        }
        if !y.len().is_multiple_of(k + 2) || y.is_empty() {
            return Err(SensitivityError::RowCount {
                expected: (y.len() / (k + 2)).max(1) * (k + 2),
                got: y.len(),
            });
        }
        let n = y.len() / (k + 2);
        let at = |m: usize| (0..n).map(|j| y[j * (k + 2) + m]).collect::<Vec<f64>>();
        Ok(SaltelliOutputs {
            a: at(0),
            b: at(1),
            ab: (0..k).map(|i| at(2 + i)).collect(),
        })
    }

    fn n(&self) -> usize {
        self.a.len()
    }

    /// Point estimates (S_i, ST_i) of every parameter over base samples `js`.
    fn estimate(&self, js: &[usize]) -> Vec<(f64, f64)> {
        let n = js.len() as f64;
        let all = js.iter().flat_map(|&j| [self.a[j], self.b[j]]);
        let mean = all.clone().sum::<f64>() / (2.0 * n);
        let v = all.map(|y| (y - mean) * (y - mean)).sum::<f64>() / (2.0 * n);
        self.ab
            .iter()
            .map(|abi| {
                let (mut s1, mut st) = (0.0, 0.0);
                for &j in js {
                    s1 += self.b[j] * (abi[j] - self.a[j]);
                    st += (self.a[j] - abi[j]) * (self.a[j] - abi[j]);
                }
                (s1 / n / v, st / (2.0 * n) / v)
            })
            .collect()
    }
}

/// Sobol indices of every parameter with `boot` bootstrap resamples.
/// Non-finite outputs make every index NaN (the variance is undefined).
pub fn sobol_indices(out: &SaltelliOutputs, boot: usize, master: u64) -> Vec<SobolIndex> {
    let n = out.n();
    let all: Vec<usize> = (0..n).collect();
    let point = out.estimate(&all);
    let k = point.len();
    let reps: Vec<Vec<(f64, f64)>> = (0..boot)
        .into_par_iter()
        .map(|b| {
            let mut rng = seed::stream(master, b as u64, Component::Bootstrap);
            let js: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
            out.estimate(&js)
        })
        .collect();
    (0..k)
        .map(|i| {
            let s1: Vec<f64> = reps.iter().map(|r| r[i].0).collect();
            let st: Vec<f64> = reps.iter().map(|r| r[i].1).collect();
            let (s1_low, s1_high) = percentiles(s1);
            let (st_low, st_high) = percentiles(st);
            SobolIndex {
                s1: point[i].0,
                s1_low,
                s1_high,
                st: point[i].1,
                st_low,
                st_high,
            }
        })
        .collect()
}

/// 2.5% and 97.5% percentiles (linear interpolation between order
/// statistics, numpy's default); NaN when any value is not finite.
pub fn percentiles(mut v: Vec<f64>) -> (f64, f64) {
    if v.is_empty() || v.iter().any(|x| !x.is_finite()) {
        return (f64::NAN, f64::NAN);
    }
    v.sort_by(f64::total_cmp);
    (quantile(&v, 0.025), quantile(&v, 0.975))
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = q * (sorted.len() - 1) as f64;
    let (lo, frac) = (h.floor() as usize, h - h.floor());
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + frac * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// numpy.percentile([1..10], [2.5, 97.5]) = [1.225, 9.775].
    #[test]
    fn percentiles_match_numpy() {
        let (lo, hi) = percentiles((1..=10).map(f64::from).collect());
        assert!((lo - 1.225).abs() < 1e-12 && (hi - 9.775).abs() < 1e-12);
    }

    /// f = x1 (additive in one input): S1 = ST = 1 for x1, 0 for x2, exactly
    /// for any sample since f_ABi - f_A is 0 for the inert input.
    #[test]
    fn an_inert_input_has_zero_indices() {
        let a = vec![0.1, 0.7, 0.4, 0.9];
        let b = vec![0.5, 0.2, 0.8, 0.3];
        let out = SaltelliOutputs {
            ab: vec![b.clone(), a.clone()],
            a,
            b,
        };
        let idx = sobol_indices(&out, 50, 1);
        assert_eq!((idx[1].s1, idx[1].st), (0.0, 0.0));
    }
}
