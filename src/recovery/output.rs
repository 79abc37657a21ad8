//! Rendering a recovery run: the text table, the JSON object of the CLI
//! contract, and the CSV files (replaced as one set with `io::write_dir_atomic`).

use std::fmt;

use serde_json::json;

use super::run::{FitRecord, Recovery};

impl Recovery {
    /// `{spec, reps, diagnosands: [...], ...}`; non-finite numbers are `null`.
    pub fn to_json(&self) -> serde_json::Value {
        let s = &self.spec;
        json!({
            "spec": s.name,
            "file": s.file,
            "description": s.description,
            "source": s.source.name(),
            "n": self.replications.first().map(|r| r.n),
            "reps": s.reps,
            "seed": s.seed,
            "estimands": s.estimands,
            "estimators": self.estimators,
            "diagnosands": self.diagnosands,
            "elapsed_s": self.elapsed_s,
            "warnings": self.warnings(),
        })
    }

    /// Warnings on reading the diagnosands: too few replications for the
    /// Monte Carlo SE of a 95% coverage, `sqrt(0.95 · 0.05 / R)`, to be
    /// small (below `MIN_COVERAGE_REPS` it exceeds 0.022; a coverage of
    /// 1.000 then reports an MC SE of 0.000, which is not a precision).
    pub fn warnings(&self) -> Vec<String> {
        let r = self.spec.reps;
        let mut out = Vec::new();
        if r < MIN_COVERAGE_REPS {
            let mcse = (0.95f64 * 0.05 / r as f64).sqrt();
            out.push(format!(
                "{r} replications: the Monte Carlo SE of a 95% coverage is sqrt(0.95*0.05/{r}) = {mcse:.3}, \
                 so coverage and power here are indicative only (a coverage of 1.000 reports MC SE 0.000, \
                 which is not a precision); use at least {MIN_COVERAGE_REPS} replications (MC SE 0.022), \
                 about 475 for +/-0.01"
            ));
        }
        out
    }

    /// One row per diagnosand: every field of the JSON rows.
    pub fn diagnosands_csv(&self) -> Vec<u8> {
        let rows: Vec<serde_json::Value> = self
            .diagnosands
            .iter()
            .map(|d| serde_json::to_value(d).unwrap_or_default())
            .collect();
        let header = DIAGNOSAND_COLUMNS;
        let mut lines = vec![header.join(",")];
        for r in &rows {
            let cells: Vec<String> = header
                .iter()
                .map(|k| match &r[*k] {
                    serde_json::Value::String(s) => csv_text(s),
                    serde_json::Value::Null => String::new(),
                    v => v.to_string(),
                })
                .collect();
            lines.push(cells.join(","));
        }
        (lines.join("\n") + "\n").into_bytes()
    }

    /// Every replication's estimate of every target, long format.
    pub fn replications_csv(&self) -> Vec<u8> {
        let mut out = String::from(
            "rep,seed,n,estimator,estimand,take,truth,estimate,std_error,ci_low,ci_high,p_value,status,message\n",
        );
        for r in &self.replications {
            for (plan, fit) in self.spec.estimators.iter().zip(&r.fits) {
                for (t, target) in plan.targets.iter().enumerate() {
                    let k = self
                        .spec
                        .estimands
                        .iter()
                        .position(|e| *e == target.estimand)
                        .unwrap_or_default();
                    let lead = format!(
                        "{},{},{},{},{},{},{}",
                        r.rep,
                        r.seed,
                        r.n,
                        csv_text(&plan.label),
                        csv_text(&target.estimand),
                        csv_text(&target.take.to_string()),
                        num(r.truths[k])
                    );
                    let tail = match fit {
                        FitRecord::Fitted(e) => {
                            let e = e[t];
                            format!(
                                "{},{},{},{},{},ok,",
                                num(e.estimate),
                                num(e.std_error),
                                num(e.ci_low),
                                num(e.ci_high),
                                num(e.p_value)
                            )
                        }
                        FitRecord::NotConverged(m) => format!(",,,,,nonconverged,{}", csv_text(m)),
                        FitRecord::Failed(m) => format!(",,,,,failed,{}", csv_text(m)),
                    };
                    out.push_str(&lead);
                    out.push(',');
                    out.push_str(&tail);
                    out.push('\n');
                }
            }
        }
        out.into_bytes()
    }
}

/// Fewest replications for which the MC SE of a 95% coverage is at most
/// about 0.022 (`sqrt(0.95 · 0.05 / 100)`).
pub(crate) const MIN_COVERAGE_REPS: usize = 100;

/// Column order of `diagnosands.csv`.
pub const DIAGNOSAND_COLUMNS: &[&str] = &[
    "estimator",
    "method",
    "estimand",
    "take",
    "failures",
    "nonconverged",
    "n_valid",
    "truth",
    "mean_estimate",
    "mean_estimate_mcse",
    "bias",
    "bias_mcse",
    "relative_bias",
    "relative_bias_mcse",
    "rmse",
    "rmse_mcse",
    "sd_estimate",
    "sd_estimate_mcse",
    "mean_se",
    "mean_se_mcse",
    "se_sd_ratio",
    "se_sd_ratio_mcse",
    "coverage",
    "coverage_mcse",
    "power",
    "power_mcse",
    "type_s",
    "type_s_mcse",
    "n_significant",
];

fn num(x: f64) -> String {
    if x.is_finite() {
        x.to_string()
    } else {
        String::new()
    }
}

fn csv_text(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The files of a recovery run, by name: `diagnosands.json`,
/// `diagnosands.csv` and `replications.csv` (written as one set with
/// [`crate::io::write_dir_atomic`]).
pub fn output_files(rec: &Recovery) -> Vec<(&'static str, Vec<u8>)> {
    let json = serde_json::to_string_pretty(&rec.to_json()).unwrap_or_default() + "\n";
    vec![
        ("diagnosands.json", json.into_bytes()),
        ("diagnosands.csv", rec.diagnosands_csv()),
        ("replications.csv", rec.replications_csv()),
    ]
}

fn cell(x: f64, digits: usize) -> String {
    if x.is_finite() {
        format!("{x:.digits$}")
    } else {
        "-".into()
    }
}

impl fmt::Display for Recovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.spec;
        let n = self.replications.first().map_or(0, |r| r.n);
        writeln!(
            f,
            "Recovery: {} ({}, n = {n}, {} replications, seed {})",
            s.name,
            s.source.name(),
            s.reps,
            s.seed
        )?;
        if let Some(d) = &s.description {
            writeln!(f, "{}", d.trim())?;
        }
        let wl = self
            .diagnosands
            .iter()
            .map(|d| d.estimator.len())
            .max()
            .unwrap_or(9)
            .max(9);
        let we = self
            .diagnosands
            .iter()
            .map(|d| d.estimand.len())
            .max()
            .unwrap_or(8)
            .max(8);
        let rule = "-".repeat(wl + we + 98);
        writeln!(f, "{rule}")?;
        writeln!(
            f,
            "{:<wl$} {:<we$} {:>9} {:>9} {:>18} {:>8} {:>8} {:>8} {:>7} {:>14} {:>7} {:>6} {:>6}",
            "estimator",
            "estimand",
            "truth",
            "mean",
            "bias (mcse)",
            "rmse",
            "sd",
            "mean se",
            "se/sd",
            "coverage",
            "power",
            "typeS",
            "valid"
        )?;
        writeln!(f, "{rule}")?;
        for r in &self.diagnosands {
            let d = &r.d;
            writeln!(
                f,
                "{:<wl$} {:<we$} {:>9} {:>9} {:>18} {:>8} {:>8} {:>8} {:>7} {:>14} {:>7} {:>6} {:>6}",
                r.estimator,
                r.estimand,
                cell(d.truth, 4),
                cell(d.mean_estimate, 4),
                format!("{} ({})", cell(d.bias, 4), cell(d.bias_mcse, 4)),
                cell(d.rmse, 4),
                cell(d.sd_estimate, 4),
                cell(d.mean_se, 4),
                cell(d.se_sd_ratio, 2),
                format!("{} ({})", cell(d.coverage, 3), cell(d.coverage_mcse, 3)),
                cell(d.power, 3),
                cell(d.type_s, 3),
                d.n_valid
            )?;
        }
        writeln!(f, "{rule}")?;
        for e in &self.estimators {
            if e.failures + e.nonconverged > 0 {
                writeln!(
                    f,
                    "{}: {} failed, {} did not converge (first: {})",
                    e.label,
                    e.failures,
                    e.nonconverged,
                    e.first_problem.as_deref().unwrap_or("-")
                )?;
            }
        }
        for w in self.warnings() {
            writeln!(f, "warning: {w}")?;
        }
        writeln!(f, "elapsed: {:.1} s", self.elapsed_s)
    }
}
