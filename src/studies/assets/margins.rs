//! The true average marginal effects (AME) of ln financial and ln housing
//! assets on the intention probability, at each worker's observed values,
//! with the mediation decomposition at the margin.
//!
//! For treatment `t_i = ln(1 + asset_i)` and its mediator `M` (pessimism for
//! financial, unfairness for housing), `Y_i(t, t_m)` is worker `i`'s
//! intention probability `Lambda(y*_i mean)` with its own asset at `t` and
//! the mediator at the value it takes when the asset is `t_m` (neighbours
//! unchanged: an individual effect). At the observed `t_i`:
//!
//! * `ame_total = E[d Y_i(t, t) / dt]`,
//! * `ame_acme = E[d Y_i(t_i, t_m) / d t_m]` (the mediator path),
//! * `ame_ade = E[d Y_i(t, t_i) / dt]` (the direct path),
//!
//! so `ame_total = ame_acme + ame_ade` by the chain rule. Total assets
//! follow the identity total = housing + financial + net other. The housing
//! derivative is the intensive margin: welfare access (ownership or
//! rent-purchase rights) is held at its observed value.
//!
//! Derivatives are central differences `(f(t + h) - f(t - h)) / 2h` with
//! `h = 1e-3` in ln units; where `t_i < h` (the boundary at no assets) the
//! second-order forward difference `(-3f(t) + 4f(t + h) - f(t + 2h)) / 2h`.
//! Both err by O(h^2): the index is smooth on the scale of the capability
//! softness (0.3), so the truncation error is about `h^2 / s^2 ~ 1e-5` of
//! the derivative, and round-off (`1e-16 / h`) is far below it. Relative
//! deprivation is piecewise linear in own ln housing; where a neighbour's
//! value lies within `h`, the central difference is the mean of the two
//! one-sided slopes.

use super::config::Config;
use super::mechanism::{self as mech, IndexInputs};
use super::world::World;
use crate::numeric::logistic_stable as logistic;
use crate::studies::Truth;

/// Step of the finite differences, in ln(1 + asset) units.
pub const STEP: f64 = 1e-3;

/// Treatment of the mediation effects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    /// Financial assets.
    Financial,
    /// Housing value.
    Housing,
}

/// How welfare access follows the housing treatment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Owners (housing > 0) and rent-purchase rights holders have access.
    FollowsOwnership,
    /// Held at the worker's observed access (the intensive margin).
    Observed,
}

/// Worker `i`'s index inputs with its own ln asset set to `t` and the
/// treatment's mediator taken at `t_m`.
pub fn inputs_at(
    cfg: &Config,
    w: &World,
    i: usize,
    tr: Treatment,
    (t, t_m): (f64, f64),
    access: Access,
) -> IndexInputs {
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
            x.access = match access {
                Access::FollowsOwnership => t > 0.0 || w.rights[i],
                Access::Observed => w.access[i],
            };
            x.unfairness = unfairness_at(cfg, w, i, t_m, access);
        }
    }
    x
}

/// Latent unfairness of worker `i` if its ln housing were `h`.
fn unfairness_at(cfg: &Config, w: &World, i: usize, h: f64, access: Access) -> f64 {
    let dep = mech::deprivation_at(&w.graph, &w.assets.ln_housing, i, h);
    let has = match access {
        Access::FollowsOwnership => h > 0.0 || w.rights[i],
        Access::Observed => w.access[i],
    };
    let u = &cfg.unfairness;
    w.unfairness[i]
        + u.deprivation * (dep - w.deprivation[i])
        + u.no_access * (f64::from(u8::from(!has)) - f64::from(u8::from(!w.access[i])))
}

/// `Y_i(t, t_m)` with access held at its observed value.
fn y(cfg: &Config, w: &World, i: usize, tr: Treatment, t: f64, t_m: f64) -> f64 {
    let x = inputs_at(cfg, w, i, tr, (t, t_m), Access::Observed);
    logistic(w.mean_index(cfg, i, &x))
}

/// `f'(t)` by the central difference, or the second-order forward
/// difference where `t < STEP`.
pub fn derivative(f: impl Fn(f64) -> f64, t: f64) -> f64 {
    let h = STEP;
    if t >= h {
        (f(t + h) - f(t - h)) / (2.0 * h)
    } else {
        (-3.0 * f(t) + 4.0 * f(t + h) - f(t + 2.0 * h)) / (2.0 * h)
    }
}

/// (total, acme, ade) derivatives of worker `i`.
fn worker_margins(cfg: &Config, w: &World, i: usize, tr: Treatment) -> (f64, f64, f64) {
    let t = match tr {
        Treatment::Financial => w.assets.ln_financial[i],
        Treatment::Housing => w.assets.ln_housing[i],
    };
    let total = derivative(|s| y(cfg, w, i, tr, s, s), t);
    let acme = derivative(|s| y(cfg, w, i, tr, t, s), t);
    let ade = derivative(|s| y(cfg, w, i, tr, s, t), t);
    (total, acme, ade)
}

/// Insert `ame_total_{asset}`, `ame_acme_{mediator}_{asset}` and
/// `ame_ade_{mediator}_{asset}` for both treatments (the other mediator's
/// path is 0 by construction: financial assets move pessimism only, housing
/// unfairness only, so its ACME is 0 and its ADE the total).
pub fn add_margins(cfg: &Config, w: &World, truth: &mut Truth) {
    for (tr, name, moved, fixed) in [
        (Treatment::Financial, "financial", "pessimism", "unfairness"),
        (Treatment::Housing, "housing", "unfairness", "pessimism"),
    ] {
        let (mut total, mut acme, mut ade) = (0.0, 0.0, 0.0);
        for i in 0..cfg.n {
            let (t, a, d) = worker_margins(cfg, w, i, tr);
            total += t;
            acme += a;
            ade += d;
        }
        let n = cfg.n as f64;
        let e = &mut truth.effects;
        e.insert(format!("ame_total_{name}"), total / n);
        e.insert(format!("ame_acme_{moved}_{name}"), acme / n);
        e.insert(format!("ame_ade_{moved}_{name}"), ade / n);
        e.insert(format!("ame_acme_{fixed}_{name}"), 0.0);
        e.insert(format!("ame_ade_{fixed}_{name}"), total / n);
    }
}
