//! `migsim settings <study>`: the settings registry as a table, JSON, or a
//! commented starter scenario.

use clap::Args;

use crate::studies::StudyName;
use crate::studies::settings::{registry, starter_scenario};

/// The arguments of `migsim settings`.
#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// enclave, assets or talent.
    pub study: String,
    /// Print the settings as one JSON array instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Print a commented starter scenario file instead of the table.
    #[arg(long, conflicts_with = "json")]
    pub scenario: bool,
}

/// Run `migsim settings`: the study's settings as a table or JSON, or its starter scenario.
pub fn run(args: SettingsArgs) -> anyhow::Result<()> {
    let study: StudyName = args.study.parse()?;
    if args.scenario {
        print!("{}", starter_scenario(study)?);
        return Ok(());
    }
    let rows = registry(study)?;
    if args.json {
        println!("{}", serde_json::to_string(&rows)?);
        return Ok(());
    }
    println!("Settings of the {study} study ({} keys)", rows.len());
    println!(
        "{:<44} {:>12} {:<14} {:<12} meaning",
        "key", "default", "bounds", "unit"
    );
    for s in rows {
        let default: String = s.default.chars().take(40).collect();
        println!(
            "{:<44} {:>12} {:<14} {:<12} {}",
            s.key,
            default,
            s.bounds_text(),
            s.unit,
            s.meaning
        );
    }
    Ok(())
}
