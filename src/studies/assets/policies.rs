//! True effects of two asset policies on the intention share, each applied
//! to every worker at once (a global effect: neighbours' assets, and so
//! relative deprivation and the spread of pessimism, move too), with common
//! random numbers:
//!
//! * `policy_housing_minus10`: house prices fall 10% for owners (housing
//!   value x 0.9; mortgage debt is nominal and does not move; total assets
//!   recomputed from total = housing + financial + net other). Ownership,
//!   welfare access and rent-purchase rights (a ranking that scaling keeps)
//!   are unchanged; relative deprivation is recomputed for everyone; with
//!   the `housing_shock_feed` scenario option on, the fall also raises the
//!   market shock behind pessimism, as in the scenario runner.
//! * `policy_liquidity_plus50k`: every worker receives 50,000 yuan (0.05
//!   million) of liquid financial assets (financial + 0.05): pessimism
//!   (financial exposure, then one round of spread) and total assets are
//!   recomputed.
//!
//! Effect = `E[Lambda(y*_policy mean)] - E[Lambda(y*_baseline mean)]`, in
//! probability points; the cumulative-causation exposure (waves, off by
//! default) is held at its baseline value.

use super::config::Config;
use super::mechanism::{self as mech, IndexInputs};
use super::world::World;
use crate::numeric::logistic_stable as logistic;
use crate::studies::Truth;

/// Relative fall of housing values in `policy_housing_minus10`.
pub const HOUSING_FALL: f64 = 0.10;
/// Liquid transfer (million yuan) in `policy_liquidity_plus50k`.
pub const LIQUID_TRANSFER: f64 = 0.05;

/// Mean intention probability over workers for the inputs `x(i)`.
fn mean_probability(cfg: &Config, w: &World, x: impl Fn(usize) -> IndexInputs) -> f64 {
    (0..cfg.n)
        .map(|i| logistic(w.mean_index(cfg, i, &x(i))))
        .sum::<f64>()
        / cfg.n as f64
}

/// Pessimism of every worker for ln financial `ln_financial` and the
/// configuration `cfg` (its market shock).
fn pessimism(cfg: &Config, w: &World, ln_financial: &[f64]) -> Vec<f64> {
    let slopes = mech::exposure_slopes(cfg, &w.draws);
    mech::pessimism(cfg, &w.graph, &slopes, ln_financial, &w.draws).1
}

/// Effect of house prices x (1 - `fall`) on the intention share.
pub fn housing_price_effect(cfg: &Config, w: &World, fall: f64) -> f64 {
    let a = &w.assets;
    let housing: Vec<f64> = a.housing.iter().map(|h| h * (1.0 - fall)).collect();
    let ln_housing: Vec<f64> = housing.iter().map(|h| h.ln_1p()).collect();
    let mut after = cfg.clone();
    after.policy.housing_price_change =
        (1.0 + cfg.policy.housing_price_change) * (1.0 - fall) - 1.0;
    let pess = if mech::market_shock(&after) == mech::market_shock(cfg) {
        w.pessimism.clone()
    } else {
        pessimism(&after, w, &a.ln_financial)
    };
    let fin = &w.pop.holdings.financial;
    let d = cfg.unfairness.deprivation;
    let policy = mean_probability(cfg, w, |i| {
        let dep = mech::deprivation_at(&w.graph, &ln_housing, i, ln_housing[i]);
        IndexInputs {
            ln_total: mech::ln_total(housing[i], fin[i], a.net_other[i]),
            housing: housing[i],
            pessimism: pess[i],
            unfairness: w.unfairness[i] + d * (dep - w.deprivation[i]),
            ..w.inputs(i)
        }
    });
    policy - mean_probability(cfg, w, |i| w.inputs(i))
}

/// Effect of adding `amount` (million yuan) to every worker's financial
/// assets on the intention share.
pub fn liquidity_effect(cfg: &Config, w: &World, amount: f64) -> f64 {
    let a = &w.assets;
    let fin: Vec<f64> = w
        .pop
        .holdings
        .financial
        .iter()
        .map(|f| f + amount)
        .collect();
    let ln_fin: Vec<f64> = fin.iter().map(|f| f.ln_1p()).collect();
    let pess = pessimism(cfg, w, &ln_fin);
    let policy = mean_probability(cfg, w, |i| IndexInputs {
        ln_total: mech::ln_total(a.housing[i], fin[i], a.net_other[i]),
        financial: fin[i],
        pessimism: pess[i],
        ..w.inputs(i)
    });
    policy - mean_probability(cfg, w, |i| w.inputs(i))
}

/// Insert both policy effects into `truth.effects`.
pub fn add_policies(cfg: &Config, w: &World, truth: &mut Truth) {
    let e = &mut truth.effects;
    e.insert(
        "policy_housing_minus10".into(),
        housing_price_effect(cfg, w, HOUSING_FALL),
    );
    e.insert(
        "policy_liquidity_plus50k".into(),
        liquidity_effect(cfg, w, LIQUID_TRANSFER),
    );
}
