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

use super::rows::{ReplicationRow, Role};
use crate::data::Dataset;
use crate::studies::StudyName;

/// A declared target: table, spec prefix, term, and why it is in the set.
pub struct Declared {
    pub table: &'static str,
    pub spec_prefix: &'static str,
    pub term: &'static str,
    pub why: &'static str,
}

const fn t(
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
    pub term: &'static str,
    pub column: &'static str,
    pub published: f64,
}

/// The Table 1 shares of a study and its published N.
pub fn shares(study: StudyName) -> (&'static [Share], f64) {
    match study {
        StudyName::Enclave => (
            &[
                Share {
                    term: "enclave share",
                    column: "enclave",
                    published: 0.207,
                },
                Share {
                    term: "share up",
                    column: "up",
                    published: 0.650,
                },
            ],
            7762.0,
        ),
        StudyName::Assets => (
            &[Share {
                term: "intention share",
                column: "intent",
                published: 0.09,
            }],
            3624.0,
        ),
        StudyName::Talent => (
            &[
                Share {
                    term: "unit support share",
                    column: "unit_support",
                    published: 0.152,
                },
                Share {
                    term: "participation behaviour China share",
                    column: "particip_behavior",
                    published: 0.102,
                },
                Share {
                    term: "cumulative network share",
                    column: "cumulative",
                    published: 0.251,
                },
            ],
            777.0,
        ),
    }
}

/// The Table 1 share rows of `study` on cohort `ds` (a missing column gives
/// an empty synthetic cell with a note, never an error).
pub fn table1_rows(study: StudyName, ds: &Dataset) -> Vec<ReplicationRow> {
    let (list, n_pub) = shares(study);
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
            ReplicationRow {
                table: "Table 1".into(),
                spec: TABLE1_SPEC.into(),
                term: s.term.into(),
                published: Some(s.published),
                published_se: Some((s.published * (1.0 - s.published) / n_pub).sqrt()),
                synthetic,
                synthetic_se,
                note,
                role: Role::HeldOut,
            }
        })
        .collect()
}

/// The default calibration targets of `study`, with the reason for each.
pub fn declared(study: StudyName) -> &'static [Declared] {
    match study {
        StudyName::Enclave => &ENCLAVE,
        StudyName::Assets => &ASSETS,
        StudyName::Talent => &super::talent_published::TARGETS,
    }
}

const ENCLAVE: [Declared; 6] = [
    t(
        "Table 1",
        "shares",
        "share up",
        "level of mobility: pins outcome.intercept",
    ),
    t(
        "Table 2",
        "col 1",
        "enclave",
        "raw enclave gap: the job-information loading outcome.job carries the mechanism",
    ),
    t(
        "Table 2",
        "col 3",
        "enclave",
        "gap within cities: separates sorting on city dynamism (enclave_choice.city) from the mechanism",
    ),
    t(
        "Table 2",
        "col 5",
        "enclave",
        "gap within city and year: the headline estimate, over-identifies the two above",
    ),
    t(
        "Table 5",
        "col 1",
        "first stage: lq",
        "exclusion restriction's strength: pins enclave_choice.lq",
    ),
    t(
        "Table 8",
        "(1)",
        "enclave",
        "enclave -> ascribed network share: pins network.homophily_enclave",
    ),
];

const ASSETS: [Declared; 7] = [
    t(
        "Table 1",
        "shares",
        "intention share",
        "level of intention: pins intention.constant",
    ),
    t(
        "Table 2",
        "model (2)",
        "ln_total",
        "falling arm of the U: the stake in staying, intention.stake",
    ),
    t(
        "Table 2",
        "model (2)",
        "ln_total^2",
        "rising arm of the U: capability and moving cost (intention.capability, intention.moving_cost)",
    ),
    t(
        "Table 2",
        "model (5)",
        "ln_financial",
        "liquid financial assets given housing: intention.capability",
    ),
    t(
        "Table 2",
        "model (5)",
        "ln_housing",
        "housing given financial assets: intention.housing_liquidity",
    ),
    t(
        "Table 2",
        "model (3)",
        "ln_financial",
        "financial assets alone: over-identifies the asset-type split",
    ),
    t(
        "Table 2",
        "model (4)",
        "ln_housing",
        "housing alone: over-identifies the asset-type split",
    ),
];

/// Whether `row` matches declaration `d`.
pub fn matches(d: &Declared, row: &ReplicationRow) -> bool {
    row.table == d.table && row.spec.starts_with(d.spec_prefix) && row.term == d.term
}

/// Mark the declared targets of `study` (rows with a published SE only);
/// every other row is held out.
pub fn assign_roles(study: StudyName, rows: &mut [ReplicationRow]) {
    let list = declared(study);
    for r in rows {
        let declared = list.iter().any(|d| matches(d, r));
        r.role = if declared && r.published.is_some() && r.published_se.is_some_and(|s| s > 0.0) {
            Role::Target
        } else {
            Role::HeldOut
        };
    }
}
