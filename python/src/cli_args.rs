//! Python keywords as the CLI's arguments: `max_iter=50` is `--max-iter=50`,
//! `robust=True` is `--robust`, `x=["a", "b"]` is `--x=a,b`, a trailing
//! underscore is dropped (`lambda_` is `--lambda`); `False` and `None` leave
//! the flag out. The result is parsed by the CLI's own clap definitions, so
//! every option's spelling, default, range check and message exists once,
//! in the library.

use clap::Parser;
use migsim::cli::{Cli, Command};
use serde_json::Value;

use crate::errors::input_error;
use pyo3::PyResult;

/// `migsim WORDS... --KEY=VALUE...` of the keyword JSON `options`, parsed.
pub fn parse(words: &[&str], options: &str) -> PyResult<Command> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(options) else {
        return Err(input_error(format!(
            "{}: options must be a mapping of keywords to values",
            words[0]
        )));
    };
    let mut argv: Vec<String> = std::iter::once("migsim")
        .chain(words.iter().copied())
        .map(str::to_string)
        .collect();
    for (key, v) in &map {
        let flag = format!("--{}", key.trim_end_matches('_').replace('_', "-"));
        match v {
            Value::Null | Value::Bool(false) => {}
            Value::Bool(true) => argv.push(flag),
            Value::String(s) => argv.push(format!("{flag}={s}")),
            Value::Number(n) => argv.push(format!("{flag}={n}")),
            Value::Array(items) => {
                let parts = items
                    .iter()
                    .map(|i| match i {
                        Value::String(s) => Ok(s.clone()),
                        Value::Number(n) => Ok(n.to_string()),
                        other => Err(input_error(format!(
                            "{}: `{key}` must list names or numbers, got {other}",
                            words[0]
                        ))),
                    })
                    .collect::<PyResult<Vec<String>>>()?;
                argv.push(format!("{flag}={}", parts.join(",")));
            }
            Value::Object(_) => {
                return Err(input_error(format!(
                    "{}: `{key}` must be a string, number, boolean or list, got {v}",
                    words[0]
                )));
            }
        }
    }
    match Cli::try_parse_from(&argv) {
        Ok(cli) => Ok(cli.command),
        Err(e) => Err(input_error(clap_message(&e, words[0]))),
    }
}

/// The first paragraph of clap's message, without its `error: ` prefix.
fn clap_message(e: &clap::Error, command: &str) -> String {
    let text = e.render().to_string();
    let first = text.split("\n\n").next().unwrap_or(&text).trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    format!("{command}: {first}")
}
