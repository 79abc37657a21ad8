//! Effects across replications: per replication the intervention minus the
//! baseline (common random numbers), summarised by the mean and the 95%
//! Student t interval `mean ± t(0.975, R-1) · sd / sqrt(R)`.

use serde::{Deserialize, Serialize};

use crate::estimate::ParamRow;

/// Mean and 95% t interval of a sample of replication values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Mean of the finite values.
    pub mean: f64,
    /// Standard error of the mean, `s / sqrt(n)`.
    pub std_error: f64,
    /// Lower end of the 95% t interval, `mean - t(0.975, n-1) · se`.
    pub ci_low: f64,
    /// Upper end of the 95% t interval, `mean + t(0.975, n-1) · se`.
    pub ci_high: f64,
    /// Finite values used.
    pub n: usize,
}

impl Interval {
    /// Summarise `xs`, ignoring non-finite values (a metric undefined in a
    /// replication). Fewer than two values give a NaN interval.
    pub fn of(xs: &[f64]) -> Interval {
        let v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
        let n = v.len();
        let mean = if n == 0 {
            f64::NAN
        } else {
            v.iter().sum::<f64>() / n as f64
        };
        if n < 2 {
            return Interval {
                mean,
                std_error: f64::NAN,
                ci_low: f64::NAN,
                ci_high: f64::NAN,
                n,
            };
        }
        let ss: f64 = v.iter().map(|x| (x - mean) * (x - mean)).sum();
        let se = (ss / (n - 1) as f64).sqrt() / (n as f64).sqrt();
        if se == 0.0 {
            return Interval {
                mean,
                std_error: 0.0,
                ci_low: mean,
                ci_high: mean,
                n,
            };
        }
        let row = ParamRow::student_t("", mean, se, (n - 1) as f64);
        Interval {
            mean,
            std_error: se,
            ci_low: row.ci_low,
            ci_high: row.ci_high,
            n,
        }
    }

    /// Whether the interval excludes zero.
    pub fn excludes_zero(&self) -> bool {
        self.ci_low > 0.0 || self.ci_high < 0.0
    }
}

/// Per-replication differences `b[r] - a[r]`.
pub fn differences(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| y - x).collect()
}

/// One tracked metric under one intervention (read back from a run's
/// summary.json by `migsim serve`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Effect {
    /// The metric.
    pub metric: String,
    /// The intervention (or sweep arm `key=value`).
    pub intervention: String,
    /// Mean over replications of counterfactual minus baseline, at the baseline parameters.
    pub estimate: f64,
    /// Standard error of `estimate` across replications.
    pub std_error: f64,
    /// Lower end of the simulation-only 95% t interval.
    pub ci_low: f64,
    /// Upper end of the simulation-only 95% t interval.
    pub ci_high: f64,
    /// Mean of the metric in the baseline arm.
    pub baseline_mean: f64,
    /// Mean of the metric in the intervention's arm.
    pub counterfactual_mean: f64,
    /// Replications with a finite difference.
    pub replications: usize,
    /// 95% interval including parameter uncertainty, from `[uncertainty]`
    /// draws (see `scenario::draws`); `None` without draws.
    pub ci_total_low: Option<f64>,
    /// Upper end of the total interval (see `ci_total_low`).
    pub ci_total_high: Option<f64>,
    /// Parameter draws behind the total interval (0 without).
    pub draws: usize,
    /// Mean of the draw-level effects, the centre of the total interval
    /// (`estimate` is the effect at the baseline parameters); `None`
    /// without draws.
    pub estimate_over_draws: Option<f64>,
}

impl Effect {
    /// Effect of `intervention` on `metric` from paired replication values.
    pub fn paired(metric: &str, intervention: &str, base: &[f64], counter: &[f64]) -> Effect {
        let d = Interval::of(&differences(base, counter));
        Effect {
            metric: metric.to_string(),
            intervention: intervention.to_string(),
            estimate: d.mean,
            std_error: d.std_error,
            ci_low: d.ci_low,
            ci_high: d.ci_high,
            baseline_mean: Interval::of(base).mean,
            counterfactual_mean: Interval::of(counter).mean,
            replications: d.n,
            ci_total_low: None,
            ci_total_high: None,
            draws: 0,
            estimate_over_draws: None,
        }
    }

    /// The total interval, where there is one.
    pub fn total(&self) -> Option<(f64, f64)> {
        self.ci_total_low.zip(self.ci_total_high)
    }

    /// The simulation-only estimate and interval as an [`Interval`].
    pub fn interval(&self) -> Interval {
        Interval {
            mean: self.estimate,
            std_error: self.std_error,
            ci_low: self.ci_low,
            ci_high: self.ci_high,
            n: self.replications,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// scipy: `t.ppf(0.975, 4)` = 2.7764451051977987; data mean 3, sd sqrt(2.5).
    #[test]
    fn t_interval_matches_scipy() {
        let i = Interval::of(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        let half = 2.776_445_105_197_798_7 * (2.5f64).sqrt() / 5f64.sqrt();
        assert!((i.mean - 3.0).abs() < 1e-15);
        assert!((i.ci_low - (3.0 - half)).abs() < 1e-9, "{i:?}");
        assert!((i.ci_high - (3.0 + half)).abs() < 1e-9, "{i:?}");
    }

    #[test]
    fn constant_differences_have_a_point_interval() {
        let e = Effect::paired("m", "i", &[0.1, 0.5, 0.9], &[0.3, 0.7, 1.1]);
        assert!((e.estimate - 0.2).abs() < 1e-12);
        assert!((e.ci_high - e.ci_low).abs() < 1e-12);
    }

    #[test]
    fn non_finite_values_are_skipped() {
        let i = Interval::of(&[1.0, f64::NAN, 3.0]);
        assert_eq!(i.n, 2);
        assert!((i.mean - 2.0).abs() < 1e-15);
        assert!(Interval::of(&[1.0]).ci_low.is_nan());
    }
}
