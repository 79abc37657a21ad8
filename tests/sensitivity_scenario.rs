//! Sensitivity analysis of a scenario on the fake study, whose outputs
//! depend on known parameters only: `level` = level_mult · mean(u) does
//! not depend on `boost`, `share` = P(u < 0.5 + boost) not on
//! `level_mult`. Inert parameters get exactly zero indices (common random
//! numbers across design rows), the driving one takes all the variance;
//! rows computed in slices or on any number of threads are identical.

mod scenario_fake;

use migsim::scenario::Scenario;
use migsim::sensitivity::analyse;
use migsim::sensitivity::scenario::{IndexRow, IndexValues, design_rows, prepare};

const DIR: &str = "tests/fixtures/uncertainty";

fn src(table: &str) -> String {
    format!(
        "name = \"s\"\nstudy = \"enclave\"\nreplications = 2\nseed = 4\nmetrics = [\"level\", \"share\"]\n\
         [baseline]\nn = 200\n[[intervention]]\nname = \"double-level\"\nscale = {{ \"policy.level_mult\" = 2.0 }}\n\
         [sensitivity]\n{table}\n"
    )
}

const PARAMS: &str = "params = { \"policy.level_mult\" = { lower = 0.5, upper = 1.5 }, \"policy.boost\" = { lower = 0.0, upper = 0.3 } }";

fn scn(table: &str) -> Scenario {
    Scenario::parse(&src(table), &format!("{DIR}/scn.toml")).unwrap()
}

fn row<'a>(rows: &'a [IndexRow], metric: &str, iv: &str, param: &str) -> &'a IndexValues {
    &rows
        .iter()
        .find(|r| r.metric == metric && r.intervention == iv && r.param == param)
        .unwrap()
        .values
}

#[test]
fn sobol_finds_the_driving_parameter_of_each_output() {
    let s = scn(&format!(
        "method = \"sobol\"\nn = 256\nbootstrap = 200\n{PARAMS}"
    ));
    let a = analyse(&s, &scenario_fake::model(), None, None, &|_, _| {}).unwrap();
    assert_eq!(a.runs, 256 * 4);
    assert_eq!(a.outputs.len(), 4);
    for (metric, iv, driver, inert) in [
        ("level", "baseline", "policy.level_mult", "policy.boost"),
        ("level", "double-level", "policy.level_mult", "policy.boost"),
        ("share", "baseline", "policy.boost", "policy.level_mult"),
    ] {
        let IndexValues::Sobol(d) = *row(&a.indices, metric, iv, driver) else {
            panic!()
        };
        let IndexValues::Sobol(z) = *row(&a.indices, metric, iv, inert) else {
            panic!()
        };
        assert_eq!((z.s1, z.st), (0.0, 0.0), "{metric}/{iv}: {z:?}");
        assert!(d.s1_low <= 1.0 && 1.0 <= d.s1_high.max(1.0), "{d:?}");
        assert!(
            (d.s1 - 1.0).abs() < 0.05 && (d.st - 1.0).abs() < 0.05,
            "{d:?}"
        );
        assert!(d.st_low <= 1.0 && 1.0 <= d.st_high, "{d:?}");
    }
}

#[test]
fn morris_screens_out_the_inert_parameter() {
    let s = scn(&format!("method = \"morris\"\nn = 12\n{PARAMS}"));
    let a = analyse(&s, &scenario_fake::model(), None, None, &|_, _| {}).unwrap();
    let IndexValues::Morris(inert) = *row(&a.indices, "level", "baseline", "policy.boost") else {
        panic!()
    };
    let IndexValues::Morris(d) = *row(&a.indices, "level", "baseline", "policy.level_mult") else {
        panic!()
    };
    assert_eq!(inert.mu_star, 0.0);
    // EE = mean(u) · (upper - lower) = mean(u), near 1/2 for n = 200.
    assert!((0.4..0.6).contains(&d.mu_star) && d.sigma < 1e-9, "{d:?}");
}

#[test]
fn rows_do_not_depend_on_slicing_or_threads() {
    let s = scn(&format!("n = 16\nbootstrap = 50\n{PARAMS}"));
    let m = scenario_fake::model();
    let plan = prepare(&s, &m, None, None).unwrap();
    let all = plan.design.rows();
    let whole = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| design_rows(&s, &m, &plan, 0..all, &|_, _| {}).unwrap());
    let mut parts = design_rows(&s, &m, &plan, 0..7, &|_, _| {}).unwrap();
    parts.extend(design_rows(&s, &m, &plan, 7..all, &|_, _| {}).unwrap());
    assert_eq!(whole, parts);
}

#[test]
fn from_calibrated_uses_two_standard_errors_within_bounds() {
    let s = scn("n = 8\nfrom = \"calibrated.toml\"");
    let spec = s.sensitivity.unwrap();
    assert_eq!(spec.keys, vec!["policy.level_mult", "policy.boost"]);
    assert!((spec.lower[0] - 0.6).abs() < 1e-12 && (spec.upper[0] - 1.4).abs() < 1e-12);
    assert!((spec.lower[1] - 0.0).abs() < 1e-12 && (spec.upper[1] - 0.2).abs() < 1e-12);
}

#[test]
fn bad_tables_name_file_line_and_key() {
    let file = format!("{DIR}/scn.toml");
    let m = scenario_fake::model();
    let err = |table: &str| match Scenario::parse(&src(table), &file) {
        Err(e) => e.to_string(),
        Ok(s) => match analyse(&s, &m, None, None, &|_, _| {}) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("accepted {table}"),
        },
    };
    for (table, want) in [
        (
            "params = { \"policy.nope\" = { lower = 0.0, upper = 1.0 } }",
            "`policy.nope` is not a numeric setting",
        ),
        (
            "params = { \"policy.level_mult\" = { lower = 1.2, upper = 1.5 } }",
            "exclude the baseline value 1",
        ),
        (
            "params = { \"policy.level_mult\" = { lower = 1.5, upper = 0.5 } }",
            "`policy.level_mult`: bounds",
        ),
        (
            "n = 1\nparams = { \"policy.level_mult\" = { lower = 0.5, upper = 1.5 } }",
            "`n` = 1",
        ),
        ("method = \"fast\"\nparams = {}", "fast"),
        ("size = 3\nparams = {}", "size"),
        ("params = {}", "`params` is empty"),
    ] {
        let e = err(table);
        // The table's line, or (for a key the TOML schema rejects) the key's.
        let at = e.contains("scn.toml line 11") || e.contains("scn.toml line 12");
        assert!(e.contains(want) && at, "{table}: {e}");
    }
}

/// design.csv is tidy (item 3 of issue 29): one row per design row ×
/// replication × arm, with the row's parameters, the replication's seed and
/// every metric; each value is the fake study's closed form at that seed
/// and those parameters (`level = level_mult · mean(u)`, doubled in the
/// `double-level` arm; `share` = the share of u below `0.5 + boost`), and
/// the wide design_outputs.csv holds their means over replications.
#[test]
fn design_csv_is_tidy_and_matches_the_closed_form() {
    use migsim::seed::{self, Component};
    use rand::Rng;
    let s = scn(&format!(
        "method = \"sobol\"\nn = 4\nreplications = 3\nbootstrap = 20\n{PARAMS}"
    ));
    let a = analyse(&s, &scenario_fake::model(), None, None, &|_, _| {}).unwrap();
    let csv_text = migsim::report::sensitivity_files::design_csv(&a).unwrap();
    let mut rd = csv::Reader::from_reader(csv_text.as_slice());
    let head: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (row, rep, seed_c, arm) = (col("row"), col("replication"), col("seed"), col("arm"));
    let (mult, boost) = (col("policy.level_mult"), col("policy.boost"));
    let (level, share) = (col("level"), col("share"));
    let rows: Vec<Vec<String>> = rd
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(
        rows.len(),
        a.runs * 3 * 2,
        "design rows x replications x arms"
    );
    let f = |x: &str| x.parse::<f64>().unwrap();
    let mut sums = vec![0.0; a.runs];
    for r in &rows {
        let seed: u64 = r[seed_c].parse().unwrap();
        let mut rng = seed::stream(seed, 0, Component::Custom(1));
        let u: Vec<f64> = (0..200).map(|_| rng.random::<f64>()).collect();
        let factor = if r[arm] == "double-level" { 2.0 } else { 1.0 };
        let want_level = factor * f(&r[mult]) * u.iter().sum::<f64>() / 200.0;
        let thr = 0.5 + f(&r[boost]);
        let want_share = u.iter().filter(|&&x| x < thr).count() as f64 / 200.0;
        assert!((f(&r[level]) - want_level).abs() < 1e-12, "{r:?}");
        assert!((f(&r[share]) - want_share).abs() < 1e-12, "{r:?}");
        // Replication r has the same seed in every design row and arm.
        let rep_i: usize = r[rep].parse().unwrap();
        assert_eq!(seed, migsim::scenario::replication_seed(4, rep_i));
        if r[arm] == "baseline" {
            sums[r[row].parse::<usize>().unwrap()] += f(&r[level]) / 3.0;
        }
    }
    // The wide table's baseline level is the mean of the tidy rows.
    let wide = migsim::report::sensitivity_files::design_outputs_csv(&a).unwrap();
    let mut rd = csv::Reader::from_reader(wide.as_slice());
    let whead: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    let lc = whead.iter().position(|h| h == "level:baseline").unwrap();
    for (i, r) in rd.records().enumerate() {
        let v: f64 = r.unwrap()[lc].parse().unwrap();
        assert!((v - sums[i]).abs() < 1e-12, "row {i}: {v} vs {}", sums[i]);
    }
}
