//! `migsim calibrate`: bad targets and free-parameter input get one error
//! naming the file, line and key; a run writes a calibrated.toml that the
//! scenario loader, `cohort --scenario` and `baseline_from` accept; the JSON
//! has the keys; batch evaluation is identical for any thread count.

use std::path::Path;
use std::process::Command;

use migsim::calibrate::objective::{Objective, Watched, cohort_seeds};
use migsim::calibrate::optimise::Search;
use migsim::calibrate::setup::setup;
use migsim::calibrate::spec::{default_free_params, parse_free_list};
use migsim::calibrate::{CalibrationTable, Options};
use migsim::scenario::schema::Scenario;
use migsim::studies::StudyName;

fn migsim(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn bad_targets_files_name_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "unknown.toml",
            "[[target]]\ntable = \"Table 2\"\nspec = \"model 1\"\nterms = \"x\"\n",
            "terms",
            "line",
        ),
        (
            "nofree.toml",
            "[[target]]\ntable = \"Table 2\"\nspec = \"model 1\"\nterm = \"unit_support\"\n\n[[free]]\nkey = \"index.nope\"\n",
            "index.nope",
            "line 6",
        ),
        (
            "bounds.toml",
            "[[target]]\ntable = \"Table 2\"\nspec = \"model 1\"\nterm = \"unit_support\"\n\n[[free]]\nkey = \"index.unit_support\"\nlower = 2.0\nupper = 3.0\n",
            "exclude the current default",
            "line 6",
        ),
        (
            "nose.toml",
            "[[target]]\ntable = \"Table 2\"\nspec = \"model 1\"\nterm = \"log_likelihood\"\n",
            "no published SE",
            "line 1",
        ),
        (
            "norow.toml",
            "[[target]]\ntable = \"Table 7\"\nterm = \"x\"\n",
            "no such row",
            "line 1",
        ),
    ];
    for (name, text, key, line) in cases {
        let f = write(dir.path(), name, text);
        let (ok, _, err) = migsim(&["calibrate", "talent", "--targets", &f, "--no-heldout"]);
        assert!(!ok, "{name} accepted");
        assert!(
            err.contains(&f) && err.contains(key) && err.contains(line),
            "{name}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn bad_free_keys_are_named() {
    let e = parse_free_list(StudyName::Enclave, "outcome.jobb")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("outcome.jobb") && e.contains("not a setting"),
        "{e}"
    );
    let e = parse_free_list(StudyName::Enclave, "network.homophily_enclave=0.8:0.9")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("network.homophily_enclave") && e.contains("exclude the current default"),
        "{e}"
    );
    let e = parse_free_list(StudyName::Enclave, "network.homophily_enclave=-0.5:0.9")
        .unwrap_err()
        .to_string();
    assert!(e.contains("valid range"), "{e}");
    let e = parse_free_list(StudyName::Enclave, "outcome.job=a:b")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("outcome.job") && e.contains("LOWER:UPPER"),
        "{e}"
    );
    for study in StudyName::ALL {
        assert!(default_free_params(study).unwrap().len() >= 4, "{study}");
    }
}

#[test]
fn batch_evaluation_is_identical_for_any_thread_count() {
    let free = default_free_params(StudyName::Talent).unwrap();
    let o = Objective {
        study: StudyName::Talent,
        base: toml::Table::new(),
        n: 777,
        targets: Vec::new(),
        tables: vec!["Table 1".into(), "Table 2".into()],
        seeds: cohort_seeds(3, 3),
        free,
        monitor: Watched::silent(),
    };
    let points: Vec<Vec<f64>> = (0..4)
        .map(|k| {
            o.free
                .iter()
                .map(|p| p.lower + (p.upper - p.lower) * (0.2 + 0.15 * k as f64))
                .collect()
        })
        .collect();
    let rows = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            points
                .iter()
                .flat_map(|p| o.seeds.iter().map(move |&s| (p, s)))
                .map(|(p, s)| {
                    o.rows(p, s, &migsim::replicate::Tables::Only(&o.tables))
                        .unwrap()
                })
                .map(|r| {
                    r.iter()
                        .map(|x| x.synthetic.map(f64::to_bits))
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        })
    };
    let evals = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| o.evaluate_batch(&points))
            .iter()
            .map(|e| e.q.to_bits())
            .collect::<Vec<_>>()
    };
    assert_eq!(rows(1), rows(2));
    assert_eq!(evals(1), evals(3));
    // With the default targets resolved, an evaluation fits only their
    // specifications (`Tables::Rows`): still identical for any thread count.
    let opts = Options {
        study: StudyName::Talent,
        targets_file: None,
        free: None,
        reps: 3,
        seed: 3,
        n: None,
        search: Search::default(),
        self_check: false,
        heldout: false,
        geography_cohorts: migsim::calibrate::geography::GEOGRAPHY_COHORTS,
    };
    let (targeted, _, _) = setup(&opts).unwrap();
    assert!(!targeted.targets.is_empty());
    let moments = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| targeted.evaluate_batch(&points))
            .iter()
            .map(|e| {
                let m: Vec<Option<u64>> = e.moments.iter().map(|m| m.map(f64::to_bits)).collect();
                (m, e.q.to_bits())
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(moments(1), moments(2));
    assert_eq!(moments(1), moments(3));
}

#[test]
fn calibrated_file_is_a_scenario_and_a_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cal");
    let (ok, stdout, err) = migsim(&[
        "calibrate",
        "talent",
        "--reps",
        "2",
        "--starts",
        "2",
        "--max-iters",
        "40",
        "--no-heldout",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    for k in ["name", "start", "estimate", "se", "lower", "upper"] {
        assert!(v["params"][0].get(k).is_some(), "params.{k}");
    }
    for k in [
        "table",
        "spec",
        "term",
        "published",
        "published_se",
        "at_start",
        "calibrated",
        "z",
    ] {
        assert!(v["targets"][0].get(k).is_some(), "targets.{k}");
    }
    assert!(v["heldout"].is_array());
    for k in [
        "q",
        "j",
        "df",
        "p_value",
        "evaluations",
        "elapsed_s",
        "converged",
    ] {
        assert!(v["fit"].get(k).is_some(), "fit.{k}");
    }
    let file = out.join("calibrated.toml");
    let table = CalibrationTable::load(&file).unwrap();
    // The talent default free set (replicate/talent.rs FREE).
    assert_eq!(table.params.len(), 6);
    let sc = Scenario::load(&file).unwrap();
    // serde_json's default float parsing is not correctly rounded (it can
    // be one ulp off), so the JSON value is compared to 1e-12.
    let est = v["params"][0]["estimate"].as_f64().unwrap();
    let base = sc.baseline["index"]["unit_support"].as_float().unwrap();
    assert!(
        (base - est).abs() <= 1e-12 * est.abs().max(1.0),
        "{base} vs {est}"
    );
    let csv = dir.path().join("c.csv");
    let (ok, _, err) = migsim(&[
        "cohort",
        "talent",
        "--scenario",
        file.to_str().unwrap(),
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    // Another scenario starts from it; its own [baseline] goes on top.
    let other = write(
        &out,
        "other.toml",
        "name = \"o\"\nstudy = \"talent\"\nreplications = 2\nseed = 1\nbaseline_from = \"calibrated.toml\"\n\
         [baseline]\n\"changchun.danwei_benefit\" = 0.123\n[[intervention]]\nname = \"x\"\nset = { \"policy.unit_support_south_boost\" = 1.0 }\n",
    );
    let sc = Scenario::load(Path::new(&other)).unwrap();
    assert_eq!(sc.baseline["index"]["unit_support"].as_float(), Some(base));
    assert_eq!(
        sc.baseline["changchun"]["danwei_benefit"].as_float(),
        Some(0.123)
    );
    let wrong = write(
        &out,
        "wrong.toml",
        &std::fs::read_to_string(&other)
            .unwrap()
            .replace("study = \"talent\"", "study = \"assets\""),
    );
    let e = Scenario::load(Path::new(&wrong)).unwrap_err().to_string();
    assert!(e.contains("baseline_from") && e.contains("talent"), "{e}");
}

/// A monitor that cancels once `after` cohorts have been reported.
struct CancelAfter {
    after: usize,
    seen: std::sync::Mutex<Vec<(usize, usize)>>,
    token: migsim::monitor::CancelToken,
}

impl migsim::monitor::Monitor for CancelAfter {
    fn progress(&self, done: usize, total: usize) {
        self.seen.lock().unwrap().push((done, total));
        if done >= self.after {
            self.token.cancel();
        }
    }
    fn cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}

#[test]
fn a_monitored_calibration_reports_cohorts_and_stops_when_cancelled() {
    use migsim::calibrate::smc::{SmcError, SmcOptions, posterior_monitored};
    use migsim::calibrate::{CalibrateError, calibrate, calibrate_monitored};
    let opts = Options {
        study: StudyName::Talent,
        targets_file: None,
        free: None,
        reps: 1,
        seed: 3,
        n: Some(400),
        search: Search {
            starts: 1,
            max_iters: 3,
            ..Search::default()
        },
        self_check: false,
        heldout: false,
        geography_cohorts: migsim::calibrate::geography::GEOGRAPHY_COHORTS,
    };
    // Never cancelled: the same result as the unmonitored call, with every
    // cohort counted once (done runs 1, 2, ... and never passes the total).
    let all = CancelAfter {
        after: usize::MAX,
        seen: Default::default(),
        token: Default::default(),
    };
    let a = calibrate_monitored(&opts, &all).unwrap();
    let b = calibrate(&opts).unwrap();
    let json = |c: &migsim::calibrate::Calibration| serde_json::to_value(&c.params).unwrap();
    assert_eq!(json(&a), json(&b));
    let seen = all.seen.into_inner().unwrap();
    let mut done: Vec<usize> = seen.iter().map(|s| s.0).collect();
    done.sort_unstable();
    assert_eq!(done, (1..=seen.len()).collect::<Vec<_>>());
    assert!(seen.iter().all(|&(d, t)| d <= t));
    for after in [1, 5, 20] {
        let m = CancelAfter {
            after,
            seen: Default::default(),
            token: Default::default(),
        };
        let e = calibrate_monitored(&opts, &m).unwrap_err();
        assert!(matches!(e, CalibrateError::Cancelled), "{e}");
        // Cohorts already running finish; none starts after the cancel.
        let n = m.seen.into_inner().unwrap().len();
        assert!(
            n >= after && n < after + 4 * rayon::current_num_threads(),
            "{n}"
        );
    }
    let smc = SmcOptions {
        particles: 16,
        moves: 1,
        predictive: 4,
    };
    let m = CancelAfter {
        after: 10,
        seen: Default::default(),
        token: Default::default(),
    };
    let e = posterior_monitored(&opts, &smc, &m).unwrap_err();
    assert!(matches!(e, SmcError::Cancelled), "{e}");
}
