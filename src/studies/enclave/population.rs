//! The migrants: geography (province, city, year, location quotient), dyads,
//! Table 1 covariates, unobserved ability and every random number the later
//! stages use, all drawn before any parameter-dependent transformation so
//! that policy runs share them (common random numbers).
//!
//! Dyads (a strong tie: relative or fellow villager) share province and city.
//! Dyads are sorted by (city, province) so that a city and a hometown group
//! (fellow provincials in the same city) are contiguous index ranges.

use std::sync::Arc;

use rand::Rng;
use rand_distr::{Beta, Distribution, Gamma, Poisson, StandardNormal};

use super::config::{Config, GENERATED};
use crate::network::{NetworkSpec, SocialGraph};
use crate::numeric::lq::quotients;
use crate::seed::{Component, SimRng, stream};
use crate::studies::{StudyError, sample};

/// Cohort column names of the Table 1 covariates, in order.
pub const COVARIATES: [&str; 11] = [
    "male",
    "age",
    "married",
    "edu_years",
    "healthy",
    "nonfarm",
    "hh_size",
    "ln_hh_income",
    "land_transfer",
    "village_outflow",
    "ln_school_dist",
];

/// Accepted values in a sample file (`population`): 0/1 for `male, married, healthy, nonfarm,
/// land_transfer`; `age` in [16, 65]; `edu_years` in [0, 30]; `hh_size` a
/// whole number in [1, 100]; `village_outflow` in [0, 1]; others finite.
pub fn range(name: &str) -> (fn(f64) -> bool, &'static str) {
    match name {
        "male" | "married" | "healthy" | "nonfarm" | "land_transfer" => sample::binary(),
        "age" => (|v| (16.0..=65.0).contains(&v), "an age in [16, 65]"),
        "edu_years" => (
            |v| (0.0..=30.0).contains(&v),
            "years of schooling in [0, 30]",
        ),
        "hh_size" => (
            |v| (1.0..=100.0).contains(&v) && v.fract() == 0.0,
            "a whole number of household members in [1, 100]",
        ),
        "village_outflow" => (|v| (0.0..=1.0).contains(&v), "a share in [0, 1]"),
        _ => sample::finite(),
    }
}

/// Random-number streams of the study (`Component::Custom(k)`).
pub(crate) mod streams {
    pub const GEOGRAPHY: u64 = 1;
    pub const DYADS: u64 = 2;
    pub const COVARIATES: u64 = 3;
    pub const LATENT: u64 = 4;
    pub const GRAPH: u64 = 5;
    pub const ENGINE: u64 = 6;
    pub const SURVEY: u64 = 7;
}

/// The drawn population (structure of arrays, one entry per migrant).
#[derive(Debug, Clone)]
pub struct Population {
    pub n: usize,
    pub province: Vec<u32>,
    pub city: Vec<u32>,
    /// Hometown group `city * provinces + province`; groups are contiguous,
    /// `group_start[g]..group_start[g + 1]`.
    pub group: Vec<u32>,
    pub group_start: Vec<u32>,
    pub city_start: Vec<u32>,
    pub year_2017: Vec<bool>,
    pub lq: Vec<f64>,
    /// City dynamism `d_c` per city.
    pub city_effect: Vec<f64>,
    /// Covariate columns in [`COVARIATES`] order.
    pub cov: Vec<Vec<f64>>,
    /// Centring constants (the configured marginal means).
    pub cov_mean: [f64; 11],
    pub ability: Vec<f64>,
    pub years: Vec<u32>,
    /// Standard-normal noise of the enclave choice and of the outcome.
    pub choice_noise: Vec<f64>,
    pub outcome_noise: Vec<f64>,
    /// Uniforms: dispersal offer, direct-effect pass.
    pub u_dispersal: Vec<f64>,
    pub u_pass: Vec<f64>,
    /// The measured weak-tie graph of `network.source = "edges:FILE.csv"`
    /// (labelled by hometown group), `None` when generated.
    pub file_graph: Option<Arc<SocialGraph>>,
}

/// The graph of `network.source`, checked against `n` and labelled by group.
fn file_graph(cfg: &Config, group: &[u32]) -> Result<Option<Arc<SocialGraph>>, StudyError> {
    let source = cfg.network.source.as_str();
    if source == GENERATED {
        return Ok(None);
    }
    let bad = |why: String| StudyError::invalid("network.source", why);
    let spec: NetworkSpec = source.parse().map_err(|e| bad(format!("{e}")))?;
    let NetworkSpec::Edges { graph, .. } = spec else {
        return Err(bad(format!(
            "`{source}`: expected `generated` or `edges:FILE.csv`"
        )));
    };
    let nodes = graph.graph.node_count();
    if nodes != cfg.n {
        return Err(bad(format!(
            "{} has {nodes} nodes but the study has n = {} migrants: set n = {nodes}",
            graph.report.file, cfg.n
        )));
    }
    Ok(Some(Arc::new(
        graph.graph.clone().with_groups(group.to_vec()),
    )))
}

fn normal(rng: &mut SimRng) -> f64 {
    rng.sample(StandardNormal)
}

fn categorical(weights: &[f64], u: f64) -> usize {
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    for (k, w) in weights.iter().enumerate() {
        acc += w / total;
        if u < acc {
            return k;
        }
    }
    weights.len() - 1
}

fn bad_distribution(key: &str, e: impl std::fmt::Display) -> StudyError {
    StudyError::invalid(key, format!("does not define a distribution: {e}"))
}

/// Province sizes, city sizes, affinities and city dynamism.
struct Geography {
    province_w: Vec<f64>,
    city_given_province: Vec<Vec<f64>>,
    city_effect: Vec<f64>,
}

fn geography(cfg: &Config, seed: u64) -> Geography {
    let g = &cfg.geography;
    let mut rng = stream(seed, 0, Component::Custom(streams::GEOGRAPHY));
    let province_w: Vec<f64> = (0..g.provinces)
        .map(|_| (g.province_size_sd * normal(&mut rng)).exp())
        .collect();
    let city_w: Vec<f64> = (0..g.cities)
        .map(|_| (g.city_size_sd * normal(&mut rng)).exp())
        .collect();
    let city_given_province = (0..g.provinces)
        .map(|_| {
            city_w
                .iter()
                .map(|w| w * (g.affinity_sd * normal(&mut rng)).exp())
                .collect()
        })
        .collect();
    let city_effect = (0..g.cities).map(|_| normal(&mut rng)).collect();
    Geography {
        province_w,
        city_given_province,
        city_effect,
    }
}

/// Dyads' groups, sorted; returns per-agent group labels.
fn dyad_groups(cfg: &Config, geo: &Geography, seed: u64) -> Vec<u32> {
    let p = cfg.geography.provinces;
    let mut rng = stream(seed, 0, Component::Custom(streams::DYADS));
    let mut groups: Vec<u32> = (0..cfg.n / 2)
        .map(|_| {
            let prov = categorical(&geo.province_w, rng.random());
            let city = categorical(&geo.city_given_province[prov], rng.random());
            (city * p + prov) as u32
        })
        .collect();
    groups.sort_unstable();
    groups.iter().flat_map(|&g| [g, g]).collect()
}

fn starts(labels: &[u32], count: usize) -> Vec<u32> {
    let mut s = vec![0u32; count + 1];
    for &l in labels {
        s[l as usize + 1] += 1;
    }
    for k in 0..count {
        s[k + 1] += s[k];
    }
    s
}

/// Draw the population of `cfg` from `seed`.
pub fn draw(cfg: &Config, seed: u64) -> Result<Population, StudyError> {
    let (np, nc, n) = (cfg.geography.provinces, cfg.geography.cities, cfg.n);
    let geo = geography(cfg, seed);
    let group = dyad_groups(cfg, &geo, seed);
    let file_graph = file_graph(cfg, &group)?;
    let province: Vec<u32> = group.iter().map(|g| g % np as u32).collect();
    let city: Vec<u32> = group.iter().map(|g| g / np as u32).collect();
    let mut counts = vec![vec![0.0; nc]; np];
    for (&p, &c) in province.iter().zip(&city) {
        counts[p as usize][c as usize] += 1.0;
    }
    let lq_table = quotients(&counts).map_err(crate::data::DataError::from)?;
    let lq = province
        .iter()
        .zip(&city)
        .map(|(&p, &c)| lq_table[p as usize][c as usize])
        .collect();
    let (mut cov, cov_mean) = covariates(cfg, seed)?;
    if !cfg.population.is_empty() {
        sample::Sample::read(std::path::Path::new(&cfg.population), &COVARIATES, range)?
            .overlay(&mut cov.iter_mut().collect::<Vec<_>>())?;
    }
    let latent = latent(cfg, seed, &cov[1])?;
    Ok(Population {
        n,
        group_start: starts(&group, np * nc),
        city_start: starts(&city, nc),
        province,
        city,
        group,
        year_2017: latent.year_2017,
        lq,
        city_effect: geo.city_effect,
        cov,
        cov_mean,
        ability: latent.ability,
        years: latent.years,
        choice_noise: latent.choice_noise,
        outcome_noise: latent.outcome_noise,
        u_dispersal: latent.u_dispersal,
        u_pass: latent.u_pass,
        file_graph,
    })
}

/// Table 1 covariates from their marginals.
fn covariates(cfg: &Config, seed: u64) -> Result<(Vec<Vec<f64>>, [f64; 11]), StudyError> {
    let c = &cfg.covariates;
    let mut rng = stream(seed, 0, Component::Custom(streams::COVARIATES));
    let hh = if c.hh_size_mean > 1.0 {
        Some(
            Poisson::new(c.hh_size_mean - 1.0)
                .map_err(|e| bad_distribution("covariates.hh_size_mean", e))?,
        )
    } else {
        None
    };
    let ab = c.outflow_mean * (1.0 - c.outflow_mean) / (c.outflow_sd * c.outflow_sd) - 1.0;
    let outflow = Beta::new(c.outflow_mean * ab, (1.0 - c.outflow_mean) * ab)
        .map_err(|e| bad_distribution("covariates.outflow_mean/outflow_sd", e))?;
    let mut cols: Vec<Vec<f64>> = (0..11).map(|_| Vec::with_capacity(cfg.n)).collect();
    let bern = |rng: &mut SimRng, p: f64| f64::from(u8::from(rng.random::<f64>() < p));
    for _ in 0..cfg.n {
        let z: [f64; 4] = std::array::from_fn(|_| normal(&mut rng));
        let h = hh.as_ref().map_or(0.0, |d| d.sample(&mut rng));
        let row = [
            bern(&mut rng, c.male),
            (c.age_mean + c.age_sd * z[0]).round().clamp(16.0, 65.0),
            bern(&mut rng, c.married),
            (c.edu_mean + c.edu_sd * z[1]).round().clamp(0.0, 16.0),
            bern(&mut rng, c.healthy),
            bern(&mut rng, c.nonfarm),
            1.0 + h,
            c.ln_income_mean + c.ln_income_sd * z[2],
            bern(&mut rng, c.land_transfer),
            outflow.sample(&mut rng),
            c.ln_dist_mean + c.ln_dist_sd * z[3],
        ];
        for (col, v) in cols.iter_mut().zip(row) {
            col.push(v);
        }
    }
    let mean = [
        c.male,
        c.age_mean,
        c.married,
        c.edu_mean,
        c.healthy,
        c.nonfarm,
        c.hh_size_mean,
        c.ln_income_mean,
        c.land_transfer,
        c.outflow_mean,
        c.ln_dist_mean,
    ];
    Ok((cols, mean))
}

struct Latent {
    year_2017: Vec<bool>,
    ability: Vec<f64>,
    years: Vec<u32>,
    choice_noise: Vec<f64>,
    outcome_noise: Vec<f64>,
    u_dispersal: Vec<f64>,
    u_pass: Vec<f64>,
}

/// Survey year, ability, years in the city (`1 + floor(Gamma(2, scale))`,
/// at most `max_years` and `age - 15`), noises and uniforms.
fn latent(cfg: &Config, seed: u64, age: &[f64]) -> Result<Latent, StudyError> {
    let z = &cfg.zenou;
    let gamma =
        Gamma::new(2.0, z.years_scale).map_err(|e| bad_distribution("zenou.years_scale", e))?;
    let mut rng = stream(seed, 0, Component::Custom(streams::LATENT));
    let n = cfg.n;
    let mut out = Latent {
        year_2017: Vec::with_capacity(n),
        ability: Vec::with_capacity(n),
        years: Vec::with_capacity(n),
        choice_noise: Vec::with_capacity(n),
        outcome_noise: Vec::with_capacity(n),
        u_dispersal: Vec::with_capacity(n),
        u_pass: Vec::with_capacity(n),
    };
    for a in age {
        out.year_2017
            .push(rng.random::<f64>() < cfg.geography.year_2017_share);
        out.ability.push(normal(&mut rng));
        let g: f64 = gamma.sample(&mut rng);
        let cap = (z.max_years as f64).min(a - 15.0).max(1.0);
        out.years.push((1.0 + g.floor()).min(cap) as u32);
        out.choice_noise.push(normal(&mut rng));
        out.outcome_noise.push(normal(&mut rng));
        out.u_dispersal.push(rng.random());
        out.u_pass.push(rng.random());
    }
    Ok(out)
}

impl Population {
    /// Covariate `k` of agent `i` minus its configured mean.
    pub fn centred(&self, k: usize, i: usize) -> f64 {
        self.cov[k][i] - self.cov_mean[k]
    }

    /// `sum_k b_k (x_ik - mean_k)`.
    pub fn index(&self, coefs: &[(&'static str, f64)], i: usize) -> f64 {
        coefs
            .iter()
            .enumerate()
            .map(|(k, (_, b))| b * self.centred(k, i))
            .sum()
    }
}

/// Alignment of a probit intercept to a share (as microsimulation models
/// align a simulated rate to a published one): the intercept `a` such that
/// exactly `k = round(share n)` of the indices satisfy `a + rest_i > 0`,
/// halfway between the k-th and (k+1)-th largest `rest_i` (O(n) selection).
pub fn aligned_intercept(rest: &[f64], share: f64) -> f64 {
    let n = rest.len();
    if n == 0 {
        return 0.0;
    }
    let k = ((share * n as f64).round() as usize).min(n);
    let mut v = rest.to_vec();
    let desc = |a: &f64, b: &f64| b.total_cmp(a);
    if k == 0 {
        let top = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        return -top - 1.0;
    }
    if k == n {
        let low = v.iter().copied().fold(f64::INFINITY, f64::min);
        return -low + 1.0;
    }
    // v[k - 1] is the k-th largest, every v[..k - 1] >= it.
    let (_, kth, below) = v.select_nth_unstable_by(k - 1, desc);
    let kth = *kth;
    let next = below.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    -(kth + next) / 2.0
}

#[cfg(test)]
mod align_tests {
    use super::aligned_intercept;

    #[test]
    fn aligned_share_is_exact() {
        let rest: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1000) as f64 / 100.0)
            .collect();
        for share in [0.0, 0.001, 0.207, 0.5, 0.999, 1.0] {
            let a = aligned_intercept(&rest, share);
            let k = rest.iter().filter(|r| a + *r > 0.0).count();
            assert_eq!(k, (share * 1000.0_f64).round() as usize, "share {share}");
        }
    }
}
