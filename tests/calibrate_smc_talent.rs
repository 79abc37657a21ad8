//! `--method smc` on the talent study (fast): the posterior is identical
//! on 1 and 2 threads, stays in the bounds with normalised weights and a
//! normal prior set in the targets file is honoured; `--sbc K` at small K
//! writes ranks in 0..=L, a χ² p-value and the rank histogram; bad
//! options and priors are refused by name.

use std::process::Command;

use migsim::calibrate::Options;
use migsim::calibrate::optimise::Search;
use migsim::calibrate::smc::prior::Prior;
use migsim::calibrate::smc::sbc::RANK_DRAWS;
use migsim::calibrate::smc::{SmcOptions, posterior};
use migsim::studies::StudyName;

fn opts(targets: Option<std::path::PathBuf>) -> Options {
    Options {
        study: StudyName::Talent,
        targets_file: targets,
        free: None,
        reps: 1,
        seed: 3,
        n: None,
        search: Search::default(),
        self_check: false,
        heldout: false,
        geography_cohorts: migsim::calibrate::geography::GEOGRAPHY_COHORTS,
    }
}

const SMALL: SmcOptions = SmcOptions {
    particles: 16,
    moves: 1,
    predictive: 4,
};

#[test]
fn identical_on_one_and_two_threads_and_within_bounds() {
    let on = |t: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .unwrap()
            .install(|| posterior(&opts(None), &SMALL).unwrap())
    };
    let (a, b) = (on(1), on(2));
    assert_eq!(a.sample, b.sample);
    assert_eq!(a.evaluations, b.evaluations);
    assert!((a.sample.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    for p in &a.params {
        let (lo, hi) = match p.prior {
            Prior::Uniform { lower, upper } | Prior::Normal { lower, upper, .. } => (lower, upper),
        };
        assert!(p.quantiles.iter().all(|q| (lo..=hi).contains(q)), "{p:?}");
        assert!(p.quantiles.windows(2).all(|w| w[0] <= w[1]), "{p:?}");
    }
    assert_eq!(a.stages.last().unwrap().temperature, 1.0);
    assert_eq!(a.simulations, a.evaluations + SMALL.predictive as u64);
}

#[test]
fn a_prior_in_the_targets_file_is_used_and_bad_ones_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("t.toml");
    let head = "[[target]]\ntable = \"Table 1\"\nterm = \"unit support share\"\n\
                [[free]]\nkey = \"index.unit_support\"\nlower = -1.0\nupper = 4.0\n";
    std::fs::write(
        &f,
        format!("{head}[[prior]]\nkey = \"index.unit_support\"\ndist = \"normal\"\nmean = 2.0\nsd = 0.1\n"),
    )
    .unwrap();
    let p = posterior(&opts(Some(f.clone())), &SMALL).unwrap();
    assert_eq!(
        p.params[0].prior,
        Prior::Normal {
            mean: 2.0,
            sd: 0.1,
            lower: -1.0,
            upper: 4.0
        }
    );
    // A prior this tight dominates one share: the posterior sits near 2.
    assert!((p.params[0].mean - 2.0).abs() < 0.3, "{:?}", p.params[0]);
    std::fs::write(
        &f,
        format!(
            "{head}[[prior]]\nkey = \"index.other\"\ndist = \"normal\"\nmean = 2.0\nsd = 0.1\n"
        ),
    )
    .unwrap();
    let e = posterior(&opts(Some(f.clone())), &SMALL)
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 8") && e.contains("index.other"), "{e}");
    std::fs::write(
        &f,
        format!("{head}[[prior]]\nkey = \"index.unit_support\"\ndist = \"beta\"\n"),
    )
    .unwrap();
    let e = posterior(&opts(Some(f)), &SMALL).unwrap_err().to_string();
    assert!(e.contains("unknown dist `beta`"), "{e}");
}

#[test]
fn sbc_at_small_k_writes_ranks_and_the_histogram() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("sbc");
    let run = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args([
            "calibrate",
            "talent",
            "--method",
            "smc",
            "--sbc",
            "4",
            "--reps",
            "1",
            "--particles",
            "16",
            "--moves",
            "1",
            "--no-heldout",
            "--starts",
            "1",
            "--max-iters",
            "20",
            "--json",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(v["draws"], 4);
    for p in v["params"].as_array().unwrap() {
        let ranks = p["ranks"].as_array().unwrap();
        assert_eq!(ranks.len(), 4);
        assert!(
            ranks
                .iter()
                .all(|r| r.as_u64().unwrap() <= RANK_DRAWS as u64)
        );
        let counts: u64 = p["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .sum();
        assert_eq!(counts, 4);
        let pv = p["p_value"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&pv));
    }
    check_coverage(&v, &out, 4);
    let svg = std::fs::read_to_string(out.join("sbc_ranks.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("index.unit_support"));
    assert_eq!(
        std::fs::read_to_string(out.join("sbc_ranks.csv"))
            .unwrap()
            .lines()
            .count(),
        5
    );
}

/// The talent study's free parameters and bounds (`migsim calibrate`'s defaults).
fn bounds() -> Vec<(String, f64, f64)> {
    migsim::calibrate::spec::default_free_params(StudyName::Talent)
        .unwrap()
        .into_iter()
        .map(|p| (p.key, p.lower, p.upper))
        .collect()
}

/// SBC's coverage of both 95% intervals: each sandwich interval is the
/// central 95% of N(θ̂, se²) truncated to the parameter's bounds (checked
/// against the normal CDF), each posterior interval lies in the bounds,
/// and the reported coverage and Monte Carlo SE are those of the per-draw
/// intervals in `sbc_intervals.csv`.
fn check_coverage(v: &serde_json::Value, out: &std::path::Path, k: usize) {
    use statrs::distribution::{ContinuousCDF, Normal};
    let z = Normal::new(0.0, 1.0).unwrap();
    let csv = std::fs::read_to_string(out.join("sbc_intervals.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let b = bounds();
    assert_eq!(rows.len(), k * b.len());
    let cov = v["coverage"].as_array().unwrap();
    assert_eq!(cov.len(), b.len());
    for (j, (name, lo, hi)) in b.iter().enumerate() {
        let mine: Vec<&Vec<&str>> = rows.iter().filter(|r| r[1] == name).collect();
        assert_eq!(mine.len(), k, "{name}");
        let num = |r: &Vec<&str>, i: usize| r[i].parse::<f64>().unwrap();
        let (mut post, mut sand) = (0usize, 0usize);
        for r in &mine {
            let (t, pl, ph, est, se, sl, sh) = (
                num(r, 2),
                num(r, 3),
                num(r, 4),
                num(r, 6),
                num(r, 7),
                num(r, 8),
                num(r, 9),
            );
            assert!(*lo <= pl && pl <= ph && ph <= *hi, "{name}: {r:?}");
            assert!(*lo <= sl && sl <= sh && sh <= *hi, "{name}: {r:?}");
            if se > 0.0 && se.is_finite() {
                let cdf = |x: f64| z.cdf((x - est) / se);
                let mass = cdf(*hi) - cdf(*lo);
                if mass > 1e-6 {
                    let inside = (cdf(sh) - cdf(sl)) / mass;
                    assert!((inside - 0.95).abs() < 1e-6, "{name}: {r:?} holds {inside}");
                }
            }
            post += usize::from((pl..=ph).contains(&t));
            sand += usize::from((sl..=sh).contains(&t));
            assert_eq!(r[5], if (pl..=ph).contains(&t) { "1" } else { "0" });
            assert_eq!(r[10], if (sl..=sh).contains(&t) { "1" } else { "0" });
        }
        let c = &cov[j];
        assert_eq!(c["name"], name.as_str());
        for (m, covered) in [("posterior", post), ("sandwich", sand)] {
            assert_eq!(
                c[m]["covered"].as_u64().unwrap() as usize,
                covered,
                "{name} {m}"
            );
            assert_eq!(c[m]["draws"].as_u64().unwrap() as usize, k);
            let share = covered as f64 / k as f64;
            let se = (share * (1.0 - share) / k as f64).sqrt();
            assert!((c[m]["share"].as_f64().unwrap() - share).abs() < 1e-12);
            assert!((c[m]["mc_se"].as_f64().unwrap() - se).abs() < 1e-12);
        }
    }
}

#[test]
fn bad_options_are_refused_by_name() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_migsim"))
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&["calibrate", "talent", "--method", "smc", "--particles", "2"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--particles"));
    let o = run(&["calibrate", "talent", "--sbc", "3"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--method smc"));
}

/// The predictive check's held-out rows are the rows `migsim replicate`
/// marks held out: a value written into the model (talent's Table 1
/// unit-support and cumulative-network shares, role `input`) matches by
/// construction and a row that chose a value (role `target`) was fitted, so
/// neither is counted as a held-out check.
#[test]
fn predictive_held_out_rows_exclude_inputs() {
    use migsim::replicate::{Role, Tables, replicate_tables};
    let mut o = opts(None);
    o.heldout = true;
    let post = posterior(&o, &SMALL).unwrap();
    let rep = replicate_tables(
        StudyName::Talent,
        &toml::Table::new(),
        None,
        3,
        &Tables::All,
    )
    .unwrap();
    let role = |table: &str, spec: &str, term: &str| {
        rep.rows
            .iter()
            .find(|r| r.table == table && r.spec == spec && r.term == term)
            .map(|r| r.role)
    };
    let inputs = rep
        .rows
        .iter()
        .filter(|r| r.role == Role::Input && r.published.is_some())
        .count();
    assert!(
        inputs >= 2,
        "talent writes its Table 1 shares into the model"
    );
    let held = &post.predictive.heldout;
    assert!(!held.is_empty());
    for r in held {
        assert_eq!(
            role(&r.table, &r.spec, &r.term),
            Some(Role::HeldOut),
            "{} / {} / {}",
            r.table,
            r.spec,
            r.term
        );
    }
    let want = rep
        .rows
        .iter()
        .filter(|r| r.role == Role::HeldOut && r.published.is_some())
        .count();
    assert_eq!(
        held.len(),
        want,
        "every held-out row with a published value"
    );
}
