//! Acceptance tests of the talent study (issue 5): Table 1 means, the
//! Table 2 pattern, recovery of the structural index, common random
//! numbers, potential-outcome consistency and config errors.

use migsim::data::{Column, Dataset, Formula, build_design};
use migsim::estimate::{FitOptions, FitResult, Logit};
use migsim::studies::talent::{Config, Talent};
use migsim::studies::{self, Simulated, Study, StudyName};

const SEEDS: [u64; 8] = [11, 22, 33, 44, 55, 66, 77, 88];
const X: &str = "age2,male,univ,cumulative,interethnic,indiv_capital,kin_support,unit_support,particip_behavior,particip_cognition";

fn sim(seed: u64) -> Simulated {
    Talent::simulate(&Config::default(), seed).expect("default config simulates")
}

fn col(ds: &Dataset, name: &str) -> Vec<f64> {
    match ds.column(name) {
        Some(Column::Numeric(v)) => v.clone(),
        _ => panic!("missing numeric column {name}"),
    }
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn sd(v: &[f64]) -> f64 {
    let m = mean(v);
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}

/// Logit of `y` on the Table 2 regressors among rows with `south == region`
/// (all rows for `None`).
fn logit(ds: &Dataset, y: &str, region: Option<bool>) -> Result<FitResult, String> {
    let mut names = vec![y, "south"];
    names.extend(X.split(','));
    let cols = ds.numeric_columns(&names).map_err(|e| e.to_string())?;
    let keep: Vec<bool> = cols[1]
        .iter()
        .map(|&s| region.is_none_or(|r| (s == 1.0) == r))
        .collect();
    let columns = names
        .iter()
        .zip(cols)
        .map(|(n, v)| {
            let kept: Vec<f64> = v
                .into_iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(x, _)| x)
                .collect();
            (n.to_string(), Column::Numeric(kept))
        })
        .collect();
    let sub = Dataset::from_columns("subset", columns).map_err(|e| e.to_string())?;
    let f = Formula::parse(y, Some(X), None, None, true).map_err(|e| e.to_string())?;
    let d = build_design(&sub, &f).map_err(|e| e.to_string())?;
    Logit::new(FitOptions::default())
        .fit(&d)
        .map_err(|e| e.to_string())
}

#[test]
fn table1_means_within_two_standard_errors() {
    let sims: Vec<Simulated> = SEEDS.iter().map(|&s| sim(s)).collect();
    let n = 777.0_f64;
    let shares = [
        ("univ", 0.933),
        ("cumulative", 0.251),
        ("indiv_capital", 0.490),
        ("kin_support", 0.180),
        ("unit_support", 0.152),
        ("true_other_support", 0.178),
        ("particip_behavior", 0.102),
        ("particip_cognition", 0.416),
    ];
    for (name, target) in shares {
        let avg = mean(
            &sims
                .iter()
                .map(|s| mean(&col(&s.cohort, name)))
                .collect::<Vec<_>>(),
        );
        let se = (target * (1.0 - target) / n).sqrt();
        assert!(
            (avg - target).abs() < 2.0 * se,
            "{name}: mean {avg:.4}, Table 1 {target}, 2 SE {:.4}",
            2.0 * se
        );
    }
    for (name, target) in [("age", 35.4), ("interethnic", 3.8)] {
        let avg = mean(
            &sims
                .iter()
                .map(|s| mean(&col(&s.cohort, name)))
                .collect::<Vec<_>>(),
        );
        let se = sd(&col(&sims[0].cohort, name)) / n.sqrt();
        assert!(
            (avg - target).abs() < 2.0 * se,
            "{name}: mean {avg:.4}, Table 1 {target}, 2 SE {:.4}",
            2.0 * se
        );
    }
    let south = col(&sims[0].cohort, "south");
    let cities = match sims[0].cohort.column("city") {
        Some(Column::Categorical(c)) => c.clone(),
        _ => panic!("city is categorical"),
    };
    let count = |name: &str| (0..777).filter(|&i| cities.get(i) == Some(name)).count();
    assert_eq!(
        [
            count("Changchun"),
            count("Guangzhou"),
            count("Hangzhou"),
            count("Yiwu")
        ],
        [187, 350, 142, 98]
    );
    assert_eq!(south.iter().filter(|&&s| s == 0.0).count(), 187);
}
