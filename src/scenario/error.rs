//! Scenario errors: every message names the file and, where the TOML parser
//! gives a span, the line.

use crate::io::WriteError;
use crate::studies::StudyError;

/// A scenario could not be read, checked, run or written.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The caller's [`crate::monitor::Monitor`] asked the run to stop.
    #[error("cancelled before the run finished; nothing was written")]
    Cancelled,
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// Malformed or invalid scenario file content.
    #[error("{file}{}: {message}", line_suffix(*line))]
    Invalid {
        file: String,
        line: Option<usize>,
        message: String,
    },
    /// The study rejected an override or failed to simulate.
    #[error("{file}{}: {context}: {source}", line_suffix(*line))]
    Study {
        file: String,
        line: Option<usize>,
        context: String,
        #[source]
        source: Box<StudyError>,
    },
    #[error(
        "{file}: unknown metric `{metric}` for study {study} (available: {})",
        available.join(", ")
    )]
    UnknownMetric {
        file: String,
        metric: String,
        study: String,
        available: Vec<String>,
    },
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Size(#[from] crate::resources::SizeError),
    #[error("cannot encode {what}: {message}")]
    Encode { what: String, message: String },
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(" line {l}")).unwrap_or_default()
}

/// 1-based line of byte offset `pos` in `src`.
pub fn line_of(src: &str, pos: usize) -> usize {
    let end = pos.min(src.len());
    src.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
