//! Errors of a sensitivity analysis: bad designs (sizes, bounds) and model
//! outputs that cannot be summarised.

/// A design could not be built or its outputs summarised.
#[derive(Debug, thiserror::Error)]
pub enum SensitivityError {
    /// No parameter to vary.
    #[error("sensitivity needs at least one parameter")]
    NoParams,
    #[error(
        "a Sobol design of {k} parameters needs {dims} sequence dimensions; at most {max} are available"
    )]
    /// A Sobol design needs more sequence dimensions than exist.
    TooManyParams {
        /// Parameters asked for.
        k: usize,
        /// Sequence dimensions they need.
        dims: usize,
        /// Most available or accepted.
        max: usize,
    },
    /// `n` outside its range.
    #[error("`n` = {n} base samples: expected between {min} and {max}")]
    BadN {
        /// Value found.
        n: usize,
        /// Least accepted.
        min: usize,
        /// Most available or accepted.
        max: usize,
    },
    /// Fewer than 2 Morris levels.
    #[error("Morris needs at least 2 grid levels, got {levels}")]
    BadLevels {
        /// Levels found.
        levels: usize,
    },
    /// A parameter's bounds are not finite or not increasing.
    #[error("parameter `{key}`: bounds [{lower}, {upper}] must be finite with lower < upper")]
    BadBounds {
        /// The key at fault.
        key: String,
        /// Lower bound found.
        lower: f64,
        /// Upper bound found.
        upper: f64,
    },
    /// The outputs do not match the design's rows.
    #[error("expected {expected} model outputs (rows of the design), got {got}")]
    RowCount {
        /// Count expected.
        expected: usize,
        /// Count found.
        got: usize,
    },
    /// A row has the wrong number of outputs.
    #[error("row {row} has {got} outputs, expected {expected}")]
    RowWidth {
        /// The row.
        row: usize,
        /// Count expected.
        expected: usize,
        /// Count found.
        got: usize,
    },
}
