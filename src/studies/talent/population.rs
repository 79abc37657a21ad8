//! Agents and every random quantity the mechanism uses.
//!
//! All draws are made here, per agent in a fixed order from their own
//! streams, before any parameter is applied; the mechanism then transforms
//! them. So two runs with the same seed and different policy parameters
//! (or a forced treatment) see the same uniforms and normals: common random
//! numbers.

use rand::Rng;

use super::config::Config;
use crate::numeric::normal;
use crate::seed::{self, Component, SimRng};
use crate::studies::{StudyError, sample};

/// Cohort column names of the covariates a sample file may supply
/// (`population`). City (by quota), nationality and years in China are
/// drawn (they place the agent in the network); the outcomes are simulated.
pub const COVARIATES: [&str; 3] = ["age", "male", "univ"];

/// Accepted values in a sample file: `age` in [16, 80]; `male, univ` 0/1.
pub fn range(name: &str) -> (fn(f64) -> bool, &'static str) {
    match name {
        "age" => (|v| (16.0..=80.0).contains(&v), "an age in [16, 80]"),
        _ => sample::binary(),
    }
}

/// Stream tags of the talent study's components.
const POPULATION: u64 = 0x7a1e_0001;
const SHOCKS: u64 = 0x7a1e_0002;

/// Who the agents are.
#[derive(Debug, Clone)]
pub struct Population {
    /// City index into `Config::cities`.
    pub city: Vec<u8>,
    /// Nationality community within the city (0-based).
    pub nationality: Vec<u32>,
    /// Age in years.
    pub age: Vec<f64>,
    /// Male (0/1).
    pub male: Vec<f64>,
    /// University degree (0/1).
    pub univ: Vec<f64>,
    /// Years in China.
    pub years: Vec<f64>,
}

/// Uniform (`u_`) and standard normal (`z_`) shocks per agent.
#[derive(Debug, Clone, Default)]
pub struct Shocks {
    /// Uniform draw of unit support.
    pub u_unit: Vec<f64>,
    /// Uniform draw of the other support sources.
    pub u_support: Vec<f64>,
    /// Uniform draw of cumulative advantage.
    pub u_cumulative: Vec<f64>,
    /// Normal shock of inter-ethnic willingness.
    pub z_willing: Vec<f64>,
    /// Uniform draw of local ties.
    pub u_local: Vec<f64>,
    /// Normal shocks of the willingness items.
    pub z_items: Vec<[f64; 3]>,
    /// Normal shock of attachment.
    pub z_attach: Vec<f64>,
    /// Normal shocks of the participation cognition items.
    pub z_cognition: Vec<[f64; 3]>,
    /// Normal shock of participation.
    pub z_particip: Vec<f64>,
    /// Chamber/association, volunteer, home election, home association.
    pub u_behavior: Vec<[f64; 4]>,
    /// Uniform draw of the retention decision.
    pub u_retain: Vec<f64>,
    /// Uniform draw of the duration answer.
    pub u_duration: Vec<f64>,
    /// Uniform draw of "considered before arriving".
    pub u_before: Vec<f64>,
    /// Trader status and the trader's market shock.
    pub u_trader: Vec<f64>,
    /// Normal market shock of a trader.
    pub z_market: Vec<f64>,
    /// Whether the unit provides its package, and whether a volunteering
    /// event is unit-run (drawn last, after the earlier shocks).
    pub u_benefit: Vec<f64>,
    pub u_event: Vec<f64>,
}

/// City sizes by largest-remainder quotas of `shares` (sum 1) over `n`.
pub fn quotas(shares: &[f64], n: usize) -> Vec<usize> {
    let total: f64 = shares.iter().sum();
    let exact: Vec<f64> = shares.iter().map(|s| s / total * n as f64).collect();
    let mut out: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let short = n.saturating_sub(out.iter().sum());
    for &i in order.iter().cycle().take(short) {
        out[i] += 1;
    }
    out
}

/// Zipf(1) shares of `m` nationality communities: a few large source
/// countries and a tail of small ones.
fn zipf_pick(m: usize, u: f64) -> u32 {
    let h: f64 = (1..=m).map(|k| 1.0 / k as f64).sum();
    let mut acc = 0.0;
    for k in 1..=m {
        acc += 1.0 / (k as f64 * h);
        if u < acc {
            return (k - 1) as u32;
        }
    }
    (m - 1) as u32
}

/// Standard normal truncated to `[-a, a]` by inversion of `u`.
fn truncated_normal(a: f64, u: f64) -> f64 {
    let lo = normal::cdf(-a);
    normal::quantile(lo + u * (normal::cdf(a) - lo))
}

fn std_normal(rng: &mut SimRng) -> f64 {
    rng.sample(rand_distr::StandardNormal)
}

/// Draw the agents: cities by quota, then per agent nationality, age, sex,
/// education and years in China; the covariates a sample file supplies
/// replace the drawn ones.
pub fn draw_population(cfg: &Config, seed: u64) -> Result<Population, StudyError> {
    let mut rng = seed::stream(seed, 0, Component::Custom(POPULATION));
    let shares: Vec<f64> = cfg.cities.iter().map(|c| c.share).collect();
    let city: Vec<u8> = quotas(&shares, cfg.n)
        .iter()
        .enumerate()
        .flat_map(|(c, &q)| std::iter::repeat_n(c as u8, q))
        .collect();
    let n = city.len();
    let mut pop = Population {
        city,
        nationality: Vec::with_capacity(n),
        age: Vec::with_capacity(n),
        male: Vec::with_capacity(n),
        univ: Vec::with_capacity(n),
        years: Vec::with_capacity(n),
    };
    for i in 0..n {
        let u: [f64; 5] = rng.random();
        let c = &cfg.cities[pop.city[i] as usize];
        pop.nationality.push(zipf_pick(c.nationalities, u[0]));
        pop.age
            .push(cfg.age_mean + cfg.age_sd * truncated_normal(cfg.age_trunc_z, u[1]));
        pop.male.push(f64::from(u8::from(u[2] < cfg.male_share)));
        let region = if c.south { &cfg.south } else { &cfg.changchun };
        pop.univ.push(f64::from(u8::from(u[3] < region.univ_share)));
        pop.years
            .push(cfg.years_min - cfg.years_mean_extra * (1.0 - u[4]).ln());
    }
    if !cfg.population.is_empty() {
        sample::Sample::read(std::path::Path::new(&cfg.population), &COVARIATES, range)?
            .overlay(&mut [&mut pop.age, &mut pop.male, &mut pop.univ])?;
    }
    Ok(pop)
}

/// Draw every behavioural shock, agent by agent, in a fixed order.
pub fn draw_shocks(n: usize, seed: u64) -> Shocks {
    let mut rng = seed::stream(seed, 0, Component::Custom(SHOCKS));
    let mut s = Shocks::default();
    for _ in 0..n {
        s.u_unit.push(rng.random());
        s.u_support.push(rng.random());
        s.u_cumulative.push(rng.random());
        s.z_willing.push(std_normal(&mut rng));
        s.u_local.push(rng.random());
        let items = [
            std_normal(&mut rng),
            std_normal(&mut rng),
            std_normal(&mut rng),
        ];
        s.z_items.push(items);
        s.z_attach.push(std_normal(&mut rng));
        let cog = [
            std_normal(&mut rng),
            std_normal(&mut rng),
            std_normal(&mut rng),
        ];
        s.z_cognition.push(cog);
        s.z_particip.push(std_normal(&mut rng));
        s.u_behavior.push(rng.random());
        s.u_retain.push(rng.random());
        s.u_duration.push(rng.random());
        s.u_before.push(rng.random());
        s.u_trader.push(rng.random());
        s.z_market.push(std_normal(&mut rng));
        s.u_benefit.push(rng.random());
        s.u_event.push(rng.random());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_reproduce_table1_city_counts() {
        assert_eq!(
            quotas(&[0.241, 0.450, 0.183, 0.126], 777),
            vec![187, 350, 142, 98]
        );
        assert_eq!(quotas(&[0.5, 0.5], 3).iter().sum::<usize>(), 3);
    }

    #[test]
    fn zipf_shares_are_decreasing() {
        let m = 4;
        let mut counts = [0usize; 4];
        for k in 0..10_000 {
            counts[zipf_pick(m, (k as f64 + 0.5) / 10_000.0) as usize] += 1;
        }
        // Zipf(1) over 4: 1/H, 1/(2H), ... with H = 25/12.
        assert!((counts[0] as f64 / 10_000.0 - 12.0 / 25.0).abs() < 1e-3);
        assert!((counts[3] as f64 / 10_000.0 - 3.0 / 25.0).abs() < 1e-3);
    }

    #[test]
    fn truncated_normal_is_symmetric_and_bounded() {
        assert!(truncated_normal(2.0, 0.5).abs() < 1e-12);
        assert!((truncated_normal(2.0, 1e-12) + 2.0).abs() < 1e-6);
        assert!((truncated_normal(2.0, 0.3) + truncated_normal(2.0, 0.7)).abs() < 1e-9);
    }
}
