//! Synthetic-versus-published tables (`migsim replicate`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::studies::StudyName;

/// Whether a published row is a calibration target or held out for
/// out-of-sample validation (issue 17 item 4); each study declares its
/// targets in [`super::targets`], every other row is held out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Target,
    #[default]
    HeldOut,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Target => "target",
            Role::HeldOut => "held out",
        }
    }
}

/// A row picked by table, full spec text and term (a calibration target).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowKey {
    pub table: String,
    pub spec: String,
    pub term: String,
}

/// Which tables a replication computes: all of them (`migsim replicate`),
/// only some tables, or only the specifications that some rows need (each
/// evaluation of a calibration objective computes only its targets). A
/// specification that is not wanted is not fitted and gives no rows; one
/// that is gives all its rows, exactly as under [`Tables::All`] (a spec is
/// the unit: its stages and terms share one fit, and one failure empties
/// them all).
#[derive(Debug, Clone, Copy)]
pub enum Tables<'a> {
    All,
    Only(&'a [String]),
    Rows(&'a [RowKey]),
}

impl Tables<'_> {
    /// Whether table `name` (e.g. "Table 2") is computed at all.
    pub fn wants(&self, name: &str) -> bool {
        match self {
            Tables::All => true,
            Tables::Only(list) => list.iter().any(|t| t == name),
            Tables::Rows(rows) => rows.iter().any(|r| r.table == name),
        }
    }

    /// Whether the specification `spec` (its full text) of `table` is fitted.
    pub fn wants_spec(&self, table: &str, spec: &str) -> bool {
        match self {
            Tables::Rows(rows) => rows.iter().any(|r| r.table == table && r.spec == spec),
            _ => self.wants(table),
        }
    }
}

/// One reported number: a specification's term, as published and as
/// estimated on the synthetic cohort.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplicationRow {
    /// e.g. "Table 2".
    pub table: String,
    /// e.g. "col 5: probit AME, city + year FE".
    pub spec: String,
    pub term: String,
    pub published: Option<f64>,
    pub published_se: Option<f64>,
    pub synthetic: Option<f64>,
    pub synthetic_se: Option<f64>,
    /// Why a number is missing (a failed fit, ...) or a fit warning.
    pub note: Option<String>,
    /// Calibration target or held out (see [`Role`]).
    pub role: Role,
}

/// All rows of a study's replication.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Replication {
    pub study: StudyName,
    pub n: usize,
    pub seed: u64,
    pub rows: Vec<ReplicationRow>,
}

fn cell(v: Option<f64>, se: Option<f64>) -> String {
    match (v, se) {
        (Some(v), Some(se)) => format!("{v:>9.4} ({se:.4})"),
        (Some(v), None) => format!("{v:>9.4}         "),
        _ => format!("{:>18}", "-"),
    }
}

impl fmt::Display for Replication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Replication of the {} study on a synthetic cohort (n = {}, seed = {})",
            self.study, self.n, self.seed
        )?;
        let mut last = (String::new(), String::new());
        for r in &self.rows {
            if (r.table.as_str(), r.spec.as_str()) != (last.0.as_str(), last.1.as_str()) {
                writeln!(f, "\n{} — {}", r.table, r.spec)?;
                writeln!(
                    f,
                    "  {:<28} {:>18} {:>18}  {:<8}",
                    "term", "published (se)", "synthetic (se)", "role"
                )?;
                last = (r.table.clone(), r.spec.clone());
            }
            write!(
                f,
                "  {:<28} {} {}  {:<8}",
                r.term,
                cell(r.published, r.published_se),
                cell(r.synthetic, r.synthetic_se),
                r.role.as_str()
            )?;
            match &r.note {
                Some(n) => writeln!(f, "  [{n}]")?,
                None => writeln!(f)?,
            }
        }
        Ok(())
    }
}
