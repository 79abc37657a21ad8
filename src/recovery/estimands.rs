//! Estimands: named entries of the simulator's truth, and the data source
//! that produces a cohort together with that truth.
//!
//! A name is looked up as `effects:NAME`, `params:NAME` or `metrics:NAME`
//! when prefixed; a bare name is searched in `effects`, then `params`, then
//! `metrics`.

use super::RecoveryError;
use super::dgp::LogitDgp;
use super::problem::UnknownEstimand;
use super::spec::Source;
use crate::studies::{CheckedConfig, Simulated, StudyError};

/// A data source resolved for one run: a study's config merged with its
/// overrides and size and validated once ([`CheckedConfig`]), or the
/// built-in logit DGP at its size. Every replication simulates from it
/// with its own seed, without merging or validating again.
#[derive(Debug, Clone)]
pub enum Cohorts<'a> {
    /// A registered study's checked config.
    Study(CheckedConfig),
    /// The logit DGP and the rows per cohort.
    Logit {
        /// The DGP of the spec.
        dgp: &'a LogitDgp,
        /// Rows per cohort.
        n: usize,
    },
}

impl<'a> Cohorts<'a> {
    /// Resolve `source` at size `n` (`None`: the source's default); a study
    /// whose overrides or size are refused fails as replication `rep`.
    pub fn of(source: &'a Source, n: Option<usize>, rep: usize) -> Result<Self, RecoveryError> {
        Ok(match source {
            Source::Study { study, overrides } => Cohorts::Study(
                study
                    .def()
                    .check(overrides, n)
                    .map_err(|e| simulate_error(rep, e))?,
            ),
            Source::Logit(dgp) => Cohorts::Logit {
                dgp,
                n: n.or(dgp.n).unwrap_or(super::dgp::DEFAULT_N),
            },
        })
    }

    /// Replication `rep`'s cohort with its truth, from `seed`.
    pub fn simulate(&self, seed: u64, rep: usize) -> Result<Simulated, RecoveryError> {
        match self {
            Cohorts::Study(cfg) => cfg.simulate(seed).map_err(|e| simulate_error(rep, e)),
            Cohorts::Logit { dgp, n } => dgp.simulate(*n, seed),
        }
    }
}

fn simulate_error(rep: usize, e: StudyError) -> RecoveryError {
    RecoveryError::Simulate {
        rep,
        source: Box::new(e),
    }
}

/// One simulated cohort with its truth from `source` (resolving the source
/// for this one cohort; a run resolves it once, [`Cohorts::of`]).
pub fn simulate(
    source: &Source,
    n: Option<usize>,
    seed: u64,
    rep: usize,
) -> Result<Simulated, RecoveryError> {
    Cohorts::of(source, n, rep)?.simulate(seed, rep)
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
