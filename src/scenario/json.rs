//! Scenarios as JSON in the TOML schema, for front ends that speak JSON
//! (the Python package, `migsim serve`): a JSON object is rendered as TOML
//! and checked by the one scenario parser, so spellings, defaults and error
//! messages are the file's; a shipped TOML file reads back as the same JSON.

use super::error::ScenarioError;
use super::schema::Scenario;

impl Scenario {
    /// Check a scenario given as a JSON object with the TOML file's keys;
    /// `label` names it in error messages (for example "request body").
    /// Errors carry no line number: lines of the TOML rendering would point
    /// nowhere the caller can see.
    pub fn from_json(value: &serde_json::Value, label: &str) -> Result<Scenario, ScenarioError> {
        let src = json_to_toml(value, label)?;
        Scenario::parse(&src, label).map_err(without_line)
    }
}

/// The TOML text of a JSON scenario object (`null` values are refused:
/// TOML has none).
pub fn json_to_toml(value: &serde_json::Value, label: &str) -> Result<String, ScenarioError> {
    let invalid = |message: String| ScenarioError::Invalid {
        file: label.to_string(),
        line: None,
        message,
    };
    if !value.is_object() {
        return Err(invalid(format!(
            "expected a JSON object with the scenario file's keys, got {}",
            kind(value)
        )));
    }
    if let Some(path) = first_null(value, String::new()) {
        return Err(invalid(format!(
            "`{path}` is null: leave the key out to use its default"
        )));
    }
    toml::to_string(value).map_err(|e| invalid(format!("not expressible as a scenario file: {e}")))
}

/// A scenario file's text as JSON (the shape [`Scenario::from_json`] takes).
pub fn toml_to_json(src: &str, file: &str) -> Result<serde_json::Value, ScenarioError> {
    toml::from_str::<serde_json::Value>(src).map_err(|e| ScenarioError::Invalid {
        file: file.to_string(),
        line: e
            .span()
            .map(|s| src[..s.start.min(src.len())].lines().count().max(1)),
        message: e.message().trim().to_string(),
    })
}

/// `e` without its line number: lines of a JSON scenario's TOML rendering
/// point nowhere its sender can see.
pub(crate) fn without_line(e: ScenarioError) -> ScenarioError {
    match e {
        ScenarioError::Invalid { file, message, .. } => ScenarioError::Invalid {
            file,
            line: None,
            message,
        },
        ScenarioError::Study {
            file,
            context,
            source,
            ..
        } => ScenarioError::Study {
            file,
            line: None,
            context,
            source,
        },
        other => other,
    }
}

fn first_null(v: &serde_json::Value, path: String) -> Option<String> {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match v {
        serde_json::Value::Null => Some(path),
        serde_json::Value::Object(m) => m.iter().find_map(|(k, x)| first_null(x, join(k))),
        serde_json::Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, x)| first_null(x, format!("{path}[{i}]"))),
        _ => None,
    }
}

fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
