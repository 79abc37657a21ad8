//! What `migsim replicate` prints, and the Python package returns: the
//! replication with the study's sources, as JSON and as text.

use super::rows::Replication;
use crate::studies::{StudyName, citation};

/// `replicate --json`'s object: the replication's fields plus `sources`
/// (the paper's citation lines).
pub fn to_json(
    rep: &Replication,
    study: StudyName,
) -> Result<serde_json::Value, serde_json::Error> {
    let mut v = serde_json::to_value(rep)?;
    if let Some(o) = v.as_object_mut() {
        o.insert("sources".into(), serde_json::json!(citation::of(study)));
    }
    Ok(v)
}

/// The text form: the tables, then a "Sources:" block.
pub fn to_text(rep: &Replication, study: StudyName) -> String {
    let mut s = format!("{rep}\nSources:\n");
    for c in citation::of(study) {
        s.push_str(&format!("  {c}\n"));
    }
    s
}
