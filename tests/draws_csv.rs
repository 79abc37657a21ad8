//! draws.csv of an `[uncertainty]` run: one row per draw x replication x
//! arm with the drawn parameter and every metric; checked against the fake
//! study's closed form (`level = level_mult · mean(u)`, `u` the seed's
//! uniforms, recomputed here from the row's seed), and the total interval
//! is centred on `estimate_over_draws`, the mean of the draw effects.

mod scenario_fake;

use migsim::report::run_files;
use migsim::scenario::{self, Scenario, Summary};
use migsim::seed::{self, Component};
use rand::Rng;

const SRC: &str = "name = \"u\"\nstudy = \"enclave\"\nreplications = 3\nseed = 5\nmetrics = [\"level\", \"share\"]\n\
    [baseline]\nn = 200\n[[intervention]]\nname = \"double-level\"\nscale = { \"policy.level_mult\" = 2.0 }\n\
    [uncertainty]\ndraws = 7\nreplications = 2\n\
    params = { \"policy.level_mult\" = { mean = 1.0, sd = 0.2, lower = 0.2, upper = 1.8 } }\n";

fn mean_u(seed: u64, n: usize) -> f64 {
    let mut rng = seed::stream(seed, 0, Component::Custom(1));
    (0..n).map(|_| rng.random::<f64>()).sum::<f64>() / n as f64
}

#[test]
fn draws_csv_is_tidy_and_matches_the_closed_form() {
    let scn = Scenario::parse(SRC, "tests/fixtures/uncertainty/scn.toml").unwrap();
    let runs = scenario::run(&scn, &scenario_fake::model(), &|_, _| {}).unwrap();
    let summary = Summary::of(&runs);
    let dir = tempfile::tempdir().unwrap();
    let written = run_files::write_all(dir.path(), &runs, &summary).unwrap();
    assert!(
        written.iter().any(|p| p.ends_with("draws.csv")),
        "{written:?}"
    );
    let mut rd = csv::Reader::from_path(dir.path().join("draws.csv")).unwrap();
    let head: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        head,
        [
            "draw",
            "replication",
            "seed",
            "arm",
            "policy.level_mult",
            "level",
            "share"
        ]
    );
    let rows: Vec<Vec<String>> = rd
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), 7 * 2 * 2);
    let f = |s: &str| s.parse::<f64>().unwrap();
    let mut draw_effects = [0.0; 7];
    for pair in rows.chunks(2) {
        let (b, i) = (&pair[0], &pair[1]);
        assert_eq!((b[3].as_str(), i[3].as_str()), ("baseline", "double-level"));
        assert_eq!(b[..3], i[..3], "same draw, replication and seed");
        let theta = f(&b[4]);
        assert!((0.2..=1.8).contains(&theta));
        let mu = mean_u(b[2].parse().unwrap(), 200);
        assert!((f(&b[5]) - theta * mu).abs() < 1e-12, "{b:?}");
        assert!((f(&i[5]) - 2.0 * theta * mu).abs() < 1e-12, "{i:?}");
        let d: usize = b[0].parse().unwrap();
        draw_effects[d] += (f(&i[5]) - f(&b[5])) / 2.0;
    }
    let e = summary
        .effects
        .iter()
        .find(|e| e.metric == "level")
        .unwrap();
    let centre = draw_effects.iter().sum::<f64>() / 7.0;
    let got = e.estimate_over_draws.unwrap();
    assert!((got - centre).abs() < 1e-12, "{got} vs {centre}");
    let (lo, hi) = e.total().unwrap();
    assert!(
        ((lo + hi) / 2.0 - centre).abs() < 1e-9,
        "[{lo}, {hi}] vs {centre}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    let pe = json["point_estimate"].as_str().unwrap();
    assert!(
        pe.contains("estimate_over_draws") && pe.contains("centred"),
        "{pe}"
    );
}
