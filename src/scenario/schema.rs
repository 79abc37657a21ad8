//! Scenario files: the TOML as written (`ScenarioFile`) and the checked
//! [`Scenario`] the runner sees.
//!
//! ```toml
//! name = "platform"            # also the default output folder outputs/<name>/
//! study = "enclave"
//! n = 2000                     # optional: the paper's N
//! horizon = 10                 # optional, where the study has time
//! replications = 20
//! seed = 1
//! metrics = ["share_up"]       # optional: every metric of the study
//! [baseline]                   # overrides of the study config
//! [[intervention]]
//! name = "platform"
//! set = { "policy.dispersal_share" = 0.5 }
//! scale = { "policy.platform_lambda_mult" = 1.2 }
//! [sweep]
//! key = "policy.dispersal_share"
//! values = [0.0, 0.25, 0.5]
//! [experiment]                 # optional: see `super::experiment`
//! design = "factorial"
//! levels = { "policy.dispersal_share" = [0.0, 0.5], "zenou.max_years" = [5, 10] }
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::{Spanned, Table};

use super::error::{ScenarioError, line_of};
use super::experiment::{Experiment, ExperimentFile};
use super::sensitivity_spec::{SensitivityFile, SensitivitySpec};
use super::uncertainty::{Uncertainty, UncertaintyFile};
use crate::studies::StudyName;

/// A scenario file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScenarioFile {
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: String,
    pub study: Spanned<String>,
    pub n: Option<usize>,
    pub horizon: Option<Spanned<f64>>,
    pub replications: Spanned<usize>,
    pub seed: u64,
    #[serde(default)]
    pub metrics: Vec<String>,
    pub baseline: Option<Spanned<Table>>,
    /// A calibrated (or other scenario) file whose `[baseline]` this one
    /// starts from, relative to this file; `[baseline]` goes on top.
    pub baseline_from: Option<Spanned<String>>,
    #[serde(default, rename = "intervention")]
    pub interventions: Vec<Spanned<InterventionFile>>,
    pub sweep: Option<Spanned<SweepFile>>,
    /// Written by `migsim calibrate --out`: estimates and covariance of the
    /// free parameters (see [`crate::studies::calibrated::CalibrationTable`]); a run
    /// uses the `[baseline]` table and leaves this one to `[uncertainty]`.
    // Parsed so that a calibrated file is accepted; a run reads `[baseline]`.
    #[allow(dead_code)]
    pub calibration: Option<Table>,
    pub uncertainty: Option<Spanned<UncertaintyFile>>,
    pub sensitivity: Option<Spanned<SensitivityFile>>,
    pub experiment: Option<Spanned<ExperimentFile>>,
}

/// One `[[intervention]]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InterventionFile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub set: Option<Table>,
    pub scale: Option<BTreeMap<String, f64>>,
}

/// `[sweep]` as written: one setting over a grid of values.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SweepFile {
    pub key: String,
    pub values: Vec<f64>,
}

/// A checked scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// File label used in messages.
    pub file: String,
    pub name: String,
    pub description: String,
    pub study: StudyName,
    pub n: Option<usize>,
    pub horizon: Option<f64>,
    pub replications: usize,
    pub seed: u64,
    /// Metrics to track; empty = every metric the study reports.
    pub metrics: Vec<String>,
    /// Baseline overrides (dotted keys expanded into nested tables).
    pub baseline: Table,
    pub baseline_line: Option<usize>,
    pub interventions: Vec<Intervention>,
    pub sweep: Option<Sweep>,
    /// `[uncertainty]`: parameter draws for total intervals.
    pub uncertainty: Option<Uncertainty>,
    /// `[sensitivity]`: the design `migsim sensitivity` runs.
    pub sensitivity: Option<SensitivitySpec>,
    /// `[experiment]`: a factorial or Latin-hypercube design over settings.
    pub experiment: Option<Experiment>,
}

/// A named policy: overrides set on top of the baseline, then settings scaled.
#[derive(Debug, Clone)]
pub struct Intervention {
    pub name: String,
    pub description: String,
    pub set: Table,
    /// Dotted setting path -> factor applied to the baseline's value.
    pub scale: BTreeMap<String, f64>,
    pub line: usize,
}

/// A one-setting sweep on top of the baseline.
#[derive(Debug, Clone)]
pub struct Sweep {
    pub key: String,
    pub values: Vec<f64>,
    pub line: usize,
}

impl Scenario {
    /// Read and check a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let file = path.display().to_string();
        let src = crate::input::read_text(path).map_err(|source| ScenarioError::Read {
            file: file.clone(),
            source,
        })?;
        Scenario::parse(&src, &file)
    }

    /// Parse and check scenario TOML; `file` labels error messages.
    pub fn parse(src: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let raw: ScenarioFile = toml::from_str(src).map_err(|e| ScenarioError::Invalid {
            file: file.to_string(),
            line: e.span().map(|s| line_of(src, s.start)),
            message: e.message().trim().to_string(),
        })?;
        Checker { src, file }.check(raw)
    }

    /// Line-located error for this scenario's file.
    pub fn invalid(&self, line: Option<usize>, message: impl Into<String>) -> ScenarioError {
        ScenarioError::Invalid {
            file: self.file.clone(),
            line,
            message: message.into(),
        }
    }
}

struct Checker<'a> {
    src: &'a str,
    file: &'a str,
}

impl Checker<'_> {
    fn line<T>(&self, s: &Spanned<T>) -> usize {
        line_of(self.src, s.span().start)
    }

    fn err(&self, line: usize, message: impl Into<String>) -> ScenarioError {
        ScenarioError::Invalid {
            file: self.file.to_string(),
            line: Some(line),
            message: message.into(),
        }
    }

    fn check(&self, raw: ScenarioFile) -> Result<Scenario, ScenarioError> {
        let name = self.check_name(&raw.name)?;
        let study: StudyName = raw
            .study
            .get_ref()
            .parse()
            .map_err(|e| self.err(self.line(&raw.study), format!("`study`: {e}")))?;
        if raw.n == Some(0) {
            return Err(ScenarioError::Invalid {
                file: self.file.to_string(),
                line: None,
                message: "`n` must be at least 1".into(),
            });
        }
        let replications = *raw.replications.get_ref();
        if replications < 2 {
            return Err(self.err(
                self.line(&raw.replications),
                format!("`replications` must be at least 2 for a confidence interval, got {replications}"),
            ));
        }
        let horizon = match &raw.horizon {
            Some(h) if !(h.get_ref().is_finite() && *h.get_ref() > 0.0) => {
                return Err(self.err(self.line(h), "`horizon` must be a positive number"));
            }
            Some(h) => Some(*h.get_ref()),
            None => None,
        };
        let (mut baseline, baseline_line) = match &raw.baseline {
            Some(b) => {
                let line = self.line(b);
                (self.expand(b.get_ref(), line)?, Some(line))
            }
            None => (Table::new(), None),
        };
        if let Some(from) = &raw.baseline_from {
            let line = self.line(from);
            let (their_study, mut base) =
                crate::studies::calibrated::baseline_from(from.get_ref(), self.file)
                    .map_err(|e| self.err(line, format!("`baseline_from`: {e}")))?;
            if their_study.as_deref().is_some_and(|s| s != study.as_str()) {
                return Err(self.err(
                    line,
                    format!(
                        "`baseline_from`: {} is for the {} study, this scenario for {study}",
                        from.get_ref(),
                        their_study.unwrap_or_default()
                    ),
                ));
            }
            crate::studies::settings::merge_over(&mut base, &baseline);
            baseline = base;
        }
        let interventions = self.check_interventions(raw.interventions)?;
        let sweep = raw.sweep.map(|s| self.check_sweep(s)).transpose()?;
        let dir = Path::new(self.file).parent().unwrap_or(Path::new("."));
        let uncertainty = match raw.uncertainty {
            Some(u) => {
                let line = self.line(&u);
                Some(
                    Uncertainty::check(u.into_inner(), dir, line)
                        .map_err(|e| self.err(line, e.to_string()))?,
                )
            }
            None => None,
        };
        let sensitivity = match raw.sensitivity {
            Some(u) => {
                let line = self.line(&u);
                Some(
                    SensitivitySpec::check(u.into_inner(), dir, line)
                        .map_err(|e| self.err(line, e.to_string()))?,
                )
            }
            None => None,
        };
        let experiment = match raw.experiment {
            Some(x) => {
                let line = self.line(&x);
                Some(
                    Experiment::check(x.into_inner(), replications, line)
                        .map_err(|e| self.err(line, e.to_string()))?,
                )
            }
            None => None,
        };
        if interventions.is_empty() && sweep.is_none() {
            return Err(ScenarioError::Invalid {
                file: self.file.to_string(),
                line: None,
                message: "nothing to compare: add an [[intervention]] or a [sweep]".into(),
            });
        }
        Ok(Scenario {
            file: self.file.to_string(),
            name,
            description: raw.description,
            study,
            n: raw.n,
            horizon,
            replications,
            seed: raw.seed,
            metrics: dedup(raw.metrics),
            baseline,
            baseline_line,
            interventions,
            sweep,
            uncertainty,
            sensitivity,
            experiment,
        })
    }

    fn check_name(&self, name: &Spanned<String>) -> Result<String, ScenarioError> {
        let s = name.get_ref();
        let ok = !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err(self.err(
                self.line(name),
                format!("`name` = {s:?}: expected letters, digits, `-` or `_` (it names the output folder)"),
            ));
        }
        Ok(s.clone())
    }

    fn check_interventions(
        &self,
        raw: Vec<Spanned<InterventionFile>>,
    ) -> Result<Vec<Intervention>, ScenarioError> {
        let mut out: Vec<Intervention> = Vec::with_capacity(raw.len());
        for s in raw {
            let line = self.line(&s);
            let f = s.into_inner();
            if f.name.trim().is_empty() {
                return Err(self.err(line, "intervention `name` must not be empty"));
            }
            if f.name == "baseline" || out.iter().any(|i| i.name == f.name) {
                return Err(self.err(
                    line,
                    format!("intervention name `{}` is used twice or reserved", f.name),
                ));
            }
            let set = self.expand(&f.set.unwrap_or_default(), line)?;
            let scale = f.scale.unwrap_or_default();
            if set.is_empty() && scale.is_empty() {
                return Err(self.err(
                    line,
                    format!(
                        "intervention `{}` changes nothing: give `set` or `scale`",
                        f.name
                    ),
                ));
            }
            if let Some((k, v)) = scale.iter().find(|(_, v)| !v.is_finite()) {
                return Err(self.err(
                    line,
                    format!("scale factor of `{k}` must be finite, got {v}"),
                ));
            }
            out.push(Intervention {
                name: f.name,
                description: f.description,
                set,
                scale,
                line,
            });
        }
        Ok(out)
    }

    fn check_sweep(&self, s: Spanned<SweepFile>) -> Result<Sweep, ScenarioError> {
        let line = self.line(&s);
        let f = s.into_inner();
        if f.key.is_empty() || f.key.split('.').any(str::is_empty) {
            return Err(self.err(
                line,
                format!("sweep `key` = {:?} is not a dotted setting path", f.key),
            ));
        }
        if f.values.is_empty() || f.values.iter().any(|v| !v.is_finite()) {
            return Err(self.err(
                line,
                "sweep `values` must be a non-empty list of finite numbers",
            ));
        }
        Ok(Sweep {
            key: f.key,
            values: f.values,
            line,
        })
    }

    fn expand(&self, t: &Table, line: usize) -> Result<Table, ScenarioError> {
        crate::dotted::expand(t).map_err(|e| self.err(line, e.to_string()))
    }
}

fn dedup(v: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(v.len());
    for m in v {
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}
