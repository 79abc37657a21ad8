//! The two links of the binary-response models, `P(y = 1 | x) = F(x'b)`.
//!
//! Everything the likelihood, the marginal effects and later the causal
//! estimators need from a link: `F`, its density `f = F'`, `f'`, and the
//! per-observation log-likelihood with its first two derivatives in the index,
//! all evaluated in log space so that indices of +-40 stay finite.

use super::normal;

/// Link function of a binary model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// `F = Lambda(e) = 1 / (1 + exp(-e))`.
    Logit,
    /// `F = Phi(e)`.
    Probit,
}

/// `ln(1 + exp(x))` without overflow or cancellation.
pub fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// Per-observation log-likelihood and its derivatives in the index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ObsTerms {
    /// `y ln F(e) + (1 - y) ln(1 - F(e))`.
    pub ll: f64,
    /// Generalised residual `d ll / d e`.
    pub score: f64,
    /// `-d^2 ll / d e^2` (observed-information weight, >= 0).
    pub weight: f64,
}

impl Link {
    /// Estimator name (`logit` / `probit`).
    pub fn name(self) -> &'static str {
        match self {
            Link::Logit => "logit",
            Link::Probit => "probit",
        }
    }

    /// `F(e)`.
    pub fn cdf(self, e: f64) -> f64 {
        match self {
            Link::Logit => 1.0 / (1.0 + (-e).exp()),
            Link::Probit => normal::cdf(e),
        }
    }

    /// `f(e) = F'(e)`: `Lambda (1 - Lambda)` or `phi(e)`.
    pub fn pdf(self, e: f64) -> f64 {
        match self {
            Link::Logit => {
                let a = (-e.abs()).exp();
                a / ((1.0 + a) * (1.0 + a))
            }
            Link::Probit => normal::pdf(e),
        }
    }

    /// `f'(e)`: `f (1 - 2 Lambda)` or `-e phi(e)`.
    pub fn pdf_deriv(self, e: f64) -> f64 {
        match self {
            Link::Logit => self.pdf(e) * (1.0 - 2.0 * self.cdf(e)),
            Link::Probit => -e * normal::pdf(e),
        }
    }

    /// `ln F(e)`.
    pub fn ln_cdf(self, e: f64) -> f64 {
        match self {
            Link::Logit => -softplus(-e),
            Link::Probit => normal::ln_cdf(e),
        }
    }

    /// Log-likelihood terms of one observation with outcome `y` (0 or 1).
    ///
    /// Logit: `ll = -softplus(-q e)`, score `y - Lambda(e)`, weight `f(e)`.
    /// Probit (q = 2y - 1): `ll = ln Phi(q e)`, score
    /// `l = q phi(q e) / Phi(q e)` (inverse Mills ratio), weight `l (l + e)`.
    pub fn obs(self, y: f64, e: f64) -> ObsTerms {
        let q = if y > 0.5 { 1.0 } else { -1.0 };
        match self {
            Link::Logit => {
                // One exp for all three terms: a = exp(-|e|), Lambda(e) =
                // 1 / (1 + a) for e >= 0 and a / (1 + a) below,
                // f(e) = a / (1 + a)^2, ln(1 + exp(-q e)) = max(-q e, 0) + ln(1 + a).
                let a = (-e.abs()).exp();
                let cdf = if e >= 0.0 {
                    1.0 / (1.0 + a)
                } else {
                    a / (1.0 + a)
                };
                ObsTerms {
                    ll: -((-q * e).max(0.0) + a.ln_1p()),
                    score: y - cdf,
                    weight: a / ((1.0 + a) * (1.0 + a)),
                }
            }
            Link::Probit => {
                let l = q * normal::inv_mills(q * e);
                ObsTerms {
                    ll: normal::ln_cdf(q * e),
                    score: l,
                    weight: (l * (l + e)).max(0.0),
                }
            }
        }
    }

    /// Log-likelihood of one observation (no derivatives).
    pub fn obs_ll(self, y: f64, e: f64) -> f64 {
        let q = if y > 0.5 { 1.0 } else { -1.0 };
        self.ln_cdf(q * e)
    }

    /// Index that reproduces a sample share `p` with no regressors: `F^-1(p)`.
    pub fn inverse_cdf(self, p: f64) -> f64 {
        match self {
            Link::Logit => (p / (1.0 - p)).ln(),
            Link::Probit => normal::quantile(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probit_terms_finite_at_minus_forty() {
        let t = Link::Probit.obs(1.0, -40.0);
        // ln Phi(-40) from scipy.stats.norm.logcdf(-40).
        assert!((t.ll - (-804.608_442_013_753_9)).abs() < 1e-10);
        // l = phi/Phi and l (l + e) at e = -40, by mpmath at 40 digits.
        assert!((t.score / 40.024_968_847_207_26 - 1.0).abs() < 1e-13);
        assert!((t.weight / 0.999_377_331_621_408_6 - 1.0).abs() < 1e-9);
    }

    #[test]
    fn logit_terms_in_the_tails() {
        let t = Link::Logit.obs(1.0, -800.0);
        assert!((t.ll + 800.0).abs() < 1e-12);
        assert!((t.score - 1.0).abs() < 1e-15);
        assert!((Link::Logit.obs(0.0, 40.0).ll + 40.0).abs() < 1e-15);
    }

    /// The one-exp logit terms equal the separate cdf, pdf and softplus forms.
    #[test]
    fn logit_terms_equal_their_definitions() {
        for i in -4000..=4000 {
            let e = f64::from(i) / 100.0;
            for y in [0.0, 1.0] {
                let t = Link::Logit.obs(y, e);
                let q = 2.0 * y - 1.0;
                let close =
                    |a: f64, b: f64| (a - b).abs() <= 4.0 * f64::EPSILON * b.abs().max(1e-300);
                assert!(close(t.ll, -softplus(-q * e)), "ll at {e}");
                assert!(
                    (t.score - (y - Link::Logit.cdf(e))).abs() <= 4.0 * f64::EPSILON,
                    "score at {e}"
                );
                assert!(close(t.weight, Link::Logit.pdf(e)), "weight at {e}");
            }
        }
    }
}
