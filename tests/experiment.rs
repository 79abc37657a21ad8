//! `[experiment]` designs and runs, against independent references: the
//! Latin-hypercube stratification property over many seeds and sizes, the
//! factorial design against the Cartesian product built here, and a run of
//! the fake study whose outputs are known in closed form (`level =
//! level_mult · mean(u)` with `u` recomputed here from each row's seed, so
//! `level` is exactly linear, hence monotone, in `level_mult`). Bad tables
//! get one error naming the key; results do not depend on the thread count.

mod scenario_fake;

use std::collections::BTreeSet;

use migsim::report::run_files;
use migsim::scenario::experiment::design::lhs;
use migsim::scenario::{self, Scenario, StudyModel, Summary};
use migsim::seed::{self, Component};
use rand::Rng;

fn mean_u(seed: u64, n: usize) -> f64 {
    let mut rng = seed::stream(seed, 0, Component::Custom(1));
    (0..n).map(|_| rng.random::<f64>()).sum::<f64>() / n as f64
}

const HEAD: &str = "name = \"x\"\nstudy = \"enclave\"\nreplications = 2\nseed = 9\nmetrics = [\"level\", \"share\"]\n\
    [[intervention]]\nname = \"double-level\"\nscale = { \"policy.level_mult\" = 2.0 }\n";

fn scn(experiment: &str) -> Result<Scenario, String> {
    Scenario::parse(&format!("{HEAD}[experiment]\n{experiment}"), "x.toml")
        .map_err(|e| e.to_string())
}

/// Each factor's `n` equal strata hold exactly one point, for every seed.
#[test]
fn latin_hypercube_hits_every_stratum_once() {
    let (lower, upper) = ([0.0, -3.0, 10.0], [1.0, 5.0, 10.5]);
    for n in [1usize, 2, 3, 7, 20, 64] {
        for master in 0..60u64 {
            let p = lhs(n, &lower, &upper, master);
            assert_eq!(p.len(), n);
            for j in 0..3 {
                let mut strata: Vec<usize> = p
                    .iter()
                    .map(|x| {
                        let t = (x[j] - lower[j]) / (upper[j] - lower[j]);
                        assert!((0.0..=1.0).contains(&t), "{x:?}");
                        ((t * n as f64).floor() as usize).min(n - 1)
                    })
                    .collect();
                strata.sort_unstable();
                assert_eq!(
                    strata,
                    (0..n).collect::<Vec<_>>(),
                    "n {n} seed {master} factor {j}"
                );
            }
        }
    }
    // Different seeds give different designs; the same seed the same one.
    assert_ne!(lhs(8, &lower, &upper, 1), lhs(8, &lower, &upper, 2));
    assert_eq!(lhs(8, &lower, &upper, 1), lhs(8, &lower, &upper, 1));
}

/// Within its stratum a point is uniform: over many seeds the mean offset
/// inside the stratum is 1/2 (SE of 2000 uniforms about 0.0065).
#[test]
fn latin_hypercube_jitter_is_uniform_within_strata() {
    let n = 5;
    let mut offs = Vec::new();
    for master in 0..400u64 {
        for x in lhs(n, &[0.0], &[1.0], master) {
            offs.push((x[0] * n as f64).fract());
        }
    }
    let mean = offs.iter().sum::<f64>() / offs.len() as f64;
    assert!((mean - 0.5).abs() < 0.03, "{mean}");
}

/// Every combination of the levels appears exactly once.
#[test]
fn factorial_is_the_cartesian_product() {
    let s = scn("design = \"factorial\"\nlevels = { \"policy.level_mult\" = [0.5, 1.0, 2.0], \"policy.boost\" = [0.0, 0.1], \"n\" = [100, 200, 300, 400] }\n").unwrap();
    let e = s.experiment.unwrap();
    let got = e.point_values(1);
    assert_eq!(got.len(), 24);
    // Keys are in key order: n, policy.boost, policy.level_mult.
    assert_eq!(e.keys, ["n", "policy.boost", "policy.level_mult"]);
    let mut want = BTreeSet::new();
    for n in [100.0, 200.0, 300.0, 400.0] {
        for b in [0.0, 0.1] {
            for l in [0.5, 1.0, 2.0] {
                want.insert(format!("{n:?} {b:?} {l:?}"));
            }
        }
    }
    let have: BTreeSet<String> = got
        .iter()
        .map(|p| format!("{:?} {:?} {:?}", p[0], p[1], p[2]))
        .collect();
    assert_eq!(have, want);
}

/// experiment.csv holds every point x replication x arm, every factor and
/// metric; each value is the closed form at its row's seed and factors, and
/// the summary's per-point means are those of the rows.
#[test]
fn a_factorial_run_matches_the_closed_form() {
    let s = scn("design = \"factorial\"\nreplications = 3\nlevels = { \"policy.level_mult\" = [0.5, 1.0, 2.0], \"n\" = [100, 250] }\n").unwrap();
    let runs = scenario::run(&s, &scenario_fake::model(), &|_, _| {}).unwrap();
    let summary = Summary::of(&runs);
    let dir = tempfile::tempdir().unwrap();
    run_files::write_all(dir.path(), &runs, &summary).unwrap();
    let mut rd = csv::Reader::from_path(dir.path().join("experiment.csv")).unwrap();
    let head: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        head,
        [
            "run",
            "point",
            "replication",
            "seed",
            "arm",
            "n",
            "policy.level_mult",
            "level",
            "share"
        ]
    );
    let rows: Vec<Vec<String>> = rd
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), 6 * 3 * 2);
    let f = |s: &str| s.parse::<f64>().unwrap();
    let mut runs_seen = BTreeSet::new();
    let mut seeds_by_rep = vec![BTreeSet::new(); 3];
    for r in &rows {
        let (n, mult) = (f(&r[5]) as usize, f(&r[6]));
        let mu = mean_u(r[3].parse().unwrap(), n);
        let factor = if r[4] == "double-level" { 2.0 } else { 1.0 };
        assert!((f(&r[7]) - factor * mult * mu).abs() < 1e-12, "{r:?}");
        runs_seen.insert((r[0].clone(), r[4].clone()));
        seeds_by_rep[r[2].parse::<usize>().unwrap()].insert(r[3].clone());
    }
    assert_eq!(runs_seen.len(), 6 * 3 * 2, "run ids are unique per arm");
    // Common random numbers: one seed per replication across points and arms.
    assert!(
        seeds_by_rep.iter().all(|s| s.len() == 1),
        "{seeds_by_rep:?}"
    );
    let x = summary.experiment.as_ref().unwrap();
    assert_eq!(
        (x.points, x.replications_per_point, x.simulations),
        (6, 3, 36)
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(json["experiment"]["design"], "factorial");
    for row in &x.rows {
        let (n, mult) = (row.values[0] as usize, row.values[1]);
        let mu: f64 = (0..3)
            .map(|r| mean_u(scenario::experiment::rows::experiment_seed(9, r), n))
            .sum::<f64>()
            / 3.0;
        let e = row.effects.iter().find(|e| e.metric == "level").unwrap();
        // The effect of doubling is the level itself: mult · mean(u).
        assert!((e.effect.mean - mult * mu).abs() < 1e-12, "{row:?}");
        assert!((row.baseline[0].mean - mult * mu).abs() < 1e-12);
    }
    // Monotone in the multiplier at every n (exactly, on common numbers).
    for n in [100.0, 250.0] {
        let levels: Vec<f64> = x
            .rows
            .iter()
            .filter(|r| r.values[0] == n)
            .map(|r| r.baseline[0].mean)
            .collect();
        assert_eq!(levels.len(), 3);
        assert!(levels.windows(2).all(|w| w[0] < w[1]), "{levels:?}");
    }
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("Experiment over"), "no experiment section");
    assert!(html.matches("<svg").count() >= 2 + summary.metrics.len());
}

/// A hypercube run: every point within its bounds, the effect of the
/// boost on `share` at every point is the share of uniforms in
/// [0.5, 0.5 + boost), recomputed here.
#[test]
fn a_hypercube_run_matches_the_closed_form() {
    let src = format!(
        "{HEAD}[[intervention]]\nname = \"boost\"\nset = {{ \"policy.boost\" = 0.1 }}\n[experiment]\ndesign = \"lhs\"\npoints = 9\nreplications = 2\nparams = {{ \"policy.level_mult\" = {{ lower = 0.5, upper = 1.5 }} }}\n"
    );
    let s = Scenario::parse(&src, "x.toml").unwrap();
    let runs = scenario::run(&s, &scenario_fake::model(), &|_, _| {}).unwrap();
    let x = Summary::of(&runs).experiment.unwrap();
    assert_eq!(x.rows.len(), 9);
    for row in &x.rows {
        assert!((0.5..=1.5).contains(&row.values[0]));
        let want: f64 = (0..2)
            .map(|r| {
                let seed = scenario::experiment::rows::experiment_seed(9, r);
                let mut rng = seed::stream(seed, 0, Component::Custom(1));
                (0..400)
                    .filter(|_| (0.5..0.6).contains(&rng.random::<f64>()))
                    .count() as f64
                    / 400.0
            })
            .sum::<f64>()
            / 2.0;
        let e = row
            .effects
            .iter()
            .find(|e| e.metric == "share" && e.intervention == "boost")
            .unwrap();
        assert!(
            (e.effect.mean - want).abs() < 1e-12,
            "{} vs {want}",
            e.effect.mean
        );
    }
}

/// The same seed gives the same files with 1 and 3 threads.
#[test]
fn the_thread_count_does_not_change_the_output() {
    let s = scn("design = \"lhs\"\npoints = 6\nparams = { \"policy.level_mult\" = { lower = 0.5, upper = 2.0 }, \"policy.boost\" = { lower = 0.0, upper = 0.3 } }\n").unwrap();
    let files = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let runs = scenario::run(&s, &scenario_fake::model(), &|_, _| {}).unwrap();
            let summary = Summary::of(&runs);
            run_files::files(&runs, &summary).unwrap()
        })
    };
    assert_eq!(files(1), files(3));
}

/// Bad tables: one error naming the key, before anything runs or is
/// allocated by the design's size.
#[test]
fn bad_tables_name_the_key() {
    let cases: [(&str, &[&str]); 8] = [
        (
            "design = \"factorial\"\nlevel = { n = [100] }\n",
            &["level"],
        ),
        (
            "design = \"grid\"\nlevels = { n = [100] }\n",
            &["design", "grid"],
        ),
        (
            "design = \"lhs\"\npoints = 0\nparams = { n = { lower = 1, upper = 2 } }\n",
            &["points", "0"],
        ),
        (
            "design = \"lhs\"\npoints = 5\nparams = { \"policy.boost\" = { lower = 0.3, upper = 0.1 } }\n",
            &["policy.boost"],
        ),
        (
            "design = \"factorial\"\nlevels = { \"policy.boost\" = [] }\n",
            &["policy.boost"],
        ),
        (
            "design = \"factorial\"\nlevels = { \"policy.boost\" = [0.1, 0.1] }\n",
            &["policy.boost", "twice"],
        ),
        (
            "design = \"factorial\"\nlevels = { a = [1,2,3,4,5,6,7,8,9,10], b = [1,2,3,4,5,6,7,8,9,10], c = [1,2,3,4,5,6,7,8,9,10], d = [1,2,3,4,5,6,7,8,9,10], e = [1,2,3,4,5,6,7,8,9,10], f = [1,2,3,4,5,6,7,8,9,10] }\n",
            &["levels", "1000000"],
        ),
        (
            "design = \"lhs\"\npoints = 100000\nreplications = 1000\nparams = { n = { lower = 1, upper = 2 } }\n",
            &["runs", "100000"],
        ),
    ];
    for (table, words) in cases {
        let e = scn(table).unwrap_err();
        for w in words {
            assert!(e.contains(w), "`{w}` missing from: {e}");
        }
        assert!(
            e.contains("[experiment]") || e.contains("unknown field"),
            "{e}"
        );
    }
}

/// Checks that need the study: a level outside the registry's bounds, a
/// setting that does not exist, a hypercube over an integer setting.
#[test]
fn levels_are_held_against_the_study() {
    let base = "name = \"x\"\nstudy = \"enclave\"\nn = 200\nreplications = 2\nseed = 1\n\
        [[intervention]]\nname = \"p\"\nscale = { \"policy.platform_lambda_mult\" = 1.2 }\n[experiment]\n";
    let model = StudyModel {
        study: migsim::studies::StudyName::Enclave,
        n: Some(200),
    };
    let cases: [(&str, &[&str]); 3] = [
        (
            "design = \"factorial\"\nlevels = { \"policy.dispersal_share\" = [0.5, 1.5] }\n",
            &["policy.dispersal_share", "1.5"],
        ),
        (
            "design = \"factorial\"\nlevels = { \"policy.dispersal_shar\" = [0.5] }\n",
            &["policy.dispersal_shar", "did you mean"],
        ),
        (
            "design = \"lhs\"\npoints = 4\nparams = { \"zenou.max_years\" = { lower = 4, upper = 8 } }\n",
            &["zenou.max_years", "integer"],
        ),
    ];
    for (table, words) in cases {
        let s = Scenario::parse(&format!("{base}{table}"), "x.toml").unwrap();
        let e = scenario::check(&s, &model).unwrap_err().to_string();
        for w in words {
            assert!(e.contains(w), "`{w}` missing from: {e}");
        }
    }
    let ok = Scenario::parse(
        &format!("{base}design = \"factorial\"\nlevels = {{ \"zenou.max_years\" = [4, 8] }}\n"),
        "x.toml",
    )
    .unwrap();
    scenario::check(&ok, &model).unwrap();
}

/// The JSON schema takes the same table (the Python package and `serve`).
#[test]
fn json_scenarios_take_an_experiment() {
    let v = serde_json::json!({
        "name": "x", "study": "enclave", "replications": 2, "seed": 1,
        "intervention": [{"name": "p", "scale": {"policy.platform_lambda_mult": 1.2}}],
        "experiment": {"design": "factorial", "levels": {"policy.dispersal_share": [0.0, 0.5]}}
    });
    let s = Scenario::from_json(&v, "request body").unwrap();
    assert_eq!(s.experiment.unwrap().points(), 2);
    let bad = serde_json::json!({
        "name": "x", "study": "enclave", "replications": 2, "seed": 1,
        "intervention": [{"name": "p", "scale": {"policy.platform_lambda_mult": 1.2}}],
        "experiment": {"design": "lhs", "points": 3}
    });
    let e = Scenario::from_json(&bad, "request body")
        .unwrap_err()
        .to_string();
    assert!(e.contains("`params`"), "{e}");
}
