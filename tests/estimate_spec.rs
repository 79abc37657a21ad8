//! The estimator-spec layer: every spelling of every option parses to the
//! same value through `FromStr` (what `migsim fit` calls), serde (what a
//! recovery spec's `options` table goes through) and the `migsim fit` flags;
//! the documented spellings and defaults (README, psmatch2's bandwidths) are
//! the reference.

use std::process::Command;

use migsim::estimate::factor::FactorMethod;
use migsim::estimate::heckman::{HeckmanOutcome, SelectionMethod};
use migsim::estimate::mediation::OutcomeModel;
use migsim::estimate::psm::{Kernel, MatchingSe, Method, ScoreModel};
use migsim::estimate::spec::{EstimatorOptions, HeckmanModel, MethodKind, Spelled};
use migsim::estimate::{EstimatorName, Margins, SeKind};
use serde::Deserialize;

/// One option value as a spec writes it: `v = "word"`.
#[derive(Debug, Deserialize)]
struct One<T> {
    v: T,
}

/// `want` is the documented table: every word and its value.
fn check_table<T>(want: &[(&str, T)])
where
    T: Spelled + std::fmt::Debug + std::str::FromStr + for<'de> Deserialize<'de>,
    <T as std::str::FromStr>::Err: std::fmt::Debug,
{
    let mut got: Vec<&str> = T::SPELLINGS.iter().map(|(w, _)| *w).collect();
    let mut words: Vec<&str> = want.iter().map(|(w, _)| *w).collect();
    got.sort_unstable();
    words.sort_unstable();
    assert_eq!(got, words, "{}: the accepted words", T::OPTION);
    for (word, value) in want {
        let cli: T = word.parse().unwrap();
        assert_eq!(cli, *value, "{}: FromStr of `{word}`", T::OPTION);
        let spec: One<T> = toml::from_str(&format!("v = \"{word}\"")).unwrap();
        assert_eq!(spec.v, *value, "{}: serde of `{word}`", T::OPTION);
        let padded: T = format!(" {word} ").parse().unwrap();
        assert_eq!(padded, *value, "{}: blanks around `{word}`", T::OPTION);
    }
    let bad = "no-such-word".parse::<T>().unwrap_err();
    let msg = format!("{bad:?}");
    for (word, _) in want {
        assert!(msg.contains(word), "{}: `{msg}` lists `{word}`", T::OPTION);
    }
    let err = toml::from_str::<One<T>>("v = \"no-such-word\"").unwrap_err();
    assert!(err.to_string().contains("no-such-word"), "{err}");
}

#[test]
fn every_spelling_parses_to_one_value_in_cli_and_spec() {
    check_table(&[
        ("classical", SeKind::Classical),
        ("robust", SeKind::Robust),
        ("cluster", SeKind::Cluster),
    ]);
    check_table(&[
        ("derivative", Margins::Derivative),
        ("discrete", Margins::Discrete),
    ]);
    check_table(&[
        ("nearest", MethodKind::Nearest),
        ("nn", MethodKind::Nearest),
        ("radius", MethodKind::Radius),
        ("kernel", MethodKind::Kernel),
        ("llr", MethodKind::LocalLinear),
        ("spline", MethodKind::Spline),
    ]);
    check_table(&[
        ("epanechnikov", Kernel::Epanechnikov),
        ("epan", Kernel::Epanechnikov),
        ("gaussian", Kernel::Gaussian),
        ("normal", Kernel::Gaussian),
        ("tricube", Kernel::Tricube),
        ("uniform", Kernel::Uniform),
    ]);
    check_table(&[("logit", ScoreModel::Logit), ("probit", ScoreModel::Probit)]);
    check_table(&[
        ("ai2006", MatchingSe::Ai2006),
        ("ai2016", MatchingSe::Ai2016),
    ]);
    check_table(&[
        ("auto", HeckmanOutcome::Auto),
        ("linear", HeckmanOutcome::Linear),
        ("ols", HeckmanOutcome::Linear),
        ("probit", HeckmanOutcome::Probit),
    ]);
    check_table(&[
        ("treatment", HeckmanModel::Treatment),
        ("selection", HeckmanModel::Selection),
    ]);
    check_table(&[
        ("ml", SelectionMethod::Ml),
        ("twostep", SelectionMethod::TwoStep),
    ]);
    check_table(&[
        ("logit", OutcomeModel::Logit),
        ("probit", OutcomeModel::Probit),
        ("ols", OutcomeModel::Linear),
        ("linear", OutcomeModel::Linear),
    ]);
    check_table(&[
        ("pcf", FactorMethod::PrincipalComponent),
        ("ipf", FactorMethod::IteratedPrincipal),
        ("ml", FactorMethod::MaximumLikelihood),
    ]);
}

#[test]
fn one_list_of_estimator_names() {
    let names = [
        "ols",
        "logit",
        "probit",
        "ologit",
        "oprobit",
        "factor",
        "mediation",
        "psm",
        "heckman",
        "lewbel",
    ];
    let all: Vec<&str> = EstimatorName::ALL.iter().map(|e| e.as_str()).collect();
    assert_eq!(all, names);
    for n in names {
        assert_eq!(n.parse::<EstimatorName>().unwrap().as_str(), n);
    }
    let e = "tobit".parse::<EstimatorName>().unwrap_err().to_string();
    assert!(names.iter().all(|n| e.contains(n)), "{e}");
}

fn spec_method(text: &str) -> Method {
    toml::from_str::<EstimatorOptions>(text)
        .unwrap()
        .psm_method()
        .unwrap()
}

/// psmatch2's defaults: kernel 0.06 with the Epanechnikov kernel, llr 0.8
/// with the tricube kernel; one neighbour.
#[test]
fn spec_defaults_are_psmatch2s() {
    assert_eq!(
        spec_method(""),
        Method::Nearest {
            k: 1,
            caliper: None
        }
    );
    assert_eq!(
        spec_method("method = \"kernel\""),
        Method::Kernel {
            kernel: Kernel::Epanechnikov,
            bandwidth: 0.06
        }
    );
    assert_eq!(
        spec_method("method = \"llr\""),
        Method::LocalLinear {
            kernel: Kernel::Tricube,
            bandwidth: 0.8
        }
    );
    assert_eq!(
        spec_method("method = \"nn\""),
        spec_method("method = \"nearest\"")
    );
    assert_eq!(
        spec_method("method = \"kernel\"\nkernel = \"normal\""),
        spec_method("method = \"kernel\"\nkernel = \"gaussian\"")
    );
}

const LALONDE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/psm_lalonde/lalonde.csv"
);

fn psm_json(extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args(["fit", "psm", "--data", LALONDE, "--y", "re78"])
        .args(["--treatment", "treat", "--x", "age,educ,black,re74,re75"])
        .args(extra)
        .arg("--json")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{extra:?}: {err}");
    String::from_utf8(out.stdout).unwrap()
}

/// The CLI takes the spec's spellings and defaults: an alias gives the same
/// fit as its canonical word, and an unset bandwidth the documented one.
#[test]
fn cli_aliases_and_defaults_match_the_spec() {
    assert_eq!(
        psm_json(&["--method", "nn"]),
        psm_json(&["--method", "nearest"])
    );
    let kernel = |k: &str| psm_json(&["--method", "kernel", "--kernel", k]);
    assert_eq!(kernel("epan"), kernel("epanechnikov"));
    assert_eq!(kernel("normal"), kernel("gaussian"));
    assert_eq!(
        psm_json(&["--method", "kernel"]),
        psm_json(&[
            "--method",
            "kernel",
            "--kernel",
            "epanechnikov",
            "--bandwidth",
            "0.06"
        ])
    );
    assert_eq!(
        psm_json(&["--method", "llr"]),
        psm_json(&[
            "--method",
            "llr",
            "--kernel",
            "tricube",
            "--bandwidth",
            "0.8"
        ])
    );
    assert_ne!(
        psm_json(&["--method", "llr"]),
        psm_json(&["--method", "llr", "--bandwidth", "0.06"])
    );
}
