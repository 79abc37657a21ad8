//! The three papers' published tables and their specifications, run on
//! synthetic cohorts (`migsim replicate`): analysis of a simulated survey,
//! kept out of the simulator (`crate::studies` knows nothing of it).
//!
//! * [`analysis`]: the `Analysis` trait each study's paper implements,
//!   and `registry`: one analysis per registered study;
//! * `rows`: the row, role (target, held out, input) and table-filter types;
//! * `provenance`: each row's role; `score`: scoring that can fail;
//! * [`targets`]: which rows each study calibrates to, and the Table 1
//!   share rows; `provenance`: the rows written into the model (inputs)
//!   and those that chose hand-set values (targets);
//! * `score`: one cohort's rows scored (failed, informative, agrees);
//!   `cohorts`: many cohorts, per-row and headline rates; [`joint`]: the
//!   held-out rows tested jointly given the targets; `headline`: each
//!   study's headline facts;
//! * [`enclave`], `assets`, `talent` (with `talent_published`): each
//!   paper's tables beside its published numbers;
//! * [`decompose`]: the enclave column-5 penalty split into its channels.
//!
//! Layer: above `studies` and `estimate`, below `calibrate` and `cli`.

#![deny(missing_docs)]

pub(crate) mod analysis;
pub(crate) mod assets;
pub(crate) mod cohorts;
pub mod decompose;
pub mod enclave;
pub(crate) mod headline;
pub mod joint;
pub mod output;
pub(crate) mod provenance;
pub(crate) mod registry;
pub(crate) mod rows;
pub(crate) mod score;
pub(crate) mod talent;
pub(crate) mod talent_published;
pub mod targets;

pub(crate) use analysis::SearchBounds;
pub use registry::analysis;
pub use rows::{Replication, ReplicationRow, Role, RowKey, Tables};

use crate::studies::{CheckedConfig, StudyError, StudyName};

/// Run a study's published specifications by name on the cohort of `seed`,
/// with the joint held-out test and per-cohort rates over the
/// `cohorts::DEFAULT_COHORTS` cohorts from `seed` ([`replicate_cohorts`]).
pub fn replicate(
    study: StudyName,
    overrides: &toml::Table,
    n: Option<usize>,
    seed: u64,
) -> Result<Replication, StudyError> {
    replicate_cohorts(study, overrides, n, seed, cohorts::DEFAULT_COHORTS)
}

/// The rows of the cohort of `seed` with the joint held-out test and the
/// per-cohort rates over `count` cohorts (seeds `seed ..= seed + count − 1`).
pub fn replicate_cohorts(
    study: StudyName,
    overrides: &toml::Table,
    n: Option<usize>,
    seed: u64,
    count: usize,
) -> Result<Replication, StudyError> {
    let reps = cohorts::run(study, overrides, n, seed, count)?;
    let (joint, summary) = cohorts::summarise(study, &reps);
    let mut rep = reps
        .into_iter()
        .next()
        .ok_or_else(|| StudyError::invalid("seeds", "expected at least one cohort"))?;
    rep.heldout_joint = joint;
    rep.cohorts = summary;
    Ok(rep)
}

/// One cohort's rows of the tables in `tables`, each with its role
/// (`provenance::assign_roles`) and scored (`score::score`).
pub fn replicate_tables(
    study: StudyName,
    overrides: &toml::Table,
    n: Option<usize>,
    seed: u64,
    tables: &Tables,
) -> Result<Replication, StudyError> {
    let paper = analysis(study);
    let mut rep = paper.replicate(overrides, n, seed, tables)?;
    provenance::assign_roles(paper.rules(), paper.declared(), &mut rep.rows);
    score::score(&mut rep.rows);
    Ok(rep)
}

/// [`replicate_tables`] on a config resolved and validated once
/// ([`crate::studies::StudyDef::check`]), for many seeds.
pub(crate) fn replicate_checked(
    cfg: &CheckedConfig,
    seed: u64,
    tables: &Tables,
) -> Result<Replication, StudyError> {
    let paper = analysis(cfg.study());
    let mut rep = paper.replicate_checked(cfg, seed, tables)?;
    provenance::assign_roles(paper.rules(), paper.declared(), &mut rep.rows);
    score::score(&mut rep.rows);
    Ok(rep)
}
