//! A recovery run resolves and checks its study's settings once, before
//! any replication (`recovery::estimands::Cohorts`): a refused setting
//! fails naming the first replication of the slice asked for, whatever
//! the thread count and the slice, and the replications of a resolved run
//! are those each replication computes when it resolves the settings
//! itself.

use migsim::recovery::estimands::{Cohorts, simulate};
use migsim::recovery::run::{replicate, replicate_from, replicate_indices};
use migsim::recovery::{RunOptions, Spec};

fn spec(overrides: &str) -> Spec {
    let text = format!(
        r#"reps = 12
seed = 5
n = 300
study = "assets"
estimands = ["ame_total_financial"]

[overrides]
{overrides}

[[estimators]]
label = "logit"
estimator = "logit"
y = "intent"
x = "ln_financial,ln_housing,male,age"
take = "coef:ln_financial"
estimand = ["ame_total_financial"]
"#
    );
    Spec::parse(&text, "test.toml", "test").unwrap()
}

#[test]
fn a_refused_setting_names_the_first_replication_of_the_slice() {
    let bad = spec("confounder_strength = nan");
    for start in [0usize, 3, 7] {
        for threads in [1usize, 2, 4] {
            let opts = RunOptions {
                threads: Some(threads),
                progress: None,
            };
            let e = replicate_indices(&bad, start..12, &opts)
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with(&format!("replication {start}: ")),
                "start {start}, {threads} threads: {e}"
            );
            assert!(e.contains("confounder_strength"), "{e}");
        }
    }
}

#[test]
fn resolved_once_equals_resolved_per_replication() {
    let good = spec("confounder_strength = 0.25");
    let cohorts = Cohorts::of(&good.source, good.n, 0).unwrap();
    for rep in 0..good.reps {
        assert_eq!(
            replicate_from(&good, &cohorts, rep).unwrap(),
            replicate(&good, rep).unwrap(),
            "replication {rep}"
        );
    }
    let all = replicate_indices(&good, 0..good.reps, &RunOptions::default()).unwrap();
    for (rep, r) in all.iter().enumerate() {
        assert_eq!(r.rep, rep);
        let direct = simulate(&good.source, good.n, r.seed, rep).unwrap();
        assert_eq!(r.n, direct.cohort.n_rows());
        assert_eq!(r.n, 300);
    }
}
