//! Cut points: categories of the outcome, the ordered reparametrisation used
//! during estimation, and the thresholds-only (null) model.

use crate::numeric::Link;

/// `kappa_1 = a_1`, `kappa_j = kappa_{j-1} + exp(a_j)`: any real `a` gives
/// strictly increasing cut points.
pub fn to_kappa(a: &[f64]) -> Vec<f64> {
    let mut acc = 0.0;
    a.iter()
        .enumerate()
        .map(|(j, &v)| {
            acc = if j == 0 { v } else { acc + v.exp() };
            acc
        })
        .collect()
}

/// Inverse of [`to_kappa`] for strictly increasing `kappa`.
pub fn from_kappa(kappa: &[f64]) -> Vec<f64> {
    kappa
        .iter()
        .enumerate()
        .map(|(j, &v)| if j == 0 { v } else { (v - kappa[j - 1]).ln() })
        .collect()
}

/// Jacobian `d kappa / d a` (lower triangular, row-major `m x m`):
/// `d kappa_j / d a_1 = 1`, `d kappa_j / d a_m = exp(a_m)` for `2 <= m <= j`.
pub fn jacobian(a: &[f64]) -> Vec<f64> {
    let m = a.len();
    let mut jac = vec![0.0; m * m];
    for j in 0..m {
        for c in 0..=j {
            jac[j * m + c] = if c == 0 { 1.0 } else { a[c].exp() };
        }
    }
    jac
}

/// Distinct outcome values in increasing order and each row's category index.
pub fn categorize(y: &[f64]) -> (Vec<f64>, Vec<usize>) {
    let mut values: Vec<f64> = y.to_vec();
    values.sort_by(f64::total_cmp);
    values.dedup();
    let cat = y
        .iter()
        .map(|v| values.partition_point(|c| c < v))
        .collect();
    (values, cat)
}

/// Threshold names as statsmodels' `OrderedModel` writes them: `low/high`
/// for each pair of adjacent categories (`1/2`, `2/3`; `0.5/1.5`).
pub fn threshold_names(values: &[f64]) -> Vec<String> {
    values
        .windows(2)
        .map(|w| format!("{}/{}", w[0], w[1]))
        .collect()
}

/// Observations per category.
pub fn counts(cat: &[usize], ncat: usize) -> Vec<usize> {
    let mut c = vec![0; ncat];
    for &j in cat {
        c[j] += 1;
    }
    c
}

/// Null-model cut points `kappa_j = F^-1(share of y <= j)`, the MLE of the
/// thresholds-only model.
pub fn null_kappa(link: Link, counts: &[usize]) -> Vec<f64> {
    let n: usize = counts.iter().sum();
    let mut cum = 0;
    counts[..counts.len() - 1]
        .iter()
        .map(|&c| {
            cum += c;
            link.inverse_cdf(cum as f64 / n as f64)
        })
        .collect()
}

/// Null log-likelihood `sum_j n_j ln(n_j / n)`, the same for every link.
pub fn null_log_likelihood(counts: &[usize]) -> f64 {
    let n: usize = counts.iter().sum();
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| c as f64 * (c as f64 / n as f64).ln())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reparametrisation_round_trips_and_jacobian_is_exact() {
        let kappa = [-0.7, 0.1, 2.5];
        let a = from_kappa(&kappa);
        let back = to_kappa(&a);
        assert!(kappa.iter().zip(&back).all(|(x, y)| (x - y).abs() < 1e-14));
        let jac = jacobian(&a);
        let h = 1e-6;
        for c in 0..3 {
            let mut ap = a.clone();
            let mut am = a.clone();
            ap[c] += h;
            am[c] -= h;
            let (kp, km) = (to_kappa(&ap), to_kappa(&am));
            for j in 0..3 {
                let fd = (kp[j] - km[j]) / (2.0 * h);
                assert!((fd - jac[j * 3 + c]).abs() < 1e-8, "j={j} c={c}");
            }
        }
    }

    #[test]
    fn categories_are_sorted_distinct_values() {
        let (values, cat) = categorize(&[4.0, 0.0, 2.0, 4.0, 1.0]);
        assert_eq!(values, vec![0.0, 1.0, 2.0, 4.0]);
        assert_eq!(cat, vec![3, 0, 2, 3, 1]);
        assert_eq!(threshold_names(&values), vec!["0/1", "1/2", "2/4"]);
        assert_eq!(threshold_names(&[0.5, 1.5]), vec!["0.5/1.5"]);
    }
}
