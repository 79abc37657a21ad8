//! Parquet row files against the CSV of the same command at the same seed:
//! `cohort --out X.parquet`, `fit --data X.parquet`, `run`/`recover`/
//! `sensitivity --format parquet` give the CSV's columns, in order, with
//! the same values (integers stay integers, text stays text, empty cells are
//! nulls); a bad Parquet file is one error naming it.

use std::path::Path;
use std::process::Command;

use migsim::columnar::{ColumnTable, Values, read_dataset};
use migsim::data::{Column, Dataset};

fn migsim(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The Parquet file equals the CSV file column by column (as the library's
/// CSV reader reads the CSV: numbers, or text).
fn same_table(parquet: &Path, csv: &Path) {
    let p = read_dataset(parquet, None).unwrap();
    let c = Dataset::read_csv(csv).unwrap();
    assert_eq!(p.names(), c.names(), "{}", parquet.display());
    assert_eq!(p.n_rows(), c.n_rows());
    for name in c.names() {
        let (a, b) = (p.column(name).unwrap(), c.column(name).unwrap());
        match (a, b) {
            // Numbers compare as numbers (a CSV `-0` is the integer 0, as pandas reads it).
            (Column::Numeric(x), Column::Numeric(y)) => {
                let same = x
                    .iter()
                    .zip(y)
                    .all(|(u, v)| u == v || (u.is_nan() && v.is_nan()));
                assert!(same, "column {name} of {}", parquet.display());
            }
            _ => assert_eq!(
                a.labels(),
                b.labels(),
                "column {name} of {}",
                parquet.display()
            ),
        }
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn cohort_and_fit_read_and_write_parquet_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, pq) = (dir.path().join("c.csv"), dir.path().join("c.parquet"));
    for out in [&csv, &pq] {
        migsim(&[
            "cohort",
            "enclave",
            "--n",
            "600",
            "--seed",
            "4",
            "--out",
            s(out),
        ]);
    }
    same_table(&pq, &csv);
    let t = ColumnTable::read_parquet(&pq).unwrap();
    let kind = |n: &str| {
        t.columns
            .iter()
            .find(|(c, _)| c == n)
            .map(|(_, v)| v.clone())
    };
    assert!(matches!(kind("year"), Some(Values::Int(_))));
    assert!(matches!(kind("ln_hh_income"), Some(Values::Float(_))));
    let fit = |data: &Path| {
        migsim(&[
            "fit",
            "probit",
            "--data",
            s(data),
            "--y",
            "up",
            "--x",
            "enclave,male,age",
            "--fe",
            "city,year",
            "--json",
        ])
    };
    assert_eq!(fit(&pq), fit(&csv));
}

#[test]
fn run_recover_and_sensitivity_write_parquet_rows() {
    let dir = tempfile::tempdir().unwrap();
    let scn = dir.path().join("s.toml");
    let text = std::fs::read_to_string("scenarios/enclave-platform.toml").unwrap();
    let text = text
        .replace("n = 4000", "n = 800")
        .replace("replications = 12", "replications = 3");
    std::fs::write(&scn, text).unwrap();
    for (fmt, out) in [("csv", "rc"), ("parquet", "rp")] {
        let o = dir.path().join(out);
        migsim(&["run", s(&scn), "--format", fmt, "--out", s(&o)]);
    }
    for name in ["replications", "paths"] {
        same_table(
            &dir.path().join("rp").join(format!("{name}.parquet")),
            &dir.path().join("rc").join(format!("{name}.csv")),
        );
    }
    assert!(!dir.path().join("rp/replications.csv").exists());
    let spec = "scenarios/recovery/logit_well_specified.toml";
    for (fmt, out) in [("csv", "vc"), ("parquet", "vp")] {
        let o = dir.path().join(out);
        migsim(&[
            "recover",
            spec,
            "--reps",
            "4",
            "--n",
            "300",
            "--format",
            fmt,
            "--out",
            s(&o),
            "--quiet",
        ]);
    }
    for name in ["replications", "diagnosands"] {
        same_table(
            &dir.path().join("vp").join(format!("{name}.parquet")),
            &dir.path().join("vc").join(format!("{name}.csv")),
        );
    }
    let sens = dir.path().join("sens.toml");
    let text = std::fs::read_to_string("scenarios/talent-unit-support-sensitivity.toml").unwrap();
    // A small copy: 300 professionals, N = 4 base samples.
    let small = text
        .replace("n = 4000", "n = 300")
        .replace("n = 128", "n = 4");
    assert_ne!(small, text, "the shipped scenario's sizes moved");
    std::fs::write(&sens, small).unwrap();
    for (fmt, out) in [("csv", "sc"), ("parquet", "sp")] {
        let o = dir.path().join(out);
        migsim(&["sensitivity", s(&sens), "--format", fmt, "--out", s(&o)]);
    }
    for name in ["indices", "design"] {
        same_table(
            &dir.path().join("sp").join(format!("{name}.parquet")),
            &dir.path().join("sc").join(format!("{name}.csv")),
        );
    }
}

#[test]
fn a_bad_parquet_file_is_one_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.parquet");
    std::fs::write(&bad, b"PAR1 but not really").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args(["fit", "ols", "--data", s(&bad), "--y", "y", "--x", "x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.parquet") && err.contains("Parquet"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args([
            "run",
            "scenarios/showcase.toml",
            "--format",
            "parquet",
            "--shard",
            "1/2",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format parquet"));
}
