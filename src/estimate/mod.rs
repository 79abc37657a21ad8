//! Estimators. Each is a spec with `fit(&self, &Design)` returning the shared
//! [`FitResult`]; errors are [`EstimateError`]s that name the column or
//! parameter involved.

pub mod error;
pub mod heckman;
pub mod mediation;
pub mod normal;
pub mod options;
pub mod results;

use crate::data::Design;
pub use error::EstimateError;
pub use options::{FitOptions, Margins, SeKind};
pub use results::{CovarianceType, FitInfo, FitResult, ParamRow};

/// Estimators `fit_by_name` dispatches to (the design-matrix ones).
pub const DESIGN_ESTIMATORS: &[&str] = &["ols", "logit", "probit", "ologit", "oprobit"];

/// Whether the estimator's design carries a constant column (ordered models
/// absorb it into their cut points).
pub fn needs_intercept(estimator: &str) -> bool {
    !matches!(estimator, "ologit" | "oprobit")
}

/// Fit a design-matrix estimator by its CLI name.
pub fn fit_by_name(
    name: &str,
    design: &Design,
    opts: &FitOptions,
) -> Result<FitResult, EstimateError> {
    let _ = (design, opts);
    Err(EstimateError::UnknownEstimator(
        name.to_string(),
        DESIGN_ESTIMATORS.join(", "),
    ))
}
