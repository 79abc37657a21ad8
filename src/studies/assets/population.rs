//! Workers: Table 1 controls and household assets, drawn with common random
//! numbers (every uniform and normal is drawn first, in a fixed order, then
//! transformed with the parameters).

use rand::Rng;
use rand_distr::StandardNormal;

use super::config::{AssetParams, Config, Demographics};
use crate::numeric::normal;
use crate::seed::{self, SimRng};
use crate::studies::{StudyError, sample};

/// Cohort column names of the Table 1 controls a sample file may supply
/// (`population`), in [`Controls`] order. The asset holdings are drawn
/// jointly with the latent wealth and the firms (`ln_total, ln_housing,
/// ln_financial`), and the outcomes are simulated: neither is read.
pub const COVARIATES: [&str; 8] = [
    "male",
    "age",
    "party",
    "ln_income",
    "edu_years",
    "parent_edu",
    "married",
    "has_child",
];

/// Accepted values in a sample file: 0/1 for `male, party, married,
/// has_child`; `age` in [16, 80]; `edu_years, parent_edu` in [0, 30];
/// `ln_income` in [0, 30] (0: no earnings, as drawn).
pub fn range(name: &str) -> (fn(f64) -> bool, &'static str) {
    match name {
        "age" => (|v| (16.0..=80.0).contains(&v), "an age in [16, 80]"),
        "edu_years" | "parent_edu" => (
            |v| (0.0..=30.0).contains(&v),
            "years of schooling in [0, 30]",
        ),
        "ln_income" => (|v| (0.0..=30.0).contains(&v), "a log income in [0, 30]"),
        _ => sample::binary(),
    }
}

/// Education coding of Table 1 (years).
pub const EDU_YEARS: [f64; 5] = [9.0, 12.0, 15.0, 16.0, 19.0];

/// Standard normals and uniforms behind the population, one vector per
/// quantity, drawn in this field order.
pub struct PopulationDraws {
    u_male: Vec<f64>,
    z_age: Vec<f64>,
    z_parent: Vec<f64>,
    z_edu: Vec<f64>,
    u_party: Vec<f64>,
    u_zero_income: Vec<f64>,
    z_income: Vec<f64>,
    u_married: Vec<f64>,
    u_child: Vec<f64>,
    z_wealth: Vec<f64>,
    z_own: Vec<f64>,
    z_housing: Vec<f64>,
    z_financial: Vec<f64>,
    z_other: Vec<f64>,
    u_debt: Vec<f64>,
    z_firm: Vec<f64>,
}

pub(crate) fn normals(rng: &mut SimRng, n: usize) -> Vec<f64> {
    (0..n).map(|_| rng.sample(StandardNormal)).collect()
}

pub(crate) fn uniforms(rng: &mut SimRng, n: usize) -> Vec<f64> {
    (0..n).map(|_| rng.random::<f64>()).collect()
}

impl PopulationDraws {
    /// Draws for `n` workers in `firms` firms from `seed`'s population stream.
    pub fn new(seed: u64, n: usize, firms: usize) -> Self {
        let mut rng = seed::stream(seed, 0, seed::Component::Population);
        let r = &mut rng;
        PopulationDraws {
            u_male: uniforms(r, n),
            z_age: normals(r, n),
            z_parent: normals(r, n),
            z_edu: normals(r, n),
            u_party: uniforms(r, n),
            u_zero_income: uniforms(r, n),
            z_income: normals(r, n),
            u_married: uniforms(r, n),
            u_child: uniforms(r, n),
            z_wealth: normals(r, n),
            z_own: normals(r, n),
            z_housing: normals(r, n),
            z_financial: normals(r, n),
            z_other: normals(r, n),
            u_debt: uniforms(r, n),
            z_firm: normals(r, firms),
        }
    }
}

/// Table 1 controls of each worker.
#[derive(Debug, Clone, Default)]
pub struct Controls {
    /// Male (0/1).
    pub male: Vec<f64>,
    /// Age in years.
    pub age: Vec<f64>,
    /// Communist Party member (0/1).
    pub party: Vec<f64>,
    /// ln of annual income.
    pub ln_income: Vec<f64>,
    /// Years of schooling.
    pub edu_years: Vec<f64>,
    /// Parents' years of schooling.
    pub parent_edu: Vec<f64>,
    /// Married (0/1).
    pub married: Vec<f64>,
    /// Has a child (0/1).
    pub has_child: Vec<f64>,
}

/// Household asset levels in million yuan, before any policy.
#[derive(Debug, Clone, Default)]
pub struct Holdings {
    /// Housing value.
    pub housing: Vec<f64>,
    /// Financial assets.
    pub financial: Vec<f64>,
    /// Other gross assets.
    pub other: Vec<f64>,
    /// Mortgage debt.
    pub debt: Vec<f64>,
    /// Latent household wealth W (standard normal).
    pub wealth: Vec<f64>,
}

/// Workers before the mechanism runs.
pub struct Population {
    /// Table 1 controls.
    pub controls: Controls,
    /// Household assets before any policy.
    pub holdings: Holdings,
}

fn bern(u: f64, p: f64) -> f64 {
    if u < p { 1.0 } else { 0.0 }
}

/// Category of `z` (standard normal) when the categories have `shares`.
fn category(z: f64, shares: &[f64; 5]) -> f64 {
    let p = normal::cdf(z);
    let mut acc = 0.0;
    for (s, years) in shares.iter().zip(EDU_YEARS) {
        acc += s;
        if p < acc {
            return years;
        }
    }
    EDU_YEARS[4]
}

/// Intercept `a` with P(a + b Z + e > 0) = share for Z, e independent
/// standard normal: `a = Phi^-1(share) sqrt(1 + b^2)`.
pub(crate) fn probit_intercept(share: f64, slope: f64) -> f64 {
    normal::quantile(share) * (1.0 + slope * slope).sqrt()
}

fn controls(d: &PopulationDraws, p: &Demographics) -> Controls {
    let n = d.u_male.len();
    let rho = p.edu_parent_corr;
    let married_a = probit_intercept(p.married_share, p.married_age_slope);
    let mut c = Controls::default();
    for i in 0..n {
        let z_edu = rho * d.z_parent[i] + (1.0 - rho * rho).sqrt() * d.z_edu[i];
        let age_z = d.z_age[i];
        c.male.push(bern(d.u_male[i], p.male_share));
        c.age.push(
            (p.age_mean + p.age_sd * age_z)
                .clamp(p.age_min, p.age_max)
                .round(),
        );
        c.party.push(bern(d.u_party[i], p.party_share));
        c.parent_edu
            .push(category(d.z_parent[i], &p.parent_edu_shares));
        c.edu_years.push(category(z_edu, &p.edu_shares));
        let earner = p.ln_income_mean
            + p.ln_income_sd * (0.3 * z_edu + 0.3 * age_z + 0.82_f64.sqrt() * d.z_income[i]);
        c.ln_income
            .push(if d.u_zero_income[i] < p.zero_income_share {
                0.0
            } else {
                earner
            });
        let married = bern(
            d.u_married[i],
            normal::cdf(married_a + p.married_age_slope * age_z),
        );
        c.married.push(married);
        c.has_child
            .push(married * bern(d.u_child[i], p.child_if_married));
    }
    c
}

/// W = (w_f z_firm + w_p z_parent + w_a z_age + w_m (married - share) + z) / sd,
/// standardised with its theoretical SD.
fn wealth(
    d: &PopulationDraws,
    c: &Controls,
    firm: &[u32],
    a: &AssetParams,
    married_share: f64,
) -> Vec<f64> {
    let var_m = married_share * (1.0 - married_share);
    let sd = (a.wealth_firm.powi(2)
        + a.wealth_parent_edu.powi(2)
        + a.wealth_age.powi(2)
        + a.wealth_married.powi(2) * var_m
        + 1.0)
        .sqrt();
    (0..c.male.len())
        .map(|i| {
            (a.wealth_firm * d.z_firm[firm[i] as usize]
                + a.wealth_parent_edu * d.z_parent[i]
                + a.wealth_age * d.z_age[i]
                + a.wealth_married * (c.married[i] - married_share)
                + d.z_wealth[i])
                / sd
        })
        .collect()
}

fn holdings(d: &PopulationDraws, w: Vec<f64>, a: &AssetParams) -> Holdings {
    let own_a = probit_intercept(a.own_share, a.own_wealth);
    let mix = |rho: f64, wi: f64, z: f64| rho * wi + (1.0 - rho * rho).sqrt() * z;
    let mut h = Holdings::default();
    for (i, &wi) in w.iter().enumerate() {
        let owns = own_a + a.own_wealth * wi + d.z_own[i] > 0.0;
        let housing = if owns {
            let ln1p = a.housing_ln_mean
                + a.housing_ln_sd * mix(a.housing_wealth_corr, wi, d.z_housing[i]);
            ln1p.max(0.05).exp_m1()
        } else {
            0.0
        };
        h.housing.push(housing);
        h.financial.push(
            a.financial_median
                * (a.financial_log_sd * mix(a.financial_wealth_corr, wi, d.z_financial[i])).exp(),
        );
        h.other.push(a.other_median * d.z_other[i].exp());
        h.debt.push(housing * a.mortgage_share * 2.0 * d.u_debt[i]);
    }
    h.wealth = w;
    h
}

/// The workers of `cfg`, firms given by `firm` (from the network); the
/// controls a sample file supplies replace the drawn ones.
pub fn build(cfg: &Config, d: &PopulationDraws, firm: &[u32]) -> Result<Population, StudyError> {
    let mut controls = controls(d, &cfg.demographics);
    if !cfg.population.is_empty() {
        let c = &mut controls;
        sample::Sample::read(std::path::Path::new(&cfg.population), &COVARIATES, range)?.overlay(
            &mut [
                &mut c.male,
                &mut c.age,
                &mut c.party,
                &mut c.ln_income,
                &mut c.edu_years,
                &mut c.parent_edu,
                &mut c.married,
                &mut c.has_child,
            ],
        )?;
    }
    let w = wealth(
        d,
        &controls,
        firm,
        &cfg.assets,
        cfg.demographics.married_share,
    );
    let holdings = holdings(d, w, &cfg.assets);
    Ok(Population { controls, holdings })
}
