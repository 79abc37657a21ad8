//! Posterior draws as Parquet: `migsim calibrate --method smc --format
//! parquet --out DIR` writes `DIR/posterior.parquet` with the columns of
//! `posterior.csv` (same run, same seed), which reads back as the same
//! draws and weights and which a scenario's `[uncertainty] from =
//! "….parquet"` uses exactly as the CSV (the same report at the same seed);
//! a Parquet file with a null, a text column or no `weight` column is
//! refused naming the row and column.

use std::path::Path;
use std::process::Command;

use migsim::calibrate::smc::PosteriorSample;
use migsim::columnar::{ColumnTable, Values};

fn migsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = migsim(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const SMALL: [&str; 14] = [
    "calibrate",
    "talent",
    "--method",
    "smc",
    "--particles",
    "16",
    "--moves",
    "1",
    "--predictive",
    "4",
    "--reps",
    "1",
    "--no-heldout",
    "--json",
];

#[test]
fn parquet_draws_equal_the_csv_draws_and_a_scenario_reads_them() {
    let d = tempfile::tempdir().unwrap();
    let (csv_dir, pq_dir) = (d.path().join("csv"), d.path().join("pq"));
    let mut a: Vec<&str> = SMALL.to_vec();
    a.extend(["--seed", "5", "--out", s(&csv_dir)]);
    ok(&a);
    let mut b: Vec<&str> = SMALL.to_vec();
    b.extend(["--seed", "5", "--format", "parquet", "--out", s(&pq_dir)]);
    ok(&b);
    assert!(!pq_dir.join("posterior.csv").exists());
    assert!(pq_dir.join("posterior.json").exists());
    let from_csv = PosteriorSample::load(&csv_dir.join("posterior.csv")).unwrap();
    let from_pq = PosteriorSample::load(&pq_dir.join("posterior.parquet")).unwrap();
    assert_eq!(from_csv, from_pq);
    assert_eq!(from_pq.params.len(), from_pq.draws[0].len());
    assert_eq!(from_pq.draws.len(), 16);
    // The Parquet columns are the CSV header, weights as Float64.
    let t = ColumnTable::read_parquet(&pq_dir.join("posterior.parquet")).unwrap();
    let header = std::fs::read_to_string(csv_dir.join("posterior.csv")).unwrap();
    let names: Vec<&str> = t.columns.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.join(","), header.lines().next().unwrap());
    assert!(matches!(t.columns.last().unwrap().1, Values::Float(_)));

    // A scenario reads either file: the same draws, so the same report.
    let scenario = |from: &str| {
        format!(
            "name = \"p\"\nstudy = \"talent\"\nn = 300\nreplications = 2\nseed = 3\n\
             metrics = [\"retain_share\"]\n\
             [[intervention]]\nname = \"x\"\nset = {{ \"policy.unit_support_south_boost\" = 0.2 }}\n\
             [uncertainty]\ndraws = 4\nreplications = 2\nfrom = \"{from}\"\n"
        )
    };
    let f_csv = d.path().join("a.toml");
    let f_pq = d.path().join("b.toml");
    std::fs::write(&f_csv, scenario("csv/posterior.csv")).unwrap();
    std::fs::write(&f_pq, scenario("pq/posterior.parquet")).unwrap();
    let (o1, o2) = (d.path().join("o1"), d.path().join("o2"));
    ok(&["run", s(&f_csv), "--out", s(&o1)]);
    ok(&["run", s(&f_pq), "--out", s(&o2)]);
    let uncertain = |o: &Path| std::fs::read(o.join("draws.csv")).unwrap();
    assert_eq!(uncertain(&o1), uncertain(&o2));
}

#[test]
fn bad_parquet_posteriors_are_refused_by_row_and_column() {
    let d = tempfile::tempdir().unwrap();
    let write = |name: &str, columns: Vec<(String, Values)>| {
        let p = d.path().join(name);
        let bytes = ColumnTable { columns }.to_parquet(name).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let key = "index.unit_support".to_string();
    // Integer draws read as numbers.
    let good = write(
        "good.parquet",
        vec![
            (key.clone(), Values::Int(vec![Some(1), Some(2)])),
            ("weight".into(), Values::Float(vec![Some(1.0), Some(3.0)])),
        ],
    );
    let p = PosteriorSample::load(&good).unwrap();
    assert_eq!(p.draws, vec![vec![1.0], vec![2.0]]);
    assert_eq!(p.weights, vec![0.25, 0.75]);
    let null = write(
        "null.parquet",
        vec![
            (key.clone(), Values::Float(vec![Some(1.0), None])),
            ("weight".into(), Values::Float(vec![Some(1.0), Some(1.0)])),
        ],
    );
    let e = PosteriorSample::load(&null).unwrap_err().to_string();
    assert!(
        e.contains("row 3") && e.contains(&key) && e.contains("null"),
        "{e}"
    );
    let text = write(
        "text.parquet",
        vec![
            (key.clone(), Values::Text(vec![Some("a".into())])),
            ("weight".into(), Values::Float(vec![Some(1.0)])),
        ],
    );
    let e = PosteriorSample::load(&text).unwrap_err().to_string();
    assert!(e.contains("row 2") && e.contains("`a` is text"), "{e}");
    let no_weight = write(
        "w.parquet",
        vec![(key.clone(), Values::Float(vec![Some(1.0)]))],
    );
    let e = PosteriorSample::load(&no_weight).unwrap_err().to_string();
    assert!(e.contains("w.parquet") && e.contains("`weight`"), "{e}");
    let e = PosteriorSample::load(&d.path().join("none.parquet"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("none.parquet"), "{e}");
    // `--format parquet` is for posterior draws only.
    let out = migsim(&["calibrate", "talent", "--format", "parquet"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--method smc"), "{err}");
}
