//! Where each replicate row stands with respect to the model (issue 30
//! item 3): the values written into a study's config (`input` rows, never
//! validation), the rows that served to choose hand-set values (`target`
//! rows, with the calibration targets of [`super::targets`]), and every
//! other row (`held out`, the out-of-sample check). Each rule names the
//! config it reads from (the study's `config.rs`) and why.
//!
//! Precedence: input, then target, then held out. A calibration target
//! that is also an input (talent's unit-support share, drawn to the Table 1
//! total) stays in the calibration's default set but is reported as an
//! input: fitting it says nothing about the model.

use super::rows::{ReplicationRow, Role};
use super::targets;
use crate::studies::StudyName;

/// A provenance rule: rows of `table` whose spec starts with `spec_prefix`
/// and whose term is one of `terms` get `role`, for the reason `why`.
pub struct Rule {
    /// The table, e.g. `Table 2`.
    pub table: &'static str,
    /// The start of the specification's name, e.g. `model (`.
    pub spec_prefix: &'static str,
    /// The terms the rule covers.
    pub terms: &'static [&'static str],
    /// The role it gives: [`Role::Input`] or [`Role::Target`].
    pub role: Role,
    /// Which config value the rows were written into or chose, and where.
    pub why: &'static str,
}

impl Rule {
    /// Whether `r` is a row the rule covers.
    pub fn matches(&self, r: &ReplicationRow) -> bool {
        r.table == self.table
            && r.spec.starts_with(self.spec_prefix)
            && self.terms.contains(&r.term.as_str())
    }
}

/// An `input` rule: the rows carry values written into the model.
pub(crate) const fn input(
    table: &'static str,
    spec_prefix: &'static str,
    terms: &'static [&'static str],
    why: &'static str,
) -> Rule {
    Rule {
        table,
        spec_prefix,
        terms,
        role: Role::Input,
        why,
    }
}

/// A `target` rule: the rows served to choose a hand-set value.
pub(crate) const fn chosen(
    table: &'static str,
    spec_prefix: &'static str,
    terms: &'static [&'static str],
    why: &'static str,
) -> Rule {
    Rule {
        table,
        spec_prefix,
        terms,
        role: Role::Target,
        why,
    }
}

/// The role of `row` in `study`: input, target (a calibration target with
/// a published SE, or a row that chose a hand-set value) or held out. The
/// rules are the study's own ([`super::Analysis::provenance`]).
pub fn role_of(study: StudyName, row: &ReplicationRow) -> Role {
    let analysis = super::registry::analysis(study);
    let rules = analysis.provenance();
    if rules
        .iter()
        .any(|r| r.role == Role::Input && r.matches(row))
    {
        return Role::Input;
    }
    let calibration = analysis.declared().iter().any(|d| targets::matches(d, row))
        && row.published.is_some()
        && row.published_se.is_some_and(|s| s > 0.0);
    if calibration
        || rules
            .iter()
            .any(|r| r.role == Role::Target && r.matches(row))
    {
        Role::Target
    } else {
        Role::HeldOut
    }
}

/// Mark every row of `study` with its role.
pub fn assign_roles(study: StudyName, rows: &mut [ReplicationRow]) {
    for r in rows {
        r.role = role_of(study, r);
    }
}
