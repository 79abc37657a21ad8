//! Helpers shared by the writers of a run's files ([`super::run_files`],
//! [`super::sensitivity_files`]).

use crate::scenario::ScenarioError;

/// A serialisation failure of output file `what`.
pub fn encode(what: &str, e: impl std::fmt::Display) -> ScenarioError {
    ScenarioError::Encode {
        what: what.to_string(),
        message: e.to_string(),
    }
}

/// A CSV cell: the shortest round-trip text of a finite number, empty
/// otherwise.
pub fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}
