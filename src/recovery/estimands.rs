//! Estimands: named entries of the simulator's truth, and the data source
//! that produces a cohort together with that truth.
//!
//! A name is looked up as `effects:NAME`, `params:NAME` or `metrics:NAME`
//! when prefixed; a bare name is searched in `effects`, then `params`, then
//! `metrics`.

use super::RecoveryError;
use super::problem::UnknownEstimand;
use super::spec::Source;
use crate::studies::{self, Simulated};

/// One simulated cohort with its truth from `source`.
pub fn simulate(
    source: &Source,
    n: Option<usize>,
    seed: u64,
    rep: usize,
) -> Result<Simulated, RecoveryError> {
    match source {
        Source::Study { study, overrides } => studies::simulate(*study, overrides, n, seed)
            .map_err(|e| RecoveryError::Simulate {
                rep,
                source: Box::new(e),
            }),
        Source::Logit(dgp) => dgp.simulate(n.or(dgp.n).unwrap_or(super::dgp::DEFAULT_N), seed),
    }
}

/// The value of estimand `name` in a simulated cohort's truth.
pub(crate) fn truth_value(sim: &Simulated, name: &str) -> Result<f64, UnknownEstimand> {
    let t = &sim.truth;
    let found = match name.split_once(':') {
        Some(("effects", k)) => t.effects.get(k).copied(),
        Some(("params", k)) => t.params.get(k).copied(),
        Some(("metrics", k)) => sim.metrics.get(k).copied(),
        _ => t
            .effects
            .get(name)
            .or_else(|| t.params.get(name))
            .or_else(|| sim.metrics.get(name))
            .copied(),
    };
    found.ok_or_else(|| {
        let list = |keys: Vec<&String>| {
            if keys.is_empty() {
                "none".to_string()
            } else {
                keys.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        UnknownEstimand {
            name: name.to_string(),
            effects: list(t.effects.keys().collect()),
            params: list(t.params.keys().collect()),
            metrics: list(sim.metrics.keys().collect()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Dataset;
    use crate::studies::Truth;
    use std::collections::BTreeMap;

    fn sim() -> Simulated {
        let mut truth = Truth::default();
        truth.effects.insert("ate".into(), 0.1);
        truth.params.insert("ate".into(), 9.0);
        truth.params.insert("beta".into(), 2.0);
        Simulated {
            cohort: Dataset::from_columns("t", Vec::new()).unwrap(),
            truth,
            metrics: BTreeMap::from([("share_up".to_string(), 0.3)]),
            paths: Vec::new(),
        }
    }

    #[test]
    fn bare_names_prefer_effects_and_prefixes_select() {
        let s = sim();
        assert_eq!(truth_value(&s, "ate"), Ok(0.1));
        assert_eq!(truth_value(&s, "params:ate"), Ok(9.0));
        assert_eq!(truth_value(&s, "beta"), Ok(2.0));
        assert_eq!(truth_value(&s, "metrics:share_up"), Ok(0.3));
        let e = truth_value(&s, "att").unwrap_err().to_string();
        assert!(e.contains("att") && e.contains("beta"), "{e}");
    }
}
