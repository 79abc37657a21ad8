//! What only the simulator knows: structural parameters, potential outcomes
//! and true effects with common random numbers. Three kinds of effect:
//!
//! * `ame_*` (`margins`): average marginal effects of ln financial / ln
//!   housing assets at the observed values, with the mediation
//!   decomposition at the margin: what a reader of Table 4 expects;
//! * `policy_*` (`policies`): the effect of a policy itself (house prices
//!   -10% for owners; a 50,000-yuan liquid transfer);
//! * `contrast01_*` (this file): the contrast that R's `mediate` runs for a
//!   continuous treatment with control 0 and treat 1, kept because the
//!   shipped probit mediation recovery specs estimate exactly it: the
//!   worker's own ln(1 + asset) set to 0 versus 1 (0 versus e - 1 = 1.72
//!   million yuan), one worker at a time (neighbours unchanged), total
//!   assets recomputed from total = housing + financial + net other,
//!   welfare access following ownership (so the housing contrast crosses
//!   the ownership threshold: it is neither a marginal effect nor a policy).
//!
//! For the contrast, treatment T and mediator M (the other mediator follows
//! T as part of the direct path), with Y(t, m) the intention probability
//! `Lambda(y* mean)` given each worker's own draws:
//! `acme(t) = E[Y(t, M(1)) - Y(t, M(0))]`, `ade(t) = E[Y(1, M(t)) - Y(0, M(t))]`,
//! `acme = (acme(0) + acme(1)) / 2`, likewise `ade`, `total = E[Y(1, M(1)) - Y(0, M(0))]`.
//! Financial assets move pessimism only; housing moves unfairness only
//! (deprivation and welfare access), so `*_acme_unfairness_financial` and
//! `*_acme_pessimism_housing` are 0 by construction.

use std::collections::BTreeMap;

use super::config::Config;
use super::margins::{self, Access, Treatment, inputs_at};
use super::mechanism as mech;
use super::policies;
use super::world::World;
use crate::numeric::logistic_stable as logistic;
use crate::studies::Truth;

/// Y(t, M(t_m)) for every worker.
fn outcomes(cfg: &Config, w: &World, tr: Treatment, t: f64, t_m: f64) -> Vec<f64> {
    (0..cfg.n)
        .map(|i| {
            let x = inputs_at(cfg, w, i, tr, (t, t_m), Access::FollowsOwnership);
            logistic(w.mean_index(cfg, i, &x))
        })
        .collect()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn mediator_values(cfg: &Config, w: &World, tr: Treatment, t: f64) -> Vec<f64> {
    (0..cfg.n)
        .map(|i| {
            let x = inputs_at(cfg, w, i, tr, (t, t), Access::FollowsOwnership);
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
    e.insert(format!("contrast01_acme_{moved}_{name}"), acme);
    e.insert(format!("contrast01_ade_{moved}_{name}"), ade);
    e.insert(format!("contrast01_total_{moved}_{name}"), total);
    e.insert(format!("contrast01_acme_{fixed}_{name}"), 0.0);
    e.insert(format!("contrast01_ade_{fixed}_{name}"), total);
    e.insert(format!("contrast01_total_{fixed}_{name}"), total);
    e.insert(format!("contrast01_total_{name}"), total);
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
    margins::add_margins(cfg, w, &mut t);
    policies::add_policies(cfg, w, &mut t);
    t.potential.insert(
        "p_intent".into(),
        (0..cfg.n)
            .map(|i| logistic(w.mean_index(cfg, i, &w.inputs(i))))
            .collect(),
    );
    t
}
