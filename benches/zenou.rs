//! Engine throughput: events per second for 10^6 agents under random mixing
//! and on a hometown SBM with mean degree 10 (criterion reports time per
//! iteration; throughput is set to the number of events of one run), and at
//! national scale (10^8 agents, random mixing, a short run) with the
//! prefetching pipeline on and off (the same events either way), and the
//! cost of a monitor (progress and cancellation checked every 2^20 events)
//! at 10^6 agents: `zenou_engine_monitor/{none,watched}`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use migsim::monitor::{CancelToken, Watch};
use migsim::network::NetworkSpec;
use migsim::seed::{Component, stream};
use migsim::zenou::EngineConfig;
use migsim::zenou::engine::{
    NoLog, Population, RandomMixing, Rates, simulate_monitored, simulate_with,
};
use migsim::zenou::run::run_on;
use migsim::zenou::tracker::Tracker;

fn bench_engine(c: &mut Criterion, name: &str, spec: &str) {
    let n = 1_000_000;
    let mut config = EngineConfig::new(n, 1.0, 0.3, 0.4, 10.0);
    config.network = spec.parse::<NetworkSpec>().unwrap();
    let graph = config
        .network
        .build(n, &mut stream(1, 0, Component::Network))
        .unwrap();
    let start = Population::random(n, 0.64, &mut stream(1, 0, Component::Population));
    let probe = run_on(
        &config,
        graph.as_ref(),
        start.clone(),
        &mut stream(1, 0, Component::Engine),
    )
    .unwrap();
    let mut group = c.benchmark_group("zenou_engine");
    group.sample_size(10);
    group.throughput(Throughput::Elements(probe.events));
    group.bench_function(name, |b| {
        b.iter(|| {
            run_on(
                &config,
                graph.as_ref(),
                start.clone(),
                &mut stream(1, 0, Component::Engine),
            )
            .unwrap()
        })
    });
    group.finish();
}

/// 10^8 agents (900 MB), t = 0.05: about 4e6 events a run from the
/// steady-state share, pipeline on and off.
fn bench_national(c: &mut Criterion) {
    let n: usize = 100_000_000;
    let rates = Rates {
        lambda: 1.0,
        delta: 0.3,
    };
    let t_end = 0.05;
    let start = Population::random(n, 0.64, &mut stream(1, 0, Component::Population));
    let weak = RandomMixing { n: n as u32 };
    let run = |mut pop: Population, pipeline: bool| {
        let mut tracker = Tracker::new(n, t_end, None, 2);
        simulate_with(
            &mut pop,
            rates,
            &weak,
            &0.4,
            t_end,
            &mut tracker,
            &mut NoLog,
            &mut stream(1, 0, Component::Engine),
            pipeline,
        )
    };
    let events = run(start.clone(), true);
    let mut group = c.benchmark_group("zenou_engine_1e8");
    group.sample_size(10);
    group.throughput(Throughput::Elements(events));
    for (name, pipeline) in [("pipeline", true), ("plain", false)] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || start.clone(),
                |p| run(p, pipeline),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

/// 10^6 agents, t = 10 (about 9e6 events): the plain call against the same
/// run under a monitor with a progress callback and a cancellation token.
fn bench_monitor(c: &mut Criterion) {
    let n: usize = 1_000_000;
    let rates = Rates {
        lambda: 1.0,
        delta: 0.3,
    };
    let t_end = 10.0;
    let start = Population::random(n, 0.64, &mut stream(1, 0, Component::Population));
    let weak = RandomMixing { n: n as u32 };
    let token = CancelToken::new();
    let report = |_: usize, _: usize| {};
    let watch = Watch {
        progress: &report,
        cancel: &token,
    };
    let run = |mut pop: Population, watched: bool| {
        let mut tracker = Tracker::new(n, t_end, None, 2);
        let rng = &mut stream(1, 0, Component::Engine);
        if watched {
            simulate_monitored(
                &mut pop,
                rates,
                &weak,
                &0.4,
                t_end,
                &mut tracker,
                &mut NoLog,
                rng,
                &watch,
            )
            .unwrap_or(0)
        } else {
            simulate_with(
                &mut pop,
                rates,
                &weak,
                &0.4,
                t_end,
                &mut tracker,
                &mut NoLog,
                rng,
                false,
            )
        }
    };
    let events = run(start.clone(), false);
    let mut group = c.benchmark_group("zenou_engine_monitor");
    group.sample_size(10);
    group.throughput(Throughput::Elements(events));
    for (name, watched) in [("none", false), ("watched", true)] {
        group.bench_function(name, |b| {
            b.iter_batched(|| start.clone(), |p| run(p, watched), BatchSize::LargeInput)
        });
    }
    group.finish();
}

fn engine(c: &mut Criterion) {
    bench_engine(c, "random_mixing_1e6", "random");
    bench_engine(c, "sbm_k10_1e6", "sbm:groups=1000,homophily=0.8,k=10");
    bench_national(c);
    bench_monitor(c);
}

criterion_group!(benches, engine);
criterion_main!(benches);
