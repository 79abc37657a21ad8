//! `migsim settings`: each key has its own one-line meaning (whole
//! sentences, none shared with another key), integer constraints stated and
//! enforced, defaults in short decimal form, a did-you-mean for misspelt
//! keys, and starter scenarios that run and move a metric.

use migsim::scenario::settings_check::Registry;
use migsim::scenario::{self, Scenario, StudyModel, Summary};
use migsim::studies::StudyName;
use migsim::studies::settings::{did_you_mean, lookup, registry, starter_scenario};
use toml::Value;

#[test]
fn meanings_are_whole_sentences_of_their_own() {
    for study in StudyName::ALL {
        let rows = registry(study).unwrap();
        let mut seen = std::collections::BTreeMap::new();
        for s in &rows {
            let m = s.meaning.as_str();
            assert!(m.ends_with(['.', '?']), "{study} {}: `{m}`", s.key);
            assert_eq!(
                m.matches('(').count(),
                m.matches(')').count(),
                "{study} {}: `{m}`",
                s.key
            );
            assert_eq!(m.matches('`').count() % 2, 0, "{study} {}: `{m}`", s.key);
            for abbrev in [" eq.", " col.", " e.g.", " i.e.", " cols."] {
                assert!(
                    !m.ends_with(abbrev),
                    "{study} {}: cut after `{abbrev}`: {m}",
                    s.key
                );
            }
            // A meaning made from the group's doc with the key's name pasted
            // in ("`max_years` term of the group: ...", "`age_sd` (Group):
            // Assumed.") is not the key's own.
            let part = s.key.rsplit('.').next().unwrap_or(&s.key);
            assert!(
                !m.contains("term of the group") && !m.starts_with(&format!("`{part}`")),
                "{study} {}: a generic meaning, not its own: `{m}`",
                s.key
            );
            let own = m.split_once(": ").map_or(m, |(g, rest)| {
                if s.key.split('.').any(|k| k == g) {
                    rest
                } else {
                    m
                }
            });
            assert!(
                own.split_whitespace().count() >= 4,
                "{study} {}: too short to say what it is: `{m}`",
                s.key
            );
            if let Some(other) = seen.insert(m.to_string(), s.key.clone()) {
                panic!("{study}: `{other}` and `{}` share the meaning `{m}`", s.key);
            }
        }
    }
}

#[test]
fn integer_constraints_are_stated_and_enforced() {
    let rows = registry(StudyName::Enclave).unwrap();
    let n = rows.iter().find(|s| s.key == "n").unwrap();
    assert_eq!(n.bounds_text(), "even positive integer");
    let r = Registry::of(StudyName::Enclave).unwrap();
    assert!(r.check_value("n", &Value::Integer(7761)).is_err());
    assert!(r.check_value("n", &Value::Integer(7762)).is_ok());
    assert!(r.check_value("n", &Value::Integer(0)).is_err());
    let assets = registry(StudyName::Assets).unwrap();
    let count = assets.iter().find(|s| s.key == "waves.count").unwrap();
    assert_eq!(count.bounds_text(), "integer >= 0");
    let age = rows
        .iter()
        .find(|s| s.key == "covariates.age_mean")
        .unwrap();
    assert_eq!(age.unit, "years");
}

/// Defaults read back to the value they show, with at most 12 significant
/// digits (no `0.0008778000000000001`).
#[test]
fn defaults_are_short_decimals() {
    for study in StudyName::ALL {
        for s in registry(study).unwrap() {
            let Some(v) = s.value else { continue };
            let digits = s
                .default
                .trim_start_matches('-')
                .chars()
                .filter(char::is_ascii_digit);
            let sig = digits.skip_while(|c| *c == '0').count();
            assert!(sig <= 13, "{study} {} = {}", s.key, s.default);
            let back: f64 = s.default.parse().unwrap();
            assert!(
                (back - v).abs() <= 1e-12 * v.abs().max(1e-300),
                "{} {back} {v}",
                s.key
            );
        }
    }
}

#[test]
fn misspelt_keys_get_a_suggestion() {
    let keys = ["zenou.lambda", "zenou.delta", "policy.dispersal_share"];
    assert_eq!(
        did_you_mean("zenou.lamda", keys.into_iter()),
        Some("zenou.lambda")
    );
    assert_eq!(
        did_you_mean("policy.dispersl_share", keys.into_iter()),
        Some("policy.dispersal_share")
    );
    assert_eq!(did_you_mean("completely.other", keys.into_iter()), None);
    let e = lookup(StudyName::Enclave, "zenou.lamda")
        .unwrap_err()
        .to_string();
    assert!(e.contains("did you mean `zenou.lambda`?"), "{e}");
}

#[test]
fn starter_scenarios_run_and_move_a_metric() {
    for study in StudyName::ALL {
        let text = starter_scenario(study).unwrap();
        let mut s = Scenario::parse(&text, "starter.toml")
            .unwrap_or_else(|e| panic!("{study}: {e}\n{text}"));
        assert!(!s.metrics.is_empty());
        s.n = Some(1500);
        s.replications = 4;
        let model = StudyModel {
            study: s.study,
            n: s.n,
        };
        let runs = scenario::run(&s, &model, &|_, _| {}).unwrap_or_else(|e| panic!("{study}: {e}"));
        let sum = Summary::of(&runs);
        assert!(
            sum.effects
                .iter()
                .any(|e| e.estimate != 0.0 && e.estimate.abs() > 2.0 * e.std_error),
            "{study}: the starter intervention moves nothing: {:?}",
            sum.effects
                .iter()
                .map(|e| (&e.metric, e.estimate))
                .collect::<Vec<_>>()
        );
    }
}
