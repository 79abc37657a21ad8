//! Study "talent": social networks, social participation and the retention
//! intention of foreign high-skilled workers in China (SFRC, N = 777;
//! ../shared/STUDIES.md).
//!
//! Agents in four cities (Table 1 quotas) belong to nationality communities
//! whose co-national networks are denser in the South; arrival support
//! (unit support concentrated in Changchun), family history, ties to
//! locals, inter-ethnic willingness and participation follow from the
//! network and individual shocks (`mechanism`); the survey layer records
//! them as the questionnaire did (`survey`: 5-point items, softmax
//! reductions); retention is a logistic index with one set of coefficients
//! in every city, to which the latent institutional embedding, ties to
//! locals, the co-national community and a trader's market shock add
//! (none of them in the survey): the regional slopes of Table 2 models 1
//! and 3 are what the survey estimates from each region's structure.

pub(crate) mod cohort;
pub(crate) mod config;
pub(crate) mod mechanism;
pub(crate) mod metrics;
pub(crate) mod network;
pub(crate) mod population;
pub(crate) mod survey;
pub(crate) mod truth;
pub(crate) mod validate;

use std::collections::BTreeMap;

pub use config::Config;
use mechanism::{Agents, Support, UnitRule};

use super::metric_info::MetricInfo;
use super::sample::Range;
use super::{Simulated, Starter, Study, StudyError, StudyName};

/// The talent study.
pub struct Talent;

fn share(v: &[f64]) -> f64 {
    if v.is_empty() {
        f64::NAN
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// Scenario metrics: `retain_share`, `retain_after_share`, `particip_mean`
/// (share coded China on participation behaviour), `unit_support_share`.
fn metrics(a: &Agents) -> BTreeMap<String, f64> {
    [
        ("retain_share", share(&a.retain)),
        ("retain_after_share", share(&a.retain_after)),
        ("particip_mean", share(&a.particip_behavior)),
        ("unit_support_share", share(&a.dummy(Support::Unit))),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

impl Study for Talent {
    type Config = Config;
    const NAME: StudyName = StudyName::Talent;
    const CONFIG_SOURCE: &'static str = include_str!("config.rs");
    const COVARIATES: &'static [&'static str] = &population::COVARIATES;
    const COVARIATE_RANGE: Range = population::range;
    /// Horizon: a cross-section.
    const HORIZON: Option<(&'static str, &'static str)> = None;
    const METRICS: &'static [MetricInfo] = metrics::METRICS;
    const CITATIONS: &'static [&'static str] = &[super::citation::TALENT];
    const STARTER: Starter = Starter {
        horizon: "",
        intervention: "name = \"centres-everywhere\"\n\
             description = \"Service centres: participation propensity +0.5 SD in all cities.\"\n\
             set = { \"policy.particip_boost_sd\" = 0.5 }\n",
    };

    fn n(cfg: &Config) -> usize {
        cfg.n
    }

    fn set_n(cfg: &mut Config, n: usize) {
        cfg.n = n;
    }

    fn validate(cfg: &Config) -> Result<(), StudyError> {
        validate::validate(cfg)
    }

    fn run(cfg: &Config, seed: u64) -> Result<Simulated, StudyError> {
        let pop = population::draw_population(cfg, seed)?;
        let net = network::build(cfg, &pop, seed);
        let shocks = population::draw_shocks(pop.city.len(), seed);
        let agents = mechanism::run(cfg, &pop, &net, &shocks, UnitRule::Observed);
        let truth = truth::truth(cfg, &pop, &net, &shocks, &agents);
        Ok(Simulated {
            cohort: cohort::cohort(cfg, &pop, &net, &agents)?,
            truth,
            metrics: metrics(&agents),
            paths: Vec::new(),
        })
    }
}
