//! Upward mobility: the job information the engine delivered, combined with
//! the direct covariate effects of Table 2 col. 5:
//!
//!   up_i = 1{ b0 + b_J J_i + b_a a_i + b_c d_c + b_y 1{2017} + x_i'b + e_i > 0 },
//!
//! with `J_i` the engine's job state at the survey, `a_i` the unobserved
//! ability, `d_c` the city's dynamism and `e_i ~ N(0, 1)` drawn once per
//! migrant, so potential outcomes share it. Enclave status has no direct
//! term: it acts only through omega* and the weak-tie graph.

use super::config::Config;
use super::population::Population;

/// The part of the mobility index that does not depend on the network.
pub fn base_index(cfg: &Config, pop: &Population) -> Vec<f64> {
    let o = &cfg.outcome;
    let coefs = o.effects.pairs();
    (0..pop.n)
        .map(|i| {
            o.intercept
                + o.ability * pop.ability[i]
                + o.city * pop.city_effect[pop.city[i] as usize]
                + if pop.year_2017[i] { o.year_2017 } else { 0.0 }
                + pop.index(&coefs, i)
                + pop.outcome_noise[i]
        })
        .collect()
}

/// Mobility of every migrant given the job states.
pub fn mobility(cfg: &Config, base: &[f64], job: &[bool]) -> Vec<bool> {
    base.iter()
        .zip(job)
        .map(|(b, &j)| b + if j { cfg.outcome.job } else { 0.0 } > 0.0)
        .collect()
}
