//! The `options` table of an estimator entry: every key is optional, and a
//! key that does not apply to the named estimator is an error.

use serde::Deserialize;

use crate::estimate::heckman::HeckmanOutcome;
use crate::estimate::mediation::OutcomeModel;
use crate::estimate::psm::{Kernel, Method, ScoreModel};
use crate::estimate::{FitOptions, Margins, SeKind};

/// psmatch2's default kernel bandwidth.
pub const DEFAULT_BANDWIDTH: f64 = 0.06;

/// Estimator options as written in a spec.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstimatorOptions {
    /// `classical`, `robust` or `cluster` (default: `cluster` when `cluster` is set).
    pub se: Option<String>,
    /// `derivative` or `discrete` average marginal effects.
    pub margins: Option<String>,
    pub max_iter: Option<usize>,
    pub tol: Option<f64>,
    /// psm: `nearest` (default), `radius`, `kernel`, `llr` or `spline`.
    pub method: Option<String>,
    /// psm nearest: neighbours per treated unit.
    pub k: Option<usize>,
    /// psm nearest / radius: maximum score distance.
    pub caliper: Option<f64>,
    /// psm kernel / llr: `epanechnikov`, `gaussian`, `tricube`, `uniform`.
    pub kernel: Option<String>,
    pub bandwidth: Option<f64>,
    /// psm spline: number of knots (default max(3, round(n_donors^(1/4)))).
    pub knots: Option<usize>,
    /// psm: `logit` (default) or `probit` score model.
    pub score: Option<String>,
    pub ate: Option<bool>,
    pub common_support: Option<bool>,
    pub bootstrap: Option<usize>,
    pub ai_neighbors: Option<usize>,
    /// heckman: `auto`, `linear`, `probit`; mediation: `logit`, `probit`, `ols`.
    pub outcome_model: Option<String>,
    pub interaction: Option<bool>,
    pub sims: Option<usize>,
    pub sensitivity: Option<bool>,
    pub rho_step: Option<f64>,
    pub control_value: Option<f64>,
    pub treat_value: Option<f64>,
}

const ITERATIVE: &[&str] = &[
    "logit",
    "probit",
    "ologit",
    "oprobit",
    "heckman",
    "mediation",
];
const SE: &[&str] = &[
    "ols",
    "logit",
    "probit",
    "ologit",
    "oprobit",
    "lewbel",
    "heckman",
    "mediation",
];
const PSM: &[&str] = &["psm"];
const MEDIATION: &[&str] = &["mediation"];

impl EstimatorOptions {
    /// Names of the options that are set, with the estimators they apply to.
    fn set(&self) -> Vec<(&'static str, &'static [&'static str])> {
        let o = self;
        let entries: [(&str, bool, &[&str]); 22] = [
            ("se", o.se.is_some(), SE),
            (
                "margins",
                o.margins.is_some(),
                &["logit", "probit", "heckman"],
            ),
            ("max_iter", o.max_iter.is_some(), ITERATIVE),
            ("tol", o.tol.is_some(), ITERATIVE),
            ("method", o.method.is_some(), PSM),
            ("k", o.k.is_some(), PSM),
            ("caliper", o.caliper.is_some(), PSM),
            ("kernel", o.kernel.is_some(), PSM),
            ("bandwidth", o.bandwidth.is_some(), PSM),
            ("knots", o.knots.is_some(), PSM),
            ("score", o.score.is_some(), PSM),
            ("ate", o.ate.is_some(), PSM),
            ("common_support", o.common_support.is_some(), PSM),
            ("bootstrap", o.bootstrap.is_some(), PSM),
            ("ai_neighbors", o.ai_neighbors.is_some(), PSM),
            (
                "outcome_model",
                o.outcome_model.is_some(),
                &["heckman", "mediation"],
            ),
            ("interaction", o.interaction.is_some(), MEDIATION),
            ("sims", o.sims.is_some(), MEDIATION),
            ("sensitivity", o.sensitivity.is_some(), MEDIATION),
            ("rho_step", o.rho_step.is_some(), MEDIATION),
            ("control_value", o.control_value.is_some(), MEDIATION),
            ("treat_value", o.treat_value.is_some(), MEDIATION),
        ];
        entries
            .into_iter()
            .filter(|(_, set, _)| *set)
            .map(|(name, _, applies)| (name, applies))
            .collect()
    }

    /// Error for the first option that does not apply to `estimator`.
    pub fn check_applies(&self, estimator: &str) -> Result<(), String> {
        match self
            .set()
            .into_iter()
            .find(|(_, a)| !a.contains(&estimator))
        {
            Some((opt, applies)) => Err(format!(
                "option `{opt}` does not apply to {estimator} (it applies to: {})",
                applies.join(", ")
            )),
            None => Ok(()),
        }
    }

    /// Standard errors, margins and iteration settings.
    pub fn fit_options(&self, cluster: bool) -> Result<FitOptions, String> {
        let se = match self.se.as_deref() {
            None if cluster => SeKind::Cluster,
            None | Some("classical") => SeKind::Classical,
            Some("robust") => SeKind::Robust,
            Some("cluster") if cluster => SeKind::Cluster,
            Some("cluster") => return Err("`se = \"cluster\"` needs `cluster = COL`".into()),
            Some(other) => {
                return Err(format!(
                    "`se = \"{other}\"`: expected classical, robust or cluster"
                ));
            }
        };
        let margins = match self.margins.as_deref() {
            None => None,
            Some("derivative") => Some(Margins::Derivative),
            Some("discrete") => Some(Margins::Discrete),
            Some(other) => {
                return Err(format!(
                    "`margins = \"{other}\"`: expected derivative or discrete"
                ));
            }
        };
        let d = FitOptions::default();
        Ok(FitOptions {
            se,
            margins,
            max_iter: self.max_iter.unwrap_or(d.max_iter),
            tol: self.tol.unwrap_or(d.tol),
            brant: false,
        })
    }

    /// The psm matching method.
    pub fn psm_method(&self) -> Result<Method, String> {
        let kernel = |default: Kernel| match self.kernel.as_deref() {
            None => Ok(default),
            Some("epanechnikov") => Ok(Kernel::Epanechnikov),
            Some("gaussian") => Ok(Kernel::Gaussian),
            Some("tricube") => Ok(Kernel::Tricube),
            Some("uniform") => Ok(Kernel::Uniform),
            Some(other) => Err(format!(
                "`kernel = \"{other}\"`: expected epanechnikov, gaussian, tricube or uniform"
            )),
        };
        let bandwidth = self.bandwidth.unwrap_or(DEFAULT_BANDWIDTH);
        let method = self.method.as_deref().unwrap_or("nearest");
        let only = |key: &str, set: bool, methods: &str| {
            if set {
                Err(format!(
                    "option `{key}` does not apply to method `{method}` (only to {methods})"
                ))
            } else {
                Ok(())
            }
        };
        match method {
            "nearest" | "radius" | "spline" => {
                only("kernel", self.kernel.is_some(), "kernel, llr")?;
                only("bandwidth", self.bandwidth.is_some(), "kernel, llr")?;
            }
            _ => {}
        }
        if !matches!(method, "nearest" | "radius") {
            only("caliper", self.caliper.is_some(), "nearest, radius")?;
        }
        if method != "spline" {
            only("knots", self.knots.is_some(), "spline")?;
        }
        if method != "nearest" {
            only("k", self.k.is_some(), "nearest")?;
        }
        match method {
            "nearest" => Ok(Method::Nearest {
                k: self.k.unwrap_or(1),
                caliper: self.caliper,
            }),
            "radius" => Ok(Method::Radius {
                caliper: self
                    .caliper
                    .ok_or("method `radius` needs `caliper`".to_string())?,
            }),
            "kernel" => Ok(Method::Kernel {
                kernel: kernel(Kernel::Epanechnikov)?,
                bandwidth,
            }),
            "llr" => Ok(Method::LocalLinear {
                kernel: kernel(Kernel::Tricube)?,
                bandwidth,
            }),
            "spline" => Ok(Method::Spline { knots: self.knots }),
            other => Err(format!(
                "`method = \"{other}\"`: expected nearest, radius, kernel, llr or spline"
            )),
        }
    }

    pub fn psm_score(&self) -> Result<ScoreModel, String> {
        ScoreModel::parse(self.score.as_deref().unwrap_or("logit")).map_err(|e| e.to_string())
    }

    pub fn heckman_outcome(&self) -> Result<HeckmanOutcome, String> {
        match self.outcome_model.as_deref() {
            None | Some("auto") => Ok(HeckmanOutcome::Auto),
            Some("linear") | Some("ols") => Ok(HeckmanOutcome::Linear),
            Some("probit") => Ok(HeckmanOutcome::Probit),
            Some(other) => Err(format!(
                "`outcome_model = \"{other}\"`: expected auto, linear or probit"
            )),
        }
    }

    pub fn mediation_outcome(&self) -> Result<OutcomeModel, String> {
        OutcomeModel::parse(self.outcome_model.as_deref().unwrap_or("logit"))
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(text: &str) -> EstimatorOptions {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn psm_methods_and_their_keys() {
        assert_eq!(
            opts("k = 4").psm_method().unwrap(),
            Method::Nearest {
                k: 4,
                caliper: None
            }
        );
        assert_eq!(
            opts("method = \"kernel\"").psm_method().unwrap(),
            Method::Kernel {
                kernel: Kernel::Epanechnikov,
                bandwidth: DEFAULT_BANDWIDTH
            }
        );
        assert_eq!(
            opts("method = \"spline\"\nknots = 5").psm_method().unwrap(),
            Method::Spline { knots: Some(5) }
        );
        assert!(
            opts("knots = 5")
                .psm_method()
                .unwrap_err()
                .contains("`knots`")
        );
        assert!(
            opts("method = \"kernel\"\nk = 2")
                .psm_method()
                .unwrap_err()
                .contains("`k`")
        );
        assert!(
            opts("bandwidth = 0.1")
                .psm_method()
                .unwrap_err()
                .contains("bandwidth")
        );
        assert!(
            opts("method = \"radius\"")
                .psm_method()
                .unwrap_err()
                .contains("caliper")
        );
        assert!(
            opts("method = \"knn\"")
                .psm_method()
                .unwrap_err()
                .contains("knn")
        );
    }

    #[test]
    fn options_outside_their_estimator_are_named() {
        let e = opts("sims = 100").check_applies("probit").unwrap_err();
        assert!(e.contains("sims") && e.contains("mediation"), "{e}");
        assert!(opts("se = \"robust\"").check_applies("psm").is_err());
        assert!(
            opts("outcome_model = \"probit\"")
                .check_applies("heckman")
                .is_ok()
        );
    }
}
