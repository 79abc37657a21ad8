//! Diagnosands of one estimator for one estimand over the valid
//! replications, each with its Monte Carlo standard error (Morris, White &
//! Crowther 2019, Stat. Med. 38:2074, Table 6). With K replications,
//! estimates t_r, truths T_r (T = mean T_r), standard errors s_r:
//!
//! * bias = mean(t_r - T_r), MCSE sd(t - T) / sqrt(K); relative bias = bias / T;
//! * RMSE = sqrt(MSE), MSE = mean((t_r - T_r)^2),
//!   MCSE(MSE) = sqrt(sum((t_r - T_r)^2 - MSE)^2 / (K (K - 1))), MCSE(RMSE) = MCSE(MSE) / (2 RMSE);
//! * SD of estimates = sd(t), MCSE sd(t) / sqrt(2 (K - 1));
//! * mean SE = mean(s_r), MCSE sd(s) / sqrt(K);
//!   SE/SD = mean SE / sd(t), MCSE by the delta method treating the two as independent;
//! * coverage = share of [ci_low_r, ci_high_r] containing T_r, power = share
//!   with p_r < 0.05, MCSE sqrt(p (1 - p) / K);
//! * type-S rate (Gelman & Carlin 2014) = share of the significant estimates
//!   whose sign differs from T_r's, MCSE sqrt(q (1 - q) / K_sig).
//!
//! Statistics that need a standard error, interval or p-value use the
//! replications where it is finite (a `fit:` take has none: they are NaN).

use serde::Serialize;

/// Significance level of `power` and `type_s`.
pub const ALPHA: f64 = 0.05;

/// One replication's estimate together with the truth it targets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// The true value `T_r` of the estimand in this replication.
    pub truth: f64,
    /// The estimate `t_r`.
    pub estimate: f64,
    /// Its standard error `s_r` (NaN when the take has none).
    pub std_error: f64,
    /// Lower end of its 95% interval.
    pub ci_low: f64,
    /// Upper end of its 95% interval.
    pub ci_high: f64,
    /// Its two-sided p-value against 0.
    pub p_value: f64,
}

/// The diagnosands with their Monte Carlo standard errors (`*_mcse`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnosands {
    /// Replications with a finite estimate.
    pub n_valid: usize,
    /// Mean truth `T = mean T_r`.
    pub truth: f64,
    /// `mean(t_r)`.
    pub mean_estimate: f64,
    /// `sd(t) / sqrt(K)`.
    pub mean_estimate_mcse: f64,
    /// `mean(t_r - T_r)`.
    pub bias: f64,
    /// `sd(t - T) / sqrt(K)`.
    pub bias_mcse: f64,
    /// `bias / T`.
    pub relative_bias: f64,
    /// `bias_mcse / |T|`.
    pub relative_bias_mcse: f64,
    /// `sqrt(mean((t_r - T_r)^2))`.
    pub rmse: f64,
    /// `MCSE(MSE) / (2 RMSE)`, `MCSE(MSE) = sqrt(sum((t_r - T_r)^2 - MSE)^2 / (K (K - 1)))`.
    pub rmse_mcse: f64,
    /// `sd(t)`, the empirical standard error.
    pub sd_estimate: f64,
    /// `sd(t) / sqrt(2 (K - 1))`.
    pub sd_estimate_mcse: f64,
    /// `mean(s_r)`, the model-based standard error.
    pub mean_se: f64,
    /// `sd(s) / sqrt(K)`.
    pub mean_se_mcse: f64,
    /// `mean SE / sd(t)`: 1 when the standard errors are right.
    pub se_sd_ratio: f64,
    /// Delta-method MCSE of the ratio, the two parts treated as independent.
    pub se_sd_ratio_mcse: f64,
    /// Share of intervals `[ci_low_r, ci_high_r]` that contain `T_r`.
    pub coverage: f64,
    /// `sqrt(p (1 - p) / K)`.
    pub coverage_mcse: f64,
    /// Share of replications with `p_r < ALPHA`.
    pub power: f64,
    /// `sqrt(p (1 - p) / K)`.
    pub power_mcse: f64,
    /// Type-S rate (Gelman & Carlin 2014): share of the significant estimates whose sign differs from `T_r`'s.
    pub type_s: f64,
    /// `sqrt(q (1 - q) / K_sig)`.
    pub type_s_mcse: f64,
    /// Replications significant at 5% (the type-S denominator).
    pub n_significant: usize,
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        f64::NAN
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// Sample standard deviation (n - 1 denominator); NaN below 2 values.
fn sd(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return f64::NAN;
    }
    let m = mean(v);
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}

/// Share of `hits` among `n` with its binomial standard error.
fn share(hits: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let p = hits as f64 / n as f64;
    (p, (p * (1.0 - p) / n as f64).sqrt())
}

impl Diagnosands {
    /// Summarise the replications (those with a non-finite estimate are left out).
    pub fn compute(samples: &[Sample]) -> Diagnosands {
        let s: Vec<&Sample> = samples
            .iter()
            .filter(|s| s.estimate.is_finite() && s.truth.is_finite())
            .collect();
        let k = s.len() as f64;
        let t: Vec<f64> = s.iter().map(|s| s.estimate).collect();
        let err: Vec<f64> = s.iter().map(|s| s.estimate - s.truth).collect();
        let t0 = s.first().map_or(f64::NAN, |s| s.truth);
        let truth = t0 + mean(&s.iter().map(|s| s.truth - t0).collect::<Vec<_>>());
        let bias = mean(&err);
        let bias_mcse = sd(&err) / k.sqrt();
        let sq: Vec<f64> = err.iter().map(|e| e * e).collect();
        let mse = mean(&sq);
        let mse_mcse =
            (sq.iter().map(|q| (q - mse) * (q - mse)).sum::<f64>() / (k * (k - 1.0))).sqrt();
        let rmse = mse.sqrt();
        let sd_est = sd(&t);
        let sd_mcse = sd_est / (2.0 * (k - 1.0)).sqrt();
        let ses: Vec<f64> = s
            .iter()
            .map(|s| s.std_error)
            .filter(|v| v.is_finite())
            .collect();
        let mean_se = mean(&ses);
        let mean_se_mcse = sd(&ses) / (ses.len() as f64).sqrt();
        let ratio = mean_se / sd_est;
        let ratio_mcse =
            ratio.abs() * ((mean_se_mcse / mean_se).powi(2) + (sd_mcse / sd_est).powi(2)).sqrt();
        let with_ci: Vec<&&Sample> = s
            .iter()
            .filter(|s| s.ci_low.is_finite() && s.ci_high.is_finite())
            .collect();
        let covered = with_ci
            .iter()
            .filter(|s| s.ci_low <= s.truth && s.truth <= s.ci_high)
            .count();
        let (coverage, coverage_mcse) = share(covered, with_ci.len());
        let with_p: Vec<&&Sample> = s.iter().filter(|s| s.p_value.is_finite()).collect();
        let significant: Vec<&&&Sample> = with_p.iter().filter(|s| s.p_value < ALPHA).collect();
        let (power, power_mcse) = share(significant.len(), with_p.len());
        let signed: Vec<&&&&Sample> = significant.iter().filter(|s| s.truth != 0.0).collect();
        let wrong = signed
            .iter()
            .filter(|s| s.estimate.signum() != s.truth.signum())
            .count();
        let (type_s, type_s_mcse) = share(wrong, signed.len());
        Diagnosands {
            n_valid: s.len(),
            truth,
            mean_estimate: mean(&t),
            mean_estimate_mcse: sd_est / k.sqrt(),
            bias,
            bias_mcse,
            relative_bias: if truth == 0.0 { f64::NAN } else { bias / truth },
            relative_bias_mcse: if truth == 0.0 {
                f64::NAN
            } else {
                bias_mcse / truth.abs()
            },
            rmse,
            rmse_mcse: mse_mcse / (2.0 * rmse),
            sd_estimate: sd_est,
            sd_estimate_mcse: sd_mcse,
            mean_se,
            mean_se_mcse,
            se_sd_ratio: ratio,
            se_sd_ratio_mcse: ratio_mcse,
            coverage,
            coverage_mcse,
            power,
            power_mcse,
            type_s,
            type_s_mcse,
            n_significant: significant.len(),
        }
    }
}
