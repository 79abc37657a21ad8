//! Knockout tests of the talent study's mechanisms (issues 17 and 30).
//! Retention follows one set of behavioural coefficients in every city and
//! nothing multiplies a coefficient by region; the Changchun-South contrast
//! of Table 2 (models 1 and 3: unit support 1.864 vs 0.825, participation
//! behaviour 2.664 vs 0.368, inter-ethnic willingness 0.049 vs 0.339) must
//! come from what the cities' structure gives their agents to have and
//! meet: how often unit support brings the danwei's institutional package
//! (`danwei_benefit`), how often participation is a unit-run event that
//! embeds the participant (`unit_events`), how many participate
//! (`particip_shift`), how many ties to locals are chosen through
//! willingness (`local_tie_rate`, contact opportunity), how many traders
//! the city selects (`trader_share`), and how dense the co-national
//! community is (`conational_degree`). Each is set to the South's value in
//! Changchun in turn; with all of them equal the contrast vanishes.
//!
//! The contrast of a term is `b_changchun - b_south` from the survey's
//! regional logits at N = 20,000 (Changchun about 4,800 agents), over
//! [`SEEDS`]; its SE is the between-seed SD over sqrt(seeds), and a
//! knockout's effect is paired by seed (same draws, one structure changed).

use migsim::data::{Column, Dataset, Formula, build_design};
use migsim::estimate::{FitOptions, Logit};
use migsim::studies::Study;
use migsim::studies::talent::{Config, Talent};

const X: &str = "age2,male,univ,cumulative,interethnic,indiv_capital,kin_support,unit_support,particip_behavior,particip_cognition";
/// Headline terms, then the two the model does not reproduce.
const TERMS: [&str; 5] = [
    "unit_support",
    "particip_behavior",
    "interethnic",
    "cumulative",
    "univ",
];
const SEEDS: std::ops::Range<u64> = 41..53;
const N: usize = 20_000;
/// The structural differences, by name.
const KNOCKOUTS: [&str; 6] = [
    "danwei_benefit",
    "unit_events",
    "particip_shift",
    "local_tie_rate",
    "trader_share",
    "conational_degree",
];

fn regional_coefs(ds: &Dataset, south: bool) -> Vec<f64> {
    let mut names = vec!["retain", "south"];
    names.extend(X.split(','));
    let cols = ds.numeric_columns(&names).unwrap();
    let keep: Vec<bool> = cols[1].iter().map(|&s| (s == 1.0) == south).collect();
    let columns = names
        .iter()
        .zip(cols)
        .map(|(n, v)| {
            let kept = v
                .into_iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(x, _)| x)
                .collect();
            (n.to_string(), Column::Numeric(kept))
        })
        .collect();
    let sub = Dataset::from_columns("region", columns).unwrap();
    let f = Formula::parse("retain", Some(X), None, None, true).unwrap();
    let fit = Logit::new(FitOptions::default())
        .fit(&build_design(&sub, &f).unwrap())
        .unwrap();
    assert!(fit.info.converged);
    TERMS
        .iter()
        .map(|t| fit.coef(t).unwrap().estimate)
        .collect()
}

/// Per seed: (Changchun coefficients, South coefficients) of [`TERMS`].
fn per_seed(cfg: &Config) -> Vec<(Vec<f64>, Vec<f64>)> {
    SEEDS
        .map(|seed| {
            let sim = Talent::simulate(cfg, seed).unwrap();
            (
                regional_coefs(&sim.cohort, false),
                regional_coefs(&sim.cohort, true),
            )
        })
        .collect()
}

/// Mean and SE (between-seed SD / sqrt k) of one number per seed.
fn mean_se(v: &[f64]) -> (f64, f64) {
    let k = v.len() as f64;
    let m = v.iter().sum::<f64>() / k;
    let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (k - 1.0);
    (m, (var / k).sqrt())
}

fn contrast(runs: &[(Vec<f64>, Vec<f64>)], k: usize) -> Vec<f64> {
    runs.iter().map(|(c, s)| c[k] - s[k]).collect()
}

fn base() -> Config {
    Config {
        n: N,
        ..Config::default()
    }
}

/// Changchun with the South's value of one structural quantity (the
/// co-national degree: the southern cities' mean).
fn knock(cfg: &mut Config, name: &str) {
    let s = cfg.south.clone();
    let cc = &mut cfg.changchun;
    match name {
        "danwei_benefit" => cc.danwei_benefit = s.danwei_benefit,
        "unit_events" => cc.unit_events = s.unit_events,
        "particip_shift" => cc.particip_shift = s.particip_shift,
        "local_tie_rate" => cc.local_tie_rate = s.local_tie_rate,
        "trader_share" => cc.trader_share = s.trader_share,
        "conational_degree" => {
            let south: Vec<f64> = cfg
                .cities
                .iter()
                .filter(|c| c.south)
                .map(|c| c.conational_degree)
                .collect();
            let k = south.iter().sum::<f64>() / south.len() as f64;
            cfg.cities
                .iter_mut()
                .filter(|c| !c.south)
                .for_each(|c| c.conational_degree = k);
        }
        _ => unreachable!(),
    }
}

fn all_equal() -> Config {
    let mut cfg = base();
    for name in KNOCKOUTS {
        knock(&mut cfg, name);
    }
    cfg
}

#[test]
fn the_regional_contrast_appears_with_structure_and_vanishes_without() {
    let on = per_seed(&base());
    let [unit, beh, inter] = [0, 1, 2].map(|k| mean_se(&contrast(&on, k)));
    assert!(unit.0 / unit.1 > 3.0, "unit support contrast {unit:?}");
    assert!(beh.0 / beh.1 > 3.0, "participation contrast {beh:?}");
    assert!(inter.0 / inter.1 < -3.0, "inter-ethnic contrast {inter:?}");
    // Rough size of the published contrasts (1.04, 2.30, -0.29).
    assert!((0.4..2.0).contains(&unit.0), "unit {unit:?}");
    assert!((1.0..3.5).contains(&beh.0), "participation {beh:?}");
    assert!((-0.8..-0.05).contains(&inter.0), "inter-ethnic {inter:?}");
    let off = per_seed(&all_equal());
    for (k, t) in TERMS.iter().enumerate().take(3) {
        let (d, se) = mean_se(&contrast(&off, k));
        assert!(
            d.abs() < 3.0 * se.max(0.02),
            "{t}: contrast {d:.3} (SE {se:.3}) with equal structure"
        );
    }
}

/// Which structural difference carries how much of each contrast: the fall
/// of the contrast when that difference alone is removed, paired by seed
/// (printed with `--nocapture`; README "talent"). The danwei package
/// carries the unit-support contrast, unit-run events the participation
/// contrast, the number of chosen local ties (contact opportunity) the
/// inter-ethnic contrast; traders (selection into the South, whose market
/// shock the survey does not see) attenuate every southern slope.
#[test]
fn knockouts_attribute_the_contrast() {
    let on = per_seed(&base());
    let mut fall = std::collections::BTreeMap::new();
    eprintln!(
        "contrast b_changchun - b_south (mean, SE over {} seeds):",
        on.len()
    );
    for (k, t) in TERMS.iter().enumerate() {
        let (c, s) = (
            mean_se(&on.iter().map(|r| r.0[k]).collect::<Vec<_>>()),
            mean_se(&on.iter().map(|r| r.1[k]).collect::<Vec<_>>()),
        );
        let d = mean_se(&contrast(&on, k));
        eprintln!(
            "  {t:>17}: Changchun {:.3} ({:.3}), South {:.3} ({:.3}), contrast {:.3} ({:.3})",
            c.0, c.1, s.0, s.1, d.0, d.1
        );
    }
    for name in KNOCKOUTS {
        let mut cfg = base();
        knock(&mut cfg, name);
        let off = per_seed(&cfg);
        let f: Vec<(f64, f64)> = (0..TERMS.len())
            .map(|k| {
                let (a, b) = (contrast(&on, k), contrast(&off, k));
                mean_se(&a.iter().zip(&b).map(|(x, y)| x - y).collect::<Vec<_>>())
            })
            .collect();
        let cell = |k: usize| format!("{:+.3} ({:.3})", f[k].0, f[k].1);
        eprintln!(
            "  {name:>17} equal: contrast falls by unit {}, participation {}, inter-ethnic {}, cumulative {}, education {}",
            cell(0),
            cell(1),
            cell(2),
            cell(3),
            cell(4)
        );
        fall.insert(name, f);
    }
    let z = |name: &str, k: usize| fall[name][k].0 / fall[name][k].1;
    assert!(z("danwei_benefit", 0) > 3.0, "{:?}", fall["danwei_benefit"]);
    assert!(z("unit_events", 1) > 3.0, "{:?}", fall["unit_events"]);
    assert!(
        fall["unit_events"][1].0 > 0.4 * mean_se(&contrast(&on, 1)).0,
        "{:?}",
        fall["unit_events"]
    );
    assert!(
        z("local_tie_rate", 2) < -3.0,
        "{:?}",
        fall["local_tie_rate"]
    );
    // The danwei package is not what makes willingness matter less in
    // Changchun, and chosen ties are not what makes unit support matter more.
    assert!(
        z("danwei_benefit", 2).abs() < 3.0,
        "{:?}",
        fall["danwei_benefit"]
    );
    assert!(
        z("local_tie_rate", 0).abs() < 3.0,
        "{:?}",
        fall["local_tie_rate"]
    );
    // Selection of traders into the South attenuates its slopes: with as
    // many traders in Changchun, Changchun's unit-support slope falls.
    assert!(z("trader_share", 0) > 3.0, "{:?}", fall["trader_share"]);
}
