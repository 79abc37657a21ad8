//! Estimator options: which apply to which estimator, their defaults, and
//! the psm matching method with its parameters. A recovery spec deserialises
//! [`EstimatorOptions`] directly; `migsim fit` fills it from its flags.

use serde::Deserialize;

use super::{EstimatorName, MethodKind, Spelled};
use crate::estimate::heckman::HeckmanOutcome;
use crate::estimate::mediation::{Mediation, OutcomeModel};
use crate::estimate::psm::{Kernel, MatchingSe, Method, Psm, ScoreModel};
use crate::estimate::{EstimateError, FitOptions, Margins, SeKind};

/// Kernel-matching bandwidth when none is given (psmatch2's `kernel` default).
pub const KERNEL_BANDWIDTH: f64 = 0.06;
/// Local-linear bandwidth when none is given (psmatch2's `llr` default).
pub const LLR_BANDWIDTH: f64 = 0.8;
/// Neighbours per treated unit when none is given.
pub const NEAREST_K: usize = 1;

/// A spec that does not fit together; each names the key involved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecError {
    /// An option of another estimator.
    #[error("option `{option}` does not apply to {estimator} (it applies to: {applies})")]
    NotForEstimator {
        /// The option's key.
        option: &'static str,
        /// The estimator named.
        estimator: EstimatorName,
        /// The estimators it applies to.
        applies: String,
    },
    /// A matching parameter of another method.
    #[error("option `{option}` does not apply to method `{method}` (only to {applies})")]
    NotForMethod {
        /// The option's key.
        option: &'static str,
        /// The matching method named.
        method: &'static str,
        /// The methods it applies to.
        applies: &'static str,
    },
    /// A matching method without a parameter it needs.
    #[error("method `{method}` needs `{option}`")]
    MethodNeeds {
        /// The matching method.
        method: &'static str,
        /// The option it needs.
        option: &'static str,
    },
    /// Cluster errors without a cluster column.
    #[error("`se = \"cluster\"` needs `cluster = COL`")]
    ClusterSeWithoutCluster,
    /// A column the estimator needs is not given.
    #[error("{estimator} needs `{field} = \"COL\"`")]
    NeedsColumn {
        /// The spec key of the column (`treatment`, `mediator`, ...).
        field: &'static str,
        /// The estimator named.
        estimator: EstimatorName,
    },
    /// A column of another estimator.
    #[error("`{field}` does not apply to {estimator}")]
    FieldNotFor {
        /// The spec key of the column.
        field: &'static str,
        /// The estimator named.
        estimator: EstimatorName,
    },
    /// An outcome model the estimator does not know.
    #[error("`outcome_model = \"{value}\"`: {source}")]
    OutcomeModel {
        /// The value as written.
        value: String,
        /// Why it was refused, and the models there are.
        source: super::OptionParseError,
    },
    /// The estimator's own check of its spec.
    #[error(transparent)]
    Estimate(#[from] EstimateError),
}

/// Estimator options as written in a spec; every key is optional and a key
/// that does not apply to the named estimator is an error.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstimatorOptions {
    /// Default: `cluster` when the design has clusters, else `classical`.
    pub se: Option<SeKind>,
    /// Marginal effects: `derivative` or `discrete` (logit, probit, heckman).
    pub margins: Option<Margins>,
    /// Newton iteration cap (iterative estimators).
    pub max_iter: Option<usize>,
    /// Convergence tolerance (iterative estimators).
    pub tol: Option<f64>,
    /// psm: `nearest` (default), `radius`, `kernel`, `llr` or `spline`.
    pub method: Option<MethodKind>,
    /// psm nearest: neighbours per treated unit.
    pub k: Option<usize>,
    /// psm nearest / radius: maximum score distance.
    pub caliper: Option<f64>,
    /// psm kernel / llr: `epanechnikov`, `gaussian`, `tricube`, `uniform`.
    pub kernel: Option<Kernel>,
    /// psm kernel / llr: bandwidth on the score.
    pub bandwidth: Option<f64>,
    /// psm spline: number of knots.
    pub knots: Option<usize>,
    /// psm: `logit` (default) or `probit` score model.
    pub score: Option<ScoreModel>,
    /// psm: also estimate the ATE.
    pub ate: Option<bool>,
    /// psm: drop units outside the other arm's score range.
    pub common_support: Option<bool>,
    /// psm: bootstrap replications of the standard errors.
    pub bootstrap: Option<usize>,
    /// psm: same-arm neighbours of the Abadie-Imbens variance.
    pub ai_neighbors: Option<usize>,
    /// psm nearest without a bootstrap: `ai2006` (default) or `ai2016`
    /// standard errors.
    pub matching_se: Option<MatchingSe>,
    /// heckman: `auto`, `linear`, `probit`; mediation: `logit`, `probit`, `ols`.
    pub outcome_model: Option<String>,
    /// mediation: treatment x mediator interaction in the outcome model.
    pub interaction: Option<bool>,
    /// mediation: Monte Carlo draws (default 1000).
    pub sims: Option<usize>,
    /// mediation: the medsens sensitivity analysis.
    pub sensitivity: Option<bool>,
    /// mediation: step of the sensitivity parameter rho.
    pub rho_step: Option<f64>,
    /// mediation: control value of a continuous treatment.
    pub control_value: Option<f64>,
    /// mediation: treat value of a continuous treatment.
    pub treat_value: Option<f64>,
}

impl EstimatorOptions {
    /// The psm matching method: `method` (default nearest) with `k` (default
    /// `NEAREST_K`), `caliper` (radius: required), `kernel` (kernel:
    /// epanechnikov, llr: tricube), `bandwidth` (kernel:
    /// `KERNEL_BANDWIDTH`, llr: `LLR_BANDWIDTH`) and `knots`; a
    /// parameter given to a method that does not use it is an error (checked
    /// in the order knots, k, kernel, bandwidth, caliper).
    pub fn psm_method(&self) -> Result<Method, SpecError> {
        let kind = self.method.unwrap_or_default();
        let method = kind.canonical();
        let only = |option: &'static str, set: bool, applies: &'static str, ok: bool| {
            if set && !ok {
                Err(SpecError::NotForMethod {
                    option,
                    method,
                    applies,
                })
            } else {
                Ok(())
            }
        };
        let smooth = matches!(kind, MethodKind::Kernel | MethodKind::LocalLinear);
        only(
            "knots",
            self.knots.is_some(),
            "spline",
            kind == MethodKind::Spline,
        )?;
        only(
            "k",
            self.k.is_some(),
            "nearest",
            kind == MethodKind::Nearest,
        )?;
        only("kernel", self.kernel.is_some(), "kernel, llr", smooth)?;
        only("bandwidth", self.bandwidth.is_some(), "kernel, llr", smooth)?;
        let caliper_ok = matches!(kind, MethodKind::Nearest | MethodKind::Radius);
        only(
            "caliper",
            self.caliper.is_some(),
            "nearest, radius",
            caliper_ok,
        )?;
        Ok(match kind {
            MethodKind::Nearest => Method::Nearest {
                k: self.k.unwrap_or(NEAREST_K),
                caliper: self.caliper,
            },
            MethodKind::Radius => Method::Radius {
                caliper: self.caliper.ok_or(SpecError::MethodNeeds {
                    method,
                    option: "caliper",
                })?,
            },
            MethodKind::Kernel => Method::Kernel {
                kernel: self.kernel.unwrap_or(Kernel::Epanechnikov),
                bandwidth: self.bandwidth.unwrap_or(KERNEL_BANDWIDTH),
            },
            MethodKind::LocalLinear => Method::LocalLinear {
                kernel: self.kernel.unwrap_or(Kernel::Tricube),
                bandwidth: self.bandwidth.unwrap_or(LLR_BANDWIDTH),
            },
            MethodKind::Spline => Method::Spline { knots: self.knots },
        })
    }
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
        let m = o;
        let entries: [(&str, bool, &[&str]); 23] = [
            ("se", o.se.is_some(), SE),
            (
                "margins",
                o.margins.is_some(),
                &["logit", "probit", "heckman"],
            ),
            ("max_iter", o.max_iter.is_some(), ITERATIVE),
            ("tol", o.tol.is_some(), ITERATIVE),
            ("method", m.method.is_some(), PSM),
            ("k", m.k.is_some(), PSM),
            ("caliper", m.caliper.is_some(), PSM),
            ("kernel", m.kernel.is_some(), PSM),
            ("bandwidth", m.bandwidth.is_some(), PSM),
            ("knots", m.knots.is_some(), PSM),
            ("score", o.score.is_some(), PSM),
            ("ate", o.ate.is_some(), PSM),
            ("common_support", o.common_support.is_some(), PSM),
            ("bootstrap", o.bootstrap.is_some(), PSM),
            ("ai_neighbors", o.ai_neighbors.is_some(), PSM),
            ("matching_se", o.matching_se.is_some(), PSM),
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
    pub fn check_applies(&self, estimator: EstimatorName) -> Result<(), SpecError> {
        match self
            .set()
            .into_iter()
            .find(|(_, a)| !a.contains(&estimator.as_str()))
        {
            Some((option, applies)) => Err(SpecError::NotForEstimator {
                option,
                estimator,
                applies: applies.join(", "),
            }),
            None => Ok(()),
        }
    }

    /// Standard errors (default: cluster when `cluster` is set), margins and
    /// iteration settings.
    pub fn fit_options(&self, cluster: bool) -> Result<FitOptions, SpecError> {
        let se = match self.se {
            None if cluster => SeKind::Cluster,
            None => SeKind::Classical,
            Some(SeKind::Cluster) if !cluster => return Err(SpecError::ClusterSeWithoutCluster),
            Some(se) => se,
        };
        let d = FitOptions::default();
        Ok(FitOptions {
            se,
            margins: self.margins,
            max_iter: self.max_iter.unwrap_or(d.max_iter),
            tol: self.tol.unwrap_or(d.tol),
            brant: false,
        })
    }

    /// The psm spec on `treatment`, checked.
    pub fn psm(&self, treatment: String) -> Result<Psm, SpecError> {
        let mut p = Psm::new(treatment);
        p.method = self.psm_method()?;
        p.score = self.score.unwrap_or_default();
        p.ate = self.ate.unwrap_or(p.ate);
        p.common_support = self.common_support.unwrap_or(p.common_support);
        p.bootstrap = self.bootstrap.or(p.bootstrap);
        p.ai_neighbors = self.ai_neighbors.unwrap_or(p.ai_neighbors);
        p.se = self.matching_se.unwrap_or(p.se);
        p.validate()?;
        Ok(p)
    }

    /// The mediation spec (its fit options are set by the caller).
    pub fn mediation(&self, treatment: String, mediator: String) -> Result<Mediation, SpecError> {
        let mut m = Mediation::new(treatment, mediator);
        m.outcome_model = self.outcome(OutcomeModel::Logit)?;
        m.interaction = self.interaction.unwrap_or(m.interaction);
        m.sims = self.sims.unwrap_or(m.sims);
        m.sensitivity = self.sensitivity.unwrap_or(m.sensitivity);
        m.rho_step = self.rho_step.unwrap_or(m.rho_step);
        m.control_value = self.control_value;
        m.treat_value = self.treat_value;
        Ok(m)
    }

    /// heckman's outcome model (default: auto).
    pub fn heckman_outcome(&self) -> Result<HeckmanOutcome, SpecError> {
        self.outcome(HeckmanOutcome::Auto)
    }

    /// `outcome_model` read as the estimator's own outcome enum.
    fn outcome<T: Spelled>(&self, default: T) -> Result<T, SpecError> {
        match self.outcome_model.as_deref() {
            None => Ok(default),
            Some(s) => T::parse_word(s).map_err(|source| SpecError::OutcomeModel {
                value: s.to_string(),
                source,
            }),
        }
    }
}
