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

use super::{Study, StudyError, StudyName, config_of};

/// One setting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setting {
    /// Dotted config key, as in a scenario's `[baseline]`.
    pub key: String,
    /// Default value, as TOML text.
    pub default: String,
    /// Numeric default (None for lists, strings and booleans).
    pub value: Option<f64>,
    /// Lower bound accepted by `validate` (`-inf` when open).
    pub lower: f64,
    /// Upper bound accepted by `validate` (`inf` when open).
    pub upper: f64,
    /// Whether the lower bound itself is excluded (`> 0`).
    pub lower_open: bool,
    /// Unit, in words.
    pub unit: String,
    /// One-line meaning, from the config's doc comment.
    pub meaning: String,
    /// The constraint in words where bounds alone do not state it
    /// ("positive integer", "even positive integer"); `None` otherwise.
    pub constraint: Option<String>,
}

impl Setting {
    /// Bounds as text: `[0, 1]`, `(0, inf)`, `any`.
    pub fn bounds_text(&self) -> String {
        if self.value.is_none() {
            return "-".into();
        }
        if let Some(c) = &self.constraint {
            return c.clone();
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
        let whole = self.constraint.is_none() || v.fract() == 0.0;
        let even = !self
            .constraint
            .as_deref()
            .is_some_and(|c| c.starts_with("even"))
            || (v / 2.0).fract() == 0.0;
        v.is_finite() && above && v <= self.upper && whole && even
    }
}

/// Every setting of `study`, in key order.
pub fn registry(study: StudyName) -> Result<Vec<Setting>, StudyError> {
    study.def().settings()
}

/// The setting `key` of `study`, or an error naming the key.
pub fn lookup(study: StudyName, key: &str) -> Result<Setting, StudyError> {
    let rows = registry(study)?;
    let hint = did_you_mean(key, rows.iter().map(|s| s.key.as_str()))
        .map(|k| format!("did you mean `{k}`? "))
        .unwrap_or_default();
    rows.into_iter().find(|s| s.key == key).ok_or_else(|| {
        StudyError::invalid(
            key,
            format!("not a setting of the {study} study ({hint}see `migsim settings {study}`)"),
        )
    })
}

/// The known key closest to a misspelt `key`: the highest Jaro-Winkler
/// similarity (strsim) of at least 0.85, on the whole dotted key or, when
/// the group is right, on the last part.
pub fn did_you_mean<'a>(key: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let last = |k: &'a str| k.rsplit('.').next().unwrap_or(k);
    let (group, tail) = key.rsplit_once('.').unwrap_or(("", key));
    known
        .map(|k| {
            let whole = strsim::jaro_winkler(key, k);
            let part = if k.rsplit_once('.').map_or("", |(g, _)| g) == group {
                strsim::jaro_winkler(tail, last(k))
            } else {
                0.0
            };
            (k, whole.max(part))
        })
        .filter(|(k, sim)| *sim >= 0.85 && *k != key)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k)
}

/// The settings of study `S`: keys and defaults from its default config,
/// meanings from [`Study::CONFIG_SOURCE`], bounds probed from `validate`.
pub(crate) fn table<S: Study>() -> Result<Vec<Setting>, StudyError> {
    let value = Value::try_from(S::Config::default())
        .map_err(|e| StudyError::Override(format!("cannot serialise the defaults: {e}")))?;
    let Value::Table(root) = value else {
        return Err(StudyError::Override("defaults are not a table".into()));
    };
    let docs = Docs::parse(S::CONFIG_SOURCE);
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
                Value::Integer(i) => probe_int::<S>(&key, *i),
                _ => (f64::NEG_INFINITY, false, f64::INFINITY),
            };
            let constraint = match &v {
                Value::Integer(i) => int_constraint::<S>(&key, *i, lower),
                _ => None,
            };
            Setting {
                unit: unit_of(&key, v, lower, upper),
                meaning: docs.meaning(&key),
                default: shortest(v),
                value: value.map(round12),
                lower,
                upper,
                lower_open,
                constraint,
                key,
            }
        })
        .collect())
}

/// `x` rounded to 12 significant digits: arithmetic noise of a computed
/// default (`0.0008778000000000001`) is dropped.
fn round12(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// A default as TOML text, floats in their shortest decimal form after
/// [`round12`] (Rust's `{}` of f64 is the shortest round-trip form).
fn shortest(v: &Value) -> String {
    match v {
        Value::Float(x) if x.is_finite() => {
            let r = round12(*x);
            if r.fract() == 0.0 && r.abs() < 1e15 {
                format!("{r:.1}")
            } else {
                format!("{r}")
            }
        }
        other => other.to_string(),
    }
}

/// Whether `validate` accepts setting `key` at `v` (defaults elsewhere).
fn accepts<S: Study>(key: &str, v: f64) -> bool {
    accepts_value::<S>(key, Value::Float(v))
}

fn accepts_value<S: Study>(key: &str, v: Value) -> bool {
    let mut t = Table::new();
    set_dotted(&mut t, key, v);
    config_of::<S>(&t, None).is_ok()
}

/// Bounds of an integer setting with default `d`: lower 0 or 1 where
/// `validate` refuses -1 or 0 (unsigned fields refuse negatives when
/// parsed).
fn probe_int<S: Study>(key: &str, d: i64) -> (f64, bool, f64) {
    let _ = d;
    if accepts_value::<S>(key, Value::Integer(-1)) {
        (f64::NEG_INFINITY, false, f64::INFINITY)
    } else if accepts_value::<S>(key, Value::Integer(0)) {
        (0.0, false, f64::INFINITY)
    } else {
        (1.0, false, f64::INFINITY)
    }
}

/// The real constraint of an integer setting in words: "integer >= 0",
/// "positive integer", with "even" where `validate` refuses the odd
/// neighbours of an even default.
fn int_constraint<S: Study>(key: &str, d: i64, lower: f64) -> Option<String> {
    let even = d % 2 == 0
        && d >= 2
        && !accepts_value::<S>(key, Value::Integer(d + 1))
        && !accepts_value::<S>(key, Value::Integer(d - 1))
        && accepts_value::<S>(key, Value::Integer(d + 2));
    let base = if lower == 1.0 {
        "positive integer"
    } else if lower == 0.0 {
        "integer >= 0"
    } else {
        "integer"
    };
    Some(if even {
        format!("even {base}")
    } else {
        base.to_string()
    })
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
    let group = key.rsplit('.').nth(1).unwrap_or("");
    let coefficient = ["household", "effects", "index"].contains(&group);
    let unit = match v {
        Value::Boolean(_) => "on/off",
        Value::Integer(_) if last.contains("years") => "years",
        Value::Integer(_) => "count",
        Value::String(_) => "name",
        Value::Array(_) => "list",
        _ if last.ends_with("_corr") || last.contains("corr_") => "correlation",
        _ if lower == 0.0 && upper == 1.0 => "share",
        _ if coefficient => "index per covariate unit",
        _ if last.starts_with("age") && !last.contains("slope") => "years",
        _ if last.starts_with("edu") => "years of schooling",
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

/// The first sentence of a doc comment: up to the first ". " that ends a
/// sentence (not an abbreviation such as "eq.", "col.", "e.g.", nor inside
/// parentheses or backticks), ending with a full stop.
fn first_sentence(lines: &[String]) -> String {
    let text = lines.join(" ");
    let text = text.trim();
    let b = text.as_bytes();
    let (mut depth, mut tick) = (0i32, false);
    let mut end = text.len();
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'(' | b'[' if !tick => depth += 1,
            b')' | b']' if !tick => depth -= 1,
            b'`' => tick = !tick,
            b'.' if depth <= 0 && !tick && b.get(i + 1) == Some(&b' ') => {
                let word = text[..i].rsplit([' ', '(']).next().unwrap_or("");
                let abbrev = [
                    "eq", "eqs", "col", "cols", "e.g", "i.e", "cf", "vs", "no", "Fig", "approx",
                    "resp", "etc",
                ]
                .contains(&word)
                    || word.len() == 1;
                let next_upper = text[i + 1..]
                    .trim_start()
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c == '`');
                if !abbrev && next_upper {
                    end = i + 1;
                    break;
                }
            }
            _ => {}
        }
    }
    let mut out = text[..end].trim().to_string();
    if let Some(stripped) = out.strip_suffix(':') {
        out = format!("{stripped}.");
    }
    if !out.is_empty() && !out.ends_with(['.', '?', '!']) {
        out.push('.');
    }
    out
}

impl Docs {
    fn parse(src: &str) -> Docs {
        let mut structs: BTreeMap<String, StructDoc> = BTreeMap::new();
        let mut pending: Vec<String> = Vec::new();
        let mut current: Option<String> = None;
        let mut rename: Option<String> = None;
        for line in src.lines() {
            let l = line.trim();
            if let Some(doc) = l.strip_prefix("///") {
                pending.push(doc.trim().to_string());
                continue;
            }
            if l.starts_with("#[") {
                // A field's key is its serde name (`#[serde(rename = "const")]`).
                if let Some(r) = l
                    .split_once("rename = \"")
                    .and_then(|(_, r)| r.split_once('"'))
                {
                    rename = Some(r.0.to_string());
                }
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
            // A field of a `covariate_effects!` invocation: `name = value,`.
            if let Some(s) = &current
                && let Some((name, _)) = l.split_once(" = ")
                && !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && l.ends_with(',')
            {
                let doc = first_sentence(&pending);
                if let Some(e) = structs.get_mut(s) {
                    e.fields.insert(name.to_string(), (doc, "f64".to_string()));
                }
            }
            if let (Some(s), Some(field)) = (&current, l.strip_prefix("pub "))
                && let Some((name, ty)) = field.split_once(':')
            {
                let ty = ty.trim().trim_end_matches(',').to_string();
                let doc = first_sentence(&pending);
                let key = rename.take().unwrap_or_else(|| name.trim().to_string());
                if let Some(e) = structs.get_mut(s) {
                    e.fields.insert(key, (doc, ty));
                }
            }
            if l == "}" {
                current = None;
            }
            pending.clear();
            rename = None;
        }
        Docs { structs }
    }

    /// Meaning of a dotted key: the field's doc, else the enclosing
    /// struct's doc with the field named.
    fn meaning(&self, key: &str) -> String {
        let mut owner = "Config".to_string();
        let parts: Vec<&str> = key.split('.').collect();
        let mut types = Vec::new();
        for (k, part) in parts.iter().enumerate() {
            let Some(s) = self.structs.get(&owner) else {
                return String::new();
            };
            let field = s.fields.get(*part);
            if let Some((_, ty)) = field
                && k + 1 < parts.len()
            {
                types.push(ty.clone());
                owner = ty.clone();
                continue;
            }
            let own = match field {
                Some((doc, _)) if !doc.is_empty() => doc.clone(),
                // No doc of its own: the field named within its group.
                _ => format!(
                    "`{part}` term of the group: {}",
                    lowercase_first(&short(&s.doc))
                ),
            };
            // A doc of a few words ("Assumed.") is named with its field.
            let own = if own.split_whitespace().count() < 4 {
                format!("`{part}` ({}): {own}", short(&s.doc).trim_end_matches('.'))
            } else {
                own
            };
            // A struct type used by several groups (per-city blocks): name
            // the group the key belongs to.
            let shared = k > 0 && self.uses(&types[k - 1]) > 1;
            return if shared {
                format!("{}: {own}", parts[k - 1])
            } else {
                own
            };
        }
        String::new()
    }

    /// How many fields (of any struct) have type `ty`.
    fn uses(&self, ty: &str) -> usize {
        self.structs
            .values()
            .flat_map(|s| s.fields.values())
            .filter(|(_, t)| t == ty)
            .count()
    }
}

/// A group's doc up to its first colon or parenthesis, as a sentence.
fn short(doc: &str) -> String {
    let cut = doc.find([':', '(']).unwrap_or(doc.len());
    let t = doc[..cut].trim().trim_end_matches(['.', ',']);
    format!("{t}.")
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.clone().next()) {
        (Some(f), Some(g)) if f.is_uppercase() && !g.is_uppercase() => {
            f.to_lowercase().chain(c).collect()
        }
        _ => s.to_string(),
    }
}

fn is_type_name(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A commented starter scenario of `study` that runs and does something:
/// a size that runs in seconds, the study's horizon where it has one, the
/// metrics listed (with their meaning), every setting with its default
/// commented out under `[baseline]`, and one intervention that moves a
/// metric (a policy the shipped scenarios use).
pub fn starter_scenario(study: StudyName) -> Result<String, StudyError> {
    let rows = registry(study)?;
    let metrics: Vec<_> = super::metric_info::metrics(study)
        .iter()
        .filter(|m| m.always_reported())
        .collect();
    let super::Starter {
        horizon,
        intervention,
    } = study.def().starter();
    let mut out = format!(
        "# Starter scenario for the {study} study (from `migsim settings {study} --scenario`).\n\
         # Run it: migsim run FILE.toml. Uncomment a setting under [baseline] to change it;\n\
         # bounds and units in brackets.\n\
         name = \"{study}-starter\"\nstudy = \"{study}\"\n\
         n = 2000                     # agents (the paper's N by default; smaller runs faster)\n\
         {horizon}replications = 20\nseed = 1\n"
    );
    for m in &metrics {
        out.push_str(&format!("# {}: {} ({})\n", m.name, m.meaning, m.unit));
    }
    let names: Vec<String> = metrics.iter().map(|m| format!("\"{}\"", m.name)).collect();
    out.push_str(&format!("metrics = [{}]\n\n[baseline]\n", names.join(", ")));
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
    out.push_str(&format!("\n[[intervention]]\n{intervention}"));
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
pub(crate) fn merge_over(base: &mut Table, top: &Table) {
    for (k, v) in crate::dotted::leaves(top) {
        set_dotted(base, &k, v.clone());
    }
}
