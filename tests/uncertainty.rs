//! Parameter uncertainty in scenario runs: the total interval covers the
//! true effect when the parameter distribution is known, draws follow the
//! stated distribution, output does not depend on the thread count, and
//! bad `[uncertainty]` tables get one error naming file, line and key.

mod scenario_fake;

use migsim::scenario::{self, Scenario, Summary};
use rand_distr::{Distribution, Normal};

const DIR: &str = "tests/fixtures/uncertainty";

/// The fake study: effect of doubling `level_mult` on `level` is
/// `level_mult · mean(u)`, whose expectation is `level_mult / 2`.
fn scenario(n: usize, draws: usize, seed: u64, unc: &str) -> String {
    format!(
        "name = \"u\"\nstudy = \"enclave\"\nreplications = 6\nseed = {seed}\nmetrics = [\"level\", \"share\"]\n\
         [baseline]\nn = {n}\n[[intervention]]\nname = \"double-level\"\nscale = {{ \"policy.level_mult\" = 2.0 }}\n\
         [uncertainty]\ndraws = {draws}\nreplications = 1\n{unc}\n"
    )
}

const PRIOR: &str =
    "params = { \"policy.level_mult\" = { mean = 1.0, sd = 0.2, lower = 0.2, upper = 1.8 } }";

fn summary(src: &str) -> Summary {
    let scn = Scenario::parse(src, &format!("{DIR}/scn.toml")).unwrap();
    let runs = scenario::run(&scn, &scenario_fake::model(), &|_, _| {}).unwrap();
    Summary::of(&runs)
}

fn level_effect(s: &Summary) -> &scenario::Effect {
    s.effects
        .iter()
        .find(|e| e.metric == "level" && e.intervention == "double-level")
        .unwrap()
}

/// Truth θ* ~ N(1, 0.2²) (truncated to [0.2, 1.8], 4 SD out), true effect
/// θ*/2. Over 300 scenario seeds with K = 30 draws, the total interval
/// covers the truth close to 95% of the time (binomial SD 1.3 points);
/// the simulation-only interval, blind to θ, covers it far less often.
#[test]
fn total_interval_covers_the_true_effect() {
    let prior = Normal::new(1.0, 0.2).unwrap();
    let mut rng = migsim::seed::stream(99, 0, migsim::seed::Component::Custom(5));
    let (mut total, mut sim_only, trials) = (0, 0, 300);
    for t in 0..trials {
        let theta: f64 = loop {
            let x = prior.sample(&mut rng);
            if (0.2..=1.8).contains(&x) {
                break x;
            }
        };
        let truth = theta / 2.0;
        let s = summary(&scenario(400, 30, t, PRIOR));
        let e = level_effect(&s);
        let (lo, hi) = e.total().unwrap();
        assert_eq!(e.draws, 30);
        total += usize::from(lo <= truth && truth <= hi);
        sim_only += usize::from(e.ci_low <= truth && truth <= e.ci_high);
    }
    let cover = total as f64 / trials as f64;
    assert!((0.91..=0.985).contains(&cover), "total coverage {cover}");
    assert!(
        (sim_only as f64 / trials as f64) < 0.6,
        "sim-only {sim_only}"
    );
}

/// Draws from the calibrated file follow N(estimate, covariance): sample
/// means and covariances of 4000 draws within 4 standard errors.
#[test]
fn draws_follow_the_calibrated_covariance() {
    let scn = Scenario::parse(
        &scenario(20, 4000, 1, "from = \"calibrated.toml\""),
        &format!("{DIR}/scn.toml"),
    )
    .unwrap();
    let u = scn.uncertainty.unwrap();
    let xs: Vec<Vec<f64>> = (0..4000).map(|d| u.draw(7, d).unwrap()).collect();
    let n = xs.len() as f64;
    let mean = |i: usize| xs.iter().map(|x| x[i]).sum::<f64>() / n;
    let (m0, m1) = (mean(0), mean(1));
    let cov = |i: usize, j: usize, mi: f64, mj: f64| {
        xs.iter().map(|x| (x[i] - mi) * (x[j] - mj)).sum::<f64>() / (n - 1.0)
    };
    assert!((m0 - 1.0).abs() < 4.0 * 0.2 / n.sqrt(), "{m0}");
    // boost is truncated at 0 (2 SD below): the mean shifts up slightly.
    assert!((m1 - 0.1).abs() < 0.01, "{m1}");
    // (truncating boost at 0 lowers var(level_mult) by about 0.0016)
    let v0 = cov(0, 0, m0, m0);
    assert!((v0 - 0.04).abs() < 6.0 * 0.04 * (2.0 / n).sqrt(), "{v0}");
    let c01 = cov(0, 1, m0, m1);
    assert!((c01 - 0.006).abs() < 0.0015, "{c01}");
    assert!(xs.iter().all(|x| (0.0..=0.5).contains(&x[1])));
}

/// Same seed, same output, whatever the number of threads.
#[test]
fn draws_do_not_depend_on_threads() {
    let src = scenario(50, 12, 3, PRIOR);
    let json = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| serde_json::to_string(&summary(&src)).unwrap())
    };
    let one = json(1);
    assert_eq!(one, json(3));
    assert!(one.contains("\"ci_total_low\""));
}

fn error_of(src: &str) -> String {
    let file = format!("{DIR}/scn.toml");
    match Scenario::parse(src, &file) {
        Err(e) => e.to_string(),
        Ok(scn) => match scenario::run(&scn, &scenario_fake::model(), &|_, _| {}) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("accepted: {src}"),
        },
    }
}

/// The `[uncertainty]` table starts on line 11 of `scenario(...)`.
#[test]
fn bad_tables_name_file_line_and_key() {
    let cases = [
        (
            "params = { \"policy.nope\" = { mean = 1.0, sd = 0.1, lower = 0.0, upper = 2.0 } }",
            "`policy.nope` is not a numeric setting",
        ),
        (
            "params = { \"policy.level_mult\" = { mean = 1.5, sd = 0.1, lower = 1.2, upper = 1.8 } }",
            "`policy.level_mult`: bounds [1.2, 1.8] exclude the baseline value 1",
        ),
        ("from = \"not-psd.toml\"", "not positive semi-definite"),
        ("from = \"missing.toml\"", "missing.toml"),
    ];
    for (unc, want) in cases {
        let e = error_of(&scenario(20, 5, 1, unc));
        assert!(e.contains(want), "{e}");
        assert!(e.contains("scn.toml line 11"), "{e}");
    }
    let e = error_of(&scenario(20, 0, 1, PRIOR));
    assert!(e.contains("line 11") && e.contains("`draws` = 0"), "{e}");
    let e = error_of(&scenario(20, 5, 1, &format!("{PRIOR}\nsamples = 3")));
    assert!(e.contains("line 15") && e.contains("samples"), "{e}");
    let e = error_of(&scenario(
        20,
        5,
        1,
        "params = { \"policy.level_mult\" = { mean = 1.0, sd = -1.0, lower = 0.2, upper = 1.8 } }",
    ));
    assert!(e.contains("`policy.level_mult`: sd"), "{e}");
}

/// A bad scenario through the binary: one error line, non-zero exit, and
/// no output folder left behind.
#[test]
fn the_command_refuses_a_bad_table_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(
        &file,
        "name = \"bad\"\nstudy = \"enclave\"\nreplications = 2\nseed = 1\n[[intervention]]\nname = \"a\"\n\
         set = { \"policy.dispersal_share\" = 0.5 }\n[uncertainty]\ndraws = 0\nparams = {}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args([
            "run",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.toml line 8") && err.contains("`draws` = 0"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(!out.exists());
}
