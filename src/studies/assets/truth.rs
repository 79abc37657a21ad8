//! What only the simulator knows: structural parameters, potential outcomes
//! and true mediation effects with common random numbers.
//!
//! Contrast (Table 4 as R's `mediate` runs a continuous treatment by
//! default): the worker's own ln(1 + assets) set to 0 versus 1 (0 versus
//! e - 1 = 1.72 million yuan), one worker at a time (neighbours' assets and
//! pessimism unchanged, so no interference), total assets recomputed from the
//! identity total = housing + financial + net other. Outcomes are intention
//! probabilities Lambda(y* mean) given each worker's own draws.
//!
//! For treatment T and mediator M (the other mediator follows T as part of
//! the direct path), with Y(t, m) the probability:
//! `acme(t) = E[Y(t, M(1)) - Y(t, M(0))]`, `ade(t) = E[Y(1, M(t)) - Y(0, M(t))]`,
//! `acme = (acme(0) + acme(1)) / 2`, likewise `ade`, `total = E[Y(1, M(1)) - Y(0, M(0))]`.
//! Financial assets move pessimism only; housing moves unfairness only
//! (deprivation and welfare access), so `acme_unfairness_financial` and
//! `acme_pessimism_housing` are 0 by construction.

use std::collections::BTreeMap;

use super::config::Config;
use super::mechanism::{self as mech, IndexInputs};
use super::world::World;
use crate::numeric::logistic_stable as logistic;
use crate::studies::Truth;

/// Treatment of the Table 4 contrasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Treatment {
    Financial,
    Housing,
}

/// Worker `i`'s index inputs with its own ln asset set to `t` and the
/// treatment's mediator taken at `t_m`.
fn inputs_at(cfg: &Config, w: &World, i: usize, tr: Treatment, t: f64, t_m: f64) -> IndexInputs {
    let a = &w.assets;
    let mut x = w.inputs(i);
    match tr {
        Treatment::Financial => {
            x.financial = t.exp_m1();
            x.ln_total = mech::ln_total(a.housing[i], x.financial, a.net_other[i]);
            x.pessimism += (t_m - a.ln_financial[i]) * w.slopes[i];
        }
        Treatment::Housing => {
            let fin = w.pop.holdings.financial[i];
            x.housing = t.exp_m1();
            x.ln_total = mech::ln_total(x.housing, fin, a.net_other[i]);
            x.access = t > 0.0 || w.rights[i];
            x.unfairness = unfairness_at(cfg, w, i, t_m);
        }
    }
    x
}

/// Latent unfairness of worker `i` if its ln housing were `h`.
fn unfairness_at(cfg: &Config, w: &World, i: usize, h: f64) -> f64 {
    let dep = mech::deprivation_at(&w.graph, &w.assets.ln_housing, i, h);
    let access = h > 0.0 || w.rights[i];
    let u = &cfg.unfairness;
    w.unfairness[i]
        + u.deprivation * (dep - w.deprivation[i])
        + u.no_access * (f64::from(u8::from(!access)) - f64::from(u8::from(!w.access[i])))
}

/// Y(t, M(t_m)) for every worker.
fn outcomes(cfg: &Config, w: &World, tr: Treatment, t: f64, t_m: f64) -> Vec<f64> {
    (0..cfg.n)
        .map(|i| logistic(w.mean_index(cfg, i, &inputs_at(cfg, w, i, tr, t, t_m))))
        .collect()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn mediator_values(cfg: &Config, w: &World, tr: Treatment, t: f64) -> Vec<f64> {
    (0..cfg.n)
        .map(|i| {
            let x = inputs_at(cfg, w, i, tr, t, t);
            match tr {
                Treatment::Financial => x.pessimism,
                Treatment::Housing => x.unfairness,
            }
        })
        .collect()
}

fn add_effects(cfg: &Config, w: &World, tr: Treatment, truth: &mut Truth) {
    let name = match tr {
        Treatment::Financial => "financial",
        Treatment::Housing => "housing",
    };
    let y = |t: f64, tm: f64| mean(&outcomes(cfg, w, tr, t, tm));
    let (y00, y01, y10, y11) = (y(0.0, 0.0), y(0.0, 1.0), y(1.0, 0.0), y(1.0, 1.0));
    let acme = ((y01 - y00) + (y11 - y10)) / 2.0;
    let ade = ((y10 - y00) + (y11 - y01)) / 2.0;
    let total = y11 - y00;
    let (moved, fixed) = match tr {
        Treatment::Financial => ("pessimism", "unfairness"),
        Treatment::Housing => ("unfairness", "pessimism"),
    };
    let e = &mut truth.effects;
    e.insert(format!("acme_{moved}_{name}"), acme);
    e.insert(format!("ade_{moved}_{name}"), ade);
    e.insert(format!("total_{moved}_{name}"), total);
    e.insert(format!("acme_{fixed}_{name}"), 0.0);
    e.insert(format!("ade_{fixed}_{name}"), total);
    e.insert(format!("total_{fixed}_{name}"), total);
    e.insert(format!("total_{name}"), total);
    let p = &mut truth.potential;
    p.insert(format!("p_intent_{name}0"), outcomes(cfg, w, tr, 0.0, 0.0));
    p.insert(format!("p_intent_{name}1"), outcomes(cfg, w, tr, 1.0, 1.0));
    p.insert(format!("{moved}_{name}0"), mediator_values(cfg, w, tr, 0.0));
    p.insert(format!("{moved}_{name}1"), mediator_values(cfg, w, tr, 1.0));
}

fn params(cfg: &Config) -> BTreeMap<String, f64> {
    let p = &cfg.intention;
    let mut m = BTreeMap::new();
    for (k, v) in [
        ("beta_const", p.constant),
        ("beta_male", p.male),
        ("beta_age", p.age),
        ("beta_party", p.party),
        ("beta_ln_income", p.ln_income),
        ("beta_edu_years", p.edu_years),
        ("beta_parent_edu", p.parent_edu),
        ("beta_married", p.married),
        ("beta_has_child", p.has_child),
        ("wish_stake", p.stake),
        ("wish_welfare_access", p.welfare_access),
        ("capability", p.capability),
        ("capability_moving_cost", p.moving_cost),
        ("capability_softness", p.capability_softness),
        ("capability_housing_liquidity", p.housing_liquidity),
        ("beta_pessimism", p.pessimism),
        ("beta_unfairness", p.unfairness),
        ("intent_strong_cut", p.strong_cut),
        ("pessimism_financial_slope", cfg.pessimism.financial_slope),
        ("pessimism_shock_load", cfg.pessimism.shock_load),
        ("pessimism_market_shock", mech::market_shock(cfg)),
        ("pessimism_contagion", cfg.pessimism.contagion),
        ("unfairness_deprivation", cfg.unfairness.deprivation),
        ("unfairness_no_access", cfg.unfairness.no_access),
        ("confounder_strength", cfg.confounder_strength),
        ("waves_network_effect", cfg.waves.network_effect),
    ] {
        m.insert(k.to_string(), v);
    }
    m
}

/// The truth of world `w`.
pub fn truth(cfg: &Config, w: &World) -> Truth {
    let mut t = Truth {
        params: params(cfg),
        ..Truth::default()
    };
    add_effects(cfg, w, Treatment::Financial, &mut t);
    add_effects(cfg, w, Treatment::Housing, &mut t);
    t.potential.insert(
        "p_intent".into(),
        (0..cfg.n)
            .map(|i| logistic(w.mean_index(cfg, i, &w.inputs(i))))
            .collect(),
    );
    t
}
