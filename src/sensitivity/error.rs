//! Errors of a sensitivity analysis: bad designs (sizes, bounds) and model
//! outputs that cannot be summarised.

/// A design could not be built or its outputs summarised.
#[derive(Debug, thiserror::Error)]
pub enum SensitivityError {
    #[error("sensitivity needs at least one parameter")]
    NoParams,
    #[error(
        "a Sobol design of {k} parameters needs {dims} sequence dimensions; at most {max} are available"
    )]
    TooManyParams { k: usize, dims: usize, max: usize },
    #[error("`n` = {n} base samples: expected between {min} and {max}")]
    BadN { n: usize, min: usize, max: usize },
    #[error("Morris needs at least 2 grid levels, got {levels}")]
    BadLevels { levels: usize },
    #[error("parameter `{key}`: bounds [{lower}, {upper}] must be finite with lower < upper")]
    BadBounds { key: String, lower: f64, upper: f64 },
    #[error("expected {expected} model outputs (rows of the design), got {got}")]
    RowCount { expected: usize, got: usize },
    #[error("row {row} has {got} outputs, expected {expected}")]
    RowWidth {
        row: usize,
        expected: usize,
        got: usize,
    },
}
