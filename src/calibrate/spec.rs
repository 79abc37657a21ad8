//! What a calibration fits: the target rows and the free parameters, from a
//! study's defaults, a targets file and `--free`.
//!
//! A targets file (TOML) picks rows of `migsim replicate <study>` by table,
//! spec prefix and term, and may declare free parameters with bounds:
//!
//! ```toml
//! [[target]]
//! table = "Table 2"
//! spec = "col 1"          # prefix of the row's spec
//! term = "enclave"
//! [[free]]
//! key = "outcome.job"
//! lower = 0.0
//! upper = 4.0
//! ```

use serde::Deserialize;
use toml::Spanned;

use super::CalibrateError;
use super::smc::prior::PriorEntry;
use crate::replicate::{SearchBounds, analysis};
use crate::studies::StudyName;
use crate::studies::settings::lookup;

/// A target row, picked by table, spec prefix and term.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetKey {
    /// The table.
    pub table: String,
    /// A prefix of the row's specification text.
    pub spec: String,
    /// The term.
    pub term: String,
}

/// A free parameter: dotted config key, search bounds, start (its default).
#[derive(Debug, Clone, PartialEq)]
pub struct FreeParam {
    /// The dotted config key.
    pub key: String,
    /// Lower search bound.
    pub lower: f64,
    /// Upper search bound.
    pub upper: f64,
    /// Start value (the config default).
    pub start: f64,
}

/// Each study's default free set: (key, lower, upper). Bounds are search
/// bounds within the registry's; the start is the config default.
fn default_free(study: StudyName) -> &'static [SearchBounds] {
    analysis(study).default_free()
}

/// Check a free parameter against the registry: the key exists, is a
/// number, the bounds are ordered, admitted by the registry, and hold the
/// default.
fn checked(
    study: StudyName,
    key: &str,
    bounds: Option<(f64, f64)>,
) -> Result<FreeParam, CalibrateError> {
    let bad = |reason: String| CalibrateError::Free {
        key: key.to_string(),
        reason,
    };
    let s = lookup(study, key).map_err(|e| bad(e.to_string()))?;
    let start = s
        .value
        .ok_or_else(|| bad(format!("is not a number (default {})", s.default)))?;
    if s.default.parse::<i64>().is_ok() {
        // The search moves θ continuously; a count takes whole values only.
        return Err(bad(format!(
            "is an integer setting (default {}); only real-valued settings can be free \
             (set it in [baseline] or with --n instead)",
            s.default
        )));
    }
    let (lower, upper) = match bounds {
        Some(b) => b,
        None => default_free(study)
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, l, u)| (*l, *u))
            .or_else(|| (s.lower.is_finite() && s.upper.is_finite()).then_some((s.lower, s.upper)))
            .ok_or_else(|| {
                bad(format!(
                    "has no default search bounds (registry bounds {}); give them as `{key}=LOWER:UPPER`",
                    s.bounds_text()
                ))
            })?,
    };
    if !(lower.is_finite() && upper.is_finite() && lower < upper) {
        return Err(bad(format!(
            "bounds [{lower}, {upper}] must be finite with lower < upper"
        )));
    }
    if !(s.admits(lower) || s.admits(lower + 1e-9 * (upper - lower))) || !s.admits(upper) {
        return Err(bad(format!(
            "bounds [{lower}, {upper}] leave the setting's valid range {}",
            s.bounds_text()
        )));
    }
    if !(lower..=upper).contains(&start) {
        return Err(bad(format!(
            "bounds [{lower}, {upper}] exclude the current default {start}"
        )));
    }
    Ok(FreeParam {
        key: key.to_string(),
        lower,
        upper,
        start,
    })
}

/// The default free set of `study`, checked against the registry.
pub fn default_free_params(study: StudyName) -> Result<Vec<FreeParam>, CalibrateError> {
    default_free(study)
        .iter()
        .map(|(k, l, u)| checked(study, k, Some((*l, *u))))
        .collect()
}

/// Parse `--free KEY[=LO:HI],...`.
pub fn parse_free_list(study: StudyName, list: &str) -> Result<Vec<FreeParam>, CalibrateError> {
    let mut out: Vec<FreeParam> = Vec::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (key, bounds) = match item.split_once('=') {
            None => (item, None),
            Some((k, b)) => {
                let parsed = b.split_once(':').and_then(|(l, u)| {
                    Some((l.trim().parse::<f64>().ok()?, u.trim().parse::<f64>().ok()?))
                });
                let b = parsed.ok_or_else(|| CalibrateError::Free {
                    key: k.to_string(),
                    reason: format!("bounds `{b}` are not LOWER:UPPER numbers"),
                })?;
                (k.trim(), Some(b))
            }
        };
        if out.iter().any(|p| p.key == key) {
            return Err(CalibrateError::Free {
                key: key.into(),
                reason: "is given twice".into(),
            });
        }
        out.push(checked(study, key, bounds)?);
    }
    if out.is_empty() {
        return Err(CalibrateError::Option {
            option: "--free".into(),
            reason: format!(
                "`{list}` names no parameter; give KEY[=LOWER:UPPER],... \
                 (see `migsim settings {study}`)"
            ),
        });
    }
    Ok(out)
}

/// The default targets of `study` (its declared target rows).
pub fn default_targets(study: StudyName) -> Vec<TargetKey> {
    analysis(study)
        .declared()
        .iter()
        .map(|d| TargetKey {
            table: d.table.into(),
            spec: d.spec_prefix.into(),
            term: d.term.into(),
        })
        .collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsFile {
    #[serde(default)]
    target: Vec<Spanned<TargetEntry>>,
    #[serde(default)]
    free: Vec<Spanned<FreeEntry>>,
    /// Priors of `--method smc` ([`super::smc::prior`]).
    #[serde(default)]
    prior: Vec<Spanned<PriorEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetEntry {
    table: String,
    #[serde(default)]
    spec: String,
    term: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FreeEntry {
    key: String,
    lower: Option<f64>,
    upper: Option<f64>,
}

/// 1-based line of byte offset `at` in `src`.
pub(crate) fn line_of(src: &str, at: usize) -> usize {
    src[..at.min(src.len())].matches('\n').count() + 1
}

/// Targets and (optional) free parameters of a targets file; each target
/// with the line it is on, for later errors (an unmatched row).
pub(crate) struct TargetsFromFile {
    /// Each target with its line.
    pub targets: Vec<(TargetKey, usize)>,
    /// The `[[free]]` keys, if the file has any.
    pub free: Option<Vec<FreeParam>>,
    /// `[[prior]]` entries with their lines (checked by `--method smc`).
    pub priors: Vec<(PriorEntry, usize)>,
}

/// Parse a targets file; errors name the file, line and key.
pub(crate) fn parse_targets_file(
    study: StudyName,
    src: &str,
    file: &str,
) -> Result<TargetsFromFile, CalibrateError> {
    let err = |line: Option<usize>, message: String| CalibrateError::TargetsFile {
        file: file.to_string(),
        line,
        message,
    };
    let raw: TargetsFile = toml::from_str(src).map_err(|e| {
        err(
            e.span().map(|s| line_of(src, s.start)),
            e.message().trim().to_string(),
        )
    })?;
    if raw.target.is_empty() {
        return Err(err(None, "no [[target]] rows".into()));
    }
    let targets = raw
        .target
        .into_iter()
        .map(|t| {
            let line = line_of(src, t.span().start);
            let t = t.into_inner();
            (
                TargetKey {
                    table: t.table,
                    spec: t.spec,
                    term: t.term,
                },
                line,
            )
        })
        .collect();
    let free = if raw.free.is_empty() {
        None
    } else {
        let mut out: Vec<FreeParam> = Vec::new();
        for f in raw.free {
            let line = line_of(src, f.span().start);
            let f = f.into_inner();
            let bounds = match (f.lower, f.upper) {
                (Some(l), Some(u)) => Some((l, u)),
                (None, None) => None,
                _ => {
                    return Err(err(
                        Some(line),
                        format!(
                            "[[free]] `{}`: give both `lower` and `upper` or neither",
                            f.key
                        ),
                    ));
                }
            };
            if out.iter().any(|p| p.key == f.key) {
                return Err(err(
                    Some(line),
                    format!("[[free]] `{}` is given twice", f.key),
                ));
            }
            out.push(checked(study, &f.key, bounds).map_err(|e| err(Some(line), e.to_string()))?);
        }
        Some(out)
    };
    let priors = raw
        .prior
        .into_iter()
        .map(|p| (line_of(src, p.span().start), p.into_inner()))
        .map(|(l, p)| (p, l))
        .collect();
    Ok(TargetsFromFile {
        targets,
        free,
        priors,
    })
}
