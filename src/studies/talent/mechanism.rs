//! The mechanism: arrival support, family history, ties to locals,
//! willingness, participation and the retention index, per agent.
//!
//! 1. Arrival support: unit with probability `unit_r` (+ the southern policy
//!    boost) from `u_unit`; otherwise kin with probability
//!    `q_kin = kin_r / (1 - unit_r) * (1 - s + s d_i / E[d_i])` from
//!    `u_support` (co-national ties `d_i` bring kin reception), else
//!    self-arranged or other in the regional ratio.
//! 2. Cumulative network: `p_r (1 - s + s d_i / E[d_i])`.
//! 3. Ties to locals: Poisson with mean
//!    `years * rate_r * exp(a z_w - c d_i) * (1 + g unit)`.
//! 4. Willingness `w = mu + sd z_w + l ln(1 + local)`; three 5-point items.
//! 5. Cognition: attachment `mu + a z_w + l ln(1 + local) + sd z_a`; three
//!    comparisons, counts, softmax pick.
//! 6. Behaviour: propensity `z_p + a z_w + shift_r + policy boost`;
//!    association with log-odds `c_a + t d_i + propensity`, volunteering
//!    `c_v + v unit + propensity`, home election / association Bernoulli;
//!    softmax pick. A volunteering event is unit-run with probability
//!    `unit_events_r` (from `u_event`).
//! 7. Institutional embedding (latent, not in the survey): `h_i = 1` if the
//!    agent's unit provides its package (unit support and `u_benefit <
//!    danwei_benefit_r`) or the agent took part in a unit-run event.
//! 8. Retention: `U* = x'b + e_h h_i + l ln(1 + local_i) + k ln(1 + d_i) +
//!    trader_i (t + m z_i) + e`, e logistic, with ONE coefficient vector
//!    `b` on the measured items `x`, and ONE `e_h = retention.embedded`,
//!    `l = retention.local_ties`, `k = retention.community` in every city:
//!    nothing multiplies a behavioural coefficient by region. A region
//!    changes what its agents have and meet: how many ties to locals they
//!    choose (`local_tie_rate_r`, through willingness), how often unit
//!    support or participation brings the institutional package
//!    (`danwei_benefit_r`, `unit_events_r`), how many take part
//!    (`particip_shift_r`) and how many are traders (`trader_share_r`,
//!    shift `t = retention.trader_shift`, market shock of sd `m =
//!    retention.market_noise`). The survey's logits omit `h`, the local
//!    ties and the market shock, so its regional slopes on unit support,
//!    participation and willingness are what those omitted quantities make
//!    of the common `b`. Answers in [`survey`].

use super::config::{Config, Region};
use super::network::Community;
use super::population::{Population, Shocks};
use super::survey::{self, Comparison, RetentionDraw};
use crate::numeric::logistic;

/// Arrival support categories (STUDIES.md: none/self, kin, unit, other).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// None, or arranged by the agent itself.
    SelfArranged,
    /// Kin.
    Kin,
    /// The work unit.
    Unit,
    /// Any other source.
    Other,
}

/// Which unit support agents get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitRule {
    /// As the mechanism draws it.
    Observed,
    /// Everyone gets (true) or nobody gets (false) unit support; the
    /// non-unit alternative is the one `u_support` picks.
    Forced(bool),
}

/// Every agent's measured and latent state.
#[derive(Debug, Clone, Default)]
pub struct Agents {
    /// Source of support on arrival.
    pub support: Vec<Support>,
    /// Cumulative advantage (the support's lasting effect).
    pub cumulative: Vec<f64>,
    /// Ties to local (Chinese) residents.
    pub local_ties: Vec<f64>,
    /// Willingness for inter-ethnic contact (latent).
    pub willingness: Vec<f64>,
    /// Measured inter-ethnic willingness.
    pub interethnic: Vec<f64>,
    /// Participation cognition items: (China count, home count).
    pub cognition_counts: Vec<(f64, f64)>,
    /// Participation cognition coded China (1) or not (0).
    pub particip_cognition: Vec<f64>,
    /// Participation behaviour items: (China count, home count).
    pub behavior_counts: Vec<(f64, f64)>,
    /// Participation behaviour coded China (1) or not (0).
    pub particip_behavior: Vec<f64>,
    /// The retention index less its logistic error (includes the latent
    /// embedding, local-tie, community terms and a trader's market shock).
    pub index: Vec<f64>,
    /// Trade livelihood (selection into cities; not in the survey).
    pub trader: Vec<f64>,
    /// Institutional embedding `h_i` (latent, not in the survey).
    pub embedded: Vec<f64>,
    /// Intends to stay (0/1).
    pub retain: Vec<f64>,
    /// Decided to stay after arriving (0/1).
    pub retain_after: Vec<f64>,
    /// Three-level duration answer.
    pub retain3: Vec<f64>,
    /// Considered staying before arriving (0/1).
    pub before: Vec<f64>,
}

impl Agents {
    /// 1 for the agents whose support is `s`, else 0.
    pub fn dummy(&self, s: Support) -> Vec<f64> {
        self.support
            .iter()
            .map(|&x| f64::from(u8::from(x == s)))
            .collect()
    }
}

/// The region of agent `i`'s city.
pub fn region<'a>(cfg: &'a Config, pop: &Population, i: usize) -> &'a Region {
    if cfg.cities[pop.city[i] as usize].south {
        &cfg.south
    } else {
        &cfg.changchun
    }
}

fn network_tilt(cfg: &Config, net: &Community, i: usize) -> f64 {
    let s = cfg.network.tie_weight;
    let e = net.expected_degree[i];
    if e > 0.0 {
        1.0 - s + s * net.degree[i] / e
    } else {
        1.0
    }
}

fn support(
    cfg: &Config,
    pop: &Population,
    net: &Community,
    sh: &Shocks,
    i: usize,
    rule: UnitRule,
) -> Support {
    let r = region(cfg, pop, i);
    let south = cfg.cities[pop.city[i] as usize].south;
    let boost = if south {
        cfg.policy.unit_support_south_boost
    } else {
        0.0
    };
    let unit = match rule {
        UnitRule::Observed => sh.u_unit[i] < (r.unit_share + boost).min(1.0),
        UnitRule::Forced(b) => b,
    };
    if unit {
        return Support::Unit;
    }
    let rest = 1.0 - r.unit_share;
    let q_kin = (r.kin_share / rest * network_tilt(cfg, net, i)).min(1.0);
    let q_self = r.self_share / rest;
    let q_other = (1.0 - r.unit_share - r.kin_share - r.self_share).max(0.0) / rest;
    let u = sh.u_support[i];
    if u < q_kin {
        Support::Kin
    } else if (u - q_kin) / (1.0 - q_kin) * (q_self + q_other) < q_self {
        Support::SelfArranged
    } else {
        Support::Other
    }
}

fn particip_boost(cfg: &Config, pop: &Population, i: usize) -> f64 {
    let p = &cfg.policy;
    let name = &cfg.cities[pop.city[i] as usize].name;
    if p.particip_cities.is_empty() || p.particip_cities.contains(name) {
        p.particip_boost_sd
    } else {
        0.0
    }
}

fn cognition(cfg: &Config, sh: &Shocks, i: usize, local: f64) -> (f64, f64) {
    let c = &cfg.cognition;
    let attach = c.mean
        + c.willingness_loading * sh.z_willing[i]
        + c.local_ties * local.ln_1p()
        + c.sd * sh.z_attach[i];
    let mut counts = (0.0, 0.0);
    for (off, z) in c.item_offsets.iter().zip(sh.z_cognition[i]) {
        match survey::compare(attach + off + z, c.cut) {
            Comparison::ChinaBest => counts.0 += 1.0,
            Comparison::HomeBest => counts.1 += 1.0,
            Comparison::Neither => {}
        }
    }
    counts
}

fn behavior(
    cfg: &Config,
    pop: &Population,
    net: &Community,
    sh: &Shocks,
    i: usize,
    unit: bool,
) -> (f64, f64, bool) {
    let b = &cfg.behavior;
    let prop = sh.z_particip[i]
        + b.willingness_loading * sh.z_willing[i]
        + region(cfg, pop, i).particip_shift
        + particip_boost(cfg, pop, i);
    let u = sh.u_behavior[i];
    let assoc = u[0] < logistic(b.association_const + b.association_ties * net.degree[i] + prop);
    let unit_term = if unit { b.volunteer_unit } else { 0.0 };
    let volunteer = u[1] < logistic(b.volunteer_const + unit_term + prop);
    let china = f64::from(u8::from(assoc)) + f64::from(u8::from(volunteer));
    let home = f64::from(u8::from(u[2] < b.home_election))
        + f64::from(u8::from(u[3] < b.home_association));
    (china, home, volunteer)
}

/// `x'b`: the common coefficients on the measured items.
fn retention_index(cfg: &Config, x: &[f64; 11]) -> f64 {
    x.iter().zip(cfg.index.values()).map(|(x, b)| x * b).sum()
}

/// Institutional embedding `h_i`: the unit's package with unit support
/// (`u_benefit < danwei_benefit_r`) or a unit-run volunteering event
/// (`u_event < unit_events_r`).
fn embedded(r: &Region, sh: &Shocks, i: usize, unit: bool, volunteer: bool) -> bool {
    (unit && sh.u_benefit[i] < r.danwei_benefit) || (volunteer && sh.u_event[i] < r.unit_events)
}

/// Run the mechanism for every agent under `rule`.
pub fn run(cfg: &Config, pop: &Population, net: &Community, sh: &Shocks, rule: UnitRule) -> Agents {
    let n = pop.city.len();
    let mut a = Agents::default();
    for i in 0..n {
        let r = region(cfg, pop, i);
        let sup = support(cfg, pop, net, sh, i, rule);
        let unit = sup == Support::Unit;
        let cumulative = f64::from(u8::from(
            sh.u_cumulative[i] < r.cumulative_share * network_tilt(cfg, net, i),
        ));
        let nw = &cfg.network;
        let rate = pop.years[i]
            * r.local_tie_rate
            * (nw.willingness_on_ties * sh.z_willing[i] - nw.enclosure * net.degree[i]).exp()
            * if unit { 1.0 + nw.unit_on_ties } else { 1.0 };
        let local = survey::poisson_quantile(rate, sh.u_local[i]);
        let w = &cfg.willingness;
        let will = w.mean + w.sd * sh.z_willing[i] + w.local_ties * local.ln_1p();
        let items: Vec<f64> = (0..3)
            .map(|j| survey::likert5(will, w.item_offsets[j], w.item_noise, sh.z_items[i][j]))
            .collect();
        let interethnic = survey::interethnic_scale([items[0], items[1], items[2]]);
        let cog = cognition(cfg, sh, i, local);
        let (beh_china, beh_home, volunteer) = behavior(cfg, pop, net, sh, i, unit);
        let beh = (beh_china, beh_home);
        let h = embedded(r, sh, i, unit, volunteer);
        let x = [
            pop.age[i] * pop.age[i],
            pop.male[i],
            pop.univ[i],
            cumulative,
            interethnic,
            f64::from(u8::from(sup == Support::SelfArranged)),
            f64::from(u8::from(sup == Support::Kin)),
            f64::from(u8::from(unit)),
            survey::softmax_pick(beh.0, beh.1),
            survey::softmax_pick(cog.0, cog.1),
            1.0,
        ];
        let trader = sh.u_trader[i] < r.trader_share;
        let ret = &cfg.retention;
        let index = retention_index(cfg, &x)
            + if h { ret.embedded } else { 0.0 }
            + ret.local_ties * local.ln_1p()
            + ret.community * net.degree[i].ln_1p()
            + if trader {
                ret.trader_shift + ret.market_noise * sh.z_market[i]
            } else {
                0.0
            };
        let o = &cfg.outcome;
        let p_before = logistic(
            o.before_const
                + o.before_kin * x[6]
                + o.before_cumulative * cumulative
                + o.before_age10 * (pop.age[i] - 35.4) / 10.0,
        );
        let ans = survey::retention_answers(
            RetentionDraw {
                u_star: index + survey::logistic_quantile(sh.u_retain[i]),
                e_duration: survey::logistic_quantile(sh.u_duration[i]),
                p_before,
                u_before: sh.u_before[i],
            },
            o.duration_noise,
            (o.cut_longer, o.cut_permanent),
        );
        a.support.push(sup);
        a.cumulative.push(cumulative);
        a.local_ties.push(local);
        a.willingness.push(will);
        a.interethnic.push(interethnic);
        a.cognition_counts.push(cog);
        a.particip_cognition.push(x[9]);
        a.behavior_counts.push(beh);
        a.particip_behavior.push(x[8]);
        a.index.push(index);
        a.trader.push(f64::from(u8::from(trader)));
        a.embedded.push(f64::from(u8::from(h)));
        a.retain.push(ans.retain);
        a.retain_after.push(ans.retain_after);
        a.retain3.push(ans.retain3);
        a.before.push(ans.before);
    }
    a
}
