//! Progress and cancellation of the exact engine through `migsim::monitor`:
//! a run under a monitor equals the run without one (events, estimate,
//! batch means, final state), hears the thousandths of `t_end` in order
//! once every `CHECK_EVERY` events and once at the end, and a cancelled
//! monitor stops it with `ZenouError::Cancelled` at the first check, below
//! and above the size where the prefetching pipeline takes over.

use std::sync::Mutex;

use migsim::monitor::{CancelToken, Watch};
use migsim::network::NetworkSpec;
use migsim::zenou::engine::{CHECK_EVERY, PIPELINE_FROM, PROGRESS_STEPS};
use migsim::zenou::{
    EngineConfig, OmegaSpec, RunResult, ZenouError, run_replication, run_replication_monitored,
};

/// Configurations of a few million events: random mixing below the
/// pipeline threshold, random mixing above it, a graph with per-agent omega.
fn configs() -> Vec<EngineConfig> {
    let mut small = EngineConfig::new(400_000, 1.0, 0.3, 0.4, 6.0);
    small.record_every = Some(0.5);
    let large = EngineConfig::new(2 * PIPELINE_FROM, 1.0, 0.3, 0.4, 1.2);
    let n = 200_000;
    let mut graph = EngineConfig::new(n, 0.8, 0.3, 0.5, 14.0);
    graph.network = "er:k=4".parse::<NetworkSpec>().unwrap();
    graph.omega = OmegaSpec::PerAgent((0..n).map(|i| 0.2 + 0.6 * (i % 7) as f64 / 6.0).collect());
    vec![small, large, graph]
}

fn same(a: &RunResult, b: &RunResult) {
    assert_eq!(a.events, b.events);
    assert_eq!(a.mean.to_bits(), b.mean.to_bits());
    assert_eq!(a.se.to_bits(), b.se.to_bits());
    assert_eq!(a.batch_means, b.batch_means);
    assert_eq!(a.series, b.series);
    assert_eq!(a.final_state, b.final_state);
}

#[test]
fn a_monitored_run_equals_the_plain_run_and_reports_in_order() {
    for (c, config) in configs().iter().enumerate() {
        for seed in [3u64, 11] {
            let plain = run_replication(config, seed, 0).unwrap();
            let seen = Mutex::new(Vec::new());
            let report = |d: usize, t: usize| seen.lock().unwrap().push((d, t));
            let token = CancelToken::new();
            let watch = Watch {
                progress: &report,
                cancel: &token,
            };
            let watched = run_replication_monitored(config, seed, 0, &watch).unwrap();
            same(&plain, &watched);
            let seen = seen.into_inner().unwrap();
            let checks = (plain.events / CHECK_EVERY) as usize;
            assert!(checks >= 1, "config {c}: only {} events", plain.events);
            assert_eq!(seen.len(), checks + 1, "config {c}, seed {seed}");
            assert!(seen.iter().all(|&(d, t)| t == PROGRESS_STEPS && d <= t));
            assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
            assert_eq!(seen.last(), Some(&(PROGRESS_STEPS, PROGRESS_STEPS)));
            assert!(seen[0].0 < PROGRESS_STEPS, "{seen:?}");
        }
    }
}

#[test]
fn a_cancelled_monitor_stops_the_run_at_the_first_check() {
    for config in configs() {
        // Cancelled from the progress callback, as a front end's Ctrl-C.
        let token = CancelToken::new();
        let report = |_: usize, _: usize| token.cancel();
        let watch = Watch {
            progress: &report,
            cancel: &token,
        };
        match run_replication_monitored(&config, 5, 0, &watch) {
            Err(ZenouError::Cancelled { events, t }) => {
                assert_eq!(events, CHECK_EVERY);
                assert!(t > 0.0 && t < config.t_end, "t = {t}");
            }
            other => panic!("expected Cancelled, got {other:?}"),
        }
        // Cancelled before the run: it still stops at the first check.
        let token = CancelToken::new();
        token.cancel();
        let watch = Watch {
            progress: migsim::monitor::SILENT,
            cancel: &token,
        };
        let err = run_replication_monitored(&config, 5, 0, &watch).unwrap_err();
        assert!(
            matches!(err, ZenouError::Cancelled { events, .. } if events == CHECK_EVERY),
            "{err}"
        );
        assert!(err.to_string().starts_with("cancelled at simulated time"));
    }
}
