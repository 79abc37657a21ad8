//! The log-likelihood of a logit or probit on a design, as the Newton solver
//! sees it: value, value and gradient, and the full evaluation, each one
//! blocked pass over the rows ([`super::binary_pass`]).

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
        let k = b.len();
        let mut out = Eval {
            ll: 0.0,
            grad: vec![0.0; k],
            hess: Mat::zeros(k, k),
        };
        linalg::map_blocks(
            self.y.len(),
            |r| binary_pass::block_sums(self.link, self.x, self.y, self.w, b, r),
            |s| {
                out.ll += s.ll;
                out.grad.iter_mut().zip(s.grad).for_each(|(o, a)| *o += a);
                out.hess -= s.gram;
            },
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
