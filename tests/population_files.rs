//! A user's sample for the enclave, assets and talent studies (`population = "FILE.csv"`,
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

/// Write `header` and rows of `cols` (one vector per column) to `name`.
fn write_csv(dir: &Path, name: &str, header: &str, cols: &[Vec<f64>]) -> PathBuf {
    let mut text = format!("{header}\n");
    for i in 0..cols[0].len() {
        let row: Vec<String> = cols.iter().map(|c| c[i].to_string()).collect();
        text.push_str(&format!("p{i},{}\n", row.join(",")));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Share of ones in `v` where `keep` holds, its binomial SE under `p`.
fn share_where(v: &[f64], keep: impl Fn(usize) -> bool, p: f64) -> (f64, f64) {
    let sel: Vec<f64> = (0..v.len()).filter(|&i| keep(i)).map(|i| v[i]).collect();
    let m = sel.len() as f64;
    (sel.iter().sum::<f64>() / m, (p * (1.0 - p) / m).sqrt())
}

/// Assets: male, age, party, ln_income from the file (values unlike the
/// defaults': every worker a party member, ages 20..79), an outcome column
/// `intent` that must not be read; the other controls are the draws.
fn assets_sample(dir: &Path, n: usize) -> (PathBuf, Vec<Vec<f64>>) {
    let cols = vec![
        (0..n)
            .map(|i| (i % 4 == 0) as u8 as f64)
            .collect::<Vec<_>>(),
        (0..n).map(|i| (20 + (i * 7) % 60) as f64).collect(),
        vec![1.0; n],
        (0..n)
            .map(|i| {
                if i % 5 == 0 {
                    0.0
                } else {
                    9.0 + (i % 13) as f64 / 10.0
                }
            })
            .collect(),
        vec![7.0; n],
    ];
    let path = write_csv(
        dir,
        "assets.csv",
        "person,male,age,party,ln_income,intent",
        &cols,
    );
    (path, cols)
}

#[test]
fn assets_controls_pass_through_and_drawn_ones_follow_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let n = 3000;
    let (path, cols) = assets_sample(dir.path(), n);
    let d = migsim::studies::assets::Config::default().demographics;
    for seed in [1, 2, 3, 4] {
        let with = simulate(StudyName::Assets, &overrides(&path), Some(n), seed).unwrap();
        let without = simulate(StudyName::Assets, &toml::Table::new(), Some(n), seed).unwrap();
        for (k, name) in ["male", "age", "party", "ln_income"].iter().enumerate() {
            assert_eq!(
                numeric(&with.cohort, name),
                cols[k].as_slice(),
                "seed {seed}: {name}"
            );
        }
        // The outcome column of the file is not read: intent is 0/1.
        assert!(
            numeric(&with.cohort, "intent")
                .iter()
                .all(|&v| v == 0.0 || v == 1.0)
        );
        for name in ["edu_years", "parent_edu", "married", "has_child"] {
            assert_eq!(
                numeric(&with.cohort, name),
                numeric(&without.cohort, name),
                "seed {seed}: {name}"
            );
        }
        let married = numeric(&with.cohort, "married");
        let (share, se) = share_where(married, |_| true, d.married_share);
        assert!(
            (share - d.married_share).abs() < 4.0 * se,
            "seed {seed}: married {share}"
        );
        let child = numeric(&with.cohort, "has_child");
        let (share, se) = share_where(child, |i| married[i] == 1.0, d.child_if_married);
        assert!(
            (share - d.child_if_married).abs() < 4.0 * se,
            "seed {seed}: child {share}"
        );
        assert!((0..n).all(|i| child[i] <= married[i]));
    }
}

/// Talent: age and male from the file, an outcome column `retain` that must
/// not be read; univ is drawn.
fn talent_sample(dir: &Path, n: usize) -> (PathBuf, Vec<Vec<f64>>) {
    let cols = vec![
        (0..n)
            .map(|i| (18 + (i * 11) % 60) as f64)
            .collect::<Vec<_>>(),
        (0..n).map(|i| (i % 2) as f64).collect(),
        vec![5.0; n],
    ];
    let path = write_csv(dir, "talent.csv", "person,age,male,retain", &cols);
    (path, cols)
}

#[test]
fn talent_covariates_pass_through_and_drawn_ones_follow_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let n = 2000;
    let (path, cols) = talent_sample(dir.path(), n);
    let cfg = migsim::studies::talent::Config::default();
    for seed in [1, 2, 3, 4] {
        let with = simulate(StudyName::Talent, &overrides(&path), Some(n), seed).unwrap();
        let without = simulate(StudyName::Talent, &toml::Table::new(), Some(n), seed).unwrap();
        for (k, name) in ["age", "male"].iter().enumerate() {
            assert_eq!(
                numeric(&with.cohort, name),
                cols[k].as_slice(),
                "seed {seed}: {name}"
            );
        }
        let age2: Vec<f64> = cols[0].iter().map(|a| a * a).collect();
        assert_eq!(numeric(&with.cohort, "age2"), age2.as_slice());
        assert!(
            numeric(&with.cohort, "retain")
                .iter()
                .all(|&v| v == 0.0 || v == 1.0)
        );
        let univ = numeric(&with.cohort, "univ");
        assert_eq!(univ, numeric(&without.cohort, "univ"), "seed {seed}");
        let south = numeric(&with.cohort, "south");
        for (flag, p) in [(1.0, cfg.south.univ_share), (0.0, cfg.changchun.univ_share)] {
            let (share, se) = share_where(univ, |i| south[i] == flag, p);
            assert!(
                (share - p).abs() < 4.0 * se,
                "seed {seed} south={flag}: {share} vs {p}"
            );
        }
    }
}

#[test]
fn assets_and_talent_refuse_bad_cells_naming_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (StudyName::Assets, "male,age\n1,30\n0,90\n", "age", "row 2"),
        (
            StudyName::Assets,
            "party,married\n0,1\n0,1\n1,2\n",
            "married",
            "row 3",
        ),
        (
            StudyName::Assets,
            "ln_income\n9.5\n-1\n",
            "ln_income",
            "row 2",
        ),
        (
            StudyName::Assets,
            "edu_years\n12\nhigh\n",
            "edu_years",
            "row 2",
        ),
        (
            StudyName::Talent,
            "age,univ\n30,1\n31,0.5\n",
            "univ",
            "row 2",
        ),
        (StudyName::Talent, "age,male\n30,1\n,0\n", "age", "row 2"),
    ];
    for (study, text, col, row) in cases {
        let path = dir.path().join("bad.csv");
        std::fs::write(&path, text).unwrap();
        let e = simulate(study, &overrides(&path), Some(400), 1)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!("column `{col}`")) && e.contains(row) && e.contains("bad.csv"),
            "{study} {text:?}: {e}"
        );
    }
    let (path, _) = talent_sample(dir.path(), 300);
    let e = simulate(StudyName::Talent, &overrides(&path), Some(310), 1)
        .unwrap_err()
        .to_string();
    assert!(e.contains("300 rows") && e.contains("n = 310"), "{e}");
}

#[test]
fn cohort_cli_lists_the_columns_of_assets_and_talent_samples() {
    let dir = tempfile::tempdir().unwrap();
    let (assets, acols) = assets_sample(dir.path(), 600);
    let (talent, _) = talent_sample(dir.path(), 500);
    let cases = [
        (
            "assets",
            &assets,
            600,
            serde_json::json!(["male", "age", "party", "ln_income"]),
            serde_json::json!(["edu_years", "parent_edu", "married", "has_child"]),
            serde_json::json!(["person", "intent"]),
        ),
        (
            "talent",
            &talent,
            500,
            serde_json::json!(["age", "male"]),
            serde_json::json!(["univ"]),
            serde_json::json!(["person", "retain"]),
        ),
    ];
    for (study, path, rows, from_file, drawn, ignored) in cases {
        let out = dir.path().join(format!("{study}.out.csv"));
        let o = migsim(&[
            "cohort",
            study,
            "--population",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--json",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["n"], rows, "{study}");
        assert_eq!(v["population"]["from_file"], from_file, "{study}");
        assert_eq!(v["population"]["drawn"], drawn, "{study}");
        assert_eq!(v["population"]["ignored"], ignored, "{study}");
        if study == "assets" {
            let cohort = Dataset::read_csv(&out).unwrap();
            assert_eq!(numeric(&cohort, "ln_income"), acols[3].as_slice());
        }
    }
    // Without --json the lines name the file and the three lists.
    let out = dir.path().join("talent.txt.csv");
    let o = migsim(&[
        "cohort",
        "talent",
        "--population",
        talent.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("from the file: age, male")
            && text.contains("drawn from the defaults: univ")
            && text.contains("ignored columns: person, retain"),
        "{text}"
    );
}
