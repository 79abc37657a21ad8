//! Recovery spec files: TOML with unknown keys rejected; every error names
//! the file and the line.
//!
//! ```toml
//! name = "logit_well_specified"      # default: the file stem
//! reps = 1000
//! seed = 20240601
//! n = 1000                           # default: the study's (or the DGP's) size
//! study = "enclave"                  # or a [logit] table (the built-in DGP)
//! estimands = ["ate_direct", "ate_total"]
//!
//! [overrides]                        # study config keys (nested tables allowed)
//! ability_sd = 1.0
//!
//! [[estimators]]
//! label = "naive probit"
//! estimator = "probit"
//! y = "up"
//! x = "enclave,age,male"
//! options = { margins = "discrete" }
//! take = "marginal_effects:enclave"
//! estimand = ["ate_direct", "ate_total"]
//! ```

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::RecoveryError;
use super::dgp::LogitDgp;
use super::estimators::{EstimatorEntry, EstimatorPlan};
use super::problem::PlanError;
use crate::studies::StudyName;

/// Replications when the spec gives none.
pub const DEFAULT_REPS: usize = 1000;

/// Where the cohorts and their truth come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A registered study, simulated with its settings plus `overrides`.
    Study {
        /// The study.
        study: StudyName,
        /// Dotted settings over the study's defaults (`[source.overrides]`).
        overrides: toml::Table,
    },
    /// The built-in logit with known coefficients (`[dgp]`).
    Logit(LogitDgp),
}

impl Source {
    /// The study's key, or `logit`.
    pub fn name(&self) -> &str {
        match self {
            Source::Study { study, .. } => study.as_str(),
            Source::Logit(_) => "logit",
        }
    }
}

/// A checked recovery spec.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The spec's `name`.
    pub name: String,
    /// The file it came from, for messages.
    pub file: String,
    /// The spec's `description`.
    pub description: Option<String>,
    /// Where the cohorts come from.
    pub source: Source,
    /// Sample size per replication (`None`: the source's default).
    pub n: Option<usize>,
    /// Replications `K` (default `DEFAULT_REPS`).
    pub reps: usize,
    /// Master seed; replication `r` draws from `seed::derive(seed, r, ...)`.
    pub seed: u64,
    /// Estimands: entries of the source's truth.
    pub estimands: Vec<String>,
    /// The estimators and the rows that estimate each estimand.
    pub estimators: Vec<EstimatorPlan>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    name: Option<String>,
    description: Option<String>,
    study: Option<Spanned<StudyName>>,
    overrides: Option<Spanned<toml::Table>>,
    /// A calibrated scenario file whose `[baseline]` the overrides start
    /// from, relative to this spec (`[overrides]` go on top).
    baseline_from: Option<Spanned<String>>,
    logit: Option<Spanned<LogitDgp>>,
    /// A user's sample (CSV, relative to this spec): its covariate columns
    /// replace the drawn ones in every replication (any study).
    population: Option<Spanned<String>>,
    n: Option<Spanned<usize>>,
    reps: Option<Spanned<usize>>,
    seed: Option<u64>,
    estimands: Spanned<Vec<String>>,
    #[serde(default)]
    estimators: Vec<Spanned<EstimatorEntry>>,
}

/// `path` as written in spec `file`: relative paths start at the spec's folder.
fn relative_to(file: &str, path: &str) -> String {
    let p = Path::new(path);
    match Path::new(file).parent() {
        Some(dir) if p.is_relative() => dir.join(p).display().to_string(),
        _ => path.to_string(),
    }
}

/// 1-based line of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

impl Spec {
    /// Read and check a spec file.
    pub fn load(path: &Path) -> Result<Spec, RecoveryError> {
        let file = path.display().to_string();
        let text = crate::input::read_text(path).map_err(|source| RecoveryError::Read {
            file: file.clone(),
            source,
        })?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "recovery".into());
        Spec::parse(&text, &file, &stem)
    }

    /// Parse spec `text`; `file` names it in errors, `default_name` is the
    /// name when the spec gives none.
    pub fn parse(text: &str, file: &str, default_name: &str) -> Result<Spec, RecoveryError> {
        let at = |span: Range<usize>, message: String| RecoveryError::Spec {
            file: file.to_string(),
            line: line_of(text, span.start),
            message,
        };
        let raw: RawSpec = toml::from_str(text).map_err(|e| match e.span() {
            Some(span) => at(span, e.message().to_string()),
            None => RecoveryError::SpecFile {
                file: file.to_string(),
                message: e.message().to_string(),
            },
        })?;
        let whole = |message: String| RecoveryError::SpecFile {
            file: file.to_string(),
            message,
        };
        let source = match (raw.study, raw.logit) {
            (Some(study), None) => {
                let own = raw.overrides.map(Spanned::into_inner).unwrap_or_default();
                let overrides = match &raw.baseline_from {
                    None => own,
                    Some(from) => {
                        let (their, mut base) =
                            crate::studies::calibrated::baseline_from(from.get_ref(), file)
                                .map_err(|e| at(from.span(), format!("`baseline_from`: {e}")))?;
                        if their
                            .as_deref()
                            .is_some_and(|s| s != study.get_ref().as_str())
                        {
                            return Err(at(
                                from.span(),
                                format!(
                                    "`baseline_from`: {} is for the {} study, this spec for {}",
                                    from.get_ref(),
                                    their.unwrap_or_default(),
                                    study.get_ref()
                                ),
                            ));
                        }
                        crate::studies::settings::merge_over(&mut base, &own);
                        base
                    }
                };
                let mut overrides = overrides;
                if let Some(pop) = &raw.population {
                    overrides.insert(
                        "population".into(),
                        toml::Value::String(relative_to(file, pop.get_ref())),
                    );
                }
                Source::Study {
                    study: *study.get_ref(),
                    overrides,
                }
            }
            (None, Some(dgp)) => {
                if let Some(p) = raw.population {
                    return Err(at(
                        p.span(),
                        "`population` applies to a study; the [logit] DGP draws its covariates"
                            .into(),
                    ));
                }
                if let Some(o) = raw.overrides {
                    return Err(at(
                        o.span(),
                        "`overrides` apply to a study; the [logit] DGP takes its settings in [logit]"
                            .into(),
                    ));
                }
                let span = dgp.span();
                let dgp = dgp.into_inner();
                dgp.validate().map_err(|e| at(span, e.to_string()))?;
                Source::Logit(dgp)
            }
            (Some(s), Some(_)) => {
                return Err(at(
                    s.span(),
                    "give either `study` or a [logit] table, not both".into(),
                ));
            }
            (None, None) => {
                return Err(whole(
                    "missing the data source: `study = \"enclave|assets|talent\"` or a [logit] table"
                        .into(),
                ));
            }
        };
        let positive = |v: Option<Spanned<usize>>, key: &str| match v {
            Some(s) if *s.get_ref() == 0 => {
                Err(at(s.span(), format!("`{key}` must be at least 1")))
            }
            other => Ok(other.map(Spanned::into_inner)),
        };
        let n = positive(raw.n, "n")?;
        let reps = positive(raw.reps, "reps")?.unwrap_or(DEFAULT_REPS);
        let estimands_span = raw.estimands.span();
        let estimands = raw.estimands.into_inner();
        check_estimands(&estimands).map_err(|e| at(estimands_span.clone(), e.to_string()))?;
        if raw.estimators.is_empty() {
            return Err(whole(
                "no estimators: add at least one [[estimators]] table".into(),
            ));
        }
        let mut estimators: Vec<EstimatorPlan> = Vec::new();
        for entry in raw.estimators {
            let span = entry.span();
            let plan = EstimatorPlan::from_entry(entry.get_ref()).map_err(|m| {
                at(
                    span.clone(),
                    format!("estimator `{}`: {m}", entry.get_ref().label),
                )
            })?;
            if estimators.iter().any(|p| p.label == plan.label) {
                return Err(at(
                    span,
                    format!("duplicate estimator label `{}`", plan.label),
                ));
            }
            if let Some(t) = plan
                .targets
                .iter()
                .find(|t| !estimands.contains(&t.estimand))
            {
                return Err(at(
                    span,
                    format!(
                        "estimator `{}`: estimand `{}` is not in `estimands` ({})",
                        plan.label,
                        t.estimand,
                        estimands.join(", ")
                    ),
                ));
            }
            estimators.push(plan);
        }
        Ok(Spec {
            name: raw.name.unwrap_or_else(|| default_name.to_string()),
            file: file.to_string(),
            description: raw.description,
            source,
            n,
            reps,
            seed: raw.seed.unwrap_or(0),
            estimands,
            estimators,
        })
    }
}

fn check_estimands(estimands: &[String]) -> Result<(), PlanError> {
    if estimands.is_empty() {
        return Err(PlanError::NoEstimands);
    }
    for (i, e) in estimands.iter().enumerate() {
        if estimands[..i].contains(e) {
            return Err(PlanError::EstimandTwice(e.clone()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"reps = 10
seed = 3
estimands = ["beta_x1"]

[logit]
intercept = 0.0
coefficients = { x1 = 1.0 }
covariates = { x1 = { dist = "normal", mean = 0.0, sd = 1.0 } }

[[estimators]]
label = "logit"
estimator = "logit"
y = "y"
x = "x1"
take = "coefficients:x1"
estimand = "beta_x1"
"#;

    fn err(text: &str) -> String {
        Spec::parse(text, "s.toml", "s").unwrap_err().to_string()
    }

    #[test]
    fn good_spec_resolves() {
        let s = Spec::parse(GOOD, "s.toml", "s").unwrap();
        assert_eq!((s.name.as_str(), s.reps, s.seed), ("s", 10, 3));
        assert_eq!(s.estimators[0].targets[0].estimand, "beta_x1");
        assert!(matches!(s.source, Source::Logit(_)));
    }

    #[test]
    fn unknown_keys_name_key_and_line() {
        let e = err(&GOOD.replace("x = \"x1\"", "x = \"x1\"\nweights = \"w\""));
        assert!(e.contains("s.toml line 15") && e.contains("weights"), "{e}");
        let e = err(&GOOD.replace("seed = 3", "sed = 3"));
        assert!(e.contains("line 2") && e.contains("sed"), "{e}");
        let e = err(&GOOD.replace("dist = \"normal\"", "dist = \"cauchy\""));
        assert!(e.contains("line 8") && e.contains("cauchy"), "{e}");
    }

    #[test]
    fn semantic_errors_name_the_entry_line() {
        let e = err(&GOOD.replace("estimand = \"beta_x1\"", "estimand = \"beta_x9\""));
        assert!(e.contains("line 10") && e.contains("beta_x9"), "{e}");
        let e = err(&GOOD.replace("reps = 10", "reps = 0"));
        assert!(e.contains("line 1") && e.contains("reps"), "{e}");
        let e = err(&GOOD.replace("x1 = 1.0 }", "x2 = 1.0 }"));
        assert!(e.contains("line 5") && e.contains("x2"), "{e}");
        let e = err(&format!("study = \"enclave\"\n{GOOD}"));
        assert!(e.contains("line 1") && e.contains("not both"), "{e}");
        let e = err(&GOOD
            .replace("[logit]", "[logit]\n")
            .replace("reps = 10", "study = \"villages\""));
        assert!(e.contains("line 1") && e.contains("villages"), "{e}");
    }
}
