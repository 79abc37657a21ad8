//! The assets study's cohort without its truth (`Assets::cohort`, what
//! `migsim replicate assets` and calibration simulate) is the cohort of the
//! full simulation, value for value, over seeds, sizes and overrides; an
//! invalid config is refused the same way.

use migsim::studies::assets::{Assets, Config};
use migsim::studies::{self, StudyName};

#[test]
fn the_cohort_alone_equals_the_full_simulation_cohort() {
    for n in [400usize, 3624] {
        for seed in [1u64, 2, 7, 99] {
            let full = studies::simulate(StudyName::Assets, &toml::Table::new(), Some(n), seed)
                .unwrap()
                .cohort;
            let cfg = Config {
                n,
                ..Config::default()
            };
            let only = Assets::cohort(&cfg, seed).unwrap();
            assert_eq!(full, only, "n {n}, seed {seed}");
        }
    }
    // With overrides of the free parameters and cumulative-causation waves.
    let over: toml::Table =
        toml::from_str("[intention]\nstake = 0.3\ncapability = 1.4\n[waves]\ncount = 2\n").unwrap();
    let full = studies::simulate(StudyName::Assets, &over, Some(800), 5)
        .unwrap()
        .cohort;
    let mut cfg = Config {
        n: 800,
        ..Config::default()
    };
    cfg.intention.stake = 0.3;
    cfg.intention.capability = 1.4;
    cfg.waves.count = 2;
    assert_eq!(full, Assets::cohort(&cfg, 5).unwrap());
    let bad = Config {
        n: 10,
        ..Config::default()
    };
    let e = Assets::cohort(&bad, 1).unwrap_err().to_string();
    assert!(e.contains("n"), "{e}");
}
