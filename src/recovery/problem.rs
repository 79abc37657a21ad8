//! Typed errors of the parts of a recovery spec (an estimator entry, a
//! `take`, the estimand list) and of reading one replication's fit and truth.
//! The spec reader places the first kind at its file and line
//! ([`super::RecoveryError::Spec`]); the replication loop wraps the second
//! with the replication index.

use crate::data::DataError;
use crate::estimate::spec::SpecError;

/// A `take = "SECTION:NAME"` that does not parse, or names a row or fit
/// statistic the fit does not have.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TakeError {
    #[error(
        "`take = \"{take}\"`: expected SECTION:NAME, e.g. coefficients:x1, \
         marginal_effects:x1, effects:att, fit:rho_at_zero"
    )]
    Form { take: String },
    #[error("`take = \"{take}\"`: both SECTION and NAME must be non-empty")]
    Empty { take: String },
    #[error("{estimator} has no fit statistic `{name}` (it has: {have})")]
    NoFitStatistic {
        estimator: String,
        name: String,
        have: String,
    },
    #[error("{estimator} has no row `{take}` (its {section} rows: {have})")]
    NoRow {
        estimator: String,
        take: String,
        section: String,
        have: String,
    },
}

/// An estimand the simulator's truth does not hold; lists what it has.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "the simulator has no estimand `{name}` (effects: {effects}; params: {params}; metrics: {metrics})"
)]
pub struct UnknownEstimand {
    pub name: String,
    pub effects: String,
    pub params: String,
    pub metrics: String,
}

/// An `[[estimators]]` entry or the `estimands` list that does not fit
/// together; each names the key involved.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("unknown estimator `{name}` (expected one of: {expected})")]
    UnknownEstimator { name: String, expected: String },
    #[error("`label` must not be empty")]
    EmptyLabel,
    #[error("{estimator} needs the outcome column: `y = \"COL\"`")]
    NoOutcome { estimator: String },
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error(transparent)]
    Formula(DataError),
    #[error("`subset`: {0}")]
    Subset(DataError),
    #[error(transparent)]
    Take(#[from] TakeError),
    #[error("`take` and `estimand` go together")]
    TakeWithoutEstimand,
    #[error("no target: give `take = \"SECTION:NAME\"` and `estimand = \"...\"`, or `targets`")]
    NoTarget,
    #[error("`estimands` is empty: name the truths to recover")]
    NoEstimands,
    #[error("estimand `{0}` is listed twice")]
    EstimandTwice(String),
}

/// Why one estimator's fit in one replication stops the run: the design
/// could not be built for a reason that does not depend on the cohort drawn
/// (unknown column, ...), or a target row is missing from the fit.
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    #[error(transparent)]
    Data(DataError),
    #[error(transparent)]
    Take(#[from] TakeError),
}
