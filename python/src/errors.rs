//! Library errors as Python exceptions carrying the CLI's message
//! (`migsim::cli::error_message`: the error and its causes).

use pyo3::create_exception;
use pyo3::exceptions::{PyKeyboardInterrupt, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;

create_exception!(
    migsim,
    InputError,
    PyValueError,
    "Bad input: a column, option, setting, scenario key or file the library refused."
);
create_exception!(
    migsim,
    EstimationError,
    PyRuntimeError,
    "An estimator could not produce a result (separation, collinearity, no convergence, ...)."
);
create_exception!(
    migsim,
    OutputError,
    PyOSError,
    "Output files could not be written."
);

/// The CLI's text of `e` and its causes.
pub fn message<E: Into<anyhow::Error>>(e: E) -> String {
    migsim::cli::error_message(&e.into())
}

pub fn input_error(msg: String) -> PyErr {
    InputError::new_err(msg)
}

pub fn input<E: Into<anyhow::Error>>(e: E) -> PyErr {
    InputError::new_err(message(e))
}

pub fn output<E: Into<anyhow::Error>>(e: E) -> PyErr {
    OutputError::new_err(message(e))
}

/// An estimator's error: refusals of the request itself are input errors.
pub fn estimation(e: migsim::estimate::EstimateError) -> PyErr {
    use migsim::estimate::EstimateError as E;
    match e {
        E::UnknownEstimator(..) | E::InvalidOption { .. } | E::Invalid(_) => input(e),
        e => EstimationError::new_err(message(e)),
    }
}

/// An error of the CLI's fit code: an estimator's as [`estimation`], any
/// other (a column, an option) as an input error.
pub fn fit_error(e: anyhow::Error) -> PyErr {
    match e.downcast::<migsim::estimate::EstimateError>() {
        Ok(est) => estimation(est),
        Err(e) => InputError::new_err(migsim::cli::error_message(&e)),
    }
}

/// A scenario error; a cancelled run is the `KeyboardInterrupt` that cancelled it.
pub fn scenario(e: migsim::scenario::ScenarioError) -> PyErr {
    match e {
        migsim::scenario::ScenarioError::Cancelled => {
            PyKeyboardInterrupt::new_err("cancelled".to_string())
        }
        e => input(e),
    }
}

/// An error of a job run through the library's job trait
/// (`migsim::shard::job::Job`); a cancelled job is the `KeyboardInterrupt`
/// that cancelled it.
pub fn job(e: migsim::shard::ShardError) -> PyErr {
    if e.is_cancelled() {
        PyKeyboardInterrupt::new_err("cancelled".to_string())
    } else {
        input(e)
    }
}

/// A panic caught on a worker thread (a bug): never unwound into Python.
pub fn panicked(payload: Box<dyn std::any::Any + Send>) -> PyErr {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    PyRuntimeError::new_err(format!("migsim internal error (please report): {text}"))
}
