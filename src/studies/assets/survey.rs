//! The survey layer: what the 2022 Shanghai survey recorded, the way it
//! recorded it.
//!
//! - Outlook items (economic 4-point, political 4-point, private economy
//!   5-point; higher = more pessimistic): `item* = loading P + N(0, 1)`, cut
//!   at fixed latent cuts; reduced to the first factor as the paper did
//!   (principal-component factor, regression scores: `fit_factor`).
//! - "Is society fair overall?" 5-point from latent unfairness.
//! - Intention: `intent = 1[y* > 0]` (some or strong), `intent3` 0 none /
//!   1 some / 2 strong (`y* > strong_cut`); emigrants (waves) keep 1 / their level.

use super::config::Config;
use super::population::normals;
use super::world::World;
use crate::data::{Column, Dataset};
use crate::estimate::factor::{FactorOptions, fit_factor};
use crate::seed::{self, Component};
use crate::studies::StudyError;

/// Item names in the cohort.
pub const ITEMS: [&str; 3] = ["econ_outlook", "pol_outlook", "priv_outlook"];

/// 1 + the number of cuts below `x`.
pub fn likert(x: f64, cuts: &[f64]) -> f64 {
    1.0 + cuts.iter().filter(|c| x > **c).count() as f64
}

/// The measured cohort and the factor fit's first eigenvalue.
pub struct Survey {
    /// The measured cohort (the paper's survey columns and the `true_*` columns).
    pub cohort: Dataset,
    /// First eigenvalue of the factor fit of the three outlook items.
    pub eigenvalue: f64,
    /// Share of the items' variance the first factor explains.
    pub variance_share: f64,
    /// Reported emigration intention (0/1) of each worker.
    pub intent: Vec<f64>,
    /// Measured unfairness perception of each worker.
    pub unfair: Vec<f64>,
}

fn items(cfg: &Config, w: &World, seed: u64) -> [Vec<f64>; 3] {
    let n = cfg.n;
    let mut rng = seed::stream(seed, 0, Component::Survey);
    let m = &cfg.measurement;
    let cuts: [&[f64]; 3] = [&m.econ_cuts, &m.pol_cuts, &m.priv_cuts];
    let mut out: [Vec<f64>; 3] = Default::default();
    for (j, col) in out.iter_mut().enumerate() {
        let e = normals(&mut rng, n);
        *col = (0..n)
            .map(|i| likert(m.item_loadings[j] * w.pessimism[i] + e[i], cuts[j]))
            .collect();
    }
    out
}

fn intentions(cfg: &Config, w: &World) -> (Vec<f64>, Vec<f64>) {
    let cut = cfg.intention.strong_cut;
    (0..cfg.n)
        .map(|i| {
            let y = w.latent[i];
            let some = y > 0.0 || w.waves.emigrated[i];
            let strong = y > cut;
            (
                if some { 1.0 } else { 0.0 },
                if strong {
                    2.0
                } else if some {
                    1.0
                } else {
                    0.0
                },
            )
        })
        .unzip()
}

fn num(name: &str, v: Vec<f64>) -> (String, Column) {
    (name.to_string(), Column::Numeric(v))
}

fn flag(v: &[bool]) -> Vec<f64> {
    v.iter().map(|&b| if b { 1.0 } else { 0.0 }).collect()
}

/// Measure world `w`.
pub fn measure(cfg: &Config, w: &World, seed: u64) -> Result<Survey, StudyError> {
    let [econ, pol, private] = items(cfg, w, seed);
    let names: Vec<String> = ITEMS.iter().map(|s| s.to_string()).collect();
    let fit = fit_factor(
        &names,
        &[econ.clone(), pol.clone(), private.clone()],
        &FactorOptions::default(),
    )?;
    let stat = |k: &str| fit.result.fit.get(k).copied().unwrap_or(f64::NAN);
    let unfair: Vec<f64> = w
        .unfairness
        .iter()
        .map(|u| likert(*u, &cfg.measurement.unfair_cuts))
        .collect();
    let (intent, intent3) = intentions(cfg, w);
    let c = &w.pop.controls;
    let a = &w.assets;
    let mut cols = vec![
        num("intent", intent.clone()),
        num("intent3", intent3),
        num("ln_total", a.ln_total.clone()),
        num("ln_housing", a.ln_housing.clone()),
        num("ln_financial", a.ln_financial.clone()),
        num("econ_outlook", econ),
        num("pol_outlook", pol),
        num("priv_outlook", private),
        num("pessimism", fit.scores),
        num("unfair", unfair.clone()),
        num("male", c.male.clone()),
        num("age", c.age.clone()),
        num("party", c.party.clone()),
        num("ln_income", c.ln_income.clone()),
        num("edu_years", c.edu_years.clone()),
        num("parent_edu", c.parent_edu.clone()),
        num("married", c.married.clone()),
        num("has_child", c.has_child.clone()),
        num("true_pessimism", w.pessimism.clone()),
        num("true_unfairness", w.unfairness.clone()),
        num("true_intent_index", w.latent.clone()),
        num("true_confounder", w.draws.confounder.clone()),
        num("true_deprivation", w.deprivation.clone()),
        num("true_welfare_access", flag(&w.access)),
        num("true_wealth", w.pop.holdings.wealth.clone()),
        num(
            "true_firm",
            (0..cfg.n as u32)
                .map(|i| w.graph.group(i).unwrap_or(0) as f64)
                .collect(),
        ),
    ];
    if cfg.waves.count > 0 {
        cols.push(num("true_emigrated", flag(&w.waves.emigrated)));
        cols.push(num("true_emigrated_neighbours", w.waves.exposure.clone()));
    }
    Ok(Survey {
        cohort: Dataset::from_columns("assets", cols)?,
        eigenvalue: stat("eigenvalue"),
        variance_share: stat("variance_share"),
        intent,
        unfair,
    })
}
