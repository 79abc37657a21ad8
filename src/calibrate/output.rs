//! A calibration as a text table and as `calibrated.toml`: a scenario file
//! (study, n, `[baseline]` with the estimates, a `[sweep]` of the first free
//! parameter over its 95% interval so that `migsim run` accepts it as it is)
//! plus the `[calibration]` table ([`CalibrationTable`]).

use std::fmt;
use std::path::{Path, PathBuf};

use toml::{Table, Value};

use super::CalibrateError;
use super::result::{Calibration, TargetRow};
use crate::io::write_atomic;
use crate::studies::calibrated::CalibrationTable;
use crate::studies::settings::set_dotted;

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| format!("{:>10}", "-"), |x| format!("{x:>10.4}"))
}

fn rows(f: &mut fmt::Formatter<'_>, title: &str, rows: &[TargetRow]) -> fmt::Result {
    writeln!(f, "\n{title}")?;
    writeln!(
        f,
        "  {:<8} {:<34} {:<22} {:>10} {:>10} {:>10} {:>10} {:>7}",
        "table", "spec", "term", "published", "se", "at start", "calibrated", "z"
    )?;
    for r in rows {
        let spec: String = r.spec.chars().take(34).collect();
        let term: String = r.term.chars().take(22).collect();
        writeln!(
            f,
            "  {:<8} {:<34} {:<22} {:>10.4} {} {} {} {:>7}{}",
            r.table,
            spec,
            term,
            r.published,
            opt(r.published_se),
            opt(r.at_start),
            opt(r.calibrated),
            r.z.map_or("-".into(), |z| format!("{z:.2}")),
            if r.failures > 0 {
                format!("  [{} failed]", r.failures)
            } else {
                String::new()
            }
        )?;
    }
    Ok(())
}

impl fmt::Display for Calibration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fit = &self.fit;
        writeln!(
            f,
            "Calibration of the {} study{} (n = {}, R = {}, seed = {}, targets: {})",
            self.study,
            if self.self_check {
                " — self-check"
            } else {
                ""
            },
            fit.n,
            fit.reps,
            fit.seed,
            self.target_set
        )?;
        writeln!(
            f,
            "\n  {:<36} {:>10} {:>10} {:>10} {:>10} {:>10}{}",
            "parameter",
            "start",
            "estimate",
            "se",
            "lower",
            "upper",
            if self.self_check { "      truth" } else { "" }
        )?;
        for p in &self.params {
            writeln!(
                f,
                "  {:<36} {:>10.4} {:>10.4} {:>10.4} {:>10.4} {:>10.4}{}",
                p.name,
                p.start,
                p.estimate,
                p.se,
                p.lower,
                p.upper,
                p.truth.map_or(String::new(), |t| format!(" {t:>10.4}"))
            )?;
        }
        rows(f, "Targets", &self.targets)?;
        write!(f, "{}", self.geography)?;
        if !self.heldout.is_empty() {
            rows(f, "Held out (z on the combined SE)", &self.heldout)?;
        }
        writeln!(
            f,
            "\nQ = {:.4}, J = {:.4}, df = {}, p = {}; {} evaluations in {:.1} s; {}",
            fit.q,
            fit.j,
            fit.df,
            fit.p_value.map_or("-".into(), |p| format!("{p:.4}")),
            fit.evaluations,
            fit.elapsed_s,
            if fit.failed {
                "FAILED (every cohort of a target failed)"
            } else if fit.converged {
                "converged"
            } else {
                "NOT converged"
            }
        )?;
        if let Some(s) = fit.heldout_within_1_96 {
            writeln!(
                f,
                "held-out rows within 1.96 combined SE: {:.0}%",
                100.0 * s
            )?;
        }
        let id = &self.identification;
        writeln!(
            f,
            "identification: rank {} of {}, condition number {:.3e}",
            id.rank,
            self.params.len(),
            id.condition_number
        )?;
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        Ok(())
    }
}

impl Calibration {
    /// The `[calibration]` table of this result.
    pub fn table(&self) -> CalibrationTable {
        CalibrationTable {
            params: self.params.iter().map(|p| p.name.clone()).collect(),
            estimate: self.params.iter().map(|p| p.estimate).collect(),
            se: self.params.iter().map(|p| p.se).collect(),
            lower: self.params.iter().map(|p| p.lower).collect(),
            upper: self.params.iter().map(|p| p.upper).collect(),
            covariance: self.covariance.clone(),
            targets: self.target_set.clone(),
            reps: self.fit.reps,
            seed: self.fit.seed,
            j: self.fit.j,
            df: self.fit.df,
            p_value: self.fit.p_value.unwrap_or(f64::NAN),
            converged: self.fit.converged,
        }
    }

    /// `calibrated.toml` as text.
    pub fn scenario_toml(&self) -> Result<String, CalibrateError> {
        let invalid = |message: String| CalibrateError::TargetsFile {
            file: "calibrated.toml".into(),
            line: None,
            message,
        };
        let table = self.table();
        table.check().map_err(|e| invalid(e.to_string()))?;
        let mut doc = Table::new();
        doc.insert(
            "name".into(),
            Value::String(format!("{}-calibrated", self.study)),
        );
        doc.insert(
            "description".into(),
            Value::String(format!(
                "Calibrated by `migsim calibrate {}` (targets: {}, R = {}, seed = {}): J = {:.3}, df = {}; the sweep moves {} across its 95% interval",
                self.study,
                self.target_set,
                self.fit.reps,
                self.fit.seed,
                self.fit.j,
                self.fit.df,
                table.params[0]
            )),
        );
        doc.insert("study".into(), Value::String(self.study.to_string()));
        doc.insert("n".into(), Value::Integer(self.fit.n as i64));
        doc.insert("replications".into(), Value::Integer(20));
        doc.insert("seed".into(), Value::Integer(self.fit.seed as i64));
        let mut baseline = Table::new();
        for p in &self.params {
            set_dotted(&mut baseline, &p.name, Value::Float(p.estimate));
        }
        doc.insert("baseline".into(), Value::Table(baseline));
        let p0 = &self.params[0];
        let lo = (p0.estimate - 1.96 * p0.se).max(p0.lower);
        let hi = (p0.estimate + 1.96 * p0.se).min(p0.upper);
        let mut values = vec![lo, p0.estimate, hi];
        values.dedup();
        let mut sweep = Table::new();
        sweep.insert("key".into(), Value::String(p0.name.clone()));
        sweep.insert(
            "values".into(),
            Value::Array(values.into_iter().map(Value::Float).collect()),
        );
        doc.insert("sweep".into(), Value::Table(sweep));
        let cal = Value::try_from(&table).map_err(|e| invalid(e.to_string()))?;
        doc.insert("calibration".into(), cal);
        toml::to_string(&doc).map_err(|e| invalid(e.to_string()))
    }

    /// Write `dir/calibrated.toml` (whole or not at all); returns its path.
    pub fn write(&self, dir: &Path) -> Result<PathBuf, CalibrateError> {
        self.usable()?;
        let path = dir.join("calibrated.toml");
        let text = self.scenario_toml()?;
        write_atomic(&path, text.as_bytes()).map_err(|e| CalibrateError::Write {
            file: path.display().to_string(),
            source: e.source,
        })?;
        Ok(path)
    }
}
