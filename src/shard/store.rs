//! Shard folders on disk and pooling them.
//!
//! A shard folder holds `spec.toml` (the spec text it ran), `rows.jsonl`
//! (one line per replication index, in index order) and `manifest.json`,
//! written last: a folder without a readable manifest is an unfinished
//! shard. [`pool`] refuses shards that are corrupt (hash or count
//! mismatch), foreign (another spec, seed, version or settings) or that
//! leave indices missing or held twice, naming the folder and the shard to
//! rerun.

use std::fs;
use std::path::{Path, PathBuf};

use super::ShardError;
use super::manifest::{FORMAT, Manifest, sha256_hex};
use super::slice::Slice;
use crate::io::write_dir_atomic;

/// The manifest's file name in a shard folder (written last).
pub(crate) const MANIFEST: &str = "manifest.json";
/// The row file's name: one JSON line per unit index, in index order.
pub const ROWS: &str = "rows.jsonl";
/// The spec text the shard ran.
pub(crate) const SPEC: &str = "spec.toml";

/// What a shard ran, as the caller knows it before the rows exist.
pub struct Meta<'a> {
    /// The job's command (`recover`, `run`, `sensitivity`).
    pub command: &'a str,
    /// The spec path as the user gave it.
    pub spec_file: &'a str,
    /// The spec text (stored as `spec.toml`, hashed in the manifest).
    pub spec_text: &'a str,
    /// Effective settings after the front end's overrides.
    pub settings: serde_json::Value,
    /// The run's master seed.
    pub master_seed: u64,
    /// Units of work of the whole run.
    pub total: usize,
    /// The slice this shard ran.
    pub slice: Slice,
    /// Job-specific facts every shard must agree on.
    pub extra: serde_json::Value,
}

impl Pooled {
    /// Decode row `i` with `parse`, naming its shard when it fails.
    pub fn decode<T: serde::de::DeserializeOwned>(&self, i: usize) -> Result<T, ShardError> {
        serde_json::from_str(&self.rows[i]).map_err(|e| ShardError::Corrupt {
            dir: self.origin[i].clone(),
            why: format!("{ROWS}: the row of index {i} cannot be read: {e}"),
        })
    }
}

impl Meta<'_> {
    /// The manifest of a shard holding `indices` with `rows` (one per index).
    pub fn manifest(&self, indices: &[usize], rows: &[String], elapsed_s: f64) -> Manifest {
        Manifest {
            format: FORMAT.to_string(),
            migsim_version: env!("CARGO_PKG_VERSION").to_string(),
            command: self.command.to_string(),
            spec_file: self.spec_file.to_string(),
            spec_sha256: sha256_hex(self.spec_text.as_bytes()),
            settings: self.settings.clone(),
            master_seed: self.master_seed,
            total: self.total,
            shard: self.slice.to_string(),
            indices: indices.to_vec(),
            rows: rows.len(),
            rows_sha256: sha256_hex(rows_bytes(rows).as_bytes()),
            extra: self.extra.clone(),
            elapsed_s,
        }
    }
}

fn rows_bytes(rows: &[String]) -> String {
    let mut s = String::with_capacity(rows.iter().map(|r| r.len() + 1).sum());
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

/// Write a finished shard into `dir`: the spec, the rows and the manifest
/// replace the folder's file set as a whole (`io::write_dir_atomic`).
pub fn write(
    dir: &Path,
    meta: &Meta<'_>,
    indices: &[usize],
    rows: &[String],
    elapsed_s: f64,
) -> Result<Manifest, ShardError> {
    let manifest = meta.manifest(indices, rows, elapsed_s);
    let json = serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n";
    write_dir_atomic(
        dir,
        &[
            (SPEC, meta.spec_text.as_bytes().to_vec()),
            (ROWS, rows_bytes(rows).into_bytes()),
            (MANIFEST, json.into_bytes()),
        ],
    )?;
    Ok(manifest)
}

/// One shard read back and checked against its own manifest.
#[derive(Debug, Clone)]
pub struct Shard {
    /// The shard folder.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// The spec text it ran (`spec.toml`).
    pub spec_text: String,
    /// Its rows, one JSON line per index held.
    pub rows: Vec<String>,
}

/// Read and check the shard in `dir`.
pub fn read(dir: &Path) -> Result<Shard, ShardError> {
    let bad = |why: String| ShardError::Corrupt {
        dir: dir.to_path_buf(),
        why,
    };
    if !dir.is_dir() {
        return Err(bad("no such folder".into()));
    }
    let text = |name: &str| {
        fs::read_to_string(dir.join(name)).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => bad(format!(
                "no {name}: the shard did not finish (rerun it) or this is not a shard folder"
            )),
            _ => bad(format!("cannot read {name}: {e}")),
        })
    };
    let manifest: Manifest = serde_json::from_str(&text(MANIFEST)?)
        .map_err(|e| bad(format!("{MANIFEST} is not a shard manifest: {e}")))?;
    if manifest.format != FORMAT {
        return Err(bad(format!(
            "{MANIFEST} has format `{}`, expected `{FORMAT}`",
            manifest.format
        )));
    }
    let spec_text = text(SPEC)?;
    if sha256_hex(spec_text.as_bytes()) != manifest.spec_sha256 {
        return Err(bad(format!(
            "{SPEC} does not match the manifest's spec_sha256: the file was altered"
        )));
    }
    let rows_text = text(ROWS)?;
    if sha256_hex(rows_text.as_bytes()) != manifest.rows_sha256 {
        return Err(bad(format!(
            "{ROWS} is truncated or altered (its sha256 differs from the manifest's); rerun shard {}",
            manifest.shard
        )));
    }
    let rows: Vec<String> = rows_text.lines().map(str::to_string).collect();
    check_indices(&manifest, rows.len()).map_err(|e| bad(e.to_string()))?;
    Ok(Shard {
        dir: dir.to_path_buf(),
        manifest,
        spec_text,
        rows,
    })
}

/// A shard's rows and indices that do not agree with its manifest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum IndexError {
    #[error("{ROWS} has {lines} rows, the manifest says {rows} rows for {indices} indices")]
    Count {
        lines: usize,
        rows: usize,
        indices: usize,
    },
    #[error("indices are not strictly ascending ({first} then {second})")]
    NotAscending { first: usize, second: usize },
    #[error("index {index} is outside 0..{total}")]
    OutOfRange { index: usize, total: usize },
}

fn check_indices(m: &Manifest, lines: usize) -> Result<(), IndexError> {
    if lines != m.rows || m.rows != m.indices.len() {
        return Err(IndexError::Count {
            lines,
            rows: m.rows,
            indices: m.indices.len(),
        });
    }
    if let Some(w) = m.indices.windows(2).find(|w| w[0] >= w[1]) {
        return Err(IndexError::NotAscending {
            first: w[0],
            second: w[1],
        });
    }
    if let Some(&index) = m.indices.iter().find(|&&i| i >= m.total) {
        return Err(IndexError::OutOfRange {
            index,
            total: m.total,
        });
    }
    Ok(())
}

/// Shards pooled into one run: rows in index order.
#[derive(Debug, Clone)]
pub struct Pooled {
    /// The first shard's manifest (all agree on the run's identity).
    pub manifest: Manifest,
    /// The spec text every shard ran.
    pub spec_text: String,
    /// Every row, in index order.
    pub rows: Vec<String>,
    /// The shard folder each row came from (for messages).
    pub origin: Vec<PathBuf>,
    /// Sum of the shards' elapsed seconds.
    pub elapsed_s: f64,
}

/// Read the shards in `dirs`, check they belong to one run and cover every
/// index exactly once, and pool their rows in index order.
pub fn pool(dirs: &[PathBuf]) -> Result<Pooled, ShardError> {
    let shards = dirs
        .iter()
        .map(|d| read(d))
        .collect::<Result<Vec<_>, _>>()?;
    pool_shards(shards)
}

/// [`pool`] for shards already in memory (MPI rank 0).
pub(crate) fn pool_shards(shards: Vec<Shard>) -> Result<Pooled, ShardError> {
    let first = shards.first().ok_or(ShardError::NoShards)?;
    let id0 = first.manifest.run_identity();
    for s in &shards[1..] {
        for ((what, a), (_, b)) in id0.iter().zip(s.manifest.run_identity()) {
            if *a != b {
                return Err(ShardError::Foreign {
                    dir: s.dir.clone(),
                    first: first.dir.clone(),
                    why: format!("{what} differs: `{}` vs `{}`", clip(&b), clip(a)),
                });
            }
        }
        if s.manifest.extra != first.manifest.extra {
            return Err(ShardError::Foreign {
                dir: s.dir.clone(),
                first: first.dir.clone(),
                why: format!(
                    "run facts differ: {} vs {}",
                    clip(&s.manifest.extra.to_string()),
                    clip(&first.manifest.extra.to_string())
                ),
            });
        }
    }
    let total = first.manifest.total;
    let mut owner: Vec<Option<(usize, usize)>> = vec![None; total];
    for (s, shard) in shards.iter().enumerate() {
        for (j, &i) in shard.manifest.indices.iter().enumerate() {
            if let Some((t, _)) = owner[i] {
                return Err(ShardError::Duplicate {
                    index: i,
                    a: shards[t].dir.clone(),
                    b: shard.dir.clone(),
                });
            }
            owner[i] = Some((s, j));
        }
    }
    let missing: Vec<usize> = (0..total).filter(|&i| owner[i].is_none()).collect();
    if !missing.is_empty() {
        return Err(missing_error(&missing, total, &first.manifest.shard));
    }
    let rows = owner
        .iter()
        .flatten()
        .map(|&(s, j)| shards[s].rows[j].clone())
        .collect();
    let origin = owner
        .iter()
        .flatten()
        .map(|&(s, _)| shards[s].dir.clone())
        .collect();
    Ok(Pooled {
        manifest: first.manifest.clone(),
        spec_text: first.spec_text.clone(),
        rows,
        origin,
        elapsed_s: shards.iter().map(|s| s.manifest.elapsed_s).sum(),
    })
}

fn clip(s: &str) -> String {
    if s.chars().count() > 80 {
        s.chars().take(77).collect::<String>() + "..."
    } else {
        s.to_string()
    }
}

/// Missing indices as ranges, with the shards (of the run's `N`) to rerun.
fn missing_error(missing: &[usize], total: usize, shard: &str) -> ShardError {
    let n = shard
        .split_once('/')
        .and_then(|(_, n)| n.parse::<usize>().ok())
        .filter(|&n| n >= 1 && n <= total)
        .unwrap_or(1);
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for &i in missing {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == i => *end = i,
            _ => ranges.push((i, i)),
        }
    }
    let shown: Vec<String> = ranges
        .iter()
        .take(10)
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}..={b}")
            }
        })
        .collect();
    let more = if ranges.len() > 10 { ", ..." } else { "" };
    let mut holders: Vec<usize> = missing
        .iter()
        .map(|&i| Slice::holder(i, n, total))
        .collect();
    holders.dedup();
    let rerun: Vec<String> = holders.iter().map(|k| format!("--shard {k}/{n}")).collect();
    ShardError::Missing {
        count: missing.len(),
        total,
        ranges: shown.join(", ") + more,
        rerun: rerun.join(", "),
    }
}
