//! Estimators. Each is a spec with `fit(&self, &Design)` returning the shared
//! [`FitResult`]; errors are [`EstimateError`]s that name the column or
//! parameter involved.
//!
//! - [`Ols`]: least squares by QR, classical, HC1 or CR1 standard errors.
//! - [`Logit`], [`Probit`] ([`binary`]): Newton–Raphson MLE, average marginal
//!   effects, Ai & Norton (2003) interaction effects ([`interaction`]).
//! - [`ordered`]: ordered logit and probit, `P(y <= j | x) = F(kappa_j - x'b)`,
//!   with the Brant test.
//! - [`factor`]: a one-factor index of Likert items.
//! - [`heckman`]: the Heckman treatment-effects model and the sample-selection
//!   model (two-step or ML).
//! - [`lewbel`]: Lewbel (2012) heteroskedasticity-based instruments, 2SLS.
//! - [`mediation`]: causal mediation (Imai, Keele & Tingley 2010), ACME/ADE by
//!   quasi-Bayesian simulation, with the medsens sensitivity analysis.
//! - [`psm`]: propensity-score matching (nearest neighbour, radius, kernel,
//!   local linear, spline), Abadie–Imbens or bootstrap standard errors.
//!
//! [`spec`] is the one layer that turns a name and options (CLI flags, TOML
//! tables, Python keywords) into an estimator; [`newton`] and [`linalg`] are
//! the shared maximiser and dense linear algebra.
#![deny(missing_docs)]

pub mod binary;
pub(crate) mod binary_lik;
pub(crate) mod binary_pass;
pub(crate) mod binary_start;
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
pub use request::{FitOutcome, FitRequest};
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
