//! Log-likelihood, analytic score and analytic Hessian of the ordered model
//! on the (beta, kappa) scale.
//!
//! With `eta_i = x_i'b`, category `j` of observation `i` has bounds
//! `u = kappa_j - eta_i`, `l = kappa_{j-1} - eta_i` (`kappa_{-1} = -inf`,
//! `kappa_{J-1} = +inf`) and `ln p_i = ln(F(u) - F(l))`. With
//! `r_u = f(u)/p`, `r_l = f(l)/p` and `g = f'/f`:
//! `d ln p/du = r_u`, `d ln p/dl = -r_l`,
//! `d2/du2 = r_u (g(u) - r_u)`, `d2/dl2 = -r_l (g(l) + r_l)`, `d2/du dl = r_u r_l`,
//! and `du/d(b, kappa) = (-x, e_j)`, `dl/d(b, kappa) = (-x, e_{j-1})`.

use faer::Mat;

use crate::estimate::linalg;
use crate::numeric::Link;

/// Outcome categories (0..J-1) and regressors of an ordered model.
#[derive(Debug, Clone, Copy)]
pub struct OrderedData<'a> {
    /// Regressors, n x k (no constant: the cut points absorb it).
    pub x: &'a Mat<f64>,
    /// Category `0..ncat` of each row.
    pub cat: &'a [usize],
    /// Number of categories `J`.
    pub ncat: usize,
}

/// Log-likelihood, score and Hessian at one parameter vector.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// Log-likelihood `sum_i ln[F(k_{y_i} - x_i'b) - F(k_{y_i - 1} - x_i'b)]`.
    pub ll: f64,
    /// Score in `(b, k_1..k_{J-1})`.
    pub grad: Vec<f64>,
    /// Hessian in `(b, k_1..k_{J-1})`.
    pub hess: Mat<f64>,
}

/// First and second derivatives of `ln p_i` with respect to its bounds.
#[derive(Debug, Clone, Copy)]
struct ObsTerms {
    ln_p: f64,
    ru: f64,
    rl: f64,
    huu: f64,
    hll: f64,
    hul: f64,
}

impl<'a> OrderedData<'a> {
    /// Number of regressors.
    pub fn k(&self) -> usize {
        self.x.ncols()
    }

    /// Number of parameters (slopes and cut points).
    pub fn n_params(&self) -> usize {
        self.k() + self.ncat - 1
    }

    /// `(l, u)` of observation `i` given its linear index.
    fn bounds(&self, kappa: &[f64], i: usize, eta: f64) -> (f64, f64) {
        let c = self.cat[i];
        let lo = if c == 0 {
            f64::NEG_INFINITY
        } else {
            kappa[c - 1] - eta
        };
        let hi = if c + 1 == self.ncat {
            f64::INFINITY
        } else {
            kappa[c] - eta
        };
        (lo, hi)
    }

    fn terms(&self, link: Link, lo: f64, hi: f64) -> ObsTerms {
        let ln_p = link.ln_interval(lo, hi);
        let ratio = |b: f64| {
            if b.is_finite() {
                (link.ln_pdf(b) - ln_p).exp()
            } else {
                0.0
            }
        };
        let (ru, rl) = (ratio(hi), ratio(lo));
        let gu = if hi.is_finite() {
            link.dlog_pdf(hi)
        } else {
            0.0
        };
        let gl = if lo.is_finite() {
            link.dlog_pdf(lo)
        } else {
            0.0
        };
        ObsTerms {
            ln_p,
            ru,
            rl,
            huu: ru * (gu - ru),
            hll: -rl * (gl + rl),
            hul: ru * rl,
        }
    }

    /// Log-likelihood only (for step halving); `-inf` where a probability is 0.
    pub fn log_likelihood(&self, link: Link, theta: &[f64]) -> f64 {
        self.ln_probs(link, theta).iter().sum()
    }

    /// `ln p_i`, the log-probability of each observation's category.
    pub fn ln_probs(&self, link: Link, theta: &[f64]) -> Vec<f64> {
        let (beta, kappa) = theta.split_at(self.k());
        let eta = linalg::index(self.x, beta);
        eta.iter()
            .enumerate()
            .map(|(i, &e)| {
                let (lo, hi) = self.bounds(kappa, i, e);
                link.ln_interval(lo, hi)
            })
            .collect()
    }

    /// Log-likelihood, analytic score and analytic Hessian.
    pub fn evaluate(&self, link: Link, theta: &[f64]) -> Evaluation {
        let (k, p) = (self.k(), self.n_params());
        let (beta, kappa) = theta.split_at(k);
        let eta = linalg::index(self.x, beta);
        let terms: Vec<ObsTerms> = eta
            .iter()
            .enumerate()
            .map(|(i, &e)| {
                let (lo, hi) = self.bounds(kappa, i, e);
                self.terms(link, lo, hi)
            })
            .collect();
        let mut grad = vec![0.0; p];
        let mut hess = Mat::<f64>::zeros(p, p);
        let d: Vec<f64> = terms.iter().map(|t| t.ru - t.rl).collect();
        let w: Vec<f64> = terms.iter().map(|t| t.huu + t.hll + 2.0 * t.hul).collect();
        for j in 0..k {
            let col = linalg::col(self.x, j);
            grad[j] = -col.iter().zip(&d).map(|(xv, dv)| xv * dv).sum::<f64>();
            for (i, (xv, t)) in col.iter().zip(&terms).enumerate() {
                let c = self.cat[i];
                if c + 1 < self.ncat {
                    hess[(j, k + c)] -= xv * (t.huu + t.hul);
                }
                if c > 0 {
                    hess[(j, k + c - 1)] -= xv * (t.hll + t.hul);
                }
            }
        }
        let gram = linalg::weighted_gram(self.x, &w);
        for a in 0..k {
            for b in 0..k {
                hess[(a, b)] += gram[(a, b)];
            }
        }
        for (i, t) in terms.iter().enumerate() {
            let c = self.cat[i];
            if c + 1 < self.ncat {
                grad[k + c] += t.ru;
                hess[(k + c, k + c)] += t.huu;
            }
            if c > 0 {
                grad[k + c - 1] -= t.rl;
                hess[(k + c - 1, k + c - 1)] += t.hll;
            }
            if c > 0 && c + 1 < self.ncat {
                hess[(k + c, k + c - 1)] += t.hul;
                hess[(k + c - 1, k + c)] += t.hul;
            }
        }
        for j in 0..k {
            for m in k..p {
                hess[(m, j)] = hess[(j, m)];
            }
        }
        Evaluation {
            ll: terms.iter().map(|t| t.ln_p).sum(),
            grad,
            hess,
        }
    }

    /// Per-observation scores, n x p (rows sum to the gradient).
    pub fn scores(&self, link: Link, theta: &[f64]) -> Mat<f64> {
        let (k, p) = (self.k(), self.n_params());
        let (beta, kappa) = theta.split_at(k);
        let eta = linalg::index(self.x, beta);
        let mut s = Mat::<f64>::zeros(eta.len(), p);
        for (i, &e) in eta.iter().enumerate() {
            let (lo, hi) = self.bounds(kappa, i, e);
            let t = self.terms(link, lo, hi);
            for j in 0..k {
                s[(i, j)] = -self.x[(i, j)] * (t.ru - t.rl);
            }
            let c = self.cat[i];
            if c + 1 < self.ncat {
                s[(i, k + c)] += t.ru;
            }
            if c > 0 {
                s[(i, k + c - 1)] -= t.rl;
            }
        }
        s
    }
}
