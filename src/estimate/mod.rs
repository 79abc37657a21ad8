//! Estimators. Each is a spec with `fit(&self, &Design)` returning the shared
//! [`FitResult`]; errors are [`EstimateError`]s that name the column or
//! parameter involved.

pub mod binary;
pub mod binary_link;
pub mod checks;
pub mod covariance;
pub mod dist;
pub mod error;
pub mod factor;
pub mod heckman;
pub mod interaction;
pub mod iv;
pub mod lewbel;
pub mod linalg;
pub mod lq;
pub mod margins;
pub mod mediation;
pub mod newton;
pub mod normal;
pub mod ols;
pub mod options;
pub mod ordered;
pub mod psm;
pub mod results;
pub mod separation;

use crate::data::Design;
pub use binary::{BinaryFit, Logit, Probit};
pub use binary_link::Link;
pub use error::{DataFitError, EstimateError};
pub use ols::{Ols, OlsFit};
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
    match name {
        "ologit" => ordered::OrderedLogit::new(opts.clone()).fit(design),
        "oprobit" => ordered::OrderedProbit::new(opts.clone()).fit(design),
        "ols" => Ols::new(opts.clone()).fit(design),
        "logit" => Logit::new(opts.clone()).fit(design),
        "probit" => Probit::new(opts.clone()).fit(design),
        other => Err(EstimateError::UnknownEstimator(
            other.to_string(),
            DESIGN_ESTIMATORS.join(", "),
        )),
    }
}
