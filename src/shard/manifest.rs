//! `manifest.json` of a shard: what was run (command, migsim version, spec
//! file and its SHA-256, the effective settings and master seed), which
//! replication indices the shard holds, how many rows its row file has and
//! the row file's SHA-256, and the elapsed time.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Format tag; a different tag is refused rather than guessed at.
pub const FORMAT: &str = "migsim-shard/1";

/// The manifest of one shard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The format tag ([`FORMAT`]).
    pub format: String,
    /// The migsim version that wrote the shard (shards of other versions are refused).
    pub migsim_version: String,
    /// The command whose rows these are (`recover`, `run`, `sensitivity`).
    pub command: String,
    /// The spec path as the user gave it (it appears in the outputs).
    pub spec_file: String,
    /// SHA-256 of the spec text, stored beside the manifest as `spec.toml`.
    pub spec_sha256: String,
    /// Effective settings after command-line overrides (e.g. reps, seed, n).
    pub settings: serde_json::Value,
    /// The run's master seed.
    pub master_seed: u64,
    /// Replications of the whole run.
    pub total: usize,
    /// `K/N` (1-based).
    pub shard: String,
    /// The replication indices held, ascending.
    pub indices: Vec<usize>,
    /// Lines of `rows.jsonl` (one per index).
    pub rows: usize,
    /// SHA-256 of `rows.jsonl`.
    pub rows_sha256: String,
    /// Command-specific facts every shard must agree on (e.g. the tracked
    /// metrics of a scenario).
    pub extra: serde_json::Value,
    /// Wall-clock seconds of this shard.
    pub elapsed_s: f64,
}

impl Manifest {
    /// Everything that must be equal across the shards of one run, with a
    /// name for the message when it is not.
    pub fn run_identity(&self) -> [(&'static str, String); 7] {
        [
            ("format", self.format.clone()),
            ("command", self.command.clone()),
            ("migsim version", self.migsim_version.clone()),
            ("spec (sha256)", self.spec_sha256.clone()),
            ("master seed", self.master_seed.to_string()),
            ("settings", self.settings.to_string()),
            ("replications", self.total.to_string()),
        ]
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_standard_vector() {
        // FIPS 180-2 example "abc".
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
