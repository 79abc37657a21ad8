//! The settings registry: every setting of a study's config as one table
//! row (dotted key, default, bounds, unit, one-line meaning), read by
//! `migsim settings`, by the calibration's key and bound checks and by
//! anyone who wants to know what `policy.unit_support_south_boost` is.
//!
//! Keys and defaults come from the serialised default config (so the table
//! cannot drift from the code); meanings from the doc comments of the
//! config source, parsed at run time from the embedded file; bounds by
//! probing the study's own `validate` just outside 0 and 1 (a setting that
//! rejects -1e-9 has lower bound 0, one that also rejects 0 is "> 0"; one
//! that rejects 1 + 1e-9 has upper bound 1). Joint constraints (e.g.
//! `zenou.delta < zenou.lambda`) are not bounds; `validate` still checks them.
//! Written by hand: no crate reads doc comments of a serde struct at run time.

use std::collections::BTreeMap;

use serde::Serialize;
use toml::{Table, Value};

use super::{Study, StudyError, StudyName, assets, config_of, enclave, talent};

/// One setting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setting {
    /// Dotted config key, as in a scenario's `[baseline]`.
    pub key: String,
    /// Default value, as TOML text.
    pub default: String,
    /// Numeric default (None for lists, strings and booleans).
    pub value: Option<f64>,
    /// Lower and upper bound accepted by `validate` (infinite when open).
    pub lower: f64,
    pub upper: f64,
    /// Whether the lower bound itself is excluded (`> 0`).
    pub lower_open: bool,
    pub unit: String,
    pub meaning: String,
}

impl Setting {
    /// Bounds as text: `[0, 1]`, `(0, inf)`, `any`.
    pub fn bounds_text(&self) -> String {
        if self.value.is_none() {
            return "-".into();
        }
        if self.lower == f64::NEG_INFINITY && self.upper == f64::INFINITY {
            return "any".into();
        }
        let lo = if self.lower_open { "(" } else { "[" };
        let hi = if self.upper.is_finite() { "]" } else { ")" };
        format!("{lo}{}, {}{hi}", self.lower, self.upper)
    }

    /// Whether `v` lies within the bounds.
    pub fn admits(&self, v: f64) -> bool {
        let above = if self.lower_open {
            v > self.lower
        } else {
            v >= self.lower
        };
        v.is_finite() && above && v <= self.upper
    }
}

/// Every setting of `study`, in key order.
pub fn registry(study: StudyName) -> Result<Vec<Setting>, StudyError> {
    match study {
        StudyName::Enclave => table::<enclave::Enclave>(include_str!("enclave/config.rs")),
        StudyName::Assets => table::<assets::Assets>(include_str!("assets/config.rs")),
        StudyName::Talent => table::<talent::Talent>(include_str!("talent/config.rs")),
    }
}

/// The setting `key` of `study`, or an error naming the key.
pub fn lookup(study: StudyName, key: &str) -> Result<Setting, StudyError> {
    registry(study)?
        .into_iter()
        .find(|s| s.key == key)
        .ok_or_else(|| {
            StudyError::invalid(
                key,
                format!("not a setting of the {study} study (see `migsim settings {study}`)"),
            )
        })
}

fn table<S: Study>(source: &str) -> Result<Vec<Setting>, StudyError> {
    let value = Value::try_from(S::Config::default())
        .map_err(|e| StudyError::Override(format!("cannot serialise the defaults: {e}")))?;
    let Value::Table(root) = value else {
        return Err(StudyError::Override("defaults are not a table".into()));
    };
    let docs = Docs::parse(source);
    Ok(crate::dotted::leaves(&root)
        .into_iter()
        .map(|(key, v)| {
            let value = match &v {
                Value::Float(x) => Some(*x),
                Value::Integer(i) => Some(*i as f64),
                _ => None,
            };
            let (lower, lower_open, upper) = match &v {
                Value::Float(_) => probe::<S>(&key),
                _ => (f64::NEG_INFINITY, false, f64::INFINITY),
            };
            Setting {
                unit: unit_of(&key, v, lower, upper),
                meaning: docs.meaning(&key),
                default: v.to_string(),
                value,
                lower,
                upper,
                lower_open,
                key,
            }
        })
        .collect())
}

/// Whether `validate` accepts setting `key` at `v` (defaults elsewhere).
fn accepts<S: Study>(key: &str, v: f64) -> bool {
    let mut t = Table::new();
    set_dotted(&mut t, key, Value::Float(v));
    config_of::<S>(&t, None).is_ok()
}

fn probe<S: Study>(key: &str) -> (f64, bool, f64) {
    let (lower, open) = if accepts::<S>(key, -1e-9) {
        (f64::NEG_INFINITY, false)
    } else {
        (0.0, !accepts::<S>(key, 0.0))
    };
    let upper = if !accepts::<S>(key, 1.0 + 1e-9) && accepts::<S>(key, 1.0) {
        1.0
    } else {
        f64::INFINITY
    };
    (lower, open, upper)
}

fn unit_of(key: &str, v: &Value, lower: f64, upper: f64) -> String {
    let last = key.rsplit('.').next().unwrap_or(key);
    let unit = match v {
        Value::Boolean(_) => "on/off",
        Value::Integer(_) => "count",
        Value::String(_) => "name",
        Value::Array(_) => "list",
        _ if lower == 0.0 && upper == 1.0 => "share",
        _ if last.ends_with("_sd") || last == "sd" => "sd",
        _ if last.contains("mult") => "multiplier",
        _ if last.starts_with("ln_") && last.ends_with("_mean") => "log units",
        _ if last.contains("rate") || last == "lambda" || last == "delta" => "per year",
        _ if last.contains("years") => "years",
        _ => "index units",
    };
    unit.to_string()
}

/// Doc comments of a config source: per struct, its own doc and each
/// field's doc and type.
struct Docs {
    structs: BTreeMap<String, StructDoc>,
}

#[derive(Default)]
struct StructDoc {
    doc: String,
    fields: BTreeMap<String, (String, String)>,
}

fn first_sentence(lines: &[String]) -> String {
    let text = lines.join(" ");
    let text = text.trim();
    match text.find(". ") {
        Some(i) => text[..=i].to_string(),
        None => text.to_string(),
    }
}

impl Docs {
    fn parse(src: &str) -> Docs {
        let mut structs: BTreeMap<String, StructDoc> = BTreeMap::new();
        let mut pending: Vec<String> = Vec::new();
        let mut current: Option<String> = None;
        for line in src.lines() {
            let l = line.trim();
            if let Some(doc) = l.strip_prefix("///") {
                pending.push(doc.trim().to_string());
                continue;
            }
            if l.starts_with("#[") {
                continue;
            }
            let header = l
                .strip_prefix("pub struct ")
                .or_else(|| l.strip_suffix(" {").filter(|h| is_type_name(h)));
            if let Some(h) = header.and_then(|h| h.split([' ', '{']).next())
                && is_type_name(h)
                && l.ends_with('{')
            {
                let entry = structs.entry(h.to_string()).or_default();
                if entry.doc.is_empty() {
                    entry.doc = first_sentence(&pending);
                }
                current = Some(h.to_string());
                pending.clear();
                continue;
            }
            if let (Some(s), Some(field)) = (&current, l.strip_prefix("pub "))
                && let Some((name, ty)) = field.split_once(':')
            {
                let ty = ty.trim().trim_end_matches(',').to_string();
                let doc = first_sentence(&pending);
                if let Some(e) = structs.get_mut(s) {
                    e.fields.insert(name.trim().to_string(), (doc, ty));
                }
            }
            if l == "}" {
                current = None;
            }
            pending.clear();
        }
        Docs { structs }
    }

    /// Meaning of a dotted key: the field's doc, else the enclosing
    /// struct's doc with the field named.
    fn meaning(&self, key: &str) -> String {
        let mut owner = "Config".to_string();
        let parts: Vec<&str> = key.split('.').collect();
        for (k, part) in parts.iter().enumerate() {
            let Some(s) = self.structs.get(&owner) else {
                return String::new();
            };
            match s.fields.get(*part) {
                Some((doc, ty)) if k + 1 < parts.len() => {
                    let _ = doc;
                    owner = ty.clone();
                }
                Some((doc, _)) if !doc.is_empty() => return doc.clone(),
                _ => return s.doc.clone(),
            }
        }
        String::new()
    }
}

fn is_type_name(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A commented starter scenario of `study`: every setting with its default,
/// commented out, under `[baseline]`, and one example intervention.
pub fn starter_scenario(study: StudyName) -> Result<String, StudyError> {
    let rows = registry(study)?;
    let mut out = format!(
        "# Starter scenario for the {study} study (from `migsim settings {study} --scenario`).\n\
         # Uncomment a setting under [baseline] to change it; bounds and units in brackets.\n\
         name = \"{study}-starter\"\nstudy = \"{study}\"\nreplications = 20\nseed = 1\n\n[baseline]\n"
    );
    for s in &rows {
        if s.key == "n" {
            continue;
        }
        if !s.meaning.is_empty() {
            out.push_str(&format!("# {}\n", s.meaning));
        }
        out.push_str(&format!(
            "# \"{}\" = {}    # {} {}\n",
            s.key,
            s.default,
            s.bounds_text(),
            s.unit
        ));
    }
    let example = rows
        .iter()
        .find(|s| s.key.starts_with("policy.") && s.value.is_some())
        .map_or("policy", |s| s.key.as_str());
    let value = rows
        .iter()
        .find(|s| s.key == example)
        .and_then(|s| s.value)
        .unwrap_or(0.0);
    out.push_str(&format!(
        "\n[[intervention]]\nname = \"example\"\nset = {{ \"{example}\" = {value} }}\n"
    ));
    Ok(out)
}

/// Set dotted `key` of an override table to `v`, creating nested tables
/// (an existing single value on the path is replaced by a table).
pub fn set_dotted(t: &mut Table, key: &str, v: Value) {
    match key.split_once('.') {
        None => {
            t.insert(key.to_string(), v);
        }
        Some((head, rest)) => {
            let entry = t
                .entry(head.to_string())
                .or_insert_with(|| Value::Table(Table::new()));
            if !entry.is_table() {
                *entry = Value::Table(Table::new());
            }
            if let Value::Table(sub) = entry {
                set_dotted(sub, rest, v);
            }
        }
    }
}

/// `top` laid over `base` setting by setting (dotted or nested keys alike).
pub fn merge_over(base: &mut Table, top: &Table) {
    for (k, v) in crate::dotted::leaves(top) {
        set_dotted(base, &k, v.clone());
    }
}
