//! Errors of the estimators. Each variant carries the columns or numbers
//! involved so that the message alone tells the user what to fix.

/// An estimator could not produce a result.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EstimateError {
    #[error("unknown estimator `{0}` (expected one of: {1})")]
    UnknownEstimator(String, String),
    #[error("too few observations: {n} complete cases for {k} parameters")]
    TooFewObservations { n: usize, k: usize },
    #[error("outcome `{column}` must be 0/1 for {estimator}; row {row} has {value}")]
    OutcomeNotBinary {
        estimator: String,
        column: String,
        row: usize,
        value: f64,
    },
    #[error("outcome `{column}` has a single value ({value}); nothing to explain")]
    OutcomeConstant { column: String, value: f64 },
    #[error("regressors are exactly collinear: {columns:?} (drop one of them)")]
    Collinear { columns: Vec<String> },
    #[error(
        "{kind} separation by `{column}`: it predicts `{outcome}` {detail}; the MLE does not exist"
    )]
    Separation {
        kind: String,
        column: String,
        /// The variable being predicted (the outcome, or the treatment of a propensity score).
        outcome: String,
        detail: String,
    },
    #[error(
        "{estimator} did not converge after {iterations} iterations (gradient norm {grad_norm:.3e})"
    )]
    NotConverged {
        estimator: String,
        iterations: usize,
        grad_norm: f64,
    },
    #[error("the information matrix is singular; parameters {columns:?} are not identified")]
    SingularInformation { columns: Vec<String> },
    #[error("invalid option `{option}`: {reason}")]
    InvalidOption { option: String, reason: String },
    #[error("cluster-robust errors need at least 2 clusters in `{variable}`, found {groups}")]
    TooFewClusters { variable: String, groups: usize },
    #[error("column `{column}` is required by {estimator} but absent from the design")]
    MissingColumn { estimator: String, column: String },
    #[error("{0}")]
    Invalid(String),
    #[error("column `{column}` was declared a 0/1 dummy but row {row} has {value}")]
    NotDummy {
        column: String,
        row: usize,
        value: f64,
    },
    #[error("treatment `{column}` must be 0/1; row {row} has {value} ({hint})")]
    TreatmentNotBinary {
        column: String,
        row: usize,
        value: f64,
        hint: String,
    },
    #[error(
        "treatment `{column}` needs both treated and control units: {treated} treated, {controls} controls"
    )]
    NoTreatedOrControls {
        column: String,
        treated: usize,
        controls: usize,
    },
    #[error(
        "selection indicator `{column}` must be 0/1 (1: outcome observed); row {row} has {value}"
    )]
    SelectionNotBinary {
        column: String,
        row: usize,
        value: f64,
    },
    #[error(
        "selection indicator `{column}` needs both selected and non-selected rows: {selected} selected, {nonselected} not"
    )]
    NoSelectionVariation {
        column: String,
        selected: usize,
        nonselected: usize,
    },
    #[error("{role} `{column}` is constant ({value}); it must vary")]
    ConstantColumn {
        column: String,
        role: String,
        value: f64,
    },
}
