//! Synthetic-versus-published tables (`migsim replicate`).

use serde::{Deserialize, Serialize};

pub use super::cohorts::CohortSummary;
pub use super::joint::JointTest;
use crate::studies::StudyName;

/// A row's provenance (`super::provenance`): a calibration target or a
/// row that served to choose a hand-set value (`target`), a value written
/// into the model (`input`: never validation), or neither (`held out`: the
/// out-of-sample check). JSON: `"target"`, `"held out"`, `"input"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Role {
    /// A calibration target, or a row that chose a hand-set value.
    #[serde(rename = "target")]
    Target,
    /// Neither target nor input: the out-of-sample check.
    #[default]
    #[serde(rename = "held out")]
    HeldOut,
    /// A published value written into the model: never validation.
    #[serde(rename = "input")]
    Input,
}

impl Role {
    /// The JSON spelling: `target`, `held out` or `input`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Target => "target",
            Role::HeldOut => "held out",
            Role::Input => "input",
        }
    }
}

/// A row picked by table, full spec text and term (a calibration target).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowKey {
    /// e.g. "Table 2".
    pub table: String,
    /// The specification's full text.
    pub spec: String,
    /// The term.
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
    /// Every table.
    All,
    /// The tables named.
    Only(&'a [String]),
    /// The specifications these rows belong to.
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
    /// The coefficient, effect or statistic, as the paper names it.
    pub term: String,
    /// The paper's number (None where the paper gives none).
    pub published: Option<f64>,
    /// The paper's standard error (None where it gives none).
    pub published_se: Option<f64>,
    /// This cohort's estimate (None when the fit failed).
    pub synthetic: Option<f64>,
    /// Its standard error on this cohort.
    pub synthetic_se: Option<f64>,
    /// Why a number is missing (a failed fit, ...) or a fit warning.
    pub note: Option<String>,
    /// Target, held out or input (see [`Role`]).
    pub role: Role,
    /// Whether the row can count as agreeing (`super::score`): the
    /// simulated SE at most twice the published SE (or the tolerance).
    pub informative: bool,
    /// Why the row has no estimate (a failed or non-converged fit): it
    /// counts as a failure, never as a dropped row.
    pub failed: Option<String>,
    /// The stated tolerance of a row without a published SE.
    pub tolerance: Option<f64>,
    /// Whether this cohort's estimate agrees with the published number
    /// (`super::score`); None without a published number.
    pub agrees: Option<bool>,
}

impl ReplicationRow {
    /// A row of `table` / `spec` / `term` with its published number and SE,
    /// no estimate yet, held out until roles are assigned.
    pub fn new(table: &str, spec: &str, term: &str, published: (Option<f64>, Option<f64>)) -> Self {
        ReplicationRow {
            table: table.into(),
            spec: spec.into(),
            term: term.into(),
            published: published.0,
            published_se: published.1,
            synthetic: None,
            synthetic_se: None,
            note: None,
            role: Role::HeldOut,
            informative: false,
            failed: None,
            tolerance: None,
            agrees: None,
        }
    }

    /// The row's key (table, full spec, term).
    pub fn key(&self) -> RowKey {
        RowKey {
            table: self.table.clone(),
            spec: self.spec.clone(),
            term: self.term.clone(),
        }
    }

    /// Whether `other` is the same row (table, spec and term).
    pub fn same_row(&self, other: &ReplicationRow) -> bool {
        self.table == other.table && self.spec == other.spec && self.term == other.term
    }
}

/// All rows of a study's replication: one cohort's rows and, over the
/// cohorts of `super::cohorts`, the joint held-out test and the
/// per-cohort reproduction rates (None for a single cohort).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Replication {
    /// The study replicated.
    pub study: StudyName,
    /// Cohort size.
    pub n: usize,
    /// Seed of the cohort whose rows these are.
    pub seed: u64,
    /// Its rows, Table 1 shares first; the count does not change with the
    /// seed (failed fits keep their rows).
    pub rows: Vec<ReplicationRow>,
    /// The held-out rows tested jointly given the targets.
    pub heldout_joint: Option<JointTest>,
    /// Per-cohort rates over the cohorts of the joint test.
    pub cohorts: Option<CohortSummary>,
}
