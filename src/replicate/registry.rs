//! The analysis registry: one [`Analysis`] per registered study, in the
//! order of the study registry ([`crate::studies::StudyName`]). The list's
//! length is the number of registered studies, so a study without its
//! analysis does not compile; `tests/registry_coverage.rs` checks the order.

use super::analysis::Analysis;
use super::{assets, enclave, talent};
use crate::studies::StudyName;

/// The analyses, one per registered study, in registry order.
const ANALYSES: [&dyn Analysis; StudyName::COUNT] =
    [&enclave::Paper, &assets::Paper, &talent::Paper];

/// The analysis side of `study`.
pub fn analysis(study: StudyName) -> &'static dyn Analysis {
    ANALYSES[study as usize]
}
