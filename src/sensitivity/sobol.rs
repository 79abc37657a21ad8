//! Sobol first-order and total indices from the outputs of a Saltelli
//! design ([`SaltelliDesign`](super::design::SaltelliDesign)), with
//! percentile bootstrap intervals.
//!
//! With `f_A`, `f_B`, `f_ABi` the outputs at rows A_j, B_j and A_B^(i)_j
//! and `V` the variance of all `f_A` and `f_B` values:
//!
//! * first order (Saltelli et al. 2010, Table 2 (b)), on the output centred
//!   by the mean `m` of all `f_A` and `f_B` of the full sample, as SALib's
//!   `sobol.analyze` centres it:
//!   `S_i = (1/N) Σ_j (f_B(j) - m) (f_ABi(j) - f_A(j)) / V`
//! * total (Jansen 1999; Saltelli et al. 2010, Table 2 (f)):
//!   `ST_i = (1/(2N)) Σ_j (f_A(j) - f_ABi(j))^2 / V`
//!
//! the estimators SALib's `sobol.analyze` uses. Centring leaves the
//! expectation of `S_i` as it is (`E[f_ABi - f_A] = 0`) but removes the
//! `m² Var(f_ABi - f_A)` term from its variance, which made the interval of
//! an output with a large mean and a small spread (a share near 0.7 moving
//! by 0.01) many times wider than `[0, 1]`; every index is unchanged when a
//! constant is added to the output. An output equal in every row has
//! `V = 0` exactly (not the rounding residue of its mean), so its indices
//! are NaN, reported as undefined. The bootstrap resamples base
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
    /// First-order index `S_i`: the share of the output's variance due to
    /// this parameter alone.
    pub s1: f64,
    /// 2.5% bootstrap percentile of `S_i`.
    pub s1_low: f64,
    /// 97.5% bootstrap percentile of `S_i`.
    pub s1_high: f64,
    /// Total index `ST_i`: the share of the variance that involves this
    /// parameter, alone or with others.
    pub st: f64,
    /// 2.5% bootstrap percentile of `ST_i`.
    pub st_low: f64,
    /// 97.5% bootstrap percentile of `ST_i`.
    pub st_high: f64,
}

/// Outputs of a Saltelli design for one scalar output, split into blocks.
#[derive(Debug, Clone)]
pub struct SaltelliOutputs {
    /// `a[j]`: output at A_j.
    pub a: Vec<f64>,
    /// `b[j]`: output at B_j.
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

    /// The mean `m` of every `f_A` and `f_B`, the centre of `S_i`.
    fn centre(&self) -> f64 {
        let all = self.a.iter().chain(&self.b);
        all.clone().sum::<f64>() / all.count().max(1) as f64
    }

    /// Point estimates (S_i, ST_i) of every parameter over base samples
    /// `js`, the output centred at `m`.
    fn estimate(&self, js: &[usize], m: f64) -> Vec<(f64, f64)> {
        let n = js.len() as f64;
        let all = js.iter().flat_map(|&j| [self.a[j], self.b[j]]);
        let constant = {
            let mut it = all.clone();
            let first = it.next();
            it.all(|y| Some(y) == first)
        };
        let mean = all.clone().sum::<f64>() / (2.0 * n);
        let v = if constant {
            0.0
        } else {
            all.map(|y| (y - mean) * (y - mean)).sum::<f64>() / (2.0 * n)
        };
        self.ab
            .iter()
            .map(|abi| {
                let (mut s1, mut st) = (0.0, 0.0);
                for &j in js {
                    s1 += (self.b[j] - m) * (abi[j] - self.a[j]);
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
    let m = out.centre();
    let point = out.estimate(&all, m);
    let k = point.len();
    let reps: Vec<Vec<(f64, f64)>> = (0..boot)
        .into_par_iter()
        .map(|b| {
            let mut rng = seed::stream(master, b as u64, Component::Bootstrap);
            let js: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
            out.estimate(&js, m)
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

    /// Adding a constant to the output changes no index (the variance-based
    /// indices are shift invariant): the point estimates and intervals of
    /// `f` and `f + 700` agree. Without the centring the S1 interval of the
    /// shifted output was hundreds of times wider.
    #[test]
    fn indices_do_not_move_when_a_constant_is_added() {
        let f = |x: f64, y: f64| 0.01 * x + 0.003 * y * y;
        let (mut a, mut b, mut ab1, mut ab2) = (vec![], vec![], vec![], vec![]);
        for j in 0..64 {
            let (x, y) = ((j as f64 * 0.618).fract(), (j as f64 * 0.414).fract());
            let (x2, y2) = ((j as f64 * 0.319).fract(), (j as f64 * 0.732).fract());
            a.push(f(x, y));
            b.push(f(x2, y2));
            ab1.push(f(x2, y));
            ab2.push(f(x, y2));
        }
        let shifted = |v: &[f64]| v.iter().map(|y| y + 700.0).collect::<Vec<_>>();
        let plain = SaltelliOutputs {
            a: a.clone(),
            b: b.clone(),
            ab: vec![ab1.clone(), ab2.clone()],
        };
        let moved = SaltelliOutputs {
            a: shifted(&a),
            b: shifted(&b),
            ab: vec![shifted(&ab1), shifted(&ab2)],
        };
        let (p, q) = (sobol_indices(&plain, 200, 3), sobol_indices(&moved, 200, 3));
        for (p, q) in p.iter().zip(&q) {
            for (x, y) in [
                (p.s1, q.s1),
                (p.s1_low, q.s1_low),
                (p.s1_high, q.s1_high),
                (p.st, q.st),
                (p.st_high, q.st_high),
            ] {
                assert!((x - y).abs() < 1e-6, "{p:?} vs {q:?}");
            }
            assert!(q.s1_high - q.s1_low < 1.0, "{q:?}");
        }
    }

    /// An output equal in every row (0.1, whose mean over 2N rows is not
    /// exactly 0.1 in floating point) has undefined indices, not zeros
    /// divided by a rounding residue.
    #[test]
    fn a_constant_output_has_undefined_indices() {
        let c = vec![0.1; 10];
        let out = SaltelliOutputs {
            a: c.clone(),
            b: c.clone(),
            ab: vec![c],
        };
        let idx = sobol_indices(&out, 20, 1);
        assert!(idx[0].s1.is_nan() && idx[0].st.is_nan(), "{idx:?}");
    }
}
