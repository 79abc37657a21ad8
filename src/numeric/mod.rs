//! Ground-floor numerics shared by the estimators and the studies'
//! data-generating processes: the standard normal functions, the logit and
//! probit links.

pub mod link;
pub mod normal;

pub use link::{Link, logistic, logistic_stable};
