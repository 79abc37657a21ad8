//! Study "enclave": hometown enclaves and the occupational mobility of
//! rural-urban migrants (STUDIES.md; RUMiC 2016-2017, N = 7,762).
//!
//! Pipeline: `population` (provinces, cities, dyads, Table 1 covariates,
//! ability, all random numbers) -> `choice` (endogenous enclave choice with
//! the location quotient as exclusion restriction; omega* from the Zenou
//! weak-tie choice with cost C(omega, x)) -> `network` (hometown-homophilous
//! weak ties) -> `mechanism` (the exact Zenou engine over the years in the
//! city) -> `outcome` (mobility index with Table 2 col. 5 covariate
//! effects) -> `survey` (the measured cohort) and `truth` (potential
//! outcomes and effects); `crate::replicate::enclave` runs the paper's tables.

pub(crate) mod belief;
pub(crate) mod choice;
pub(crate) mod config;
pub(crate) mod mechanism;
pub(crate) mod metrics;
pub(crate) mod network;
pub(crate) mod outcome;
pub(crate) mod population;
pub(crate) mod survey;
pub(crate) mod truth;
pub(crate) mod world;

use std::collections::BTreeMap;

pub use config::{Config, Policy};

use super::metric_info::MetricInfo;
use super::sample::Range;
use super::{Simulated, Starter, Study, StudyError, StudyName, TimePath, Truth};
use world::Inputs;

/// The enclave study.
pub struct Enclave;

impl Study for Enclave {
    type Config = Config;
    const NAME: StudyName = StudyName::Enclave;
    const CONFIG_SOURCE: &'static str = include_str!("config.rs");
    const COVARIATES: &'static [&'static str] = &population::COVARIATES;
    const COVARIATE_RANGE: Range = population::range;
    /// Horizon: years in the city are capped at the horizon (the engine runs each migrant's years).
    const HORIZON: Option<(&'static str, &'static str)> =
        Some(("zenou.max_years", "years in the city"));
    const METRICS: &'static [MetricInfo] = metrics::METRICS;
    const CITATIONS: &'static [&'static str] =
        &[super::citation::ENCLAVE, super::citation::ZENOU_2013];
    const STARTER: Starter = Starter {
        horizon: "horizon = 10                 # years in the city (zenou.max_years)\n",
        intervention: "name = \"dispersed-housing\"\n\
             description = \"Half of enclave residents are offered and take housing outside the enclave.\"\n\
             set = { \"policy.dispersal_share\" = 0.5 }\n",
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
        run(cfg, seed)
    }
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let (s, c) = v.fold((0.0, 0usize), |(s, c), x| (s + x, c + 1));
    if c == 0 { f64::NAN } else { s / c as f64 }
}

/// Simulate one cohort with its truth (validating `cfg` first).
pub fn simulate(cfg: &Config, seed: u64) -> Result<Simulated, StudyError> {
    cfg.validate()?;
    run(cfg, seed)
}

/// Simulate one cohort with its truth from a validated config.
fn run(cfg: &Config, seed: u64) -> Result<Simulated, StudyError> {
    let pop = population::draw(cfg, seed)?;
    let status = choice::enclave_status(cfg, &pop);
    let base = outcome::base_index(cfg, &pop);
    let (omega_table, belief) = if cfg.zenou.realised_belief {
        let (t, b) = belief::solve(cfg, &pop, &status.enclave, &base, seed)?;
        (t, Some(b))
    } else {
        (choice::OmegaTable::new(cfg)?, None)
    };
    let inputs = Inputs {
        cfg,
        pop: &pop,
        omega_table: &omega_table,
        base: &base,
        seed,
    };
    let observed = world::run(&inputs, &status.enclave);
    let ascribed = network::ascribed_share(&observed.graph);
    let cohort = survey::cohort(cfg, &pop, &status, &observed, &ascribed, seed)?;
    let f = |b: bool| f64::from(u8::from(b));
    let mut metrics = BTreeMap::new();
    metrics.insert("share_up".into(), mean(observed.up.iter().map(|&b| f(b))));
    metrics.insert(
        "enclave_share".into(),
        mean(status.enclave.iter().map(|&b| f(b))),
    );
    metrics.insert("omega_mean".into(), mean(observed.omega.iter().copied()));
    metrics.insert(
        "job_info_share".into(),
        mean(observed.jobs.job.iter().map(|&b| f(b))),
    );
    let mut truth = Truth::default();
    let cfg_value = serde_json::to_value(cfg)
        .map_err(|e| StudyError::Override(format!("cannot serialise the config: {e}")))?;
    truth::flatten_params(&cfg_value, "", &mut truth.params);
    for (status_name, in_enclave) in [("omega_star_other", false), ("omega_star_enclave", true)] {
        truth.params.insert(
            status_name.into(),
            omega_table.get(cfg.covariates.edu_mean, in_enclave),
        );
    }
    // The information omega* was chosen against and what the engine
    // delivered, by status (issue 30; `belief`).
    let mut info: Vec<(String, f64)> = Vec::new();
    for (k, name) in ["other", "enclave"].iter().enumerate() {
        let expected = mean(
            pop.cov[3]
                .iter()
                .zip(&status.enclave)
                .filter(|(_, g)| usize::from(**g) == k)
                .map(|(&edu, _)| omega_table.expected(edu, k == 1)),
        );
        let realised = mean(
            observed
                .jobs
                .job
                .iter()
                .zip(&status.enclave)
                .filter(|(_, g)| usize::from(**g) == k)
                .map(|(&j, _)| f(j)),
        );
        info.push((format!("expected_info_{name}"), expected));
        info.push((format!("realised_info_{name}"), realised));
        if let Some(b) = &belief {
            info.push((format!("belief_{name}"), b.scale[k]));
            info.push((format!("belief_tolerance_{name}"), b.tolerance[k]));
        }
    }
    if let Some(b) = &belief {
        info.push(("belief_iterations".into(), b.iterations as f64));
        info.push(("belief_converged".into(), f(b.converged)));
    }
    truth.params.extend(info);
    if cfg.truth.potential_outcomes {
        let pot = truth::potential(&inputs, &status.enclave, &observed.up);
        truth.effects = pot.effects;
        truth
            .potential
            .insert("up_if_enclave".into(), pot.up_if_enclave);
        truth
            .potential
            .insert("up_if_not_enclave".into(), pot.up_if_not_enclave);
    }
    Ok(Simulated {
        cohort,
        truth,
        metrics,
        paths: paths(&pop, &observed),
    })
}

/// Share up by years in the city (measured), and the engine's share with
/// good-job information over time.
fn paths(pop: &population::Population, run: &world::Run) -> Vec<TimePath> {
    let max = pop.years.iter().copied().max().unwrap_or(0) as usize;
    let (mut sum, mut cnt) = (vec![0.0; max + 1], vec![0usize; max + 1]);
    for (&y, &u) in pop.years.iter().zip(&run.up) {
        sum[y as usize] += f64::from(u8::from(u));
        cnt[y as usize] += 1;
    }
    let (times, values): (Vec<f64>, Vec<f64>) = (1..=max)
        .filter(|&y| cnt[y] > 0)
        .map(|y| (y as f64, sum[y] / cnt[y] as f64))
        .unzip();
    let engine_times = (1..=run.jobs.share_by_year.len())
        .map(|y| y as f64)
        .collect();
    vec![
        TimePath {
            metric: "share_up_by_years_in_city".into(),
            times,
            values,
        },
        TimePath {
            metric: "job_info_share".into(),
            times: engine_times,
            values: run.jobs.share_by_year.clone(),
        },
    ]
}
