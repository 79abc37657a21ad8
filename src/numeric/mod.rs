//! Ground-floor numerics shared by the estimators and the studies'
//! data-generating processes: the standard normal functions, the logit and
//! probit links, the location quotient (formula 13), register-friendly
//! reductions (min/max, dot) and eight-lane `exp` / `ln(1 + a)`.
#![deny(missing_docs)]

pub(crate) mod lanes;
pub(crate) mod link;
pub mod lq;
pub mod normal;
pub(crate) mod reduce;
pub(crate) mod simd;

pub use link::{Link, logistic, logistic_stable};
