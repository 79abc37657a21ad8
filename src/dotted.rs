//! Dotted setting paths (`policy.unit_support_south_boost`) over TOML
//! tables: the one place that reads, inserts and merges them.
//!
//! Scenario baselines and interventions, recovery specs, calibration and
//! sensitivity tables, and the study configs' overrides all name a setting
//! by its dotted path; they all go through [`get`], [`insert`] and
//! [`merge`], so a path means the same everywhere and a clash gets the same
//! message. Ground floor: depends on `toml` only.
#![deny(missing_docs)]

use toml::{Table, Value};

/// What to do when a path already holds a single value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clash {
    /// Replace the value (later settings win: overrides, interventions).
    Replace,
    /// Refuse: a setting written twice in one table is an error.
    Refuse,
}

/// Errors of dotted paths; each names the full path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The path is empty or has an empty part (`a..b`, `.a`, `a.`).
    #[error("`{path}` is not a valid setting path")]
    Invalid {
        /// The path as written.
        path: String,
    },
    /// The path is set twice in one table (with [`Clash::Refuse`]).
    #[error("`{path}` is given twice")]
    Twice {
        /// The path as written.
        path: String,
    },
    /// A part before the last names a single value, so the path cannot go
    /// further.
    #[error("`{path}`: `{part}` is a single value, not a table")]
    NotTable {
        /// The path as written.
        path: String,
        /// The part that holds a single value.
        part: String,
    },
    /// The path names a table where a single value was expected.
    #[error("`{path}` is a table of settings, not a single value")]
    NotValue {
        /// The path as written.
        path: String,
    },
    /// No setting has this path.
    #[error("unknown setting `{path}`")]
    Unknown {
        /// The path as written.
        path: String,
    },
}

fn segments(path: &str) -> Result<Vec<&str>, PathError> {
    let parts: Vec<&str> = path.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(PathError::Invalid { path: path.into() });
    }
    Ok(parts)
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// The value at dotted `path` of a table, if any.
pub fn get<'a>(t: &'a Table, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut cur = t.get(parts.next()?)?;
    for part in parts {
        cur = cur.as_table()?.get(part)?;
    }
    Some(cur)
}

/// The value at dotted `path`, mutable; an absent path is
/// [`PathError::Unknown`].
pub fn get_mut<'a>(t: &'a mut Table, path: &str) -> Result<&'a mut Value, PathError> {
    let unknown = || PathError::Unknown { path: path.into() };
    let mut parts = path.split('.');
    let mut cur = t
        .get_mut(parts.next().ok_or_else(unknown)?)
        .ok_or_else(unknown)?;
    for part in parts {
        cur = cur.get_mut(part).ok_or_else(unknown)?;
    }
    Ok(cur)
}

/// Put `v` at dotted `path`, creating the tables on the way. A table put
/// where a table stands is merged key by key ([`merge`]); a value put where
/// a value stands follows `clash`; a table never replaces a value, nor a
/// value a table.
pub fn insert(t: &mut Table, path: &str, v: Value, clash: Clash) -> Result<(), PathError> {
    let parts = segments(path)?;
    let (last, heads) = parts.split_last().expect("split yields one segment");
    let mut cur = t;
    for part in heads {
        let entry = cur
            .entry(part.to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        cur = match entry {
            Value::Table(sub) => sub,
            _ => {
                return Err(PathError::NotTable {
                    path: path.into(),
                    part: part.to_string(),
                });
            }
        };
    }
    put(cur, last, v, path, clash)
}

/// Merge every key of `from` into `into` (keys are single segments; nested
/// tables are merged recursively); `prefix` is the path of `into`, for
/// messages.
pub fn merge(into: &mut Table, from: &Table, prefix: &str, clash: Clash) -> Result<(), PathError> {
    for (key, v) in from {
        put(into, key, v.clone(), &join(prefix, key), clash)?;
    }
    Ok(())
}

fn put(t: &mut Table, key: &str, v: Value, path: &str, clash: Clash) -> Result<(), PathError> {
    match (t.get_mut(key), v) {
        (None, v) => {
            t.insert(key.to_string(), v);
            Ok(())
        }
        (Some(Value::Table(a)), Value::Table(b)) => merge(a, &b, path, clash),
        (Some(Value::Table(_)), _) if clash == Clash::Replace => {
            Err(PathError::NotValue { path: path.into() })
        }
        (Some(old), v) if clash == Clash::Replace => {
            if v.is_table() {
                let part = path.rsplit('.').next().unwrap_or(path).to_string();
                return Err(PathError::NotTable {
                    path: path.into(),
                    part,
                });
            }
            *old = v;
            Ok(())
        }
        (Some(_), _) => Err(PathError::Twice { path: path.into() }),
    }
}

/// Expand quoted dotted keys (`"policy.x" = 1`) into nested tables, so both
/// TOML spellings of a setting path mean the same; a setting given twice is
/// an error.
pub(crate) fn expand(t: &Table) -> Result<Table, PathError> {
    let mut out = Table::new();
    for (k, v) in t {
        let v = match v {
            Value::Table(sub) => Value::Table(expand(sub)?),
            other => other.clone(),
        };
        insert(&mut out, k, v, Clash::Refuse)?;
    }
    Ok(out)
}

/// Every leaf of `t` (a value that is not a table; arrays are single
/// values) with its dotted path, in table order.
pub fn leaves(t: &Table) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    collect_leaves(t, "", &mut out);
    out
}

fn collect_leaves<'a>(t: &'a Table, prefix: &str, out: &mut Vec<(String, &'a Value)>) {
    for (k, v) in t {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Table(sub) => collect_leaves(sub, &key, out),
            other => out.push((key, other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(s: &str) -> Table {
        toml::from_str(s).unwrap()
    }

    #[test]
    fn insert_creates_and_merges() {
        let mut t = table("[a]\nx = 1");
        insert(&mut t, "a.y", Value::Integer(2), Clash::Refuse).unwrap();
        insert(&mut t, "b.c.d", Value::Integer(3), Clash::Refuse).unwrap();
        assert_eq!(t, table("[a]\nx = 1\ny = 2\n[b.c]\nd = 3"));
    }

    #[test]
    fn clash_policies_differ_only_on_values() {
        let mut t = table("[a]\nx = 1");
        let e = insert(&mut t, "a.x", Value::Integer(5), Clash::Refuse).unwrap_err();
        assert_eq!(e, PathError::Twice { path: "a.x".into() });
        insert(&mut t, "a.x", Value::Integer(5), Clash::Replace).unwrap();
        assert_eq!(get(&t, "a.x"), Some(&Value::Integer(5)));
    }

    #[test]
    fn tables_and_values_never_swap() {
        let mut t = table("[a]\nx = 1");
        let e = insert(&mut t, "a", Value::Integer(1), Clash::Replace).unwrap_err();
        assert_eq!(e, PathError::NotValue { path: "a".into() });
        let e = insert(&mut t, "a.x.y", Value::Integer(1), Clash::Replace).unwrap_err();
        assert!(
            matches!(e, PathError::NotTable { ref part, .. } if part == "x"),
            "{e}"
        );
        let sub = Value::Table(table("y = 1"));
        let e = insert(&mut t, "a.x", sub, Clash::Replace).unwrap_err();
        assert!(e.to_string().contains("single value"), "{e}");
    }

    #[test]
    fn empty_segments_are_invalid() {
        let mut t = Table::new();
        for bad in ["", "a.", ".a", "a..b"] {
            let e = insert(&mut t, bad, Value::Integer(1), Clash::Replace).unwrap_err();
            assert_eq!(e, PathError::Invalid { path: bad.into() });
        }
    }

    #[test]
    fn expand_treats_both_spellings_alike() {
        let quoted = table("\"a.x\" = 1\n[b]\n\"c.d\" = 2");
        let nested = table("[a]\nx = 1\n[b.c]\nd = 2");
        assert_eq!(expand(&quoted).unwrap(), nested);
        let twice = table("\"a.x\" = 1\n[a]\nx = 2");
        assert!(matches!(expand(&twice), Err(PathError::Twice { .. })));
    }

    #[test]
    fn get_mut_names_unknown_paths() {
        let mut t = table("[a]\nx = 1");
        *get_mut(&mut t, "a.x").unwrap() = Value::Integer(7);
        assert_eq!(get(&t, "a.x"), Some(&Value::Integer(7)));
        let e = get_mut(&mut t, "a.z").unwrap_err();
        assert_eq!(e, PathError::Unknown { path: "a.z".into() });
    }
}
