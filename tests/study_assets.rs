//! Acceptance tests of the assets study (issue 5), averaged over four seeds
//! at the paper's N = 3,624, against the published numbers of STUDIES.md.

use migsim::data::{Dataset, Formula, build_design};
use migsim::estimate::{FitOptions, Logit};
use migsim::studies::assets::{Assets, Config};
use migsim::studies::{Simulated, Study, StudyName};

const SEEDS: [u64; 4] = [11, 12, 13, 14];
const N_PAPER: f64 = 3624.0;
const CONTROLS: &str = "male,age,party,ln_income,edu_years,parent_edu,married,has_child";

fn cohorts() -> Vec<Simulated> {
    let cfg = Config::default();
    SEEDS
        .iter()
        .map(|&s| Assets::simulate(&cfg, s).unwrap())
        .collect()
}

fn col(ds: &Dataset, c: &str) -> Vec<f64> {
    ds.numeric_columns(&[c]).unwrap().remove(0)
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Mean over seeds of the logit coefficients of `terms` (controls included).
fn logit_coefs(sims: &[Simulated], terms: &str) -> Vec<f64> {
    let names: Vec<&str> = terms.split(',').collect();
    let mut acc = vec![0.0; names.len()];
    for s in sims {
        let f = Formula::parse(
            "intent",
            Some(&format!("{CONTROLS},{terms}")),
            None,
            None,
            true,
        )
        .unwrap();
        let fit = Logit::new(FitOptions::default())
            .fit(&build_design(&s.cohort, &f).unwrap())
            .unwrap();
        assert!(fit.info.converged);
        for (a, t) in acc.iter_mut().zip(&names) {
            *a += fit.coef(t).unwrap().estimate / sims.len() as f64;
        }
    }
    acc
}

#[test]
fn table1_means_within_two_standard_errors() {
    let sims = cohorts();
    // (column, published mean, published SD, half a unit of the last published digit)
    let table1 = [
        ("intent", 0.09, 0.29, 0.005),
        ("ln_total", 1.16, 0.93, 0.005),
        ("ln_housing", 1.05, 0.90, 0.005),
        ("ln_financial", 0.34, 0.43, 0.005),
        ("pessimism", 0.0, 0.95, 0.005),
        ("unfair", 2.41, 0.83, 0.005),
        ("male", 0.48, 0.50, 0.005),
        ("age", 29.0, 5.10, 0.5),
        ("party", 0.29, 0.46, 0.005),
        ("ln_income", 11.00, 2.40, 0.005),
        ("edu_years", 15.83, 1.53, 0.005),
        ("parent_edu", 12.11, 2.61, 0.005),
        ("married", 0.41, 0.49, 0.005),
        ("has_child", 0.30, 0.46, 0.005),
    ];
    for (c, m, sd, rounding) in table1 {
        let sim_mean = mean(
            &sims
                .iter()
                .map(|s| mean(&col(&s.cohort, c)))
                .collect::<Vec<_>>(),
        );
        let tol = 2.0 * sd / N_PAPER.sqrt() + rounding;
        assert!(
            (sim_mean - m).abs() < tol,
            "{c}: synthetic {sim_mean:.4}, published {m} (tolerance {tol:.4})"
        );
    }
}

#[test]
fn total_assets_u_shape_and_asset_type_signs() {
    let sims = cohorts();
    let m2 = logit_coefs(&sims, "ln_total,ln_total^2");
    let tp = -m2[0] / (2.0 * m2[1]);
    assert!(m2[0] < 0.0 && m2[1] > 0.0, "model (2): {m2:?}");
    assert!((1.0..=2.0).contains(&tp), "turning point {tp}");
    let m5 = logit_coefs(&sims, "ln_financial,ln_housing");
    assert!(m5[0] > 0.0 && m5[1] < 0.0, "model (5): {m5:?}");
}

#[test]
fn intention_share_and_pessimism_eigenvalue() {
    let sims = cohorts();
    let share = mean(
        &sims
            .iter()
            .map(|s| s.metrics["intent_share"])
            .collect::<Vec<_>>(),
    );
    assert!((share - 0.09).abs() < 0.015, "intention share {share}");
    let eig = mean(
        &sims
            .iter()
            .map(|s| s.metrics["pessimism_eigenvalue"])
            .collect::<Vec<_>>(),
    );
    assert!((eig - 1.67).abs() < 0.05, "first eigenvalue {eig}");
}

#[test]
fn cohort_has_the_design_columns_and_consistent_outcomes() {
    let sim = Assets::simulate(
        &Config {
            n: 400,
            ..Config::default()
        },
        3,
    )
    .unwrap();
    let design = "intent, intent3, ln_total, ln_housing, ln_financial, econ_outlook, \
                  pol_outlook, priv_outlook, pessimism, unfair, male, age, party, ln_income, \
                  edu_years, parent_edu, married, has_child";
    let names = sim.cohort.names();
    for (i, c) in design.split(", ").map(str::trim).enumerate() {
        assert_eq!(names[i], c);
    }
    assert!(
        names[18..].iter().all(|n| n.starts_with("true_")),
        "{names:?}"
    );
    let (i2, i3) = (col(&sim.cohort, "intent"), col(&sim.cohort, "intent3"));
    assert!(i2.iter().zip(&i3).all(|(a, b)| *a == f64::from(*b > 0.0)));
    for (c, hi) in [
        ("econ_outlook", 4.0),
        ("pol_outlook", 4.0),
        ("priv_outlook", 5.0),
        ("unfair", 5.0),
    ] {
        assert!(
            col(&sim.cohort, c)
                .iter()
                .all(|v| (1.0..=hi).contains(v) && v.fract() == 0.0),
            "{c}"
        );
    }
}

#[test]
fn same_seed_same_cohort_and_dispatch_by_name() {
    let over: toml::Table = toml::from_str("n = 300").unwrap();
    let a = migsim::studies::simulate(StudyName::Assets, &over, None, 9).unwrap();
    let b = migsim::studies::simulate(StudyName::Assets, &over, None, 9).unwrap();
    assert_eq!(a.cohort.to_csv_bytes(), b.cohort.to_csv_bytes());
    assert_eq!(a.truth, b.truth);
    let bad: toml::Table = toml::from_str("[policy]\nrent_purchase_share = 0.2").unwrap();
    let e = migsim::studies::simulate(StudyName::Assets, &bad, None, 9).unwrap_err();
    assert!(e.to_string().contains("rent_purchase_share"), "{e}");
    let bad: toml::Table = toml::from_str("[policy]\nrent_purchase_bottom_share = 1.5").unwrap();
    let e = migsim::studies::simulate(StudyName::Assets, &bad, None, 9).unwrap_err();
    assert!(
        e.to_string().contains("policy.rent_purchase_bottom_share"),
        "{e}"
    );
}

#[test]
fn policies_act_through_the_mechanism_with_common_random_numbers() {
    let base = Config {
        n: 1200,
        ..Config::default()
    };
    let run = |f: &dyn Fn(&mut Config)| {
        let mut c = base.clone();
        f(&mut c);
        Assets::simulate(&c, 5).unwrap()
    };
    let b = run(&|_| {});
    let rights = run(&|c| c.policy.rent_purchase_bottom_share = 0.3);
    let shift = run(&|c| c.policy.pessimism_shift_sd = 0.5);
    // Rent-purchase rights remove the no-access term only: unfairness falls by
    // exactly `no_access` for the non-owners who get rights, nothing else moves.
    let (u0, u1) = (
        col(&b.cohort, "true_unfairness"),
        col(&rights.cohort, "true_unfairness"),
    );
    let na = base.unfairness.no_access;
    assert!(
        u0.iter()
            .zip(&u1)
            .all(|(a, c)| (a - c).abs() < 1e-12 || (a - c - na).abs() < 1e-12)
    );
    assert!(rights.metrics["unfair_mean"] <= b.metrics["unfair_mean"]);
    assert_eq!(col(&b.cohort, "ln_total"), col(&rights.cohort, "ln_total"));
    let (p0, p1) = (
        col(&b.cohort, "true_pessimism"),
        col(&shift.cohort, "true_pessimism"),
    );
    let d: Vec<f64> = p0.iter().zip(&p1).map(|(a, c)| c - a).collect();
    assert!(d.iter().all(|x| (x - d[0]).abs() < 1e-12 && *x > 0.0));
    assert!(shift.metrics["intent_share"] >= b.metrics["intent_share"]);
}
