//! Ground-floor numerics shared by the estimators and the studies'
//! data-generating processes: the standard normal functions, the logit and
//! probit links, the location quotient (formula 13), and register-friendly
//! reductions (min/max, dot).
#![deny(missing_docs)]

pub(crate) mod link;
pub mod lq;
pub mod normal;
pub(crate) mod reduce;

pub use link::{Link, logistic, logistic_stable};
