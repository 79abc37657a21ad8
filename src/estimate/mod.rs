//! Estimators. Each is a spec with `fit(&self, &Design)` returning the shared
//! [`FitResult`]; errors are [`EstimateError`]s that name the column or
//! parameter involved.

pub mod binary;
pub(crate) use crate::numeric::link as binary_link;
pub(crate) mod checks;
pub(crate) mod covariance;
pub(crate) mod dist;
pub(crate) mod error;
pub mod factor;
pub mod heckman;
pub mod interaction;
pub(crate) mod iv;
pub mod lewbel;
pub mod linalg;
pub(crate) mod margins;
pub mod mediation;
pub mod newton;
pub use crate::numeric::normal;
pub(crate) mod ols;
pub(crate) mod options;
pub mod ordered;
pub mod psm;
pub(crate) mod request;
pub(crate) mod results;
pub(crate) mod separation;
pub mod spec;

use crate::data::Design;
pub use binary::{BinaryFit, Logit, Probit};
pub use binary_link::Link;
pub use error::EstimateError;
pub use ols::{Ols, OlsFit};
pub use options::{FitOptions, Margins, SeKind};
pub use results::{CovarianceType, FitInfo, FitResult, ParamRow};
pub use spec::{Estimator, EstimatorName, EstimatorSpec};

/// Fit a design-matrix estimator by its CLI name.
pub fn fit_by_name(
    name: &str,
    design: &Design,
    opts: &FitOptions,
) -> Result<FitResult, EstimateError> {
    let estimator = name
        .parse::<EstimatorName>()
        .ok()
        .and_then(|e| e.design_estimator(opts));
    match estimator {
        Some(e) => e.fit(design),
        None => Err(EstimateError::UnknownEstimator(
            name.to_string(),
            EstimatorName::joined(EstimatorName::ALL.into_iter().filter(|e| e.is_design())),
        )),
    }
}
