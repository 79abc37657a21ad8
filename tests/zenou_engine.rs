//! The agent-based engine against the mean-field closed form (6): the
//! simulated share up over the second half of a run must lie within 4
//! batch-means standard errors of e*. Each run lasts 60 relaxation times
//! `1 / |slowest non-zero eigenvalue|` of the ODEs (computed beside each case)
//! so the burn-in half has forgotten the start and each of the 10 batches
//! spans 3 relaxation times, which keeps the batch-means SE honest.

use migsim::network::NetworkSpec;
use migsim::zenou::hetero::{Group, steady_state};
use migsim::zenou::{
    EngineConfig, OmegaSpec, Params, RunResult, run_replication, run_replications,
};

fn mean_field_run(lambda: f64, delta: f64, omega: f64, t_end: f64, seed: u64) -> (RunResult, f64) {
    let mut c = EngineConfig::new(200_000, lambda, delta, omega, t_end);
    c.batches = 10;
    let r = run_replication(&c, seed, 0).unwrap();
    (r, Params::new(lambda, delta, omega).unwrap().e_star())
}

fn assert_within_4_se(lambda: f64, delta: f64, omega: f64, t_end: f64) {
    let (r, e) = mean_field_run(lambda, delta, omega, t_end, 11);
    assert!(r.se > 0.0 && r.se < 0.005, "se {}", r.se);
    assert!(
        (r.mean - e).abs() < 4.0 * r.se,
        "lambda {lambda} delta {delta} omega {omega}: abm {} +- {} vs e* {e}",
        r.mean,
        r.se
    );
}

#[test]
fn random_mixing_matches_eq_6_interior() {
    // relaxation time 2.59
    assert_within_4_se(1.0, 0.3, 0.4, 160.0);
}

#[test]
fn random_mixing_matches_eq_6_near_the_bound() {
    // delta/lambda = 0.89 of bound (5); e* = 0.125; relaxation time 14.25
    assert_within_4_se(1.0, 0.65, 0.4, 860.0);
}

#[test]
fn random_mixing_matches_eq_6_small_omega() {
    // omega = 0.1, delta/lambda = 0.57 of bound (5); relaxation time 10.45
    assert_within_4_se(1.0, 0.2, 0.1, 630.0);
}

#[test]
fn random_mixing_matches_eq_6_sis_limit_near_threshold() {
    // omega = 1 is SIS: e* = 1 - delta/lambda = 0.1; relaxation time 10
    assert_within_4_se(2.0, 1.8, 1.0, 300.0);
}

#[test]
fn outside_condition_5_the_up_population_dies_out() {
    let mut c = EngineConfig::new(200_000, 1.0, 1.0, 0.4, 400.0);
    c.record_every = Some(50.0);
    let p = Params::new(1.0, 1.0, 0.4).unwrap();
    assert!(!p.exists());
    let r = run_replication(&c, 5, 0).unwrap();
    assert_eq!(r.final_share, 0.0);
    assert!(r.final_state.iter().all(|&up| !up));
    assert_eq!(r.series.last().map(|x| x.1), Some(0.0));
    assert!(r.series[0].1 > 0.45);
}

#[test]
fn per_agent_omega_matches_the_heterogeneous_mean_field() {
    let n = 100_000;
    let omegas: Vec<f64> = (0..n).map(|i| if i < n / 2 { 0.1 } else { 0.6 }).collect();
    let mut c = EngineConfig::new(n, 1.0, 0.35, 0.5, 400.0);
    c.omega = OmegaSpec::PerAgent(omegas.clone());
    c.batches = 10;
    let r = run_replication(&c, 3, 0).unwrap();
    let groups = [
        Group {
            share: 0.5,
            omega: 0.1,
        },
        Group {
            share: 0.5,
            omega: 0.6,
        },
    ];
    let s = steady_state(1.0, 0.35, &groups).unwrap();
    assert!(
        (r.mean - s.e).abs() < 4.0 * r.se,
        "abm {} +- {} vs {}",
        r.mean,
        r.se,
        s.e
    );
    let low = r.final_state[..n / 2].iter().filter(|&&u| u).count() as f64 / (n / 2) as f64;
    let high = r.final_state[n / 2..].iter().filter(|&&u| u).count() as f64 / (n / 2) as f64;
    assert!(low > high, "group shares {low} {high}");
}

#[test]
fn homophilous_enclaves_lower_the_share_up() {
    // Hometown groups of 20 agents (10 dyads), 90% of weak ties inside the group.
    let n = 40_000;
    let mut random = EngineConfig::new(n, 1.0, 0.3, 0.4, 200.0);
    random.batches = 10;
    let mut sbm = random.clone();
    sbm.network = "sbm:groups=2000,homophily=0.9,k=10"
        .parse::<NetworkSpec>()
        .unwrap();
    let a = run_replication(&random, 9, 0).unwrap();
    let b = run_replication(&sbm, 9, 0).unwrap();
    let se = (a.se * a.se + b.se * b.se).sqrt();
    assert!(
        a.mean - b.mean > 4.0 * se,
        "random {} +- {}, sbm {} +- {}",
        a.mean,
        a.se,
        b.mean,
        b.se
    );
}

fn strip(mut rs: Vec<RunResult>) -> Vec<RunResult> {
    rs.iter_mut().for_each(|r| r.elapsed_s = 0.0);
    rs
}

#[test]
fn replications_are_reproducible_and_independent_of_thread_count() {
    let mut c = EngineConfig::new(4_000, 1.0, 0.3, 0.4, 20.0);
    c.network = "ws:k=6,p=0.1".parse().unwrap();
    c.record_every = Some(1.0);
    let pool = |k| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .unwrap()
    };
    let one = strip(pool(1).install(|| run_replications(&c, 42, 4).unwrap()));
    let three = strip(pool(3).install(|| run_replications(&c, 42, 4).unwrap()));
    assert_eq!(one, three);
    assert_ne!(one[0].final_state, one[1].final_state);
    let other = strip(run_replications(&c, 43, 1).unwrap());
    assert_ne!(one[0].final_state, other[0].final_state);
}

#[test]
fn invalid_configurations_are_rejected_by_name() {
    let c = EngineConfig::new(1001, 1.0, 0.3, 0.4, 10.0);
    assert!(
        run_replication(&c, 1, 0)
            .unwrap_err()
            .to_string()
            .contains("agents")
    );
    let mut c = EngineConfig::new(1000, 1.0, 0.3, 0.4, 10.0);
    c.omega = OmegaSpec::PerAgent(vec![0.5; 999]);
    assert!(run_replication(&c, 1, 0).is_err());
    let c = EngineConfig::new(1000, 1.0, 0.3, 0.4, -1.0);
    assert!(
        run_replication(&c, 1, 0)
            .unwrap_err()
            .to_string()
            .contains("t_end")
    );
}
