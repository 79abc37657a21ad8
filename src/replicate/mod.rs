//! The three papers' published tables and their specifications, run on
//! synthetic cohorts (`migsim replicate`): analysis of a simulated survey,
//! kept out of the simulator (`crate::studies` knows nothing of it).
//!
//! * [`analysis`]: the [`Analysis`] trait each study's paper implements,
//!   and [`registry`]: one analysis per registered study;
//! * [`rows`]: the row, role (target or held out) and table-filter types;
//! * [`targets`]: which rows each study calibrates to, and the Table 1
//!   share rows;
//! * [`enclave`], [`assets`], [`talent`] (with [`talent_published`]): each
//!   paper's tables beside its published numbers.
//!
//! Layer: above `studies` and `estimate`, below `calibrate` and `cli`.

pub(crate) mod analysis;
pub mod assets;
pub mod enclave;
pub mod output;
pub(crate) mod registry;
pub(crate) mod rows;
pub mod talent;
pub mod talent_published;
pub mod targets;

pub use analysis::{Analysis, SearchBounds};
pub use registry::analysis;
pub use rows::{Replication, ReplicationRow, Role, RowKey, Tables};

use crate::studies::{CheckedConfig, StudyError, StudyName};

/// Run a study's published specifications by name, each row marked target
/// or held out ([`targets::assign_roles`]).
pub fn replicate(
    study: StudyName,
    overrides: &toml::Table,
    n: Option<usize>,
    seed: u64,
) -> Result<Replication, StudyError> {
    replicate_tables(study, overrides, n, seed, &Tables::All)
}

/// [`replicate`] restricted to the tables in `tables`.
pub fn replicate_tables(
    study: StudyName,
    overrides: &toml::Table,
    n: Option<usize>,
    seed: u64,
    tables: &Tables,
) -> Result<Replication, StudyError> {
    let paper = analysis(study);
    let mut rep = paper.replicate(overrides, n, seed, tables)?;
    targets::assign_roles(paper.declared(), &mut rep.rows);
    Ok(rep)
}

/// [`replicate_tables`] on a config resolved and validated once
/// ([`crate::studies::StudyDef::check`]), for many seeds.
pub fn replicate_checked(
    cfg: &CheckedConfig,
    seed: u64,
    tables: &Tables,
) -> Result<Replication, StudyError> {
    let paper = analysis(cfg.study());
    let mut rep = paper.replicate_checked(cfg, seed, tables)?;
    targets::assign_roles(paper.declared(), &mut rep.rows);
    Ok(rep)
}
