//! What one shard prints when it has written its rows.

use std::path::Path;

use crate::shard::Manifest;

/// What a shard run prints: the slice it ran and where it wrote.
pub fn print_shard(m: &Manifest, dir: &Path, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(m)?);
        return Ok(());
    }
    let span = match (m.indices.first(), m.indices.last()) {
        (Some(a), Some(b)) => format!("indices {a}..={b}"),
        _ => "no indices".into(),
    };
    println!(
        "shard {} of {} {}: {span} of {} ({} rows, {:.1} s)",
        m.shard, m.command, m.spec_file, m.total, m.rows, m.elapsed_s
    );
    println!("wrote {}", dir.display());
    Ok(())
}
