//! The survey measurement layer: what RUMiC recorded, the way it recorded it.
//!
//! * `up`: current job's ISEI above the first job's (the mobility outcome).
//! * `enclave`: "many fellow villagers live around you" (status at the survey).
//! * `ascribed_share`: share of known neighbours who are fellow villagers,
//!   the realised share of the migrant's weak ties in its hometown group plus
//!   a reporting error N(0, ascribed_noise), clipped to [0, 1].
//! * `job_via_network`: current job found through family or friends, read
//!   from the engine's record of the tie that passed the current good job
//!   (strong tie or hometown weak tie: yes; weak tie outside the group: no).
//!   A migrant without a good job passed in the city holds the first job,
//!   found through the network with probability `first_job_network`.
//! * `horizontal`: changed job at the same level (only migrants not up).
//! * `savings`: log savings, rising with household income.
//!
//! The survey stream draws (noise, uniform, uniform, noise) per migrant in a
//! fixed order.

use rand::Rng;
use rand_distr::StandardNormal;

use super::choice::EnclaveStatus;
use super::config::Config;
use super::mechanism::JobSource;
use super::population::{COVARIATES, Population, streams};
use super::world::Run;
use crate::data::{Column, Dataset};
use crate::seed::{Component, stream};
use crate::studies::StudyError;

/// Cohort columns in DESIGN.md order, then the `true_` latent columns.
pub fn cohort(
    cfg: &Config,
    pop: &Population,
    status: &EnclaveStatus,
    run: &Run,
    ascribed_true: &[f64],
    seed: u64,
) -> Result<Dataset, StudyError> {
    let s = &cfg.survey;
    let n = pop.n;
    let f = |b: bool| f64::from(u8::from(b));
    let mut rng = stream(seed, 0, Component::Custom(streams::SURVEY));
    let (mut ascribed, mut net, mut hor, mut sav) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (i, &a) in ascribed_true.iter().enumerate().take(n) {
        let e_a: f64 = rng.sample(StandardNormal);
        let u_net: f64 = rng.random();
        let u_hor: f64 = rng.random();
        let e_s: f64 = rng.sample(StandardNormal);
        ascribed.push(if a.is_nan() {
            f64::NAN
        } else {
            (a + s.ascribed_noise * e_a).clamp(0.0, 1.0)
        });
        let via = match run.jobs.source[i] {
            JobSource::Other => u_net < s.first_job_network,
            source => source.via_network(),
        };
        net.push(f(via));
        hor.push(f(!run.up[i] && u_hor < s.horizontal_if_not_up));
        let inc = pop.cov[7][i] - cfg.covariates.ln_income_mean;
        sav.push((s.savings_mean + s.savings_income * inc + s.savings_sd * e_s).max(0.0));
    }
    let num = |v: Vec<f64>| Column::Numeric(v);
    let bools = |v: &[bool]| Column::Numeric(v.iter().map(|&b| f(b)).collect());
    let mut cols: Vec<(String, Column)> = vec![
        ("up".into(), bools(&run.up)),
        ("enclave".into(), bools(&status.enclave)),
    ];
    for (name, col) in COVARIATES.iter().zip(&pop.cov) {
        cols.push((name.to_string(), num(col.clone())));
    }
    let codes = |v: &[u32]| num(v.iter().map(|&c| f64::from(c + 1)).collect());
    cols.push(("city".into(), codes(&pop.city)));
    cols.push(("province".into(), codes(&pop.province)));
    cols.push((
        "year".into(),
        num(pop
            .year_2017
            .iter()
            .map(|&y| if y { 2017.0 } else { 2016.0 })
            .collect()),
    ));
    cols.push(("lq".into(), num(pop.lq.clone())));
    cols.push(("ascribed_share".into(), num(ascribed)));
    cols.push(("job_via_network".into(), num(net)));
    cols.push(("horizontal".into(), num(hor)));
    cols.push(("savings".into(), num(sav)));
    cols.push(("true_ability".into(), num(pop.ability.clone())));
    cols.push(("true_omega".into(), num(run.omega.clone())));
    cols.push(("true_job_info".into(), bools(&run.jobs.job)));
    cols.push((
        "true_years_in_city".into(),
        num(pop.years.iter().map(|&y| f64::from(y)).collect()),
    ));
    cols.push(("true_enclave_chosen".into(), bools(&status.chosen)));
    cols.push(("true_dispersed".into(), bools(&status.dispersed)));
    cols.push((
        "true_city_effect".into(),
        num(pop
            .city
            .iter()
            .map(|&c| pop.city_effect[c as usize])
            .collect()),
    ));
    cols.push(("true_ascribed_share".into(), num(ascribed_true.to_vec())));
    Ok(Dataset::from_columns("enclave cohort", cols)?)
}
