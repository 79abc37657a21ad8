//! Estimator entries of a recovery spec: which library estimator, on which
//! columns, with which options, and which fit rows estimate which estimands.

use serde::Deserialize;

use super::take::Take;
use crate::data::{Dataset, Formula, build_design};
use crate::estimate::lewbel::Lewbel;
use crate::estimate::{self, EstimateError, FitOptions, FitResult, Margins, SeKind};

/// Estimators a recovery spec may name.
pub const ESTIMATORS: &[&str] = &["ols", "logit", "probit", "ologit", "oprobit", "lewbel"];

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

/// Estimator options; each applies to the estimators listed in
/// [`EstimatorOptions::set`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstimatorOptions {
    /// `classical`, `robust` or `cluster` (default: `cluster` when `cluster` is set).
    pub se: Option<String>,
    /// `derivative` or `discrete` average marginal effects.
    pub margins: Option<String>,
    pub max_iter: Option<usize>,
    pub tol: Option<f64>,
}

impl EstimatorOptions {
    /// Names of the options that are set, with the estimators they apply to.
    fn set(&self) -> Vec<(&'static str, &'static [&'static str])> {
        const ML: &[&str] = &["ols", "logit", "probit", "ologit", "oprobit"];
        let mut v = Vec::new();
        if self.margins.is_some() {
            v.push(("margins", &["logit", "probit"][..]));
        }
        if self.max_iter.is_some() {
            v.push(("max_iter", ML));
        }
        if self.tol.is_some() {
            v.push(("tol", ML));
        }
        v
    }

    fn fit_options(&self, cluster: bool) -> Result<FitOptions, String> {
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
}

/// What an estimator fit produces for the harness.
#[derive(Debug, Clone)]
enum Method {
    /// `estimate::fit_by_name`.
    Design(String, FitOptions),
    Lewbel(Lewbel),
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
    pub targets: Vec<Target>,
    method: Method,
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
    pub fn from_entry(e: &EstimatorEntry) -> Result<Self, String> {
        let name = e.estimator.as_str();
        if !ESTIMATORS.contains(&name) {
            return Err(format!(
                "unknown estimator `{name}` (expected one of: {})",
                ESTIMATORS.join(", ")
            ));
        }
        if e.label.trim().is_empty() {
            return Err("`label` must not be empty".into());
        }
        for (opt, applies) in e.options.set() {
            if !applies.contains(&name) {
                return Err(format!(
                    "option `{opt}` does not apply to {name} (it applies to: {})",
                    applies.join(", ")
                ));
            }
        }
        let y =
            e.y.as_deref()
                .ok_or_else(|| format!("{name} needs the outcome column: `y = \"COL\"`"))?;
        let opts = e.options.fit_options(e.cluster.is_some())?;
        let instruments = list(&e.instrument);
        let needs = |field: &str, v: &Option<String>| {
            v.clone()
                .ok_or_else(|| format!("{name} needs `{field} = \"COL\"`"))
        };
        let forbid = |field: &str, v: &Option<String>| match v {
            Some(_) => Err(format!("`{field}` does not apply to {name}")),
            None => Ok(()),
        };
        forbid("mediator", &e.mediator)?;
        let (method, lead) = if name == "lewbel" {
            let treatment = needs("treatment", &e.treatment)?;
            let mut lead = vec![treatment.clone()];
            lead.extend(instruments.iter().cloned());
            let spec = Lewbel {
                treatment,
                instruments,
                se: opts.se,
            };
            (Method::Lewbel(spec), lead)
        } else {
            forbid("treatment", &e.treatment)?;
            forbid("instrument", &e.instrument)?;
            (Method::Design(name.to_string(), opts), Vec::new())
        };
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
            estimate::needs_intercept(name),
        )
        .map_err(|err| err.to_string())?;
        Ok(EstimatorPlan {
            label: e.label.clone(),
            estimator: name.to_string(),
            formula,
            targets: targets(e)?,
            method,
        })
    }

    /// Fit on a cohort; `seed` drives the estimator's own randomness.
    pub fn fit(&self, cohort: &Dataset, _seed: u64) -> Result<FitResult, FitFailure> {
        let design =
            build_design(cohort, &self.formula).map_err(|e| FitFailure::Data(e.to_string()))?;
        let result = match &self.method {
            Method::Design(name, opts) => estimate::fit_by_name(name, &design, opts),
            Method::Lewbel(spec) => spec.fit(&design),
        };
        result.map_err(FitFailure::Estimate)
    }
}

/// Why a fit produced no estimates.
#[derive(Debug, Clone, PartialEq)]
pub enum FitFailure {
    /// The design could not be built (unknown column, ...): a spec error.
    Data(String),
    /// The estimator failed on this replication's data.
    Estimate(EstimateError),
}

fn targets(e: &EstimatorEntry) -> Result<Vec<Target>, String> {
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
        _ => return Err("`take` and `estimand` go together".into()),
    }
    for t in &e.targets {
        out.push(Target {
            take: Take::parse(&t.take)?,
            estimand: t.estimand.clone(),
        });
    }
    if out.is_empty() {
        return Err(
            "no target: give `take = \"SECTION:NAME\"` and `estimand = \"...\"`, or `targets`"
                .into(),
        );
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
        let err =
            |extra: &str| EstimatorPlan::from_entry(&entry(&format!("{base}{extra}"))).unwrap_err();
        assert!(
            err("estimator = \"ols\"\noptions = { margins = \"derivative\" }").contains("margins")
        );
        assert!(err("estimator = \"logit\"\ntreatment = \"d\"").contains("treatment"));
        assert!(err("estimator = \"lewbel\"").contains("treatment"));
        assert!(err("estimator = \"tobit\"").contains("unknown estimator"));
        assert!(err("estimator = \"ols\"\noptions = { se = \"cluster\" }").contains("cluster"));
    }
}
