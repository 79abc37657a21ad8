//! The one results type shared by every estimator.
//!
//! Rows of (name, estimate, std_error, ci_low, ci_high, p_value) for
//! coefficients, marginal effects, thresholds and causal effects, plus a map
//! of scalar fit statistics. Renders as a statsmodels-like text table
//! (`Display`) and serialises to the JSON shape of the CLI contract.

use faer::Mat;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

use super::EstimateError;
use super::newton::NewtonOutcome;

use crate::numeric::normal;

/// z quantile of a two-sided 95% interval.
pub const Z_975: f64 = 1.959_963_984_540_054;

/// One estimated quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamRow {
    /// Name of the parameter (design column, `cut1`, `ATT`, ...).
    pub name: String,
    /// Point estimate.
    pub estimate: f64,
    /// Standard error.
    pub std_error: f64,
    /// Lower end of the 95% interval, `estimate - q·se` (q: normal or t quantile).
    pub ci_low: f64,
    /// Upper end of the 95% interval, `estimate + q·se`.
    pub ci_high: f64,
    /// Two-sided p-value of `estimate / se` against 0.
    pub p_value: f64,
}

impl ParamRow {
    /// Wald row with a standard normal reference distribution.
    pub fn normal(name: impl Into<String>, estimate: f64, std_error: f64) -> Self {
        let z = estimate / std_error;
        ParamRow {
            name: name.into(),
            estimate,
            std_error,
            ci_low: estimate - Z_975 * std_error,
            ci_high: estimate + Z_975 * std_error,
            p_value: normal::two_sided_p(z),
        }
    }

    /// Wald row with a Student t reference distribution on `df` degrees of freedom.
    pub fn student_t(name: impl Into<String>, estimate: f64, std_error: f64, df: f64) -> Self {
        use super::dist;
        if df.is_nan() || df <= 0.0 {
            return Self::normal(name, estimate, std_error);
        }
        let q = dist::t_quantile(0.975, df);
        let stat = estimate / std_error;
        let p = (2.0 * dist::t_sf(stat.abs(), df)).min(1.0);
        ParamRow {
            name: name.into(),
            estimate,
            std_error,
            ci_low: estimate - q * std_error,
            ci_high: estimate + q * std_error,
            p_value: p,
        }
    }

    /// Test statistic estimate / std_error.
    pub fn statistic(&self) -> f64 {
        self.estimate / self.std_error
    }
}

/// How the reported standard errors were computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum CovarianceType {
    /// Inverse observed information (MLE) or s^2 (X'X)^-1 (OLS).
    Classical,
    /// HC1 for OLS; n/(n-1)-scaled sandwich for MLE (Stata `vce(robust)`).
    Robust,
    /// CR1 (Stata `vce(cluster)`): for OLS
    /// `G/(G-1)·(n-1)/(n-k)·(X'X)⁻¹ Σ_g X_g'u_g u_g'X_g (X'X)⁻¹`.
    Cluster {
        /// The cluster variable.
        variable: String,
        /// Number of clusters `G`.
        groups: usize,
    },
    /// Bootstrap with the given number of replications.
    Bootstrap {
        /// Bootstrap replications.
        reps: usize,
    },
    /// Abadie-Imbens matching variance.
    AbadieImbens,
    /// Abadie-Imbens (2016) matching variance adjusted for the estimated score.
    AbadieImbens2016,
    /// Quasi-Bayesian Monte Carlo draws (Imai, Keele & Tingley 2010).
    Simulation {
        /// Number of draws.
        sims: usize,
    },
}

impl fmt::Display for CovarianceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CovarianceType::Classical => write!(f, "nonrobust"),
            CovarianceType::Robust => write!(f, "robust"),
            CovarianceType::Cluster { variable, groups } => {
                write!(f, "cluster({variable}, {groups} groups)")
            }
            CovarianceType::Bootstrap { reps } => write!(f, "bootstrap ({reps} reps)"),
            CovarianceType::AbadieImbens => write!(f, "Abadie-Imbens"),
            CovarianceType::AbadieImbens2016 => write!(f, "Abadie-Imbens (2016, estimated score)"),
            CovarianceType::Simulation { sims } => write!(f, "quasi-Bayesian ({sims} sims)"),
        }
    }
}

/// The outcome of any estimator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitResult {
    /// The estimator's CLI name.
    pub estimator: String,
    /// Observations used (complete cases).
    pub n: usize,
    /// Coefficients, in design-column order.
    pub coefficients: Vec<ParamRow>,
    /// Average marginal effects (binary and ordered models), if asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marginal_effects: Vec<ParamRow>,
    /// Cut points of ordered models.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<ParamRow>,
    /// Treatment, mediation or other effects (ATT, ACME, ADE, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<ParamRow>,
    /// Further named lists of rows (e.g. `first_stage`, `interaction_effect`).
    #[serde(flatten)]
    pub extra_rows: BTreeMap<String, Vec<ParamRow>>,
    /// Scalar fit statistics (log_likelihood, aic, bic, pseudo_r2, ...).
    pub fit: BTreeMap<String, f64>,
    /// Estimator-specific tables (balance table, sensitivity grid, Brant test).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tables: BTreeMap<String, serde_json::Value>,
    /// Provenance and health of the fit.
    pub info: FitInfo,
    /// Covariance matrix of `coefficients` then `thresholds`, row-major.
    #[serde(default, skip_serializing)]
    pub vcov: Option<Vec<f64>>,
}

/// Provenance and health of a fit.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FitInfo {
    /// The outcome variable.
    pub dependent: String,
    /// How the standard errors were computed.
    pub covariance: Option<CovarianceType>,
    /// Whether the optimiser met its tolerance.
    pub converged: bool,
    /// Iterations the optimiser took (0 for closed forms).
    pub iterations: usize,
    /// Observations dropped listwise for missing values.
    pub n_dropped: usize,
    /// Non-fatal problems (non-convergence in a Monte Carlo rep, weak instruments...).
    pub warnings: Vec<String>,
}

/// Fit statistics of any maximum-likelihood model with `n_params` free
/// parameters, as statsmodels names them: log_likelihood, ll_null, pseudo_r2
/// (McFadden `1 - ll / ll0`), aic `-2 ll + 2 p`, bic `-2 ll + p ln n`,
/// lr_chi2 `2 (ll - ll0)` on `df_model` degrees of freedom, lr_pvalue,
/// df_model, df_resid `n - p`.
pub fn mle_stats(
    ll: f64,
    ll0: f64,
    n: usize,
    n_params: usize,
    df_model: usize,
) -> BTreeMap<String, f64> {
    let (n, p, df) = (n as f64, n_params as f64, df_model as f64);
    let lr = 2.0 * (ll - ll0);
    let lr_p = super::dist::chi2_sf(lr.max(0.0), df);
    [
        ("log_likelihood", ll),
        ("ll_null", ll0),
        ("pseudo_r2", 1.0 - ll / ll0),
        ("aic", -2.0 * ll + 2.0 * p),
        ("bic", -2.0 * ll + p * n.ln()),
        ("lr_chi2", lr),
        ("lr_pvalue", lr_p),
        ("df_model", df),
        ("df_resid", n - p),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b))
    .collect()
}

impl FitInfo {
    /// Provenance of a Newton fit: the dependent variable, the covariance,
    /// convergence and iterations from `out`, the rows dropped; no warnings.
    pub fn from_newton(
        dependent: &str,
        covariance: CovarianceType,
        out: &NewtonOutcome,
        n_dropped: usize,
    ) -> Self {
        FitInfo {
            dependent: dependent.to_string(),
            covariance: Some(covariance),
            converged: out.converged(),
            iterations: out.iterations,
            n_dropped,
            warnings: Vec::new(),
        }
    }
}

impl FitResult {
    /// An empty result for `estimator` on `n` observations.
    pub fn new(estimator: impl Into<String>, n: usize) -> Self {
        FitResult {
            estimator: estimator.into(),
            n,
            coefficients: Vec::new(),
            marginal_effects: Vec::new(),
            thresholds: Vec::new(),
            effects: Vec::new(),
            extra_rows: BTreeMap::new(),
            fit: BTreeMap::new(),
            tables: BTreeMap::new(),
            info: FitInfo::default(),
            vcov: None,
        }
    }

    /// Find a row by name in any list (coefficients first).
    pub fn row(&self, name: &str) -> Option<&ParamRow> {
        self.coefficients
            .iter()
            .chain(&self.marginal_effects)
            .chain(&self.thresholds)
            .chain(&self.effects)
            .chain(self.extra_rows.values().flatten())
            .find(|r| r.name == name)
    }

    /// Coefficient by name.
    pub fn coef(&self, name: &str) -> Option<&ParamRow> {
        self.coefficients.iter().find(|r| r.name == name)
    }

    /// The coefficient vector, in the order of `coefficients` (the design's
    /// columns).
    pub fn params(&self) -> Vec<f64> {
        self.coefficients.iter().map(|r| r.estimate).collect()
    }

    /// The k x k covariance of the coefficients (the leading block of
    /// `vcov`, which may go on to the thresholds).
    pub fn vcov(&self) -> Result<Mat<f64>, EstimateError> {
        let k = self.coefficients.len();
        let v = self
            .vcov
            .as_ref()
            .filter(|v| v.len() >= k * k)
            .ok_or_else(|| {
                EstimateError::Invalid(format!(
                    "{} fit carries no covariance matrix",
                    self.estimator
                ))
            })?;
        let ld = (v.len() as f64).sqrt().round() as usize;
        Ok(Mat::from_fn(k, k, |i, j| v[i * ld + j]))
    }

    /// Error unless the coefficients are named `names`, in that order (a fit
    /// of the design whose columns are `names`).
    pub fn check_names(&self, names: &[String]) -> Result<(), EstimateError> {
        if names.len() != self.coefficients.len() {
            return Err(EstimateError::Invalid(format!(
                "{} fit has {} coefficients for the {} design columns",
                self.estimator,
                self.coefficients.len(),
                names.len()
            )));
        }
        if let Some(n) = names
            .iter()
            .enumerate()
            .find(|(j, n)| self.coefficients.get(*j).is_none_or(|r| &r.name != *n))
            .map(|(_, n)| n)
        {
            return Err(EstimateError::MissingColumn {
                estimator: self.estimator.clone(),
                column: n.clone(),
            });
        }
        Ok(())
    }

    /// JSON text of the CLI contract.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

fn fmt_num(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x != 0.0 && (x.abs() < 1e-4 || x.abs() >= 1e6) {
        format!("{x:.3e}")
    } else {
        format!("{x:.4}")
    }
}

/// A fit statistic; one that is unavailable (NaN) shows as "—".
fn fmt_stat(x: f64) -> String {
    if x.is_nan() { "—".into() } else { fmt_num(x) }
}

fn write_rows(f: &mut fmt::Formatter<'_>, title: &str, rows: &[ParamRow]) -> fmt::Result {
    if rows.is_empty() {
        return Ok(());
    }
    let w = rows
        .iter()
        .map(|r| r.name.len())
        .max()
        .unwrap_or(4)
        .max(title.len())
        .max(10);
    let rule = "-".repeat(w + 66);
    writeln!(f, "{rule}")?;
    writeln!(
        f,
        "{title:<w$} {:>10} {:>10} {:>8} {:>8} {:>12} {:>12}",
        "coef", "std err", "z", "P>|z|", "[0.025", "0.975]"
    )?;
    writeln!(f, "{rule}")?;
    for r in rows {
        writeln!(
            f,
            "{:<w$} {:>10} {:>10} {:>8.3} {:>8.3} {:>12} {:>12}",
            r.name,
            fmt_num(r.estimate),
            fmt_num(r.std_error),
            r.statistic(),
            r.p_value,
            fmt_num(r.ci_low),
            fmt_num(r.ci_high)
        )?;
    }
    Ok(())
}

/// One header line: a left label-value pair padded to 40 columns (at least
/// two spaces after a long value), then a right pair ending at column 80.
fn header_row(
    f: &mut fmt::Formatter<'_>,
    label: &str,
    value: &str,
    right_label: &str,
    right: impl fmt::Display,
) -> fmt::Result {
    let left = format!("{label:<22}{value}");
    let width = 40.max(left.chars().count() + 2);
    writeln!(f, "{left:<width$}{right_label:<22}{right:>18}")
}

impl fmt::Display for FitResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let title = format!("{} Regression Results", self.estimator);
        writeln!(f, "{title:^80}")?;
        writeln!(f, "{}", "=".repeat(80))?;
        header_row(
            f,
            "Dep. Variable:",
            &self.info.dependent,
            "No. Observations:",
            self.n,
        )?;
        let cov = self
            .info
            .covariance
            .as_ref()
            .map(|c| c.to_string())
            .unwrap_or_else(|| "-".into());
        header_row(
            f,
            "Covariance Type:",
            &cov,
            "Dropped (missing):",
            self.info.n_dropped,
        )?;
        let conv = if self.info.converged { "True" } else { "False" };
        header_row(f, "Converged:", conv, "Iterations:", self.info.iterations)?;
        for chunk in self.fit.iter().collect::<Vec<_>>().chunks(2) {
            let cells: Vec<String> = chunk
                .iter()
                .map(|(k, v)| format!("{:<22}{:>16}", format!("{k}:"), fmt_stat(**v)))
                .collect();
            writeln!(f, "{}", cells.join("    "))?;
        }
        write_rows(f, "", &self.coefficients)?;
        write_rows(f, "thresholds", &self.thresholds)?;
        write_rows(f, "marginal effects", &self.marginal_effects)?;
        write_rows(f, "effects", &self.effects)?;
        for (k, rows) in &self.extra_rows {
            write_rows(f, k, rows)?;
        }
        writeln!(f, "{}", "=".repeat(80))?;
        for w in &self.info.warnings {
            writeln!(f, "Warning: {w}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_row_interval_and_p_value() {
        let r = ParamRow::normal("b", 1.96, 1.0);
        assert!((r.p_value - 0.049_995_790_296_440_87).abs() < 1e-12);
        assert!((r.ci_low - (1.96 - Z_975)).abs() < 1e-15);
    }

    #[test]
    fn t_row_uses_student_quantile() {
        // scipy.stats.t.ppf(0.975, 10) = 2.228138851986274
        let r = ParamRow::student_t("b", 0.0, 1.0, 10.0);
        assert!((r.ci_high - 2.228_138_851_986_274).abs() < 1e-8);
    }

    #[test]
    fn json_has_contract_keys_and_omits_empty_lists() {
        let mut fr = FitResult::new("logit", 10);
        fr.coefficients.push(ParamRow::normal("const", 0.5, 0.1));
        fr.fit.insert("log_likelihood".into(), -3.0);
        let v: serde_json::Value = serde_json::from_str(&fr.to_json()).unwrap();
        assert_eq!(v["estimator"], "logit");
        assert_eq!(v["n"], 10);
        assert_eq!(v["coefficients"][0]["name"], "const");
        assert!(v.get("thresholds").is_none());
        assert_eq!(v["fit"]["log_likelihood"], -3.0);
    }
}
