//! The analysis side of a study, as one object-safe trait that each
//! `replicate/<study>.rs` implements: its published tables run on a
//! synthetic cohort, its Table 1 shares, the rows a calibration targets by
//! default and the default free set with search bounds.

use toml::Table;

use super::headline::Headline;
use super::provenance::Rule;
use super::rows::{Replication, Tables};
use super::targets::{Declared, Shares};
use crate::studies::{CheckedConfig, StudyError, StudyName};

/// A default free parameter of a calibration: (dotted key, lower, upper)
/// search bounds within the settings registry's.
pub type SearchBounds = (&'static str, f64, f64);

/// What `migsim replicate` and `migsim calibrate` know of one study's paper.
pub trait Analysis: Sync {
    /// The study whose paper this is.
    fn study(&self) -> StudyName;
    /// The paper's tables (those `tables` asks for) on a cohort of `cfg`
    /// (a config of [`Analysis::study`]) from `seed`, Table 1 shares first;
    /// roles unassigned.
    fn replicate_checked(
        &self,
        cfg: &CheckedConfig,
        seed: u64,
        tables: &Tables,
    ) -> Result<Replication, StudyError>;
    /// [`Analysis::replicate_checked`] on the defaults with `overrides` and
    /// size `n`.
    fn replicate(
        &self,
        overrides: &Table,
        n: Option<usize>,
        seed: u64,
        tables: &Tables,
    ) -> Result<Replication, StudyError> {
        let cfg = self.study().def().check(overrides, n)?;
        self.replicate_checked(&cfg, seed, tables)
    }
    /// The Table 1 shares and the published N.
    fn shares(&self) -> Shares;
    /// The default calibration targets, with the reason for each.
    fn declared(&self) -> &'static [Declared];
    /// The default free set of a calibration.
    fn default_free(&self) -> &'static [SearchBounds];
    /// The provenance rules of the paper's rows beyond its calibration
    /// targets: values written into the config (inputs) and rows that chose
    /// hand-set values ([`super::provenance`]).
    fn rules(&self) -> &'static [Rule];
    /// The paper's headline facts, whose per-cohort rates `replicate
    /// --seeds` reports ([`super::headline`]).
    fn headline(&self) -> &'static [Headline];
}
