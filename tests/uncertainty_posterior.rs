//! `[uncertainty] from = "…/posterior.csv"` and `[sensitivity] from = …`:
//! draws resampled by weight (share of each draw against its weight, a
//! binomial check), sensitivity bounds at the weighted 2.5% / 97.5%
//! quantiles (the inverse of the weighted empirical CDF, computed by hand
//! here), and bad posterior files refused with the row and column.

use migsim::calibrate::smc::PosteriorSample;
use migsim::scenario::sensitivity_spec::{SensitivityFile, SensitivitySpec};
use migsim::scenario::uncertainty::{Uncertainty, UncertaintyFile};

fn unc(dir: &std::path::Path, file: &str) -> Result<Uncertainty, String> {
    Uncertainty::check(
        UncertaintyFile {
            draws: 10,
            replications: None,
            from: Some(file.into()),
            params: None,
        },
        dir,
        1,
    )
    .map_err(|e| e.to_string())
}

#[test]
fn draws_follow_the_weights() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("p.csv"),
        "a.x,a.y,weight\n1.0,10.0,1\n2.0,20.0,3\n",
    )
    .unwrap();
    let u = unc(d.path(), "p.csv").unwrap();
    assert_eq!(u.keys, vec!["a.x", "a.y"]);
    let n = 4000;
    for master in [1u64, 2, 3] {
        let second = (0..n)
            .filter(|&k| {
                let t = u.draw(master, k).unwrap();
                assert!(t == vec![1.0, 10.0] || t == vec![2.0, 20.0], "{t:?}");
                t[0] == 2.0
            })
            .count() as f64
            / n as f64;
        let sd = (0.75f64 * 0.25 / n as f64).sqrt();
        assert!((second - 0.75).abs() < 4.0 * sd, "seed {master}: {second}");
    }
    // Seeded: the same draws again.
    assert_eq!(u.draw(5, 17).unwrap(), u.draw(5, 17).unwrap());
}

#[test]
fn sensitivity_bounds_are_the_weighted_quantiles() {
    let d = tempfile::tempdir().unwrap();
    // Values 1..=100 with weights 1..=100: CDF at v is v(v+1)/2 / 5050.
    let mut text = String::from("a.x,weight\n");
    for v in (1..=100).rev() {
        text.push_str(&format!("{v},{v}\n"));
    }
    std::fs::write(d.path().join("p.csv"), text).unwrap();
    let by_hand = |p: f64| {
        (1..=100)
            .find(|v: &i32| (v * (v + 1) / 2) as f64 >= p * 5050.0)
            .unwrap() as f64
    };
    let s = SensitivitySpec::check(
        SensitivityFile {
            method: None,
            n: None,
            replications: None,
            bootstrap: None,
            levels: None,
            from: Some("p.csv".into()),
            params: None,
        },
        d.path(),
        1,
    )
    .unwrap();
    assert_eq!(s.keys, vec!["a.x"]);
    assert_eq!(s.lower, vec![by_hand(0.025)]);
    assert_eq!(s.upper, vec![by_hand(0.975)]);
    assert_eq!((s.lower[0], s.upper[0]), (16.0, 99.0));
}

#[test]
fn bad_posterior_files_name_row_and_column() {
    let bad = [
        ("a.x,b.y\n1,2\n", "last column must be `weight`"),
        ("a.x,weight\n1,2\nx,1\n", "row 3, column `a.x`"),
        (
            "a.x,weight\n1,-2\n",
            "row 2, column `weight`: weight -2 is negative",
        ),
        ("a.x,weight\n1,2,3\n", "row 2"),
        ("a.x,weight\n1,0\n", "no draw with a positive weight"),
        ("a..x,weight\n1,1\n", "not a dotted setting path"),
    ];
    for (text, want) in bad {
        let e = PosteriorSample::parse(text, "p.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains(want) && e.contains("p.csv"), "{text:?}: {e}");
    }
    let d = tempfile::tempdir().unwrap();
    let e = unc(d.path(), "missing.csv").unwrap_err();
    assert!(e.contains("missing.csv"), "{e}");
}

#[test]
fn the_file_round_trips() {
    let s = PosteriorSample {
        params: vec!["a.x".into(), "b.y".into()],
        draws: vec![vec![0.1, 1e-17], vec![-3.25, 7.0]],
        weights: vec![0.25, 0.75],
    };
    assert_eq!(PosteriorSample::parse(&s.to_csv(), "f").unwrap(), s);
}
