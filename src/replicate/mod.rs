//! The three papers' published tables and their specifications, run on
//! synthetic cohorts (`migsim replicate`): analysis of a simulated survey,
//! kept out of the simulator (`crate::studies` knows nothing of it).
//!
//! * [`rows`]: the row, role (target or held out) and table-filter types;
//! * [`targets`]: which rows each study calibrates to, and the Table 1
//!   share rows;
//! * [`enclave`], [`assets`], [`talent`] (with [`talent_published`]): each
//!   paper's tables beside its published numbers;
//! * [`decompose`]: the enclave column-5 penalty split into its channels.
//!
//! Layer: above `studies` and `estimate`, below `calibrate` and `cli`.

pub mod assets;
pub mod decompose;
pub mod enclave;
pub mod output;
pub mod rows;
pub mod talent;
pub mod talent_published;
pub mod targets;

pub use rows::{Replication, ReplicationRow, Role, RowKey, Tables};

use crate::studies::{StudyError, StudyName, config_of};

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
    use crate::studies::{assets::Assets, enclave::Enclave, talent::Talent};
    let mut rep = match study {
        StudyName::Assets => assets::replicate(&config_of::<Assets>(overrides, n)?, seed, tables)?,
        StudyName::Enclave => {
            enclave::replicate(&config_of::<Enclave>(overrides, n)?, seed, tables)?
        }
        StudyName::Talent => talent::replicate(&config_of::<Talent>(overrides, n)?, seed, tables)?,
        #[allow(unreachable_patterns)]
        other => return Err(StudyError::NotAvailable(other)),
    };
    targets::assign_roles(study, &mut rep.rows);
    Ok(rep)
}
