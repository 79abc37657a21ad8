//! Which published rows each study calibrates to and which it holds out
//! (issue 17 item 4), and the Table 1 share rows that `migsim replicate`
//! prints first.
//!
//! A target is there because it identifies a free parameter of the study's
//! default calibration set (`crate::calibrate::defaults`); the reason is
//! written beside each. Every other row is held out: `migsim calibrate`
//! reports its fit separately, as an out-of-sample check. A row without a
//! published SE is never a target.
//!
//! Table 1 shares are published as counts or means; their SE is the binomial
//! one at the published N, `sqrt(p (1 - p) / N)` (marked in the spec text).

use super::rows::ReplicationRow;
use crate::data::Dataset;

/// A declared target: table, spec prefix, term, and why it is in the set.
pub struct Declared {
    /// The table (`Table 2`).
    pub table: &'static str,
    /// A prefix of the row's spec text (`col 1`).
    pub spec_prefix: &'static str,
    /// The row's term.
    pub term: &'static str,
    /// Which free parameter it identifies, in words.
    pub why: &'static str,
}

/// A declared target (for the per-study lists).
pub const fn t(
    table: &'static str,
    spec_prefix: &'static str,
    term: &'static str,
    why: &'static str,
) -> Declared {
    Declared {
        table,
        spec_prefix,
        term,
        why,
    }
}

/// Spec text of the Table 1 share rows.
pub const TABLE1_SPEC: &str = "shares (binomial SE at the published N)";

/// A Table 1 share: term, cohort column (a 0/1 column), published share.
pub struct Share {
    /// The row's term (`enclave share`).
    pub term: &'static str,
    /// The 0/1 cohort column it is the mean of.
    pub column: &'static str,
    /// The published share.
    pub published: f64,
}

/// A study's Table 1 shares and its published N.
pub(crate) type Shares = (&'static [Share], f64);

/// The Table 1 share rows of `shares` on cohort `ds` (a missing column gives
/// an empty synthetic cell with a note, never an error).
pub(crate) fn table1_rows(shares: Shares, ds: &Dataset) -> Vec<ReplicationRow> {
    let (list, n_pub) = shares;
    list.iter()
        .map(|s| {
            let (synthetic, synthetic_se, note) = match ds.numeric_columns(&[s.column]) {
                Ok(cols) if !cols[0].is_empty() => {
                    let n = cols[0].len() as f64;
                    let p = cols[0].iter().sum::<f64>() / n;
                    (Some(p), Some((p * (1.0 - p) / n).max(0.0).sqrt()), None)
                }
                Ok(_) => (None, None, Some("empty cohort".to_string())),
                Err(e) => (None, None, Some(e.to_string())),
            };
            let se = (s.published * (1.0 - s.published) / n_pub).sqrt();
            let mut r = ReplicationRow::new(
                "Table 1",
                TABLE1_SPEC,
                s.term,
                (Some(s.published), Some(se)),
            );
            (r.synthetic, r.synthetic_se) = (synthetic, synthetic_se);
            r.failed = note.clone();
            r.note = note;
            r
        })
        .collect()
}

/// Whether `row` matches declaration `d`.
pub fn matches(d: &Declared, row: &ReplicationRow) -> bool {
    row.table == d.table && row.spec.starts_with(d.spec_prefix) && row.term == d.term
}
