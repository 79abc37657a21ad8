//! Study "assets": household assets and the intention to emigrate among
//! people working in Shanghai (../shared/STUDIES.md; paper
//! `000_44f482aad78f942b.txt`).
//!
//! Workers on a firm-block social graph hold housing, financial and other
//! assets; financial exposure times market shocks raises pessimism, which
//! spreads to neighbours; low housing relative to neighbours (Yitzhaki
//! deprivation) and lacking housing-linked welfare raise unfairness; a latent
//! intention index is U-shaped in total assets, rises with financial and
//! falls with housing assets, and carries the two mediated paths of Table 4.
//! Optional cumulative-causation waves let contacts' emigration raise
//! intention. The survey layer measures it as the paper did.

pub(crate) mod config;
pub(crate) mod margins;
pub(crate) mod mechanism;
pub(crate) mod metrics;
pub(crate) mod network;
pub(crate) mod policies;
pub(crate) mod population;
pub(crate) mod survey;
pub(crate) mod truth;
pub(crate) mod world;

use std::collections::BTreeMap;

pub use config::{Config, Policy};

use super::metric_info::MetricInfo;
use super::sample::Range;
use super::{Simulated, Starter, Study, StudyError, StudyName, TimePath};

/// The assets study.
pub struct Assets;

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

impl Assets {
    /// The survey cohort of one simulation, without its truth: what
    /// `migsim replicate` and calibration read. The same data set as
    /// `Assets::simulate(cfg, seed)?.cohort` (validating `cfg` first): the
    /// truth only reads the world and draws no random numbers, and it is
    /// more than half the cost of a cohort (the potential outcomes of every
    /// worker under each contrast and policy).
    pub fn cohort(cfg: &Config, seed: u64) -> Result<crate::data::Dataset, StudyError> {
        cfg.validate()?;
        let w = world::run(cfg, seed)?;
        Ok(survey::measure(cfg, &w, seed)?.cohort)
    }
}

impl Study for Assets {
    type Config = Config;
    const NAME: StudyName = StudyName::Assets;
    const CONFIG_SOURCE: &'static str = include_str!("config.rs");
    const COVARIATES: &'static [&'static str] = &population::COVARIATES;
    const COVARIATE_RANGE: Range = population::range;
    /// Horizon: waves of cumulative causation.
    const HORIZON: Option<(&'static str, &'static str)> = Some(("waves.count", "waves"));
    const METRICS: &'static [MetricInfo] = metrics::METRICS;
    const CITATIONS: &'static [&'static str] = &[super::citation::ASSETS];
    const STARTER: Starter = Starter {
        horizon: "",
        intervention: "name = \"pessimism-minus-0.2sd\"\n\
             description = \"Expectation management: latent pessimism shifted by -0.2 SD.\"\n\
             set = { \"policy.pessimism_shift_sd\" = -0.2 }\n",
    };

    fn n(cfg: &Config) -> usize {
        cfg.n
    }

    fn set_n(cfg: &mut Config, n: usize) {
        cfg.n = n;
    }

    fn validate(cfg: &Config) -> Result<(), StudyError> {
        cfg.validate()
    }

    fn run(cfg: &Config, seed: u64) -> Result<Simulated, StudyError> {
        let w = world::run(cfg, seed)?;
        let s = survey::measure(cfg, &w, seed)?;
        let truth = truth::truth(cfg, &w);
        let mut metrics = BTreeMap::new();
        metrics.insert("intent_share".to_string(), mean(&s.intent));
        metrics.insert("pessimism_mean".to_string(), mean(&w.pessimism));
        metrics.insert("unfair_mean".to_string(), mean(&s.unfair));
        metrics.insert("pessimism_eigenvalue".to_string(), s.eigenvalue);
        metrics.insert("pessimism_variance_share".to_string(), s.variance_share);
        let mut paths = Vec::new();
        if cfg.waves.count > 0 {
            let times: Vec<f64> = (0..=cfg.waves.count).map(|t| t as f64).collect();
            metrics.insert(
                "emigrated_share".to_string(),
                w.waves.emigrated_share.last().copied().unwrap_or(0.0),
            );
            paths.push(TimePath {
                metric: "intent_share".into(),
                times: times.clone(),
                values: w.waves.intent_share.clone(),
            });
            paths.push(TimePath {
                metric: "emigrated_share".into(),
                times,
                values: w.waves.emigrated_share.clone(),
            });
        }
        Ok(Simulated {
            cohort: s.cohort,
            truth,
            metrics,
            paths,
        })
    }
}
