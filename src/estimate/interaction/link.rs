//! Link functions F of binary models and their first three derivatives.

use crate::estimate::normal;

/// The link of a binary-response model P(y = 1 | x) = F(x'beta).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// F = 1 / (1 + exp(-eta)).
    Logit,
    /// F = Phi(eta).
    Probit,
}

/// F(eta), F'(eta), F''(eta), F'''(eta).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Derivs {
    pub f: f64,
    pub d1: f64,
    pub d2: f64,
    pub d3: f64,
}

impl Link {
    /// Logit: F' = F(1 - F), F'' = F'(1 - 2F), F''' = F'(1 - 6F + 6F^2).
    /// Probit: F' = phi, F'' = -eta phi, F''' = (eta^2 - 1) phi.
    pub(crate) fn derivs(self, eta: f64) -> Derivs {
        match self {
            Link::Logit => {
                let f = logistic(eta);
                let d1 = f * logistic(-eta);
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
}

fn logistic(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}
