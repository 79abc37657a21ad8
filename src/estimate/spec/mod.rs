//! The estimator-spec layer: one list of estimator names, one set of option
//! spellings (`spelling`) and one set of option defaults and checks
//! (`options`), shared by `migsim fit` and the recovery specs, which only
//! translate their flags or keys into it.
//!
//! Every match over the crate's own enums here names each variant
//! (`clippy::wildcard_enum_match_arm` is denied), so a new estimator or
//! option value cannot fall into another's arm.

#![deny(clippy::wildcard_enum_match_arm)]

pub(crate) mod options;
pub(crate) mod spelling;

use std::str::FromStr;

use crate::data::Design;
use crate::estimate::heckman::{Heckman, Selection, SelectionMethod};
use crate::estimate::lewbel::Lewbel;
use crate::estimate::mediation::Mediation;
use crate::estimate::ordered::{OrderedLogit, OrderedProbit};
use crate::estimate::psm::Psm;
use crate::estimate::{EstimateError, FitOptions, FitResult, Logit, Ols, Probit};
pub use options::{EstimatorOptions, SpecError};
pub use spelling::{OptionParseError, Spelled};

/// An estimator fitted on a design: `fit(design)` gives the shared
/// [`FitResult`] or an [`EstimateError`] naming the column or parameter.
pub trait Estimator {
    /// Fit on `design`.
    fn fit(&self, design: &Design) -> Result<FitResult, EstimateError>;
}

macro_rules! estimator {
    ($($ty:ty),+) => {$(
        impl Estimator for $ty {
            fn fit(&self, design: &Design) -> Result<FitResult, EstimateError> {
                <$ty>::fit(self, design)
            }
        }
    )+};
}

estimator!(
    Ols,
    Logit,
    Probit,
    OrderedLogit,
    OrderedProbit,
    Lewbel,
    Heckman,
    Selection,
    Mediation,
    Psm
);

/// Every estimator `migsim fit` and a recovery spec can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EstimatorName {
    /// Least squares.
    Ols,
    /// Binary logit.
    Logit,
    /// Binary probit.
    Probit,
    /// Ordered logit.
    Ologit,
    /// Ordered probit.
    Oprobit,
    /// One-factor index of items.
    Factor,
    /// Causal mediation (quasi-Bayesian simulation).
    Mediation,
    /// Propensity-score matching.
    Psm,
    /// Heckman treatment-effects or sample-selection model.
    Heckman,
    /// Lewbel heteroskedasticity-based IV.
    Lewbel,
}

impl EstimatorName {
    /// The one list, in the order messages show it.
    pub const ALL: [EstimatorName; 10] = [
        EstimatorName::Ols,
        EstimatorName::Logit,
        EstimatorName::Probit,
        EstimatorName::Ologit,
        EstimatorName::Oprobit,
        EstimatorName::Factor,
        EstimatorName::Mediation,
        EstimatorName::Psm,
        EstimatorName::Heckman,
        EstimatorName::Lewbel,
    ];

    /// The name as written on the command line and in specs.
    pub fn as_str(self) -> &'static str {
        match self {
            EstimatorName::Ols => "ols",
            EstimatorName::Logit => "logit",
            EstimatorName::Probit => "probit",
            EstimatorName::Ologit => "ologit",
            EstimatorName::Oprobit => "oprobit",
            EstimatorName::Factor => "factor",
            EstimatorName::Mediation => "mediation",
            EstimatorName::Psm => "psm",
            EstimatorName::Heckman => "heckman",
            EstimatorName::Lewbel => "lewbel",
        }
    }

    /// The design-matrix estimators (outcome on `--x`, no extra columns).
    pub fn is_design(self) -> bool {
        matches!(
            self,
            EstimatorName::Ols
                | EstimatorName::Logit
                | EstimatorName::Probit
                | EstimatorName::Ologit
                | EstimatorName::Oprobit
        )
    }

    /// Whether a recovery spec can use it (factor has no outcome to recover).
    pub fn in_recovery(self) -> bool {
        self != EstimatorName::Factor
    }

    /// Whether the design carries a constant column (ordered models absorb
    /// it into their cut points).
    pub fn needs_intercept(self) -> bool {
        !matches!(self, EstimatorName::Ologit | EstimatorName::Oprobit)
    }

    /// The names of `list`, comma-separated.
    pub fn joined(list: impl IntoIterator<Item = EstimatorName>) -> String {
        list.into_iter()
            .map(EstimatorName::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The design-matrix estimator of this name with `opts` (`None` for
    /// the estimators that are not a design fit).
    pub fn design_estimator(self, opts: &FitOptions) -> Option<Box<dyn Estimator>> {
        let o = opts.clone();
        Some(match self {
            EstimatorName::Ols => Box::new(Ols::new(o)),
            EstimatorName::Logit => Box::new(Logit::new(o)),
            EstimatorName::Probit => Box::new(Probit::new(o)),
            EstimatorName::Ologit => Box::new(OrderedLogit::new(o)),
            EstimatorName::Oprobit => Box::new(OrderedProbit::new(o)),
            EstimatorName::Factor
            | EstimatorName::Mediation
            | EstimatorName::Psm
            | EstimatorName::Heckman
            | EstimatorName::Lewbel => return None,
        })
    }
}

impl std::fmt::Display for EstimatorName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EstimatorName {
    type Err = EstimateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EstimatorName::ALL
            .into_iter()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| {
                EstimateError::UnknownEstimator(s.to_string(), EstimatorName::joined(Self::ALL))
            })
    }
}

/// The kind of psm matching (`--method` / `method`); its parameters are
/// resolved by [`EstimatorOptions::psm_method`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MethodKind {
    /// Nearest-neighbour matching.
    #[default]
    Nearest,
    /// Radius (caliper) matching.
    Radius,
    /// Kernel matching.
    Kernel,
    /// Local linear regression matching.
    LocalLinear,
    /// Natural cubic spline matching.
    Spline,
}

/// Form of the Heckman model: the treatment-effects model or the
/// sample-selection model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeckmanModel {
    /// The treatment-effects model (endogenous 0/1 treatment).
    #[default]
    Treatment,
    /// The sample-selection model (outcome observed where selected).
    Selection,
}

/// An estimator spec: the estimator, the columns that lead its design
/// (treatment, instruments, mediator) and its options.
#[derive(Debug, Clone)]
pub struct EstimatorSpec {
    /// The estimator.
    pub name: EstimatorName,
    /// Treatment / endogenous regressor column (causal estimators).
    pub treatment: Option<String>,
    /// Mediator column (mediation).
    pub mediator: Option<String>,
    /// Excluded instruments (lewbel, heckman's treatment model).
    pub instruments: Vec<String>,
    /// Whether the design carries cluster ids (`cluster = COL`).
    pub cluster: bool,
    /// heckman only: the sample-selection form instead of the
    /// treatment-effects model (`None`).
    pub selection: Option<SelectionSpec>,
    /// The options, checked against the estimator.
    pub options: EstimatorOptions,
}

/// The sample-selection form of heckman: the 0/1 indicator and the two
/// equations' regressors. Both equations also carry a constant and the
/// design's other columns (its fixed-effect dummies).
#[derive(Debug, Clone, PartialEq)]
pub struct SelectionSpec {
    /// Selection indicator column (1: the outcome is observed).
    pub select: String,
    /// Outcome-equation regressors (without the constant).
    pub outcome: Vec<String>,
    /// Selection-equation regressors (without the constant).
    pub selection: Vec<String>,
    /// Two-step or maximum likelihood.
    pub method: SelectionMethod,
}

impl SelectionSpec {
    /// The columns that lead the design: the indicator, then the outcome
    /// and selection regressors, each once.
    pub fn lead(&self) -> Vec<String> {
        let mut terms = vec![self.select.clone()];
        for t in self.outcome.iter().chain(&self.selection) {
            if !terms.contains(t) {
                terms.push(t.clone());
            }
        }
        terms
    }

    /// The selection model on `design`: its fixed-effect columns (any
    /// column but the constant and the lead terms) join both equations.
    pub fn on(&self, design: &Design, opts: FitOptions) -> Selection {
        let lead = self.lead();
        let fe: Vec<String> = design
            .names
            .iter()
            .filter(|n| *n != "const" && !lead.contains(n))
            .cloned()
            .collect();
        let with_const = |v: &[String]| -> Vec<String> {
            std::iter::once("const".to_string())
                .chain(v.iter().cloned())
                .chain(fe.iter().cloned())
                .collect()
        };
        Selection {
            select: self.select.clone(),
            outcome: with_const(&self.outcome),
            selection: with_const(&self.selection),
            method: self.method,
            opts,
        }
    }
}

/// A resolved spec, ready to fit; psm and mediation take a seed per fit.
#[derive(Debug, Clone)]
pub enum Fitter {
    /// A design-matrix estimator with its options.
    Design(EstimatorName, FitOptions),
    /// Lewbel IV.
    Lewbel(Lewbel),
    /// Propensity-score matching (the seed is set per fit).
    Psm(Psm),
    /// Heckman's treatment-effects model.
    Heckman(Heckman),
    /// The sample-selection model, completed on the design it is fitted on.
    Selection(SelectionSpec, FitOptions),
    /// Causal mediation (the seed is set per fit).
    Mediation(Mediation),
}

impl Fitter {
    /// Fit on `design`; `seed` drives the estimator's own randomness (psm
    /// bootstrap, mediation draws).
    pub fn fit(&self, design: &Design, seed: u64) -> Result<FitResult, EstimateError> {
        match self {
            Fitter::Design(name, opts) => crate::estimate::fit_by_name(name.as_str(), design, opts),
            Fitter::Lewbel(spec) => spec.fit(design),
            Fitter::Heckman(spec) => spec.fit(design),
            Fitter::Selection(spec, opts) => spec.on(design, opts.clone()).fit(design),
            Fitter::Psm(spec) => Psm {
                seed,
                ..spec.clone()
            }
            .fit(design),
            Fitter::Mediation(spec) => Mediation {
                seed,
                ..spec.clone()
            }
            .fit(design),
        }
    }
}

impl EstimatorSpec {
    /// Check which columns and options apply and resolve the estimator; also
    /// the columns that lead its design, in order.
    pub fn build(&self) -> Result<(Fitter, Vec<String>), SpecError> {
        let name = self.name;
        let o = &self.options;
        o.check_applies(name)?;
        let opts = o.fit_options(self.cluster)?;
        let forbid = |field: &'static str, given: bool| {
            if given {
                Err(SpecError::FieldNotFor {
                    field,
                    estimator: name,
                })
            } else {
                Ok(())
            }
        };
        forbid(
            "mediator",
            name != EstimatorName::Mediation && self.mediator.is_some(),
        )?;
        forbid(
            "instrument",
            !matches!(name, EstimatorName::Lewbel | EstimatorName::Heckman)
                && !self.instruments.is_empty(),
        )?;
        forbid(
            "selection",
            name != EstimatorName::Heckman && self.selection.is_some(),
        )?;
        let fitter = match name {
            EstimatorName::Ols
            | EstimatorName::Logit
            | EstimatorName::Probit
            | EstimatorName::Ologit
            | EstimatorName::Oprobit
            | EstimatorName::Factor => {
                forbid("treatment", self.treatment.is_some())?;
                return Ok((Fitter::Design(name, opts), Vec::new()));
            }
            EstimatorName::Lewbel => {
                let treatment = self.needs("treatment", &self.treatment)?;
                let instruments = self.instruments.clone();
                Fitter::Lewbel(Lewbel {
                    treatment,
                    instruments,
                    se: opts.se,
                })
            }
            EstimatorName::Heckman => match &self.selection {
                Some(sel) => {
                    forbid("treatment", self.treatment.is_some())?;
                    forbid("instrument", !self.instruments.is_empty())?;
                    let lead = sel.lead();
                    return Ok((Fitter::Selection(sel.clone(), opts), lead));
                }
                None => {
                    let treatment = self.needs("treatment", &self.treatment)?;
                    let mut h = Heckman::new(treatment, self.instruments.clone());
                    h.outcome = o.heckman_outcome()?;
                    h.opts = opts;
                    Fitter::Heckman(h)
                }
            },
            EstimatorName::Psm => {
                let treatment = self.needs("treatment", &self.treatment)?;
                forbid("cluster", self.cluster)?;
                Fitter::Psm(o.psm(treatment)?)
            }
            EstimatorName::Mediation => {
                let treatment = self.needs("treatment", &self.treatment)?;
                let mediator = self.needs("mediator", &self.mediator)?;
                let mut m = o.mediation(treatment, mediator)?;
                m.opts = opts;
                Fitter::Mediation(m)
            }
        };
        let lead = match &fitter {
            Fitter::Lewbel(l) => std::iter::once(l.treatment.clone())
                .chain(l.instruments.iter().cloned())
                .collect(),
            Fitter::Heckman(h) => std::iter::once(h.treatment.clone())
                .chain(h.instruments.iter().cloned())
                .collect(),
            Fitter::Psm(p) => vec![p.treatment.clone()],
            Fitter::Mediation(m) => vec![m.treatment.clone(), m.mediator.clone()],
            Fitter::Design(..) | Fitter::Selection(..) => Vec::new(),
        };
        Ok((fitter, lead))
    }

    fn needs(&self, field: &'static str, v: &Option<String>) -> Result<String, SpecError> {
        v.clone().ok_or(SpecError::NeedsColumn {
            field,
            estimator: self.name,
        })
    }
}
