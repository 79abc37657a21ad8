//! The two latent-error distributions F of the ordered models, evaluated in
//! log space: `P(lo < y* - x'b <= hi) = F(hi) - F(lo)` without cancellation.

use crate::estimate::{binary_link, normal};

/// Distribution of the latent error: logistic (ordered logit) or standard
/// normal (ordered probit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Logit,
    Probit,
}

impl Link {
    /// CLI name of the estimator using this link.
    pub fn estimator(self) -> &'static str {
        match self {
            Link::Logit => "ologit",
            Link::Probit => "oprobit",
        }
    }

    /// The binary-model link with the same F.
    pub fn binary(self) -> binary_link::Link {
        match self {
            Link::Logit => binary_link::Link::Logit,
            Link::Probit => binary_link::Link::Probit,
        }
    }

    /// `ln F(x)`, also at `x = -inf`.
    pub fn ln_cdf(self, x: f64) -> f64 {
        if x == f64::NEG_INFINITY {
            f64::NEG_INFINITY
        } else {
            self.binary().ln_cdf(x)
        }
    }

    /// `ln (1 - F(x)) = ln F(-x)` (both distributions are symmetric).
    pub fn ln_sf(self, x: f64) -> f64 {
        self.ln_cdf(-x)
    }

    /// `ln f(x)`; logistic: `ln F(x) + ln F(-x)`.
    pub fn ln_pdf(self, x: f64) -> f64 {
        match self {
            Link::Logit => self.ln_cdf(x) + self.ln_sf(x),
            Link::Probit => normal::ln_pdf(x),
        }
    }

    /// `f'(x) / f(x)`: `1 - 2F(x) = -tanh(x/2)` (logistic), `-x` (normal).
    pub fn dlog_pdf(self, x: f64) -> f64 {
        match self {
            Link::Logit => -(0.5 * x).tanh(),
            Link::Probit => -x,
        }
    }

    /// `F(x)`.
    pub fn cdf(self, x: f64) -> f64 {
        self.ln_cdf(x).exp()
    }

    /// `F^-1(p)`.
    pub fn quantile(self, p: f64) -> f64 {
        self.binary().inverse_cdf(p)
    }

    /// `ln(F(hi) - F(lo))` for `lo < hi` (either may be infinite). When both
    /// bounds lie in the upper tail the survival functions are differenced
    /// instead: `ln S(lo) + ln(1 - exp(ln S(hi) - ln S(lo)))`.
    pub fn ln_interval(self, lo: f64, hi: f64) -> f64 {
        let (big, small) = if lo > 0.0 {
            (self.ln_sf(lo), self.ln_sf(hi))
        } else {
            (self.ln_cdf(hi), self.ln_cdf(lo))
        };
        if small == f64::NEG_INFINITY {
            big
        } else {
            big + (-(small - big).exp()).ln_1p()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_probabilities_match_direct_differences() {
        for link in [Link::Logit, Link::Probit] {
            for &(lo, hi) in &[
                (-1.0, 0.5),
                (0.3, 2.0),
                (-3.0, -2.5),
                (f64::NEG_INFINITY, 0.2),
            ] {
                let direct = link.cdf(hi) - link.cdf(lo);
                assert!((link.ln_interval(lo, hi) - direct.ln()).abs() < 1e-13);
            }
            assert_eq!(link.ln_interval(f64::NEG_INFINITY, f64::INFINITY), 0.0);
        }
    }

    #[test]
    fn upper_tail_interval_keeps_relative_accuracy() {
        // scipy: log(norm.sf(40) - norm.sf(41)) = -804.6084420137539
        let v = Link::Probit.ln_interval(40.0, 41.0);
        assert!((v - (-804.608_442_013_753_9)).abs() < 1e-9, "{v}");
        // logistic: S(40) - S(41) = e^-40/(1+e^-40) - e^-41/(1+e^-41) ~ e^-40 (1 - e^-1)
        let w = Link::Logit.ln_interval(40.0, 41.0);
        assert!(
            (w - (-40.0 + (1.0 - (-1.0f64).exp()).ln())).abs() < 1e-12,
            "{w}"
        );
    }
}
