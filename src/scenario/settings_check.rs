//! Scenario overrides held against the study's settings registry
//! ([`crate::studies::settings`]) before anything runs: every dotted key of
//! a `[baseline]`, an intervention's `set` and `scale`, or a `[sweep]` must
//! be a setting of the study (else the registry's own error, naming the key
//! and `migsim settings <study>`), and a number must lie within the
//! setting's bounds `lower <= v <= upper` (`lower < v` when the bound is
//! open), else an error naming the key, the value and the bounds.

use std::sync::{LazyLock, OnceLock};

use toml::{Table, Value};

use crate::studies::settings::{Setting, lookup, registry};
use crate::studies::{StudyError, StudyName};

/// The settings of one study, for checking override tables.
#[derive(Debug, Clone)]
pub struct Registry {
    study: StudyName,
    settings: Vec<Setting>,
}

impl Registry {
    /// The registry of `study`, built once per process (it depends on the
    /// study's defaults and config source only; every arm of every design
    /// row or parameter draw checks against it).
    pub fn of(study: StudyName) -> Result<Registry, StudyError> {
        static BUILT: LazyLock<Vec<OnceLock<Vec<Setting>>>> =
            LazyLock::new(|| StudyName::all().map(|_| OnceLock::new()).collect());
        let Some(slot) = BUILT.get(study as usize) else {
            return Ok(Registry {
                study,
                settings: registry(study)?,
            });
        };
        let settings = match slot.get() {
            Some(s) => s.clone(),
            None => {
                let s = registry(study)?;
                slot.get_or_init(|| s.clone());
                s
            }
        };
        Ok(Registry { study, settings })
    }

    /// Check every setting `overrides` gives (nested tables or dotted keys).
    pub fn check(&self, overrides: &Table) -> Result<(), StudyError> {
        crate::dotted::leaves(overrides)
            .into_iter()
            .try_for_each(|(key, v)| self.check_value(&key, v))
    }

    /// Check one setting: `key` known, and a number `v` within its bounds.
    pub fn check_value(&self, key: &str, v: &Value) -> Result<(), StudyError> {
        let Some(s) = self.settings.iter().find(|s| s.key == key) else {
            // Not a setting: the registry's own error names it.
            return lookup(self.study, key).map(|_| ());
        };
        let x = match v {
            Value::Float(x) => *x,
            Value::Integer(i) => *i as f64,
            _ => return Ok(()),
        };
        if s.value.is_none() || s.admits(x) {
            return Ok(());
        }
        Err(StudyError::invalid(
            key,
            format!(
                "{x} is outside the bounds {} of this setting (see `migsim settings {}`)",
                s.bounds_text(),
                self.study
            ),
        ))
    }

    /// Check that `key` is a numeric setting (for `scale` and `[sweep]`).
    pub fn check_key(&self, key: &str) -> Result<(), StudyError> {
        match self.settings.iter().find(|s| s.key == key) {
            Some(_) => Ok(()),
            None => lookup(self.study, key).map(|_| ()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enclave() -> Registry {
        Registry::of(StudyName::Enclave).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Every registry default passes its own check, and a share setting
    /// rejects values just outside [0, 1] while admitting its ends.
    #[test]
    fn defaults_pass_and_bounds_bite() {
        let r = enclave();
        for s in &r.settings {
            let v: Value = toml::from_str::<Table>(&format!("v = {}", s.default))
                .unwrap_or_else(|e| panic!("{}: {e}", s.key))["v"]
                .clone();
            assert!(r.check_value(&s.key, &v).is_ok(), "{}", s.key);
        }
        let share = r
            .settings
            .iter()
            .find(|s| s.value.is_some() && s.lower == 0.0 && s.upper == 1.0 && !s.lower_open)
            .unwrap_or_else(|| panic!("the enclave study has a share setting"));
        for (x, ok) in [
            (0.0, true),
            (1.0, true),
            (-1e-6, false),
            (1.0 + 1e-6, false),
        ] {
            let got = r.check_value(&share.key, &Value::Float(x));
            assert_eq!(got.is_ok(), ok, "{} = {x}: {got:?}", share.key);
        }
    }

    #[test]
    fn unknown_keys_get_the_registry_error() {
        let t: Table = toml::from_str("[policy]\nno_such_setting = 1.0").unwrap();
        let e = enclave().check(&t).unwrap_err().to_string();
        assert!(
            e.contains("policy.no_such_setting") && e.contains("migsim settings enclave"),
            "{e}"
        );
    }
}
