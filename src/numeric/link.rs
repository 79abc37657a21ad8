//! The two links of the binary-response models, `P(y = 1 | x) = F(x'b)`,
//! also the latent-error distributions of the ordered models and the
//! logistic function of the studies' data-generating processes.
//!
//! Everything the likelihood, the marginal effects, the interaction effects
//! and the causal estimators need from a link: `F`, its density `f = F'`,
//! its derivatives, and the per-observation log-likelihood with its first two
//! derivatives in the index, all evaluated in log space so that indices of
//! +-40 stay finite.

use super::normal;

/// The logistic function `Lambda(x) = 1 / (1 + exp(-x))`.
pub fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// `Lambda(x)` as `1 / (1 + exp(-x))` for `x >= 0` and `exp(x) / (1 + exp(x))`
/// below, so that `exp` never sees a large positive argument. Equal to
/// [`logistic`] up to the last bit; kept apart so that the callers that used
/// this form reproduce their numbers exactly.
pub fn logistic_stable(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

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

/// `F(eta)` and its first three derivatives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Derivs {
    /// `F(eta)`.
    pub f: f64,
    /// `F'(eta)`, the density.
    pub d1: f64,
    /// `F''(eta)`.
    pub d2: f64,
    /// `F'''(eta)`.
    pub d3: f64,
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
            Link::Logit => logistic(e),
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

    /// `ln F(e)`, also at `e = -inf`.
    pub fn ln_cdf(self, e: f64) -> f64 {
        if e == f64::NEG_INFINITY {
            return f64::NEG_INFINITY;
        }
        match self {
            Link::Logit => -softplus(-e),
            Link::Probit => normal::ln_cdf(e),
        }
    }

    /// `ln (1 - F(e)) = ln F(-e)` (both distributions are symmetric).
    pub fn ln_sf(self, e: f64) -> f64 {
        self.ln_cdf(-e)
    }

    /// `ln f(e)`; logistic: `ln F(e) + ln F(-e)`.
    pub fn ln_pdf(self, e: f64) -> f64 {
        match self {
            Link::Logit => self.ln_cdf(e) + self.ln_sf(e),
            Link::Probit => normal::ln_pdf(e),
        }
    }

    /// `f'(e) / f(e)`: `1 - 2F(e) = -tanh(e/2)` (logistic), `-e` (normal).
    pub fn dlog_pdf(self, e: f64) -> f64 {
        match self {
            Link::Logit => -(0.5 * e).tanh(),
            Link::Probit => -e,
        }
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

    /// `F`, `F'`, `F''` and `F'''` at `eta`, for the interaction effects.
    /// Logit: `F' = F(1 - F)`, `F'' = F'(1 - 2F)`, `F''' = F'(1 - 6F + 6F^2)`
    /// (with [`logistic_stable`]); probit: `F' = phi`, `F'' = -eta phi`,
    /// `F''' = (eta^2 - 1) phi`.
    pub fn derivs(self, eta: f64) -> Derivs {
        match self {
            Link::Logit => {
                let f = logistic_stable(eta);
                let d1 = f * logistic_stable(-eta);
                Derivs {
                    f,
                    d1,
                    d2: d1 * (1.0 - 2.0 * f),
                    d3: d1 * (1.0 - 6.0 * f + 6.0 * f * f),
                }
            }
            Link::Probit => {
                let phi = normal::pdf(eta);
                Derivs {
                    f: normal::cdf(eta),
                    d1: phi,
                    d2: -eta * phi,
                    d3: (eta * eta - 1.0) * phi,
                }
            }
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
