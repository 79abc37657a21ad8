//! Estimator entries of a recovery spec: which library estimator, on which
//! columns, with which options, and which fit rows estimate which estimands.

use serde::Deserialize;

pub use super::options::EstimatorOptions;
use super::problem::PlanError;
use super::take::Take;
use crate::data::{DataError, Dataset, Formula, Subset, build_design};
use crate::estimate::spec::Fitter;
use crate::estimate::{EstimateError, EstimatorName, EstimatorSpec, FitResult};

/// One `[[estimators]]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstimatorEntry {
    pub label: String,
    pub estimator: String,
    pub y: Option<String>,
    /// Regressor terms, comma-separated (`a`, `a^2`, `a:b`).
    pub x: Option<String>,
    /// Fixed-effect columns, comma-separated.
    pub fe: Option<String>,
    pub cluster: Option<String>,
    /// Row filter `COL OP VALUE` applied to each cohort before fitting.
    pub subset: Option<String>,
    pub treatment: Option<String>,
    pub mediator: Option<String>,
    /// Excluded instrument columns, comma-separated.
    pub instrument: Option<String>,
    #[serde(default)]
    pub options: EstimatorOptions,
    /// Shorthand for one target (with `estimand`).
    pub take: Option<String>,
    pub estimand: Option<OneOrMany>,
    #[serde(default)]
    pub targets: Vec<TargetEntry>,
}

/// `estimand = "a"` or `estimand = ["a", "b"]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// `{ take = "...", estimand = "..." }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetEntry {
    pub take: String,
    pub estimand: String,
}

/// One estimand estimated by one row of a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub take: Take,
    pub estimand: String,
}

/// A resolved estimator entry.
#[derive(Debug, Clone)]
pub struct EstimatorPlan {
    pub label: String,
    pub estimator: String,
    pub formula: Formula,
    pub subset: Option<Subset>,
    pub targets: Vec<Target>,
    fitter: Fitter,
}

fn list(s: &Option<String>) -> Vec<String> {
    s.iter()
        .flat_map(|s| s.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

impl EstimatorPlan {
    /// Check an entry and resolve it; errors say which key is wrong.
    pub fn from_entry(e: &EstimatorEntry) -> Result<Self, PlanError> {
        let name = recovery_estimator(&e.estimator)?;
        if e.label.trim().is_empty() {
            return Err(PlanError::EmptyLabel);
        }
        e.options.check_applies(name)?;
        let y = e.y.as_deref().ok_or_else(|| PlanError::NoOutcome {
            estimator: name.to_string(),
        })?;
        let spec = EstimatorSpec {
            name,
            treatment: e.treatment.clone(),
            mediator: e.mediator.clone(),
            instruments: list(&e.instrument),
            cluster: e.cluster.is_some(),
            selection: None,
            options: e.options.clone(),
        };
        let (fitter, lead) = spec.build()?;
        let mut terms = lead;
        for t in list(&e.x) {
            if !terms.contains(&t) {
                terms.push(t);
            }
        }
        let formula = Formula::parse(
            y,
            Some(&terms.join(",")),
            e.fe.as_deref(),
            e.cluster.as_deref(),
            name.needs_intercept(),
        )
        .map_err(PlanError::Formula)?;
        let subset = e
            .subset
            .as_deref()
            .map(|s| Subset::try_from(s).map_err(PlanError::Subset))
            .transpose()?;
        Ok(EstimatorPlan {
            label: e.label.clone(),
            estimator: name.to_string(),
            formula,
            subset,
            targets: targets(e)?,
            fitter,
        })
    }

    /// Fit on a cohort; `seed` drives the estimator's own randomness
    /// (psm bootstrap, mediation draws).
    pub fn fit(&self, cohort: &Dataset, seed: u64) -> Result<FitResult, FitFailure> {
        let subset = self
            .subset
            .as_ref()
            .map(|s| s.apply(cohort))
            .transpose()
            .map_err(data_failure)?;
        let design =
            build_design(subset.as_ref().unwrap_or(cohort), &self.formula).map_err(data_failure)?;
        self.fitter.fit(&design, seed).map_err(FitFailure::Estimate)
    }
}

/// A data error while preparing a fit. Errors that depend on the cohort drawn
/// (a subset with no rows, a column constant or missing in this sample) fail
/// this replication only; the others (unknown column, bad term or filter)
/// are spec errors that stop the run.
fn data_failure(e: DataError) -> FitFailure {
    match e {
        DataError::EmptySubset { .. }
        | DataError::Constant { .. }
        | DataError::AllMissing { .. }
        | DataError::NoCompleteCases { .. }
        | DataError::NonFinite { .. } => {
            FitFailure::Estimate(EstimateError::Invalid(e.to_string()))
        }
        other => FitFailure::Data(other),
    }
}

/// Why a fit produced no estimates.
#[derive(Debug)]
pub enum FitFailure {
    /// The design could not be built (unknown column, ...): a spec error.
    Data(DataError),
    /// The estimator failed on this replication's data.
    Estimate(EstimateError),
}

/// The estimator a recovery spec names (any of `migsim fit`'s but factor).
fn recovery_estimator(name: &str) -> Result<EstimatorName, PlanError> {
    match name.parse::<EstimatorName>() {
        Ok(e) if e.in_recovery() => Ok(e),
        _ => Err(PlanError::UnknownEstimator {
            name: name.to_string(),
            expected: EstimatorName::joined(
                EstimatorName::ALL.into_iter().filter(|e| e.in_recovery()),
            ),
        }),
    }
}

fn targets(e: &EstimatorEntry) -> Result<Vec<Target>, PlanError> {
    let mut out = Vec::new();
    match (&e.take, &e.estimand) {
        (Some(take), Some(est)) => {
            let take = Take::parse(take)?;
            let names = match est {
                OneOrMany::One(s) => vec![s.clone()],
                OneOrMany::Many(v) => v.clone(),
            };
            out.extend(names.into_iter().map(|estimand| Target {
                take: take.clone(),
                estimand,
            }));
        }
        (None, None) => {}
        _ => return Err(PlanError::TakeWithoutEstimand),
    }
    for t in &e.targets {
        out.push(Target {
            take: Take::parse(&t.take)?,
            estimand: t.estimand.clone(),
        });
    }
    if out.is_empty() {
        return Err(PlanError::NoTarget);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> EstimatorEntry {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn lewbel_puts_treatment_and_instruments_first() {
        let p = EstimatorPlan::from_entry(&entry(
            r#"label = "l"
               estimator = "lewbel"
               y = "up"
               x = "age,enclave"
               treatment = "enclave"
               instrument = "lq"
               take = "coefficients:enclave"
               estimand = ["ate_direct", "ate_total"]"#,
        ))
        .unwrap();
        let names: Vec<&str> = p.formula.x_terms.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["enclave", "lq", "age"]);
        assert_eq!(p.targets.len(), 2);
        assert_eq!(p.targets[1].estimand, "ate_total");
    }

    #[test]
    fn misapplied_options_and_fields_are_named() {
        let base = "label = \"a\"\ny = \"y\"\ntake = \"coefficients:x\"\nestimand = \"b\"\n";
        let err = |extra: &str| {
            EstimatorPlan::from_entry(&entry(&format!("{base}{extra}")))
                .unwrap_err()
                .to_string()
        };
        assert!(
            err("estimator = \"ols\"\noptions = { margins = \"derivative\" }").contains("margins")
        );
        assert!(err("estimator = \"logit\"\ntreatment = \"d\"").contains("treatment"));
        assert!(err("estimator = \"lewbel\"").contains("treatment"));
        assert!(err("estimator = \"tobit\"").contains("unknown estimator"));
        assert!(err("estimator = \"ols\"\noptions = { se = \"cluster\" }").contains("cluster"));
    }

    #[test]
    fn causal_estimators_lead_with_their_columns() {
        let p = EstimatorPlan::from_entry(&entry(
            r#"label = "m"
               estimator = "mediation"
               y = "intent"
               x = "age"
               treatment = "pessimism"
               mediator = "ln_total"
               options = { outcome_model = "probit", sims = 50, sensitivity = true }
               targets = [{ take = "effects:acme", estimand = "acme" },
                          { take = "fit:rho_at_zero", estimand = "rho" }]"#,
        ))
        .unwrap();
        let names: Vec<&str> = p.formula.x_terms.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["pessimism", "ln_total", "age"]);
        let e = EstimatorPlan::from_entry(&entry(
            r#"label = "p"
               estimator = "psm"
               y = "up"
               treatment = "enclave"
               options = { method = "kernel", k = 4 }
               take = "effects:att"
               estimand = "att""#,
        ))
        .unwrap_err()
        .to_string();
        assert!(e.contains("`k`"), "{e}");
    }
}
