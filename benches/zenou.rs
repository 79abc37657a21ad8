//! Engine throughput: events per second for 10^6 agents under random mixing
//! and on a hometown SBM with mean degree 10 (criterion reports time per
//! iteration; throughput is set to the number of events of one run).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use migsim::network::NetworkSpec;
use migsim::seed::{Component, stream};
use migsim::zenou::EngineConfig;
use migsim::zenou::engine::Population;
use migsim::zenou::run::run_on;

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

fn engine(c: &mut Criterion) {
    bench_engine(c, "random_mixing_1e6", "random");
    bench_engine(c, "sbm_k10_1e6", "sbm:groups=1000,homophily=0.8,k=10");
}

criterion_group!(benches, engine);
criterion_main!(benches);
