//! The three published studies as agent-based modules (../shared/STUDIES.md).
//!
//! Each study module holds a serde `Config` (defaults calibrated to the
//! paper, each default's source documented), its agents and social graph, a
//! mechanism run over time, a survey measurement layer, and
//! `simulate(&Config, seed) -> Simulated`: the measured cohort plus the
//! [`Truth`] only the simulator knows (structural parameters, potential
//! outcomes under common random numbers, true effects). The papers' table
//! specifications (analysis, not model) live in `crate::replicate`.
//!
//! Shared here: the study registry, the override mechanism that scenario and
//! recovery files use to change a config, and the result types.
#![warn(missing_docs)]

pub mod assets;
pub(crate) mod calibrated;
pub mod citation;
pub mod enclave;
pub mod metric_info;
pub(crate) mod overrides;
pub(crate) mod registry;
pub(crate) mod sample;
pub mod settings;
pub mod talent;
pub(crate) mod types;

pub use overrides::apply_overrides;
pub use registry::{CheckedConfig, Horizon, Starter, Study, StudyDef, StudyName};
pub use types::{Simulated, StudyError, TimePath, Truth};

/// Build `S::Config` from its defaults, `overrides` (a TOML table of config
/// keys, nested tables for nested structs) and an optional size, validated.
pub(crate) fn config_of<S: Study>(
    overrides: &toml::Table,
    n: Option<usize>,
) -> Result<S::Config, StudyError> {
    let mut cfg = apply_overrides(&S::Config::default(), overrides)?;
    if let Some(n) = n {
        S::set_n(&mut cfg, n);
    }
    S::validate(&cfg)?;
    check_cohort_memory(S::n(&cfg))?;
    Ok(cfg)
}

/// Bytes per simulated agent assumed by [`check_cohort_memory`]: peak
/// resident memory of `migsim cohort <study> --n N` grows by 717 (enclave),
/// 814 (assets) and 829 (talent) bytes per agent between N = 50,000 and
/// 200,000 (`/usr/bin/time -f %M`, 2026-11-30), so 1 KiB bounds all three.
const BYTES_PER_AGENT: u128 = 1024;

/// Refuse, before anything is allocated, a cohort size that cannot fit in
/// memory: first against the memory available, then by reserving the
/// cohort's estimated footprint fallibly (where the system does not
/// overcommit, this is where a request the allocator cannot meet fails
/// with an error instead of an abort). The reservation is released at once
/// and its pages are never touched.
fn check_cohort_memory(n: usize) -> Result<(), StudyError> {
    crate::resources::check_items("n", n, n as u128, BYTES_PER_AGENT, "agents")?;
    let bytes = usize::try_from(n as u128 * BYTES_PER_AGENT).unwrap_or(usize::MAX);
    drop(crate::resources::try_with_capacity::<u8>(
        "the cohort's estimated memory",
        bytes,
    )?);
    Ok(())
}

/// Simulate `S` with overrides and size, from `seed`.
pub fn simulate_with<S: Study>(
    overrides: &toml::Table,
    n: Option<usize>,
    seed: u64,
) -> Result<Simulated, StudyError> {
    S::simulate(&config_of::<S>(overrides, n)?, seed)
}

/// Read and check a sample file (`population`) for `study`'s covariates.
pub(crate) fn read_sample(
    study: StudyName,
    path: &std::path::Path,
) -> Result<sample::Sample, StudyError> {
    study.def().read_sample(path)
}

/// Simulate a study chosen by name.
pub fn simulate(
    study: StudyName,
    overrides: &toml::Table,
    n: Option<usize>,
    seed: u64,
) -> Result<Simulated, StudyError> {
    study.def().simulate(overrides, n, seed)
}
