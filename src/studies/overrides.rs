//! Config overrides from TOML tables (scenario baselines, interventions,
//! recovery specs): the default config is serialised to a TOML value, the
//! override table merged into it key by key, and the result deserialised
//! again, so unknown keys and wrong types are rejected by the config's own
//! `#[serde(deny_unknown_fields)]` with the key named. Paths are merged by
//! [`crate::dotted`], as everywhere else.

use serde::Serialize;
use serde::de::DeserializeOwned;
use toml::{Table, Value};

use super::StudyError;
use crate::dotted::{self, Clash};

/// `base` with `overrides` merged in (nested tables recursively).
pub fn apply_overrides<C: Serialize + DeserializeOwned>(
    base: &C,
    overrides: &Table,
) -> Result<C, StudyError> {
    let mut value = Value::try_from(base)
        .map_err(|e| StudyError::Override(format!("cannot serialise the defaults: {e}")))?;
    let Value::Table(table) = &mut value else {
        return Err(StudyError::Override(
            "the defaults are not a table of settings".into(),
        ));
    };
    dotted::merge(table, overrides, "", Clash::Replace)
        .map_err(|e| StudyError::Override(e.to_string()))?;
    value
        .try_into()
        .map_err(|e: toml::de::Error| StudyError::Override(e.message().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        rate: f64,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Cfg {
        n: usize,
        inner: Inner,
    }

    fn base() -> Cfg {
        Cfg {
            n: 10,
            inner: Inner { rate: 0.5 },
        }
    }

    #[test]
    fn nested_override_keeps_other_keys() {
        let t: Table = toml::from_str("[inner]\nrate = 0.25").unwrap();
        let c = apply_overrides(&base(), &t).unwrap();
        assert_eq!(
            c,
            Cfg {
                n: 10,
                inner: Inner { rate: 0.25 }
            }
        );
    }

    #[test]
    fn unknown_key_is_named() {
        let t: Table = toml::from_str("[inner]\nrte = 0.25").unwrap();
        let e = apply_overrides(&base(), &t).unwrap_err().to_string();
        assert!(e.contains("rte"), "{e}");
    }

    #[test]
    fn wrong_type_is_rejected() {
        let t: Table = toml::from_str("n = \"many\"").unwrap();
        assert!(apply_overrides(&base(), &t).is_err());
    }
}
