//! docs/codebook.md names every column the outputs have: each file's
//! header is produced here (scenario run with draws, paths, a sensitivity
//! analysis of each method, a recovery's CSVs, each study's cohort) and
//! every column must appear in a codebook table (`*_mcse` covers the Monte
//! Carlo SE columns; parameter and metric columns are named generically).

mod scenario_fake;

use std::collections::BTreeSet;
use std::process::Command;

use migsim::recovery::output::DIAGNOSAND_COLUMNS;
use migsim::report::run_files;
use migsim::scenario::{self, Scenario, Summary};
use migsim::studies::{StudyName, metric_info};

fn documented() -> BTreeSet<String> {
    let text = std::fs::read_to_string("docs/codebook.md").unwrap();
    let mut out = BTreeSet::new();
    for line in text.lines().filter(|l| l.starts_with("| `")) {
        let first = line.split('|').nth(1).unwrap_or("");
        for part in first.split('`').skip(1).step_by(2) {
            out.insert(part.to_string());
        }
    }
    out
}

fn header(bytes: &[u8]) -> Vec<String> {
    let mut rd = csv::Reader::from_reader(bytes);
    rd.headers().unwrap().iter().map(String::from).collect()
}

fn check(doc: &BTreeSet<String>, file: &str, cols: &[String], skip: &[&str]) {
    for c in cols {
        if skip.contains(&c.as_str()) || (c.ends_with("_mcse") && doc.contains("*_mcse")) {
            continue;
        }
        assert!(
            doc.contains(c),
            "{file}: column `{c}` is not in docs/codebook.md"
        );
    }
}

#[test]
fn every_output_column_is_in_the_codebook() {
    let doc = documented();
    let src = "name = \"u\"\nstudy = \"enclave\"\nreplications = 2\nseed = 5\nmetrics = [\"level\", \"share\"]\n\
        [baseline]\nn = 100\n[[intervention]]\nname = \"d\"\nscale = { \"policy.level_mult\" = 2.0 }\n\
        [uncertainty]\ndraws = 2\nreplications = 1\n\
        params = { \"policy.level_mult\" = { mean = 1.0, sd = 0.2, lower = 0.2, upper = 1.8 } }\n\
        [experiment]\ndesign = \"factorial\"\nreplications = 1\nlevels = { \"policy.boost\" = [0.0, 0.1] }\n";
    let scn = Scenario::parse(src, "tests/fixtures/uncertainty/scn.toml").unwrap();
    let runs = scenario::run(&scn, &scenario_fake::model(), &|_, _| {}).unwrap();
    let summary = Summary::of(&runs);
    let fake = ["policy.level_mult", "policy.boost", "level", "share"];
    check(
        &doc,
        "replications.csv",
        &header(&run_files::replications_csv(&runs).unwrap()),
        &[],
    );
    check(
        &doc,
        "paths.csv",
        &header(&run_files::paths_csv(&summary).unwrap()),
        &[],
    );
    check(
        &doc,
        "draws.csv",
        &header(&run_files::draws_csv(&runs).unwrap()),
        &fake,
    );
    check(
        &doc,
        "experiment.csv",
        &header(&migsim::report::experiment::experiment_csv(&runs).unwrap()),
        &fake,
    );
    let x = serde_json::to_value(summary.experiment.as_ref().unwrap()).unwrap();
    let keys: Vec<String> = x.as_object().unwrap().keys().cloned().collect();
    check(&doc, "summary.json experiment", &keys, &[]);
    let row = x["rows"][0]["effects"][0].as_object().unwrap();
    let keys: Vec<String> = row.keys().cloned().collect();
    check(&doc, "summary.json experiment rows", &keys, &[]);
    let effect = serde_json::to_value(&summary.effects[0]).unwrap();
    let keys: Vec<String> = effect.as_object().unwrap().keys().cloned().collect();
    check(&doc, "summary.json effects", &keys, &[]);
    for study in StudyName::ALL {
        let names: Vec<String> = metric_info::metrics(study)
            .iter()
            .map(|m| m.name.to_string())
            .collect();
        check(&doc, "scenario metrics", &names, &[]);
    }
    for method in ["sobol\"\nn = 4", "morris\"\nn = 3\nlevels = 4"] {
        let text = format!(
            "{}[sensitivity]\nmethod = \"{method}\nreplications = 1\nparams = {{ \"policy.level_mult\" = {{ lower = 0.5, upper = 1.5 }} }}\n",
            src.split("[uncertainty]").next().unwrap()
        );
        let s = Scenario::parse(&text, "tests/fixtures/uncertainty/scn.toml").unwrap();
        let a = migsim::sensitivity::analyse(&s, &scenario_fake::model(), None, None, &|_, _| {})
            .unwrap();
        let ind = header(&migsim::report::sensitivity_files::indices_csv(&a).unwrap());
        check(&doc, "indices.csv", &ind, &[]);
        let des = header(&migsim::report::sensitivity_files::design_csv(&a).unwrap());
        check(&doc, "design.csv", &des, &fake);
        let wide = header(&migsim::report::sensitivity_files::design_outputs_csv(&a).unwrap());
        let generic: Vec<String> = wide
            .into_iter()
            .filter(|c| !c.contains(':') && !fake.contains(&c.as_str()))
            .collect();
        check(&doc, "design_outputs.csv", &generic, &[]);
    }
    let diag: Vec<String> = DIAGNOSAND_COLUMNS.iter().map(|s| s.to_string()).collect();
    check(&doc, "diagnosands.csv", &diag, &[]);
    let rec = "rep,seed,n,estimator,estimand,take,truth,estimate,std_error,ci_low,ci_high,p_value,status,message";
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args([
            "recover",
            "scenarios/recovery/logit_well_specified.toml",
            "--reps",
            "2",
        ])
        .args(["--out", dir.path().join("r").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = header(&std::fs::read(dir.path().join("r/replications.csv")).unwrap());
    assert_eq!(got.join(","), rec);
    check(&doc, "recovery replications.csv", &got, &[]);
    for study in StudyName::ALL {
        let p = dir.path().join(format!("{study}.csv"));
        let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
            .args([
                "cohort",
                &study.to_string(),
                "--n",
                "200",
                "--out",
                p.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        check(
            &doc,
            &format!("cohort {study}"),
            &header(&std::fs::read(&p).unwrap()),
            &[],
        );
    }
}
