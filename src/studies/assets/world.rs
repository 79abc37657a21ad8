//! One run of the assets mechanism: population, graph, assets after policy,
//! mediators and the intention index (before measurement).

use super::config::Config;
use super::mechanism::{self as mech, Assets, IndexInputs, MechanismDraws, WaveOutcome};
use super::network;
use super::population::{self, Population, PopulationDraws};
use crate::network::SocialGraph;
use crate::studies::StudyError;

/// Everything the survey and the truth need.
pub struct World {
    /// The workers' social graph.
    pub graph: SocialGraph,
    /// Controls and holdings before any policy.
    pub pop: Population,
    /// Asset values after the housing-price policy.
    pub assets: Assets,
    /// The mechanism's shocks.
    pub draws: MechanismDraws,
    /// Exposure slopes `s_i` of pessimism on ln(1 + F).
    pub slopes: Vec<f64>,
    /// Latent pessimism of each worker.
    pub pessimism: Vec<f64>,
    /// Yitzhaki relative deprivation of each worker's ln housing among its
    /// neighbours ([`super::mechanism::deprivation_at`]).
    pub deprivation: Vec<f64>,
    /// Rent-purchase equal rights (policy).
    pub rights: Vec<bool>,
    /// Hukou-linked welfare access (owner or rent-purchase rights).
    pub access: Vec<bool>,
    /// Latent unfairness perception of each worker.
    pub unfairness: Vec<f64>,
    /// Controls part of the index (with the constant).
    pub controls_index: Vec<f64>,
    /// Full latent index y* (with the logistic error and wave exposure).
    pub latent: Vec<f64>,
    /// Exposure, emigration and the share paths over the waves.
    pub waves: WaveOutcome,
}

impl World {
    /// The index inputs of worker `i`.
    pub fn inputs(&self, i: usize) -> IndexInputs {
        IndexInputs {
            ln_total: self.assets.ln_total[i],
            financial: self.pop.holdings.financial[i],
            housing: self.assets.housing[i],
            access: self.access[i],
            pessimism: self.pessimism[i],
            unfairness: self.unfairness[i],
        }
    }

    /// y* of worker `i` without the logistic error, for `x`.
    pub fn mean_index(&self, cfg: &Config, i: usize, x: &IndexInputs) -> f64 {
        self.controls_index[i]
            + mech::asset_index(&cfg.intention, x)
            + cfg.confounder_strength * self.draws.confounder[i]
            + cfg.waves.network_effect * self.waves.exposure[i]
    }
}

/// Run the mechanism of `cfg` from `seed`.
pub fn run(cfg: &Config, seed: u64) -> Result<World, StudyError> {
    let n = cfg.n;
    let graph = network::build(n, &cfg.network, seed)?;
    let firm: Vec<u32> = (0..n as u32).map(|i| graph.group(i).unwrap_or(0)).collect();
    let pd = PopulationDraws::new(seed, n, network::firm_count(n, &cfg.network));
    let pop = population::build(cfg, &pd, &firm)?;
    let draws = MechanismDraws::new(seed, n);
    let assets = mech::assets(&pop.holdings, cfg.policy.housing_price_change);
    let slopes = mech::exposure_slopes(cfg, &draws);
    let (_, pessimism) = mech::pessimism(cfg, &graph, &slopes, &assets.ln_financial, &draws);
    let deprivation: Vec<f64> = (0..n)
        .map(|i| mech::deprivation_at(&graph, &assets.ln_housing, i, assets.ln_housing[i]))
        .collect();
    let rights = mech::rent_purchase_rights(
        &assets.housing,
        &draws.u_rank,
        cfg.policy.rent_purchase_bottom_share,
    );
    let access: Vec<bool> = (0..n)
        .map(|i| assets.housing[i] > 0.0 || rights[i])
        .collect();
    let unfairness = (0..n)
        .map(|i| {
            mech::unfairness(
                cfg,
                deprivation[i],
                access[i],
                draws.confounder[i],
                draws.e_unfairness[i],
            )
        })
        .collect();
    let controls_index = (0..n)
        .map(|i| mech::control_index(&cfg.intention, &pop.controls, i))
        .collect();
    let mut world = World {
        graph,
        pop,
        assets,
        slopes,
        pessimism,
        deprivation,
        rights,
        access,
        unfairness,
        controls_index,
        latent: Vec::new(),
        waves: WaveOutcome {
            exposure: vec![0.0; n],
            emigrated: vec![false; n],
            intent_share: Vec::new(),
            emigrated_share: Vec::new(),
        },
        draws,
    };
    let base: Vec<f64> = (0..n)
        .map(|i| world.mean_index(cfg, i, &world.inputs(i)) + world.draws.e_intent[i])
        .collect();
    world.waves = mech::run_waves(cfg, &world.graph, &base, seed);
    world.latent = (0..n)
        .map(|i| base[i] + cfg.waves.network_effect * world.waves.exposure[i])
        .collect();
    Ok(world)
}
