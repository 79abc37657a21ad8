//! A study's replication over many cohorts (issue 30 items 3 and 4): K
//! cohorts at the published N from seeds `seed, seed + 1, ..., seed + K −
//! 1` (each one a `migsim replicate --seed` run), run in parallel, summarised
//! per row and per study:
//!
//! * per row: failures, the share of cohorts in which it agrees
//!   ([`super::score`]), the share in which it is significant at 5% with
//!   the published sign, its mean simulated SE and whether that is
//!   informative, and (held-out rows) its largest absolute correlation
//!   across cohorts with a target row: **independent** below
//!   [`INDEPENDENT_CORR`] (from K = 20 cohorts a correlation's SE is about
//!   0.2);
//! * the headline facts ([`super::headline`]): the share of cohorts in
//!   which each is significant with the published sign at the paper's level;
//! * the share of the informative, independent held-out rows reproduced per
//!   single cohort (a failed row counts as not reproduced; a row whose
//!   fit never succeeded is kept in the set);
//! * the joint test ([`super::joint`]) over the K cohorts, of the held-out
//!   rows with a published SE that are informative and estimated in every
//!   cohort, given the targets with a published SE estimated in every cohort.

use rayon::prelude::*;
use serde::Serialize;

use super::joint::{JointTest, correlation, joint_test};
use super::rows::{Replication, ReplicationRow, Role, Tables};
use super::score;
use crate::numeric::normal;
use crate::studies::{StudyError, StudyName};

/// Cohorts of `migsim replicate` by default.
pub const DEFAULT_COHORTS: usize = 20;
/// Most cohorts one replication runs.
pub const MAX_COHORTS: usize = 1000;
/// A held-out row is independent of the targets when its absolute
/// correlation with every target across cohorts is below this.
pub const INDEPENDENT_CORR: f64 = 0.6;

/// One row over the cohorts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowRates {
    /// The row's table, e.g. `Table 2`.
    pub table: String,
    /// The row's specification (full text).
    pub spec: String,
    /// The row's term.
    pub term: String,
    /// Its provenance ([`super::provenance`]).
    pub role: Role,
    /// Cohorts in which the row failed.
    pub failures: usize,
    /// Share of cohorts in which it agrees; None without a published number.
    pub agree_share: Option<f64>,
    /// Share of cohorts in which it is significant at 5% with the published
    /// sign; None without a published number and SE.
    pub significant_share: Option<f64>,
    /// Mean simulated SE over the cohorts that estimated it.
    pub mean_se: Option<f64>,
    /// Whether the mean simulated SE is informative (at most twice the
    /// published SE or tolerance); None when no cohort estimated it.
    pub informative: Option<bool>,
    /// Held-out rows: the largest |correlation| with a target row.
    pub max_target_corr: Option<f64>,
    /// Held-out rows: whether `max_target_corr` < [`INDEPENDENT_CORR`].
    pub independent: Option<bool>,
}

/// A headline fact over the cohorts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeadlineRate {
    /// What the paper concludes from the row ([`super::headline`]).
    pub fact: String,
    /// The row's table.
    pub table: String,
    /// The row's specification (full text).
    pub spec: String,
    /// The row's term.
    pub term: String,
    /// The published estimate (its sign is the one required).
    pub published: Option<f64>,
    /// Two-sided level the paper reports it significant at.
    pub level: f64,
    /// Share of cohorts in which it is significant at `level` with the
    /// published sign.
    pub significant_share: f64,
}

/// The informative, independent held-out rows reproduced per cohort.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reproduced {
    /// Held-out rows with a published number.
    pub heldout: usize,
    /// Of those, uninformative (reported, not counted).
    pub uninformative: usize,
    /// Of those, moving with a target (reported, not counted).
    pub dependent: usize,
    /// The informative, independent rows counted.
    pub rows: usize,
    /// Mean share of the counted rows reproduced (agreeing) per cohort.
    pub mean_share: Option<f64>,
    /// Smallest share over the cohorts.
    pub min_share: Option<f64>,
    /// Largest share over the cohorts.
    pub max_share: Option<f64>,
}

/// The per-cohort summary of a replication.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortSummary {
    /// Cohorts run (seeds `first_seed ..`).
    pub cohorts: usize,
    /// Seed of the first cohort.
    pub first_seed: u64,
    /// Each row over the cohorts, in row order.
    pub rows: Vec<RowRates>,
    /// Each headline fact's per-cohort significance rate.
    pub headline: Vec<HeadlineRate>,
    /// The informative, independent held-out rows reproduced per cohort.
    pub reproduced: Reproduced,
}

/// The K cohort seeds from `seed`.
pub fn seeds(seed: u64, cohorts: usize) -> Vec<u64> {
    (0..cohorts as u64).map(|k| seed.wrapping_add(k)).collect()
}

/// K scored cohorts of `study` (every table), in seed order.
pub fn run(
    study: StudyName,
    overrides: &toml::Table,
    n: Option<usize>,
    seed: u64,
    cohorts: usize,
) -> Result<Vec<Replication>, StudyError> {
    if !(1..=MAX_COHORTS).contains(&cohorts) {
        return Err(StudyError::invalid(
            "seeds",
            format!("expected between 1 and {MAX_COHORTS} cohorts, got {cohorts}"),
        ));
    }
    seeds(seed, cohorts)
        .par_iter()
        .map(|&s| super::replicate_tables(study, overrides, n, s, &Tables::All))
        .collect()
}

/// Row `like` in cohort `rep` (at index `i` when the layouts agree).
fn find<'a>(rep: &'a Replication, i: usize, like: &ReplicationRow) -> Option<&'a ReplicationRow> {
    match rep.rows.get(i) {
        Some(r) if r.same_row(like) => Some(r),
        _ => rep.rows.iter().find(|r| r.same_row(like)),
    }
}

/// Whether `est` (SE `se`) is significant at `level` with the sign of `p`.
fn significant(est: Option<f64>, se: Option<f64>, p: f64, level: f64) -> bool {
    let z = normal::quantile(1.0 - level / 2.0);
    match (est, se) {
        (Some(b), Some(s)) if s > 0.0 && b.is_finite() => (b / s).abs() >= z && b * p > 0.0,
        _ => false,
    }
}

fn share(hits: usize, of: usize) -> Option<f64> {
    (of > 0).then(|| hits as f64 / of as f64)
}

/// The joint test, the per-row rates and the headline facts over `reps`
/// (the cohorts of one study, in seed order).
pub fn summarise(
    study: StudyName,
    reps: &[Replication],
) -> (Option<JointTest>, Option<CohortSummary>) {
    let Some(first) = reps.first() else {
        return (None, None);
    };
    let k = reps.len();
    let layout = &first.rows;
    // cells[i][c]: row i in cohort c.
    let cells: Vec<Vec<Option<&ReplicationRow>>> = layout
        .iter()
        .enumerate()
        .map(|(i, r)| reps.iter().map(|rep| find(rep, i, r)).collect())
        .collect();
    let est = |i: usize| -> Vec<Option<f64>> {
        cells[i]
            .iter()
            .map(|c| c.and_then(|r| r.synthetic).filter(|v| v.is_finite()))
            .collect()
    };
    let targets: Vec<usize> = (0..layout.len())
        .filter(|&i| layout[i].role == Role::Target)
        .collect();
    let target_est: Vec<Vec<Option<f64>>> = targets.iter().map(|&t| est(t)).collect();
    let rows: Vec<RowRates> = layout
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let col = &cells[i];
            let failures = col
                .iter()
                .filter(|c| c.is_none_or(|x| x.failed.is_some()))
                .count();
            let agree = col
                .iter()
                .filter(|c| c.is_some_and(|x| x.agrees == Some(true)))
                .count();
            let ses: Vec<f64> = col
                .iter()
                .filter_map(|c| c.and_then(|x| x.synthetic_se).filter(|s| s.is_finite()))
                .collect();
            let mean_se = (!ses.is_empty()).then(|| ses.iter().sum::<f64>() / ses.len() as f64);
            let estimated = col.iter().any(|c| c.is_some_and(|x| x.synthetic.is_some()));
            let significant_share = match (r.published, r.published_se) {
                (Some(p), Some(s)) if s > 0.0 => share(
                    col.iter()
                        .filter(|c| {
                            c.is_some_and(|x| significant(x.synthetic, x.synthetic_se, p, 0.05))
                        })
                        .count(),
                    k,
                ),
                _ => None,
            };
            let max_target_corr = (r.role == Role::HeldOut)
                .then(|| {
                    let mine = est(i);
                    target_est
                        .iter()
                        .filter_map(|t| correlation(&mine, t))
                        .map(f64::abs)
                        .fold(None, |m: Option<f64>, c| Some(m.map_or(c, |m| m.max(c))))
                })
                .flatten();
            let independent = (r.role == Role::HeldOut)
                .then(|| max_target_corr.map_or(targets.is_empty(), |c| c < INDEPENDENT_CORR));
            RowRates {
                table: r.table.clone(),
                spec: r.spec.clone(),
                term: r.term.clone(),
                role: r.role,
                failures,
                agree_share: r.published.and_then(|_| share(agree, k)),
                significant_share,
                mean_se,
                informative: estimated.then(|| score::informative(r, mean_se)),
                max_target_corr,
                independent: independent
                    .filter(|_| max_target_corr.is_some() || targets.is_empty()),
            }
        })
        .collect();
    let reproduced = reproduced(layout, &rows, &cells);
    let headline = super::registry::analysis(study)
        .headline()
        .iter()
        .filter_map(|h| {
            let i = layout.iter().position(|r| {
                r.table == h.table && r.spec.starts_with(h.spec_prefix) && r.term == h.term
            })?;
            let p = layout[i].published?;
            let hits = cells[i]
                .iter()
                .filter(|c| c.is_some_and(|x| significant(x.synthetic, x.synthetic_se, p, h.level)))
                .count();
            Some(HeadlineRate {
                fact: h.fact.into(),
                table: layout[i].table.clone(),
                spec: layout[i].spec.clone(),
                term: layout[i].term.clone(),
                published: Some(p),
                level: h.level,
                significant_share: hits as f64 / k as f64,
            })
        })
        .collect();
    let joint = joint(layout, &rows, &cells);
    let summary = CohortSummary {
        cohorts: k,
        first_seed: first.seed,
        rows,
        headline,
        reproduced,
    };
    (joint, Some(summary))
}

/// The share of informative, independent held-out rows reproduced per cohort.
fn reproduced(
    layout: &[ReplicationRow],
    rates: &[RowRates],
    cells: &[Vec<Option<&ReplicationRow>>],
) -> Reproduced {
    let heldout: Vec<usize> = (0..layout.len())
        .filter(|&i| layout[i].role == Role::HeldOut && layout[i].published.is_some())
        .collect();
    let uninformative = heldout
        .iter()
        .filter(|&&i| rates[i].informative == Some(false))
        .count();
    let dependent = heldout
        .iter()
        .filter(|&&i| rates[i].informative != Some(false) && rates[i].independent == Some(false))
        .count();
    let counted: Vec<usize> = heldout
        .iter()
        .copied()
        .filter(|&i| rates[i].informative != Some(false) && rates[i].independent != Some(false))
        .collect();
    let k = cells.first().map_or(0, Vec::len);
    let shares: Vec<f64> = (0..k)
        .filter_map(|c| {
            let hits = counted
                .iter()
                .filter(|&&i| cells[i][c].is_some_and(|x| x.agrees == Some(true)))
                .count();
            share(hits, counted.len())
        })
        .collect();
    let mean_share = (!shares.is_empty()).then(|| shares.iter().sum::<f64>() / shares.len() as f64);
    Reproduced {
        heldout: heldout.len(),
        uninformative,
        dependent,
        rows: counted.len(),
        mean_share,
        min_share: shares.iter().copied().reduce(f64::min),
        max_share: shares.iter().copied().reduce(f64::max),
    }
}

/// The joint test over the cohorts (see the module doc for the rows in it).
fn joint(
    layout: &[ReplicationRow],
    rates: &[RowRates],
    cells: &[Vec<Option<&ReplicationRow>>],
) -> Option<JointTest> {
    let complete = |i: usize| {
        cells[i]
            .iter()
            .all(|c| c.is_some_and(|x| x.synthetic.is_some_and(f64::is_finite)))
    };
    let has_se =
        |r: &ReplicationRow| r.published.is_some() && r.published_se.is_some_and(|s| s > 0.0);
    let mut idx: Vec<usize> = (0..layout.len())
        .filter(|&i| layout[i].role == Role::Target && has_se(&layout[i]) && complete(i))
        .collect();
    let n_targets = idx.len();
    idx.extend((0..layout.len()).filter(|&i| {
        layout[i].role == Role::HeldOut
            && has_se(&layout[i])
            && rates[i].informative == Some(true)
            && complete(i)
    }));
    if idx.len() == n_targets {
        return None;
    }
    let k = cells.first().map_or(0, Vec::len);
    let draws: Vec<Vec<f64>> = (0..k)
        .map(|c| {
            idx.iter()
                .map(|&i| cells[i][c].and_then(|x| x.synthetic).unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    let published: Vec<f64> = idx
        .iter()
        .map(|&i| layout[i].published.unwrap_or(f64::NAN))
        .collect();
    let se: Vec<f64> = idx
        .iter()
        .map(|&i| layout[i].published_se.unwrap_or(f64::NAN))
        .collect();
    joint_test(&draws, &published, &se, n_targets)
}
