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
    /// The file could not be read.
    #[error("cannot read {file}: {source}")]
    Read {
        /// The file.
        file: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Malformed or invalid scenario file content.
    #[error("{file}{}: {message}", line_suffix(*line))]
    Invalid {
        /// The file.
        file: String,
        /// The line, where the parser gives a span.
        line: Option<usize>,
        /// What is wrong and what was expected.
        message: String,
    },
    /// The study rejected an override or failed to simulate.
    #[error("{file}{}: {context}: {source}", line_suffix(*line))]
    Study {
        /// The scenario file.
        file: String,
        /// Line of the table whose settings the study rejected.
        line: Option<usize>,
        /// Which arm, replication or design point (with its seed).
        context: String,
        /// The study's error.
        #[source]
        source: Box<StudyError>,
    },
    #[error(
        "{file}: unknown metric `{metric}` for study {study} (available: {})",
        available.join(", ")
    )]
    /// `metrics` names a metric the study does not report.
    UnknownMetric {
        /// The scenario file.
        file: String,
        /// The unknown metric.
        metric: String,
        /// The study.
        study: String,
        /// The metrics it reports.
        available: Vec<String>,
    },
    /// The output folder could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// A size check refused the run before allocating.
    #[error(transparent)]
    Size(#[from] crate::resources::SizeError),
    /// A table or document could not be serialised (`what`, and why).
    #[error("cannot encode {what}: {message}")]
    Encode {
        /// What was being encoded.
        what: String,
        /// Why it failed.
        message: String,
    },
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
