//! The paper's mechanisms on the social graph.
//!
//! - Pessimism (H3): `P_own_i = ln(1+F_i) s_i + k C_i + e_i` with the
//!   exposure slope `s_i = b_F + b_S (S + sd_S xi_i)` (financial exposure
//!   times the market shock the worker experiences), then one round of
//!   spread `P_i = P_own_i + c mean_{j in N(i)} P_own_j`.
//! - Unfairness (H5): `U_i = d RD_i + a (1 - access_i) + k C_i + e_i`, with
//!   the Yitzhaki deprivation `RD_i = mean_{j in N(i)} max(h_j - h_i, 0)` of
//!   ln housing among neighbours and housing-linked welfare access for owners
//!   (and, under rent-purchase equal rights, for the bottom of the housing
//!   distribution).
//! - Intention (H1, H2, H4): `y*_i = x_i'beta - a lnT - v access_i +
//!   c softplus_s(ln(1 + F + l H) - m) + gP P + gU U + k C + w E_i + eps_i`:
//!   the wish to leave falls with what one holds in Shanghai (assets and
//!   hukou-linked welfare access), the capability to leave rises with
//!   liquid assets above the cost of moving (housing counts at liquidity
//!   `l`); eps standard logistic, E the share of emigrated neighbours
//!   (cumulative causation waves). See `config::IntentionParams`.

use super::config::{Config, IntentionParams};
use super::population::{Controls, Holdings, normals, uniforms};
use crate::network::SocialGraph;
use crate::seed::{self, Component};

/// Mechanism shocks, drawn in this field order from their own stream.
pub struct MechanismDraws {
    /// Standard-normal shock of each worker's exposure slope.
    pub xi_shock: Vec<f64>,
    /// Standard-normal error of latent pessimism.
    pub e_pessimism: Vec<f64>,
    /// Standard-normal error of latent unfairness.
    pub e_unfairness: Vec<f64>,
    /// The unobserved standard-normal confounder (`confounder_strength`).
    pub confounder: Vec<f64>,
    /// Tie-break of the housing ranking (rent-purchase rights).
    pub u_rank: Vec<f64>,
    /// Standard logistic error of the intention index.
    pub e_intent: Vec<f64>,
}

impl MechanismDraws {
    /// The draws for `n` workers from the `Engine` stream of `seed`, in field order.
    pub fn new(seed: u64, n: usize) -> Self {
        let mut rng = seed::stream(seed, 0, Component::Engine);
        let r = &mut rng;
        MechanismDraws {
            xi_shock: normals(r, n),
            e_pessimism: normals(r, n),
            e_unfairness: normals(r, n),
            confounder: normals(r, n),
            u_rank: uniforms(r, n),
            e_intent: uniforms(r, n)
                .into_iter()
                .map(|u| {
                    let u = u.clamp(1e-300, 1.0 - 1e-16);
                    (u / (1.0 - u)).ln()
                })
                .collect(),
        }
    }
}

/// Asset values after the housing-price policy, and their logs.
#[derive(Debug, Clone)]
pub struct Assets {
    /// Housing value after the policy (million yuan).
    pub housing: Vec<f64>,
    /// ln(1 + max(H + F + net other, 0)) ([`ln_total`]).
    pub ln_total: Vec<f64>,
    /// ln(1 + housing value).
    pub ln_housing: Vec<f64>,
    /// ln(1 + financial assets).
    pub ln_financial: Vec<f64>,
    /// Net other assets (other gross assets minus mortgage debt).
    pub net_other: Vec<f64>,
}

/// ln(1 + max(H + F + other_net, 0)): net worth, negative equity counted as 0.
pub fn ln_total(housing: f64, financial: f64, net_other: f64) -> f64 {
    (housing + financial + net_other).max(0.0).ln_1p()
}

/// Housing values x (1 + change); debt is nominal and does not move.
pub fn assets(h: &Holdings, housing_price_change: f64) -> Assets {
    let housing: Vec<f64> = h
        .housing
        .iter()
        .map(|v| v * (1.0 + housing_price_change))
        .collect();
    let net_other: Vec<f64> = h.other.iter().zip(&h.debt).map(|(o, d)| o - d).collect();
    let ln_total = (0..housing.len())
        .map(|i| ln_total(housing[i], h.financial[i], net_other[i]))
        .collect();
    Assets {
        ln_housing: housing.iter().map(|v| v.ln_1p()).collect(),
        ln_financial: h.financial.iter().map(|v| v.ln_1p()).collect(),
        housing,
        ln_total,
        net_other,
    }
}

/// The aggregate market shock S: the configured shock plus the feed of a
/// housing-price fall.
pub fn market_shock(cfg: &Config) -> f64 {
    cfg.pessimism.market_shock
        + cfg.policy.housing_shock_feed * (-cfg.policy.housing_price_change).max(0.0)
}

/// Each worker's financial-exposure slope `s_i` of pessimism.
pub fn exposure_slopes(cfg: &Config, d: &MechanismDraws) -> Vec<f64> {
    let p = &cfg.pessimism;
    let s = market_shock(cfg);
    d.xi_shock
        .iter()
        .map(|xi| p.financial_slope + p.shock_load * (s + p.shock_sd * xi))
        .collect()
}

/// Mean of `v` over the neighbours of `i` (0 without neighbours).
fn neighbour_mean(g: &SocialGraph, v: &[f64], i: usize) -> f64 {
    let nb = g.neighbors_of(i as u32);
    if nb.is_empty() {
        0.0
    } else {
        nb.iter().map(|&j| v[j as usize]).sum::<f64>() / nb.len() as f64
    }
}

/// Own pessimism `P_own` and pessimism after one round of spread `P`.
pub fn pessimism(
    cfg: &Config,
    g: &SocialGraph,
    slopes: &[f64],
    ln_financial: &[f64],
    d: &MechanismDraws,
) -> (Vec<f64>, Vec<f64>) {
    let k = cfg.confounder_strength;
    let own: Vec<f64> = (0..slopes.len())
        .map(|i| ln_financial[i] * slopes[i] + k * d.confounder[i] + d.e_pessimism[i])
        .collect();
    let c = cfg.pessimism.contagion;
    let mut spread: Vec<f64> = (0..own.len())
        .map(|i| own[i] + c * neighbour_mean(g, &own, i))
        .collect();
    let shift = cfg.policy.pessimism_shift_sd;
    if shift != 0.0 {
        let sd = sd(&spread);
        spread.iter_mut().for_each(|p| *p += shift * sd);
    }
    (own, spread)
}

fn sd(v: &[f64]) -> f64 {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt()
}

/// Yitzhaki relative deprivation of worker `i` if its ln housing were `h_i`.
pub fn deprivation_at(g: &SocialGraph, ln_housing: &[f64], i: usize, h_i: f64) -> f64 {
    let nb = g.neighbors_of(i as u32);
    if nb.is_empty() {
        return 0.0;
    }
    nb.iter()
        .map(|&j| (ln_housing[j as usize] - h_i).max(0.0))
        .sum::<f64>()
        / nb.len() as f64
}

/// Rent-purchase equal rights: the bottom `share` of workers by housing
/// value (ties broken by a uniform draw) get housing-linked welfare access.
pub fn rent_purchase_rights(housing: &[f64], u_rank: &[f64], share: f64) -> Vec<bool> {
    let n = housing.len();
    let k = ((share * n as f64).round() as usize).min(n);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        housing[a]
            .total_cmp(&housing[b])
            .then(u_rank[a].total_cmp(&u_rank[b]))
    });
    let mut rights = vec![false; n];
    order[..k].iter().for_each(|&i| rights[i] = true);
    rights
}

/// Latent unfairness from deprivation, welfare access and noise.
pub fn unfairness(cfg: &Config, deprivation: f64, access: bool, confounder: f64, e: f64) -> f64 {
    let u = &cfg.unfairness;
    u.deprivation * deprivation
        + if access { 0.0 } else { u.no_access }
        + cfg.confounder_strength * confounder
        + e
}

/// A worker's asset and mediator values entering the intention index.
#[derive(Debug, Clone, Copy)]
pub struct IndexInputs {
    /// ln(1 + max(H + F + net other, 0)) ([`ln_total`]).
    pub ln_total: f64,
    /// Financial and housing values (million yuan).
    pub financial: f64,
    pub housing: f64,
    /// Hukou-linked welfare access (owner or rent-purchase rights).
    pub access: bool,
    /// Latent pessimism.
    pub pessimism: f64,
    /// Latent unfairness perception.
    pub unfairness: f64,
}

/// `s ln(1 + e^{z/s})`, computed without overflow.
fn softplus(z: f64, s: f64) -> f64 {
    let x = z / s;
    s * (x.max(0.0) + (-x.abs()).exp().ln_1p())
}

/// ln(1 + liquid assets): financial plus the usable share of housing.
pub fn ln_liquid(p: &IntentionParams, financial: f64, housing: f64) -> f64 {
    (financial + p.housing_liquidity * housing).max(0.0).ln_1p()
}

/// The wish to leave (falls with total assets and welfare access).
pub fn wish(p: &IntentionParams, x: &IndexInputs) -> f64 {
    -p.stake * x.ln_total - if x.access { p.welfare_access } else { 0.0 }
}

/// The capability to leave (rises with liquid assets above the moving cost).
pub fn capability(p: &IntentionParams, x: &IndexInputs) -> f64 {
    p.capability
        * softplus(
            ln_liquid(p, x.financial, x.housing) - p.moving_cost,
            p.capability_softness,
        )
}

/// `x_i'beta` of the controls plus the constant.
pub fn control_index(p: &IntentionParams, c: &Controls, i: usize) -> f64 {
    p.constant
        + p.male * c.male[i]
        + p.age * c.age[i]
        + p.party * c.party[i]
        + p.ln_income * c.ln_income[i]
        + p.edu_years * c.edu_years[i]
        + p.parent_edu * c.parent_edu[i]
        + p.married * c.married[i]
        + p.has_child * c.has_child[i]
}

/// The asset and mediator part of the index: wish + capability +
/// mediators.
pub fn asset_index(p: &IntentionParams, x: &IndexInputs) -> f64 {
    wish(p, x) + capability(p, x) + p.pessimism * x.pessimism + p.unfairness * x.unfairness
}

/// Cumulative causation over waves: returns each worker's final exposure
/// (share of neighbours emigrated), emigration flags and the paths of the
/// intention and emigration shares (wave 0 = before any departure).
pub struct WaveOutcome {
    /// Final exposure: the share of each worker's neighbours who emigrated.
    pub exposure: Vec<f64>,
    /// Whether each worker emigrated.
    pub emigrated: Vec<bool>,
    /// Share intending to emigrate, per wave (wave 0 first).
    pub intent_share: Vec<f64>,
    /// Share emigrated, per wave.
    pub emigrated_share: Vec<f64>,
}

/// Run `cfg.waves.count` waves on the latent index without exposure `base`
/// (including the logistic error): stayers intend when base + w E > 0.
pub fn run_waves(cfg: &Config, g: &SocialGraph, base: &[f64], seed: u64) -> WaveOutcome {
    let n = base.len();
    let w = &cfg.waves;
    let mut rng = seed::stream(seed, 0, Component::Custom(4));
    let mut exposure = vec![0.0; n];
    let mut emigrated = vec![false; n];
    let share = |e: &[bool]| e.iter().filter(|x| **x).count() as f64 / n as f64;
    let intends =
        |i: usize, exp: &[f64], em: &[bool]| em[i] || base[i] + w.network_effect * exp[i] > 0.0;
    let intent_share = |exp: &[f64], em: &[bool]| {
        (0..n).filter(|&i| intends(i, exp, em)).count() as f64 / n as f64
    };
    let mut out_intent = vec![intent_share(&exposure, &emigrated)];
    let mut out_emig = vec![0.0];
    for _ in 0..w.count {
        let u = uniforms(&mut rng, n);
        let leavers: Vec<usize> = (0..n)
            .filter(|&i| {
                !emigrated[i] && intends(i, &exposure, &emigrated) && u[i] < w.emigration_rate
            })
            .collect();
        leavers.iter().for_each(|&i| emigrated[i] = true);
        let flags: Vec<f64> = emigrated
            .iter()
            .map(|&e| if e { 1.0 } else { 0.0 })
            .collect();
        exposure = (0..n).map(|i| neighbour_mean(g, &flags, i)).collect();
        out_intent.push(intent_share(&exposure, &emigrated));
        out_emig.push(share(&emigrated));
    }
    WaveOutcome {
        exposure,
        emigrated,
        intent_share: out_intent,
        emigrated_share: out_emig,
    }
}
