//! Acceptance tests of the enclave study (issue 5), at the paper's N,
//! averaged over seeds: Table 1 means within 2 published standard errors,
//! the col. 5 probit AME of enclave in [-0.06, -0.015], share up near 0.65,
//! enclave share near 0.207; plus policy and truth invariants.

use migsim::data::{Dataset, Formula, build_design};
use migsim::estimate::{FitOptions, Margins, Probit};
use migsim::studies::enclave::{Config, simulate};
use migsim::studies::{StudyName, apply_overrides};

/// Ten seeds: the share up varies between seeds by about 0.014 (drawn
/// geographies), more than its binomial SE of 0.0054, so a mean over three
/// seeds (SD about 0.008) sat near the 2-SE tolerance of 0.011 by itself and
/// passed or failed by the luck of the seeds drawn.
const SEEDS: [u64; 10] = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];

fn cohorts() -> Vec<migsim::studies::Simulated> {
    let mut cfg = Config::default();
    cfg.truth.potential_outcomes = false;
    SEEDS.iter().map(|&s| simulate(&cfg, s).unwrap()).collect()
}

fn col(ds: &Dataset, name: &str) -> Vec<f64> {
    ds.numeric_columns(&[name]).unwrap().remove(0)
}

/// (column, all, non-enclave, enclave, sd) from Table 1; sds of binary
/// columns are sqrt(p (1 - p)), of the others the configured sds.
const TABLE1: [(&str, f64, f64, f64, f64); 12] = [
    ("up", 0.650, 0.666, 0.592, 0.477),
    ("male", 0.562, 0.558, 0.576, 0.496),
    ("age", 36.764, 36.736, 36.869, 10.0),
    ("married", 0.775, 0.771, 0.788, 0.418),
    ("edu_years", 8.904, 8.982, 8.608, 2.8),
    ("healthy", 0.819, 0.827, 0.789, 0.385),
    ("nonfarm", 0.036, 0.035, 0.041, 0.186),
    ("hh_size", 2.453, 2.491, 2.308, 1.205),
    ("ln_hh_income", 8.624, 8.615, 8.655, 0.8),
    ("land_transfer", 0.331, 0.331, 0.329, 0.471),
    ("village_outflow", 0.618, 0.615, 0.632, 0.2),
    ("ln_school_dist", 1.788, 1.808, 1.710, 0.9),
];

#[test]
fn table1_means_within_two_standard_errors() {
    let sims = cohorts();
    let (n_all, n_non, n_enc) = (7762.0f64, 6153.0f64, 1609.0f64);
    let mut failures = Vec::new();
    for (name, all, non, enc, sd) in TABLE1 {
        let mut m = [0.0; 3];
        for s in &sims {
            let x = col(&s.cohort, name);
            let e = col(&s.cohort, "enclave");
            let mean = |keep: &dyn Fn(f64) -> bool| {
                let v: Vec<f64> = x
                    .iter()
                    .zip(&e)
                    .filter(|(_, d)| keep(**d))
                    .map(|(v, _)| *v)
                    .collect();
                v.iter().sum::<f64>() / v.len() as f64
            };
            m[0] += mean(&|_| true) / sims.len() as f64;
            m[1] += mean(&|d| d == 0.0) / sims.len() as f64;
            m[2] += mean(&|d| d == 1.0) / sims.len() as f64;
        }
        for (got, (want, n), group) in [
            (m[0], (all, n_all), "all"),
            (m[1], (non, n_non), "non-enclave"),
            (m[2], (enc, n_enc), "enclave"),
        ] {
            let se = sd / n.sqrt();
            if (got - want).abs() >= 2.0 * se {
                failures.push(format!(
                    "{name} ({group}): {got:.4} vs {want} (2 SE = {:.4})",
                    2.0 * se
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn headline_numbers_match_the_paper() {
    let sims = cohorts();
    let k = sims.len() as f64;
    let share_up: f64 = sims.iter().map(|s| s.metrics["share_up"]).sum::<f64>() / k;
    let enclave: f64 = sims.iter().map(|s| s.metrics["enclave_share"]).sum::<f64>() / k;
    assert!((share_up - 0.65).abs() < 0.02, "share up {share_up}");
    assert!((enclave - 0.207).abs() < 0.015, "enclave share {enclave}");
    let x = "enclave,male,age,married,edu_years,healthy,nonfarm,hh_size,ln_hh_income,land_transfer,village_outflow,ln_school_dist";
    let f = Formula::parse("up", Some(x), Some("city,year"), None, true).unwrap();
    let opts = FitOptions {
        margins: Some(Margins::Derivative),
        ..FitOptions::default()
    };
    let ame: f64 = sims
        .iter()
        .map(|s| {
            let fit = Probit::new(opts.clone())
                .fit(&build_design(&s.cohort, &f).unwrap())
                .unwrap();
            fit.marginal_effects
                .iter()
                .find(|r| r.name == "enclave")
                .unwrap()
                .estimate
        })
        .sum::<f64>()
        / k;
    assert!((-0.06..=-0.015).contains(&ame), "probit AME {ame}");
}

#[test]
fn cohort_has_the_design_columns_and_is_reproducible() {
    let cfg = Config {
        n: 2000,
        ..Config::default()
    };
    let a = simulate(&cfg, 5).unwrap();
    let b = simulate(&cfg, 5).unwrap();
    let design = "up, enclave, male, age, married, edu_years, healthy, nonfarm, hh_size, ln_hh_income, land_transfer, village_outflow, ln_school_dist, city, province, year, lq, ascribed_share, job_via_network, horizontal, savings";
    let names: Vec<&str> = design.split(", ").collect();
    assert_eq!(&a.cohort.names()[..names.len()], names.as_slice());
    assert!(
        a.cohort.names()[names.len()..]
            .iter()
            .all(|c| c.starts_with("true_"))
    );
    assert_eq!(a.cohort, b.cohort);
    assert_eq!(a.truth, b.truth);
}

#[test]
fn potential_outcomes_agree_with_the_observed_arm() {
    let cfg = Config {
        n: 4000,
        ..Config::default()
    };
    let s = simulate(&cfg, 3).unwrap();
    let up = col(&s.cohort, "up");
    let e = col(&s.cohort, "enclave");
    let (p1, p0) = (
        &s.truth.potential["up_if_enclave"],
        &s.truth.potential["up_if_not_enclave"],
    );
    for i in 0..up.len() {
        let observed = if e[i] == 1.0 { p1[i] } else { p0[i] };
        assert_eq!(observed, up[i], "row {i}");
    }
    let direct: f64 = p1.iter().zip(p0).map(|(a, b)| a - b).sum::<f64>() / up.len() as f64;
    assert!((direct - s.truth.effects["ate_direct"]).abs() < 1e-12);
    // Everyone in an enclave: lower omega and homophilous ties everywhere.
    assert!(s.truth.effects["ate_total"] < 0.0, "{:?}", s.truth.effects);
}

#[test]
fn policies_act_through_the_mechanism_with_common_random_numbers() {
    let mut cfg = Config {
        n: 4000,
        ..Config::default()
    };
    cfg.truth.potential_outcomes = false;
    let base = simulate(&cfg, 9).unwrap();
    let t: toml::Table = toml::from_str("[policy]\nplatform_lambda_mult = 1.5").unwrap();
    let platform = simulate(&apply_overrides(&cfg, &t).unwrap(), 9).unwrap();
    assert!(platform.metrics["share_up"] > base.metrics["share_up"]);
    // Covariates are untouched by the policy (common random numbers).
    assert_eq!(
        col(&base.cohort, "edu_years"),
        col(&platform.cohort, "edu_years")
    );
    let t: toml::Table = toml::from_str("[policy]\ndispersal_share = 1.0").unwrap();
    let dispersed = simulate(&apply_overrides(&cfg, &t).unwrap(), 9).unwrap();
    assert_eq!(dispersed.metrics["enclave_share"], 0.0);
    assert!(dispersed.metrics["omega_mean"] > base.metrics["omega_mean"]);
    let t: toml::Table = toml::from_str("[policy]\nweak_tie_cost_mult = 0.5").unwrap();
    let cheap = simulate(&apply_overrides(&cfg, &t).unwrap(), 9).unwrap();
    assert!(cheap.metrics["omega_mean"] > base.metrics["omega_mean"]);
    assert_eq!(col(&base.cohort, "enclave"), col(&cheap.cohort, "enclave"));
}

#[test]
fn invalid_settings_are_named() {
    let t: toml::Table = toml::from_str("[policy]\ndispersal_share = 1.5").unwrap();
    let e = migsim::studies::simulate(StudyName::Enclave, &t, Some(1000), 1).unwrap_err();
    assert!(e.to_string().contains("policy.dispersal_share"), "{e}");
    let e = migsim::studies::simulate(StudyName::Enclave, &toml::Table::new(), Some(1001), 1)
        .unwrap_err();
    assert!(e.to_string().contains("`n`"), "{e}");
    let t: toml::Table = toml::from_str("[network]\nstubz = 3").unwrap();
    assert!(migsim::studies::simulate(StudyName::Enclave, &t, None, 1).is_err());
}

#[test]
fn replication_reports_every_table() {
    let cfg = Config {
        n: 3000,
        ..Config::default()
    };
    let rep =
        migsim::replicate::enclave::replicate(&cfg, 2, &migsim::replicate::Tables::All).unwrap();
    for table in [
        "Table 2", "Table 3", "Table 4", "Table 5", "Table 8", "Table 9",
    ] {
        assert!(rep.rows.iter().any(|r| r.table == table), "{table} missing");
    }
    let psm: Vec<_> = rep.rows.iter().filter(|r| r.table == "Table 4").collect();
    assert_eq!(psm.len(), 6);
    for row in psm {
        assert!(
            row.synthetic.is_some_and(f64::is_finite)
                && row.synthetic_se.is_some_and(|se| se > 0.0),
            "{row:?}"
        );
    }
    let spline = rep.rows.iter().find(|r| r.spec.contains("spline")).unwrap();
    assert!(spline.synthetic.is_some_and(|v| v < 0.0), "{spline:?}");
}
