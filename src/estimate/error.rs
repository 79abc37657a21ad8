//! Errors of the estimators. Each variant carries the columns or numbers
//! involved so that the message alone tells the user what to fix.

/// An estimator could not produce a result.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EstimateError {
    /// An estimator name no estimator answers to: the name, and the names
    /// there are.
    #[error("unknown estimator `{0}` (expected one of: {1})")]
    UnknownEstimator(String, String),
    /// Fewer complete cases than parameters (`n < k`, or `n = k` where a
    /// residual degree of freedom is needed).
    #[error("too few observations: {n} complete cases for {k} parameters")]
    TooFewObservations {
        /// Complete cases.
        n: usize,
        /// Parameters.
        k: usize,
    },
    /// A binary-outcome model got an outcome value other than 0 or 1.
    #[error("outcome `{column}` must be 0/1 for {estimator}; row {row} has {value}")]
    OutcomeNotBinary {
        /// The estimator (`logit`, `probit`, ...).
        estimator: String,
        /// The outcome column.
        column: String,
        /// Row of the complete cases that has the value.
        row: usize,
        /// The value found.
        value: f64,
    },
    /// The outcome takes one value over the complete cases.
    #[error("outcome `{column}` has a single value ({value}); nothing to explain")]
    OutcomeConstant {
        /// The outcome column.
        column: String,
        /// Its one value.
        value: f64,
    },
    /// `X'X` is singular: these columns are exact linear combinations of
    /// the others.
    #[error("regressors are exactly collinear: {columns:?} (drop one of them)")]
    Collinear {
        /// The dependent columns.
        columns: Vec<String>,
    },
    /// Complete or quasi-complete separation (Albert & Anderson 1984): a
    /// regressor predicts the outcome perfectly on part of its range, so the
    /// likelihood has no maximum.
    #[error(
        "{kind} separation by `{column}`: it predicts `{outcome}` {detail}; the MLE does not exist"
    )]
    Separation {
        /// `complete` or `quasi-complete`.
        kind: String,
        /// The separating regressor.
        column: String,
        /// The variable being predicted (the outcome, or the treatment of a propensity score).
        outcome: String,
        /// How it predicts it (which observations, and how far the coefficient ran).
        detail: String,
    },
    /// Newton-Raphson (or BFGS) did not reach the gradient tolerance.
    #[error(
        "{estimator} did not converge after {iterations} iterations (gradient norm {grad_norm:.3e})"
    )]
    NotConverged {
        /// The estimator.
        estimator: String,
        /// Iterations run (the limit).
        iterations: usize,
        /// Euclidean norm of the score at the last iterate.
        grad_norm: f64,
    },
    /// The information matrix (negative Hessian) at the estimate cannot be
    /// inverted, so these parameters have no standard errors.
    #[error("the information matrix is singular; parameters {columns:?} are not identified")]
    SingularInformation {
        /// The parameters involved.
        columns: Vec<String>,
    },
    /// An estimator option has a value it does not accept.
    #[error("invalid option `{option}`: {reason}")]
    InvalidOption {
        /// The option's name as the CLI spells it.
        option: String,
        /// What was wrong and what is expected.
        reason: String,
    },
    /// Cluster-robust errors need `G >= 2` clusters (the `G/(G-1)` factor).
    #[error("cluster-robust errors need at least 2 clusters in `{variable}`, found {groups}")]
    TooFewClusters {
        /// The cluster variable.
        variable: String,
        /// Clusters found.
        groups: usize,
    },
    /// A column the estimator needs (treatment, mediator, instrument) is not
    /// a column of the design.
    #[error("column `{column}` is required by {estimator} but absent from the design")]
    MissingColumn {
        /// The estimator.
        estimator: String,
        /// The column asked for.
        column: String,
    },
    /// Any other refusal, with its full message.
    #[error("{0}")]
    Invalid(String),
    /// A column declared a 0/1 dummy has another value.
    #[error("column `{column}` was declared a 0/1 dummy but row {row} has {value}")]
    NotDummy {
        /// The column.
        column: String,
        /// Row of the complete cases that has the value.
        row: usize,
        /// The value found.
        value: f64,
    },
    /// A treatment column has a value other than 0 or 1.
    #[error("treatment `{column}` must be 0/1; row {row} has {value} ({hint})")]
    TreatmentNotBinary {
        /// The treatment column.
        column: String,
        /// Row of the complete cases that has the value.
        row: usize,
        /// The value found.
        value: f64,
        /// How to make it binary.
        hint: String,
    },
    /// A treatment effect needs both treated and control units.
    #[error(
        "treatment `{column}` needs both treated and control units: {treated} treated, {controls} controls"
    )]
    NoTreatedOrControls {
        /// The treatment column.
        column: String,
        /// Units with treatment 1.
        treated: usize,
        /// Units with treatment 0.
        controls: usize,
    },
    /// Heckman's selection indicator has a value other than 0 or 1.
    #[error(
        "selection indicator `{column}` must be 0/1 (1: outcome observed); row {row} has {value}"
    )]
    SelectionNotBinary {
        /// The selection column.
        column: String,
        /// Row that has the value.
        row: usize,
        /// The value found.
        value: f64,
    },
    /// Heckman's selection equation needs both selected and non-selected
    /// rows.
    #[error(
        "selection indicator `{column}` needs both selected and non-selected rows: {selected} selected, {nonselected} not"
    )]
    NoSelectionVariation {
        /// The selection column.
        column: String,
        /// Rows with the outcome observed.
        selected: usize,
        /// Rows without.
        nonselected: usize,
    },
    /// A column with a role (treatment, mediator, instrument) is constant.
    #[error("{role} `{column}` is constant ({value}); it must vary")]
    ConstantColumn {
        /// The column.
        column: String,
        /// Its role (`treatment`, `mediator`, ...).
        role: String,
        /// Its one value.
        value: f64,
    },
}
