//! Abadie-Imbens (2016) standard errors for matching on the estimated
//! propensity score: 95% intervals cover the population ATE and ATT at the
//! nominal rate over many simulated samples, the ATE adjustment never
//! increases the known-score variance (it subtracts c' I^-1 c), and the
//! option is refused where it does not apply.

use faer::Mat;
use migsim::data::Design;
use migsim::estimate::psm::{MatchingSe, Method, Psm};
use migsim::estimate::{CovarianceType, EstimateError, FitResult};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

/// P(W = 1 | X) = logistic(-0.4 + 0.9 x1 - 0.6 x2);
/// Y = 1 + 2 x1 + x2 + W (1 + 0.8 x1) + e, e ~ N(0, 1 + 0.5 |x1|).
/// ATE = 1; ATT = 1 + 0.8 E[x1 | W = 1].
fn draw(rng: &mut rand_xoshiro::Xoshiro256PlusPlus) -> (f64, f64, bool, f64) {
    let mut n = || -> f64 { StandardNormal.sample(rng) };
    let (x1, x2, u, e) = (n(), n(), n(), n());
    let p = 1.0 / (1.0 + (-(-0.4 + 0.9 * x1 - 0.6 * x2)).exp());
    // A uniform from the normal draw u (Phi(u)) decides treatment.
    let w = migsim::estimate::normal::cdf(u) < p;
    let y = 1.0
        + 2.0 * x1
        + x2
        + if w { 1.0 + 0.8 * x1 } else { 0.0 }
        + (1.0 + 0.5 * x1.abs()).sqrt() * e;
    (x1, x2, w, y)
}

fn sample(seed: u64, n: usize) -> Design {
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
    let rows: Vec<(f64, f64, bool, f64)> = (0..n).map(|_| draw(&mut rng)).collect();
    Design {
        y_name: "y".into(),
        y: rows.iter().map(|r| r.3).collect(),
        x: Mat::from_fn(n, 4, |i, j| match j {
            0 => 1.0,
            1 => rows[i].0,
            2 => rows[i].1,
            _ => f64::from(u8::from(rows[i].2)),
        }),
        names: ["const", "x1", "x2", "w"].map(String::from).to_vec(),
        clusters: None,
        n_dropped: 0,
    }
}

/// The population ATT by Monte Carlo (4e6 draws: error about 1e-3, far
/// below the SEs of about 0.1 being checked).
fn population_att() -> f64 {
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(99);
    let (mut s, mut c) = (0.0, 0.0);
    for _ in 0..4_000_000 {
        let (x1, _, w, _) = draw(&mut rng);
        if w {
            s += 1.0 + 0.8 * x1;
            c += 1.0;
        }
    }
    s / c
}

fn fit(d: &Design, se: MatchingSe) -> FitResult {
    Psm {
        ate: true,
        se,
        ..Psm::new("w")
    }
    .fit(d)
    .unwrap()
}

fn covers(res: &FitResult, name: &str, truth: f64) -> bool {
    let r = res.effects.iter().find(|r| r.name == name).unwrap();
    r.ci_low <= truth && truth <= r.ci_high
}

#[test]
fn intervals_cover_at_the_nominal_rate() {
    let att = population_att();
    let reps = 300;
    let (mut cov_att, mut cov_ate) = (0, 0);
    let (mut known_att, mut known_ate) = (0, 0);
    for seed in 0..reps {
        let d = sample(seed, 800);
        let adj = fit(&d, MatchingSe::Ai2016);
        let known = fit(&d, MatchingSe::Ai2006);
        assert_eq!(adj.info.covariance, Some(CovarianceType::AbadieImbens2016));
        let se = |r: &FitResult, n: &str| r.effects.iter().find(|e| e.name == n).unwrap().std_error;
        assert!(
            se(&adj, "ate") <= se(&known, "ate") * (1.0 + 1e-12),
            "seed {seed}"
        );
        assert_eq!(adj.effects[0].estimate, known.effects[0].estimate);
        cov_att += usize::from(covers(&adj, "att", att));
        cov_ate += usize::from(covers(&adj, "ate", 1.0));
        known_att += usize::from(covers(&known, "att", att));
        known_ate += usize::from(covers(&known, "ate", 1.0));
    }
    eprintln!(
        "coverage of {reps}: ai2016 att {cov_att} ate {cov_ate}; ai2006 att {known_att} ate {known_ate}"
    );
    // Binomial(300, 0.95): mean 285, sd 3.8; accept 272..=297 (about 3.4 sd).
    for (what, c) in [("att", cov_att), ("ate", cov_ate)] {
        assert!(
            (272..=297).contains(&c),
            "{what}: {c} of {reps} intervals cover"
        );
    }
}

#[test]
fn refused_where_it_does_not_apply() {
    let d = sample(1, 200);
    for spec in [
        Psm {
            se: MatchingSe::Ai2016,
            bootstrap: Some(20),
            ..Psm::new("w")
        },
        Psm {
            se: MatchingSe::Ai2016,
            method: Method::Radius { caliper: 0.1 },
            ..Psm::new("w")
        },
    ] {
        assert!(
            matches!(spec.fit(&d), Err(EstimateError::InvalidOption { option, .. }) if option == "se")
        );
    }
    let given = Psm {
        se: MatchingSe::Ai2016,
        ..Psm::new("w")
    };
    let scores = vec![0.5; d.n()];
    assert!(matches!(
        given.fit_with_scores(&d, &scores),
        Err(EstimateError::InvalidOption { .. })
    ));
}
