//! Covariate balance before and after matching (as psmatch2's `pstest`).
//!
//! For each covariate: means of treated and controls, the standardised mean
//! difference SMD = 100 (mean_t - mean_c) / sqrt((V_t + V_c) / 2) with the
//! *unmatched* sample variances in the denominator both before and after
//! matching (Rosenbaum & Rubin 1985), and the variance ratio V_t / V_c.
//! After matching, treated units count once if matched and controls carry
//! their matching weight w_j = sum_i w_ij; weighted variances use the
//! reliability-weight divisor sum w - sum w^2 / sum w.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One covariate's balance row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceRow {
    pub variable: String,
    pub mean_treated_before: f64,
    pub mean_control_before: f64,
    pub smd_before: f64,
    pub var_ratio_before: f64,
    pub mean_treated_after: f64,
    pub mean_control_after: f64,
    pub smd_after: f64,
    pub var_ratio_after: f64,
}

/// The balance table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Balance {
    pub rows: Vec<BalanceRow>,
}

/// Weighted mean and variance (reliability weights); NaN variance if undefined.
fn moments(x: &[f64], w: &[f64]) -> (f64, f64) {
    let sw: f64 = w.iter().sum();
    let sw2: f64 = w.iter().map(|v| v * v).sum();
    let mean = x.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / sw;
    let ss: f64 = x.iter().zip(w).map(|(a, b)| b * (a - mean).powi(2)).sum();
    let den = sw - sw2 / sw;
    (mean, if den > 0.0 { ss / den } else { f64::NAN })
}

/// Balance of `columns` (name, values per row) between the arms.
/// `after_weight[i]` is the unit's weight in the matched sample (0 = unused).
/// Regression-based matching (local linear, spline) can give donors negative
/// weights; the after-matching moments use the positively weighted units
/// only.
pub fn balance(columns: &[(String, Vec<f64>)], treated: &[bool], after_weight: &[f64]) -> Balance {
    let pick = |v: &[f64], arm: bool, w: Option<&[f64]>| -> (Vec<f64>, Vec<f64>) {
        (0..v.len())
            .filter(|&i| treated[i] == arm && w.is_none_or(|w| w[i] > 0.0))
            .map(|i| (v[i], w.map_or(1.0, |w| w[i])))
            .unzip()
    };
    let rows = columns
        .iter()
        .map(|(name, v)| {
            let (xt, wt) = pick(v, true, None);
            let (xc, wc) = pick(v, false, None);
            let (mt, vt) = moments(&xt, &wt);
            let (mc, vc) = moments(&xc, &wc);
            let sd = ((vt + vc) / 2.0).sqrt();
            let (xt2, wt2) = pick(v, true, Some(after_weight));
            let (xc2, wc2) = pick(v, false, Some(after_weight));
            let (mt2, vt2) = moments(&xt2, &wt2);
            let (mc2, vc2) = moments(&xc2, &wc2);
            BalanceRow {
                variable: name.clone(),
                mean_treated_before: mt,
                mean_control_before: mc,
                smd_before: 100.0 * (mt - mc) / sd,
                var_ratio_before: vt / vc,
                mean_treated_after: mt2,
                mean_control_after: mc2,
                smd_after: 100.0 * (mt2 - mc2) / sd,
                var_ratio_after: vt2 / vc2,
            }
        })
        .collect();
    Balance { rows }
}

impl Balance {
    /// JSON for `FitResult::tables["balance"]`.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

impl fmt::Display for Balance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = self
            .rows
            .iter()
            .map(|r| r.variable.len())
            .max()
            .unwrap_or(8)
            .max(8);
        writeln!(
            f,
            "{:<w$} {:>10} {:>10} {:>8} {:>7} | {:>10} {:>10} {:>8} {:>7}",
            "balance",
            "treated",
            "control",
            "%bias",
            "V(T)/V(C)",
            "treated",
            "control",
            "%bias",
            "V(T)/V(C)"
        )?;
        writeln!(f, "{:<w$} {:^38} | {:^38}", "", "unmatched", "matched")?;
        for r in &self.rows {
            writeln!(
                f,
                "{:<w$} {:>10.4} {:>10.4} {:>8.1} {:>7.2} | {:>10.4} {:>10.4} {:>8.1} {:>7.2}",
                r.variable,
                r.mean_treated_before,
                r.mean_control_before,
                r.smd_before,
                r.var_ratio_before,
                r.mean_treated_after,
                r.mean_control_after,
                r.smd_after,
                r.var_ratio_after
            )?;
        }
        Ok(())
    }
}
