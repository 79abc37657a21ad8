//! Which row of a fit estimates an estimand: `SECTION:NAME`, e.g.
//! `coefficients:x1`, `marginal_effects:enclave`, `effects:att`,
//! `first_stage:lq` (any extra row list), or `fit:rho_at_zero` (a scalar fit
//! statistic, which has no standard error).

use std::fmt;

use super::problem::TakeError;
use crate::estimate::{FitResult, ParamRow};

/// The part of a [`FitResult`] a row comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Section {
    Coefficients,
    MarginalEffects,
    Thresholds,
    Effects,
    /// A scalar of `FitResult::fit`.
    Fit,
    /// A named list of `FitResult::extra_rows`.
    Extra(String),
}

/// A parsed `SECTION:NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Take {
    pub section: Section,
    pub name: String,
}

/// One replication's estimate of one estimand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub estimate: f64,
    pub std_error: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub p_value: f64,
}

impl Take {
    /// Parse `SECTION:NAME`; the name may itself contain `:` (`a:b` terms).
    pub fn parse(s: &str) -> Result<Self, TakeError> {
        let (section, name) = s.split_once(':').ok_or_else(|| TakeError::Form {
            take: s.to_string(),
        })?;
        let (section, name) = (section.trim(), name.trim());
        if section.is_empty() || name.is_empty() {
            return Err(TakeError::Empty {
                take: s.to_string(),
            });
        }
        let section = match section {
            "coefficients" | "coef" => Section::Coefficients,
            "marginal_effects" | "margins" => Section::MarginalEffects,
            "thresholds" => Section::Thresholds,
            "effects" => Section::Effects,
            "fit" => Section::Fit,
            other => Section::Extra(other.to_string()),
        };
        Ok(Take {
            section,
            name: name.to_string(),
        })
    }

    fn rows<'a>(&self, fit: &'a FitResult) -> Option<&'a [ParamRow]> {
        match &self.section {
            Section::Coefficients => Some(&fit.coefficients),
            Section::MarginalEffects => Some(&fit.marginal_effects),
            Section::Thresholds => Some(&fit.thresholds),
            Section::Effects => Some(&fit.effects),
            Section::Extra(k) => fit.extra_rows.get(k).map(Vec::as_slice),
            Section::Fit => None,
        }
    }

    /// The estimate this take names in `fit`, or a message listing what the
    /// fit has instead.
    pub fn extract(&self, fit: &FitResult) -> Result<Estimate, TakeError> {
        if self.section == Section::Fit {
            let v = fit
                .fit
                .get(&self.name)
                .ok_or_else(|| TakeError::NoFitStatistic {
                    estimator: fit.estimator.clone(),
                    name: self.name.clone(),
                    have: fit
                        .fit
                        .keys()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
            return Ok(Estimate {
                estimate: *v,
                std_error: f64::NAN,
                ci_low: f64::NAN,
                ci_high: f64::NAN,
                p_value: f64::NAN,
            });
        }
        let rows = self.rows(fit).unwrap_or(&[]);
        let row = rows.iter().find(|r| r.name == self.name).ok_or_else(|| {
            let have: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
            TakeError::NoRow {
                estimator: fit.estimator.clone(),
                take: self.to_string(),
                section: self.section_name().to_string(),
                have: if have.is_empty() {
                    "none".to_string()
                } else {
                    have.join(", ")
                },
            }
        })?;
        Ok(Estimate {
            estimate: row.estimate,
            std_error: row.std_error,
            ci_low: row.ci_low,
            ci_high: row.ci_high,
            p_value: row.p_value,
        })
    }

    fn section_name(&self) -> &str {
        match &self.section {
            Section::Coefficients => "coefficients",
            Section::MarginalEffects => "marginal_effects",
            Section::Thresholds => "thresholds",
            Section::Effects => "effects",
            Section::Fit => "fit",
            Section::Extra(k) => k,
        }
    }
}

impl fmt::Display for Take {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.section_name(), self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sections_and_keeps_colons_in_names() {
        let t = Take::parse("coefficients:a:b").unwrap();
        assert_eq!(t.section, Section::Coefficients);
        assert_eq!(t.name, "a:b");
        assert_eq!(
            Take::parse("first_stage:lq").unwrap().section,
            Section::Extra("first_stage".into())
        );
        assert!(Take::parse("x1").is_err());
        assert!(Take::parse("effects:").is_err());
    }

    #[test]
    fn extracts_rows_and_names_what_is_missing() {
        let mut fit = FitResult::new("logit", 10);
        fit.coefficients.push(ParamRow::normal("x1", 0.5, 0.25));
        fit.fit.insert("pseudo_r2".into(), 0.1);
        let e = Take::parse("coefficients:x1")
            .unwrap()
            .extract(&fit)
            .unwrap();
        assert_eq!((e.estimate, e.std_error), (0.5, 0.25));
        let s = Take::parse("fit:pseudo_r2").unwrap().extract(&fit).unwrap();
        assert_eq!(s.estimate, 0.1);
        assert!(s.std_error.is_nan());
        let err = Take::parse("coefficients:x2")
            .unwrap()
            .extract(&fit)
            .unwrap_err()
            .to_string();
        assert!(err.contains("x2") && err.contains("x1"), "{err}");
        let err = Take::parse("effects:att")
            .unwrap()
            .extract(&fit)
            .unwrap_err()
            .to_string();
        assert!(err.contains("none"), "{err}");
    }
}
