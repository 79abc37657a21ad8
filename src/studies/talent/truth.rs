//! What only the simulator knows: the structural index coefficients and
//! the potential outcomes of unit support under common random numbers.

use std::collections::BTreeMap;

use super::config::{Config, INDEX_TERMS};
use super::mechanism::{self, Agents, Support, UnitRule};
use super::network::Community;
use super::population::{Population, Shocks};
use crate::numeric::logistic;
use crate::studies::Truth;

/// `index.<term>`: the one set of behavioural retention coefficients on
/// the measured items; `retention.embedded` and `retention.local_ties`: the
/// common coefficients of the latent embedding and of ties to locals;
/// `changchun.<term>` and `south.<term>`: what one more unit of a measured
/// item is worth on the index in that region including the latent package
/// it brings directly: `unit_support` is `b_unit + e_h danwei_benefit_r`,
/// every other item its `index.<term>` (no item's coefficient differs by
/// region). They are conditional on the unmeasured terms, so the regional
/// logits of Table 2 (which omit them) estimate attenuated versions where
/// traders are many, and inflated ones where an item carries an omitted
/// quantity (willingness the chosen local ties, participation the unit-run
/// events): that is the mechanism.
pub fn params(cfg: &Config) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for (term, b) in INDEX_TERMS.iter().zip(cfg.index.values()) {
        out.insert(format!("index.{term}"), b);
    }
    out.insert("retention.embedded".into(), cfg.retention.embedded);
    out.insert("retention.local_ties".into(), cfg.retention.local_ties);
    for (region, r) in [("changchun", &cfg.changchun), ("south", &cfg.south)] {
        for (term, b) in INDEX_TERMS.iter().zip(cfg.index.values()) {
            let v = if *term == "unit_support" {
                b + cfg.retention.embedded * r.danwei_benefit
            } else {
                b
            };
            out.insert(format!("{region}.{term}"), v);
        }
    }
    out
}

fn mean_over(values: impl Iterator<Item = f64>) -> f64 {
    let (s, k) = values.fold((0.0, 0usize), |(s, k), v| (s + v, k + 1));
    if k == 0 { f64::NAN } else { s / k as f64 }
}

/// Potential outcomes with and without unit support (everything downstream
/// of support re-run: ties to locals, willingness, volunteering) and the
/// true effects: `ate_unit_support` / `att_unit_support` on the binary
/// outcome with common random numbers, `*_prob` on the retention
/// probability `Lambda(x'b)`, and `ate_unit_support_changchun` / `_south`.
pub fn truth(
    cfg: &Config,
    pop: &Population,
    net: &Community,
    sh: &Shocks,
    observed: &Agents,
) -> Truth {
    let treated = mechanism::run(cfg, pop, net, sh, UnitRule::Forced(true));
    let control = mechanism::run(cfg, pop, net, sh, UnitRule::Forced(false));
    let n = pop.city.len();
    let diff: Vec<f64> = (0..n)
        .map(|i| treated.retain[i] - control.retain[i])
        .collect();
    let p1: Vec<f64> = treated.index.iter().map(|&x| logistic(x)).collect();
    let p0: Vec<f64> = control.index.iter().map(|&x| logistic(x)).collect();
    let dprob: Vec<f64> = (0..n).map(|i| p1[i] - p0[i]).collect();
    let is_unit: Vec<bool> = observed
        .support
        .iter()
        .map(|&s| s == Support::Unit)
        .collect();
    let south: Vec<bool> = pop
        .city
        .iter()
        .map(|&c| cfg.cities[c as usize].south)
        .collect();
    let mut effects = BTreeMap::new();
    effects.insert("ate_unit_support".into(), mean_over(diff.iter().copied()));
    effects.insert(
        "ate_unit_support_prob".into(),
        mean_over(dprob.iter().copied()),
    );
    let att = (0..n).filter(|&i| is_unit[i]);
    effects.insert(
        "att_unit_support".into(),
        mean_over(att.clone().map(|i| diff[i])),
    );
    effects.insert(
        "att_unit_support_prob".into(),
        mean_over(att.map(|i| dprob[i])),
    );
    for (name, flag) in [("changchun", false), ("south", true)] {
        let v = (0..n).filter(|&i| south[i] == flag).map(|i| dprob[i]);
        effects.insert(format!("ate_unit_support_prob_{name}"), mean_over(v));
    }
    let mut potential = BTreeMap::new();
    potential.insert("retain_if_unit".into(), treated.retain);
    potential.insert("retain_if_not_unit".into(), control.retain);
    potential.insert("p_retain_if_unit".into(), p1);
    potential.insert("p_retain_if_not_unit".into(), p0);
    Truth {
        params: params(cfg),
        effects,
        potential,
    }
}
