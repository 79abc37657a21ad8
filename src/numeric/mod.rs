//! Ground-floor numerics shared by the estimators and the studies'
//! data-generating processes: the standard normal functions, the logit and
//! probit links, and the location quotient (formula 13).

pub mod link;
pub mod lq;
pub mod normal;

pub use link::{Link, logistic, logistic_stable};
