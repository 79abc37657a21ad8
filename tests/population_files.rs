//! A user's sample for the enclave study (`population = "FILE.csv"`,
//! `migsim cohort enclave --population FILE.csv`): supplied covariates pass
//! through to the cohort unchanged, the others are the draws from the
//! defaults (the same draws as without a file, so their moments follow the
//! configured marginals), bad cells are refused naming row and column, and
//! recovery specs take the same file.

use std::path::{Path, PathBuf};
use std::process::Command;

use migsim::data::{Column, Dataset};
use migsim::studies::enclave::Config;
use migsim::studies::{StudyName, simulate};

/// A sample of `n` migrants: an id column, male, age, edu_years (values
/// unlike the defaults' so that a pass-through is unmistakable).
fn write_sample(dir: &Path, n: usize) -> (PathBuf, Vec<[f64; 3]>) {
    let mut text = String::from("person,male,age,edu_years\n");
    let mut rows = Vec::new();
    for i in 0..n {
        let r = [
            (i % 3 == 0) as u8 as f64,
            (20 + (i * 7) % 40) as f64,
            ((i * 5) % 17) as f64,
        ];
        text.push_str(&format!("p{i},{},{},{}\n", r[0], r[1], r[2]));
        rows.push(r);
    }
    let path = dir.join("sample.csv");
    std::fs::write(&path, text).unwrap();
    (path, rows)
}

fn numeric<'a>(d: &'a Dataset, name: &str) -> &'a [f64] {
    match d.column(name) {
        Some(Column::Numeric(v)) => v,
        _ => panic!("no numeric column {name}"),
    }
}

fn overrides(path: &Path) -> toml::Table {
    let mut t = toml::Table::new();
    t.insert(
        "population".into(),
        toml::Value::String(path.display().to_string()),
    );
    t
}

#[test]
fn supplied_covariates_pass_through_and_drawn_ones_follow_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let n = 2000;
    let (path, rows) = write_sample(dir.path(), n);
    let cfg = Config::default().covariates;
    for seed in [1, 2, 3] {
        let with = simulate(StudyName::Enclave, &overrides(&path), Some(n), seed).unwrap();
        let without = simulate(StudyName::Enclave, &toml::Table::new(), Some(n), seed).unwrap();
        for (k, name) in ["male", "age", "edu_years"].iter().enumerate() {
            let got = numeric(&with.cohort, name);
            let want: Vec<f64> = rows.iter().map(|r| r[k]).collect();
            assert_eq!(got, want.as_slice(), "seed {seed}: {name}");
        }
        // The drawn covariates are the draws of a run without a file ...
        for name in ["married", "healthy", "hh_size", "ln_hh_income"] {
            assert_eq!(
                numeric(&with.cohort, name),
                numeric(&without.cohort, name),
                "{name}"
            );
        }
        // ... whose shares follow the configured marginals (4 binomial SEs).
        for (name, p) in [
            ("married", cfg.married),
            ("healthy", cfg.healthy),
            ("nonfarm", cfg.nonfarm),
        ] {
            let v = numeric(&with.cohort, name);
            let share = v.iter().sum::<f64>() / v.len() as f64;
            let se = (p * (1.0 - p) / v.len() as f64).sqrt();
            assert!(
                (share - p).abs() < 4.0 * se,
                "seed {seed} {name}: {share} vs {p}"
            );
        }
        let inc = numeric(&with.cohort, "ln_hh_income");
        let m = inc.iter().sum::<f64>() / inc.len() as f64;
        let se = cfg.ln_income_sd / (inc.len() as f64).sqrt();
        assert!((m - cfg.ln_income_mean).abs() < 4.0 * se, "{m}");
    }
}

#[test]
fn bad_cells_and_wrong_sizes_are_refused_naming_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("male,age\n1,30\n0,70\n", "age", "row 2"),
        ("male,age\n1,30\n2,40\n", "male", "row 2"),
        ("male,age\n1,30\n1,\n", "age", "row 2"),
        (
            "male,age,village_outflow\n1,30,0.2\n1,31,abc\n",
            "village_outflow",
            "row 2",
        ),
    ];
    for (text, col, row) in cases {
        let path = dir.path().join("bad.csv");
        std::fs::write(&path, text).unwrap();
        let e = simulate(StudyName::Enclave, &overrides(&path), Some(200), 1)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!("column `{col}`")) && e.contains(row) && e.contains("bad.csv"),
            "{text:?}: {e}"
        );
    }
    let (path, _) = write_sample(dir.path(), 400);
    let e = simulate(StudyName::Enclave, &overrides(&path), Some(402), 1)
        .unwrap_err()
        .to_string();
    assert!(e.contains("400 rows") && e.contains("n = 402"), "{e}");
}

fn migsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn cohort_cli_takes_n_from_the_file_and_lists_the_drawn_columns() {
    let dir = tempfile::tempdir().unwrap();
    let (path, rows) = write_sample(dir.path(), 400);
    let out = dir.path().join("cohort.csv");
    let o = migsim(&[
        "cohort",
        "enclave",
        "--population",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["n"], 400);
    assert_eq!(
        v["population"]["from_file"],
        serde_json::json!(["male", "age", "edu_years"])
    );
    assert_eq!(v["population"]["ignored"], serde_json::json!(["person"]));
    let drawn = v["population"]["drawn"].as_array().unwrap();
    assert_eq!(drawn.len(), 8);
    let cohort = Dataset::read_csv(&out).unwrap();
    let want: Vec<f64> = rows.iter().map(|r| r[1]).collect();
    assert_eq!(numeric(&cohort, "age"), want.as_slice());
    let o = migsim(&[
        "cohort",
        "assets",
        "--population",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("enclave"));
}

#[test]
fn recovery_specs_read_the_sample_relative_to_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    let (_, rows) = write_sample(dir.path(), 400);
    let spec = dir.path().join("spec.toml");
    std::fs::write(
        &spec,
        r#"
reps = 2
seed = 3
n = 400
study = "enclave"
population = "sample.csv"
estimands = ["ate_individual"]

[[estimators]]
label = "lpm"
estimator = "ols"
y = "up"
x = "enclave,male,age,edu_years"
take = "coefficients:enclave"
estimand = "ate_individual"
"#,
    )
    .unwrap();
    let s = migsim::recovery::Spec::load(&spec).unwrap();
    let migsim::recovery::Source::Study { overrides, .. } = &s.source else {
        panic!("not a study spec")
    };
    let pop = overrides["population"].as_str().unwrap();
    assert_eq!(Path::new(pop), dir.path().join("sample.csv"));
    // Every replication's cohort carries the file's covariates.
    let sim = migsim::recovery::estimands::simulate(&s.source, s.n, 99, 0).unwrap();
    let want: Vec<f64> = rows.iter().map(|r| r[2]).collect();
    assert_eq!(numeric(&sim.cohort, "edu_years"), want.as_slice());
    let rec = migsim::recovery::run(&s, &Default::default()).unwrap();
    assert_eq!(rec.estimators[0].fitted + rec.estimators[0].failures, 2);
}
