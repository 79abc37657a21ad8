//! Progress and cancellation through `migsim::monitor`: a run hears every
//! simulation once, counts reach the total, and a cancelled run stops with
//! the `Cancelled` error instead of a result, whatever the thread count.

mod scenario_fake;

use std::sync::Mutex;

use migsim::monitor::{CancelToken, Watch};
use migsim::recovery::{self, RecoveryError, RunOptions, Spec};
use migsim::scenario::{self, Scenario, ScenarioError};

fn scn() -> Scenario {
    Scenario::parse(scenario_fake::SCENARIO, "fake.toml").unwrap()
}

const LOGIT: &str = r#"reps = 12
seed = 5
n = 300
estimands = ["beta_d"]

[logit]
intercept = 0.1
coefficients = { d = 0.5 }
covariates = { d = { dist = "bernoulli", p = 0.5 } }

[[estimators]]
label = "logit"
estimator = "logit"
y = "y"
x = "d"
take = "coefficients:d"
estimand = "beta_d"
"#;

/// Every simulation reports once: the largest `done` seen equals `total`,
/// and the number of calls equals the number of simulations.
#[test]
fn a_scenario_run_reports_every_simulation() {
    let seen = Mutex::new(Vec::new());
    let f = |done: usize, total: usize| seen.lock().unwrap().push((done, total));
    let runs = scenario::run(&scn(), &scenario_fake::model(), &f).unwrap();
    let seen = seen.into_inner().unwrap();
    let sims = runs.arms.len() * runs.scenario.replications
        + runs.draws.len() * runs.scenario.replications;
    assert!(!seen.is_empty());
    let max = seen.iter().map(|p| p.0).max().unwrap();
    assert!(seen.iter().all(|p| p.0 <= p.1));
    assert_eq!(max, seen[0].1, "{seen:?}");
    assert!(
        seen.len() >= sims.min(max),
        "{} calls for {sims}",
        seen.len()
    );
}

/// A token cancelled before the run starts stops it before any simulation.
#[test]
fn a_cancelled_scenario_run_returns_cancelled() {
    let token = CancelToken::new();
    token.cancel();
    let w = Watch {
        progress: migsim::monitor::SILENT,
        cancel: &token,
    };
    let r = scenario::run(&scn(), &scenario_fake::model(), &w);
    assert!(matches!(r, Err(ScenarioError::Cancelled)), "{r:?}");
}

/// Cancelling from the progress callback (as a front end does on Ctrl-C or
/// DELETE) stops the run part-way, on one and on two threads.
#[test]
fn cancelling_mid_run_stops_a_scenario_and_a_recovery() {
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let token = CancelToken::new();
        let cancel_at_2 = |done: usize, _: usize| {
            if done >= 2 {
                token.cancel();
            }
        };
        let w = Watch {
            progress: &cancel_at_2,
            cancel: &token,
        };
        let cancelled = pool.install(|| {
            matches!(
                scenario::run(&scn(), &scenario_fake::model(), &w),
                Err(ScenarioError::Cancelled)
            )
        });
        assert!(cancelled, "{threads} threads: not cancelled");

        let spec = Spec::parse(LOGIT, "logit.toml", "logit").unwrap();
        let token = CancelToken::new();
        let cancel_at_2 = |done: usize, _: usize| {
            if done >= 2 {
                token.cancel();
            }
        };
        let w = Watch {
            progress: &cancel_at_2,
            cancel: &token,
        };
        let r = recovery::run(
            &spec,
            &RunOptions {
                threads: Some(threads),
                progress: Some(&w),
            },
        );
        assert!(
            matches!(r, Err(RecoveryError::Cancelled)),
            "{threads}: {r:?}"
        );
    }
}

/// A watch that never cancels gives the same result as no monitor at all.
#[test]
fn a_watch_that_never_cancels_changes_nothing() {
    let spec = Spec::parse(LOGIT, "logit.toml", "logit").unwrap();
    let token = CancelToken::new();
    let w = Watch {
        progress: migsim::monitor::SILENT,
        cancel: &token,
    };
    let a = recovery::run(
        &spec,
        &RunOptions {
            threads: Some(2),
            progress: Some(&w),
        },
    )
    .unwrap();
    let b = recovery::run(&spec, &RunOptions::default()).unwrap();
    assert_eq!(a.replications_csv(), b.replications_csv());
}
