//! Estimators. Each is a spec with `fit(&self, ...)` returning the shared
//! [`FitResult`]; errors are [`EstimateError`]s that name the column or
//! parameter involved.

pub mod normal;
pub mod results;

pub use results::{CovarianceType, FitInfo, FitResult, ParamRow};
