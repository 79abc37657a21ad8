//! `--population FILE.csv` of `migsim cohort` and `migsim replicate`: a
//! user's sample whose covariate columns replace the drawn ones
//! (library: [`crate::studies::sample`]).

use std::path::Path;

use crate::studies::StudyName;
use crate::studies::sample::Sample;

/// Check the sample, add `population = FILE` to `overrides` and take N from
/// its rows unless `n` is given.
pub fn apply(
    study: StudyName,
    path: &Path,
    overrides: &mut toml::Table,
    n: Option<usize>,
) -> anyhow::Result<(Option<usize>, Sample)> {
    let sample = crate::studies::read_sample(study, path)?;
    overrides.insert(
        "population".into(),
        toml::Value::String(path.display().to_string()),
    );
    Ok((n.or(Some(sample.rows)), sample))
}

/// The lines saying which covariates came from the file.
pub fn describe(s: &Sample) -> String {
    let list = |v: &[&str]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(", ")
        }
    };
    format!(
        "population {}: {} rows; from the file: {}; drawn from the defaults: {}{}",
        s.file,
        s.rows,
        list(&s.from_file),
        list(&s.drawn),
        if s.ignored.is_empty() {
            String::new()
        } else {
            format!("; ignored columns: {}", s.ignored.join(", "))
        }
    )
}

/// The JSON object of a sample's columns.
pub fn json(s: &Sample) -> serde_json::Value {
    serde_json::json!({
        "file": s.file,
        "rows": s.rows,
        "from_file": s.from_file,
        "drawn": s.drawn,
        "ignored": s.ignored,
    })
}
