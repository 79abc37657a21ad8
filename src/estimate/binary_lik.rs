//! The log-likelihood of a logit or probit on a design, as the Newton solver
//! sees it: value, value and gradient, and the full evaluation, each one
//! blocked pass over the rows ([`super::binary_pass`]).

use std::sync::Mutex;

use faer::Mat;

use super::newton::{Eval, LogLik};
use super::{binary_pass, linalg};
use crate::data::Regressors;
use crate::numeric::Link;

/// The log-likelihood of a binary model on a design, optionally with
/// frequency weights (`sum_i w_i ln F(q_i x_i'b)`: row i counted w_i times).
pub struct BinaryLik<'a> {
    /// Logit or probit `F`.
    pub link: Link,
    /// Regressors, n x k.
    pub x: &'a dyn Regressors,
    /// 0/1 outcome.
    pub y: &'a [f64],
    /// Frequency weights `w_i`; `None`: each row once.
    pub w: Option<&'a [f64]>,
}

impl BinaryLik<'_> {
    fn weight(&self, i: usize) -> f64 {
        self.w.map_or(1.0, |w| w[i])
    }

    /// [`LogLik::eval`], with the index `x_i'b` of every row written to
    /// `eta` (`n` long) on the way.
    pub(crate) fn eval_into(&self, b: &[f64], eta: &mut [f64]) -> Eval {
        let mut out = Eval::zero(b.len());
        linalg::map_blocks_into(
            eta,
            |r, e| binary_pass::block_sums(self.link, self.x, self.y, self.w, b, r, Some(e)),
            |s| out.add(s),
        );
        out
    }
}

/// A [`BinaryLik`] whose full evaluations keep the index `x_i'b` of their
/// point, so that a fit ending on one (the evaluation that certifies
/// convergence) has its fitted index without another pass over the rows.
pub(crate) struct IndexKeeping<'a> {
    lik: BinaryLik<'a>,
    /// The point of the last full evaluation and its index (one buffer,
    /// reused by every evaluation).
    last: Mutex<(Vec<f64>, Vec<f64>)>,
}

impl<'a> IndexKeeping<'a> {
    pub(crate) fn new(lik: BinaryLik<'a>) -> Self {
        IndexKeeping {
            lik,
            last: Mutex::new((Vec::new(), Vec::new())),
        }
    }

    /// The index `X theta`: the last full evaluation's where it was made at
    /// `theta`, else computed.
    pub(crate) fn index_at(self, theta: &[f64]) -> Vec<f64> {
        let (at, eta) = self
            .last
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if at == theta && eta.len() == self.lik.y.len() {
            eta
        } else {
            linalg::index(self.lik.x, theta)
        }
    }
}

impl LogLik for IndexKeeping<'_> {
    fn value(&self, b: &[f64]) -> f64 {
        self.lik.value(b)
    }

    fn eval(&self, b: &[f64]) -> Eval {
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (at, eta) = &mut *last;
        eta.resize(self.lik.y.len(), 0.0);
        at.clear();
        let e = self.lik.eval_into(b, eta);
        at.extend_from_slice(b);
        e
    }

    fn value_grad(&self, b: &[f64]) -> (f64, Vec<f64>) {
        self.lik.value_grad(b)
    }
}

impl Eval {
    /// Nothing summed yet, for `k` coefficients.
    fn zero(k: usize) -> Self {
        Eval {
            ll: 0.0,
            grad: vec![0.0; k],
            hess: Mat::zeros(k, k),
        }
    }

    /// Add one block's sums (`-X'WX` to the Hessian).
    fn add(&mut self, s: binary_pass::BlockSums) {
        self.ll += s.ll;
        self.grad.iter_mut().zip(s.grad).for_each(|(o, a)| *o += a);
        self.hess -= s.gram;
    }
}

impl LogLik for BinaryLik<'_> {
    fn value(&self, b: &[f64]) -> f64 {
        let mut ll = 0.0;
        linalg::map_blocks(
            self.y.len(),
            |r| {
                let eta = linalg::index_block(self.x, b, r.clone());
                let y = &self.y[r.clone()];
                eta.iter()
                    .zip(y)
                    .zip(r)
                    .map(|((&e, &y), i)| self.weight(i) * self.link.obs_ll(y, e))
                    .sum::<f64>()
            },
            |p| ll += p,
        );
        ll
    }

    fn eval(&self, b: &[f64]) -> Eval {
        let mut out = Eval::zero(b.len());
        linalg::map_blocks(
            self.y.len(),
            |r| binary_pass::block_sums(self.link, self.x, self.y, self.w, b, r, None),
            |s| out.add(s),
        );
        out
    }

    fn value_grad(&self, b: &[f64]) -> (f64, Vec<f64>) {
        let mut ll = 0.0;
        let mut grad = vec![0.0; b.len()];
        linalg::map_blocks(
            self.y.len(),
            |r| binary_pass::block_grad(self.link, self.x, self.y, self.w, b, r),
            |(l, g)| {
                ll += l;
                grad.iter_mut().zip(g).for_each(|(o, a)| *o += a);
            },
        );
        (ll, grad)
    }
}
