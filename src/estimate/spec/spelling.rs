//! One set of spellings for every estimator option: each option enum gets
//! `FromStr` and serde `Deserialize` from the same table, so `migsim fit`'s
//! flags and a recovery spec's `options` accept the same words (aliases
//! included) and report the same list when a word is unknown.

use std::str::FromStr;

use super::MethodKind;
use crate::estimate::factor::FactorMethod;
use crate::estimate::heckman::{HeckmanOutcome, SelectionMethod};
use crate::estimate::mediation::OutcomeModel;
use crate::estimate::psm::{Kernel, MatchingSe, ScoreModel};
use crate::estimate::{Margins, SeKind};

/// A word that spells no value of an option.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a {option}: expected {expected}")]
pub struct OptionParseError {
    /// The option, as a spec key (`kernel`, `outcome_model`, ...).
    pub option: &'static str,
    /// The word given.
    pub value: String,
    /// Every accepted spelling, `a, b or c`.
    pub expected: String,
}

/// An option enum with its one table of spellings (canonical word first,
/// aliases after it).
pub trait Spelled: Sized + Copy + PartialEq + 'static {
    /// The option's spec key, used in messages.
    const OPTION: &'static str;
    /// Every accepted word and the value it spells.
    const SPELLINGS: &'static [(&'static str, Self)];

    /// The canonical word of a value (the first spelling that maps to it).
    fn canonical(self) -> &'static str {
        Self::SPELLINGS
            .iter()
            .find(|(_, v)| *v == self)
            .map(|(s, _)| *s)
            .unwrap_or("?")
    }

    /// Every accepted spelling as `a, b or c`.
    fn expected() -> String {
        let words: Vec<&str> = Self::SPELLINGS.iter().map(|(s, _)| *s).collect();
        match words.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => words.join(""),
        }
    }

    /// The value spelled by `s` (surrounding blanks ignored).
    fn parse_word(s: &str) -> Result<Self, OptionParseError> {
        let word = s.trim();
        Self::SPELLINGS
            .iter()
            .find(|(w, _)| *w == word)
            .map(|(_, v)| *v)
            .ok_or_else(|| OptionParseError {
                option: Self::OPTION,
                value: word.to_string(),
                expected: Self::expected(),
            })
    }
}

/// `FromStr` and `Deserialize` of an option enum from its [`Spelled`] table.
macro_rules! spelled {
    ($ty:ty, $option:literal, [$($word:literal => $value:expr),+ $(,)?]) => {
        impl Spelled for $ty {
            const OPTION: &'static str = $option;
            const SPELLINGS: &'static [(&'static str, Self)] = &[$(($word, $value)),+];
        }

        impl FromStr for $ty {
            type Err = OptionParseError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty as Spelled>::parse_word(s)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = String::deserialize(d)?;
                word.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

spelled!(SeKind, "standard-error kind", [
    "classical" => SeKind::Classical,
    "robust" => SeKind::Robust,
    "cluster" => SeKind::Cluster,
]);

spelled!(Margins, "margins kind", [
    "derivative" => Margins::Derivative,
    "discrete" => Margins::Discrete,
]);

spelled!(MethodKind, "matching method", [
    "nearest" => MethodKind::Nearest,
    "nn" => MethodKind::Nearest,
    "radius" => MethodKind::Radius,
    "kernel" => MethodKind::Kernel,
    "llr" => MethodKind::LocalLinear,
    "spline" => MethodKind::Spline,
]);

spelled!(Kernel, "kernel", [
    "epanechnikov" => Kernel::Epanechnikov,
    "epan" => Kernel::Epanechnikov,
    "gaussian" => Kernel::Gaussian,
    "normal" => Kernel::Gaussian,
    "tricube" => Kernel::Tricube,
    "uniform" => Kernel::Uniform,
]);

spelled!(ScoreModel, "score model", [
    "logit" => ScoreModel::Logit,
    "probit" => ScoreModel::Probit,
]);

spelled!(MatchingSe, "matching standard error", [
    "ai2006" => MatchingSe::Ai2006,
    "ai2016" => MatchingSe::Ai2016,
]);

spelled!(HeckmanOutcome, "heckman outcome model", [
    "auto" => HeckmanOutcome::Auto,
    "linear" => HeckmanOutcome::Linear,
    "ols" => HeckmanOutcome::Linear,
    "probit" => HeckmanOutcome::Probit,
]);

spelled!(SelectionMethod, "selection-model method", [
    "ml" => SelectionMethod::Ml,
    "twostep" => SelectionMethod::TwoStep,
]);

spelled!(OutcomeModel, "mediation outcome model", [
    "logit" => OutcomeModel::Logit,
    "probit" => OutcomeModel::Probit,
    "ols" => OutcomeModel::Linear,
    "linear" => OutcomeModel::Linear,
]);

spelled!(FactorMethod, "factor method", [
    "pcf" => FactorMethod::PrincipalComponent,
    "ipf" => FactorMethod::IteratedPrincipal,
    "ml" => FactorMethod::MaximumLikelihood,
]);

spelled!(super::HeckmanModel, "heckman model", [
    "treatment" => super::HeckmanModel::Treatment,
    "selection" => super::HeckmanModel::Selection,
]);
