//! Knockout tests of the assets study's mechanisms (issue 17): the U-shape
//! of intention in total assets (Table 2 model 2) comes from a wish to
//! leave that falls with assets and a capability to leave that rises with
//! liquid assets; housing lowers intention (model 5) because it raises the
//! stake in staying without, being illiquid, raising the capability to
//! leave. Each part is switched off in turn and the published sign
//! vanishes; properties hold in every seed at five times the paper's N.

use migsim::data::{Formula, build_design};
use migsim::estimate::{FitOptions, Logit};
use migsim::studies::Study;
use migsim::studies::assets::{Assets, Config};

const CONTROLS: &str = "male,age,party,ln_income,edu_years,parent_edu,married,has_child";
const SEEDS: [u64; 4] = [31, 32, 33, 34];
const N: usize = 5 * 3624;

/// (estimate, z) of `terms` in the logit of intention on controls + terms.
fn logit(cfg: &Config, seed: u64, terms: &str) -> Vec<(f64, f64)> {
    let sim = Assets::simulate(cfg, seed).unwrap();
    let f = Formula::parse(
        "intent",
        Some(&format!("{CONTROLS},{terms}")),
        None,
        None,
        true,
    )
    .unwrap();
    let fit = Logit::new(FitOptions::default())
        .fit(&build_design(&sim.cohort, &f).unwrap())
        .unwrap();
    assert!(fit.info.converged);
    terms
        .split(',')
        .map(|t| {
            let c = fit.coef(t).unwrap();
            (c.estimate, c.estimate / c.std_error)
        })
        .collect()
}

fn base() -> Config {
    Config {
        n: N,
        ..Config::default()
    }
}

/// Model (2): linear and squared ln total assets, and the turning point.
fn model2(cfg: &Config, seed: u64) -> ((f64, f64), (f64, f64), f64) {
    let m = logit(cfg, seed, "ln_total,ln_total^2");
    (m[0], m[1], -m[0].0 / (2.0 * m[1].0))
}

#[test]
fn the_u_shape_needs_the_capability_to_leave() {
    let mut off = base();
    off.intention.capability = 0.0;
    for seed in SEEDS {
        let (lin, sq, tp) = model2(&base(), seed);
        assert!(
            lin.1 < -3.0 && sq.1 > 3.0,
            "on, seed {seed}: {lin:?} {sq:?}"
        );
        assert!(
            (1.0..=2.2).contains(&tp),
            "on, seed {seed}: turning point {tp}"
        );
        let fin = logit(&base(), seed, "ln_financial,ln_housing")[0];
        assert!(fin.1 > 3.0, "on, seed {seed}: financial {fin:?}");
        let (_, sq_off, tp_off) = model2(&off, seed);
        assert!(
            sq_off.0 < 0.4 * sq.0 && !(0.0..=3.0).contains(&tp_off),
            "off, seed {seed}: squared {sq_off:?}, turning point {tp_off}"
        );
        let fin_off = logit(&off, seed, "ln_financial,ln_housing")[0];
        assert!(fin_off.1 < 2.0, "off, seed {seed}: financial {fin_off:?}");
    }
}

#[test]
fn the_falling_arm_needs_the_wish_to_leave_to_fall_with_assets() {
    let mut off = base();
    off.intention.stake = 0.0;
    off.intention.welfare_access = 0.0;
    for seed in SEEDS {
        let m1 = logit(&off, seed, "ln_total")[0];
        assert!(m1.1 > 3.0, "off, seed {seed}: model (1) {m1:?}");
        let (_, _, tp) = model2(&off, seed);
        assert!(tp < 1.0, "off, seed {seed}: turning point {tp}");
    }
}

/// Housing counted as fully liquid (and no direct welfare-access term in
/// the wish) turns model (5)'s housing sign positive.
#[test]
fn housing_lowers_intention_through_illiquidity() {
    let mut off = base();
    off.intention.welfare_access = 0.0;
    off.intention.housing_liquidity = 1.0;
    for seed in SEEDS {
        let on = logit(&base(), seed, "ln_financial,ln_housing")[1];
        assert!(on.1 < -3.0, "on, seed {seed}: housing {on:?}");
        let h = logit(&off, seed, "ln_financial,ln_housing")[1];
        assert!(h.1 > 3.0, "off, seed {seed}: housing {h:?}");
    }
}
