//! `migsim sensitivity FILE.toml [--method sobol|morris] [--n N] [--out DIR]
//! [--json] [--shard K/N|auto]`: global sensitivity of a scenario's levels
//! and effects to the parameters of its `[sensitivity]` table.

use std::path::{Path, PathBuf};

use clap::Args;

use super::job::{Front, Help, ShardedArgs};
use crate::report::reading::sig;
use crate::sensitivity::Method;
use crate::sensitivity::scenario::{Analysis, IndexValues};
use crate::shard::sensitivity::{SensitivityInput, SensitivityOptions};

/// The arguments of `migsim sensitivity`.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// sobol (first-order and total indices) or morris (mu*, sigma); default: the table's.
    #[arg(long)]
    pub method: Option<Method>,
    /// Sobol base samples N, or Morris trajectories; default: the table's.
    #[arg(long)]
    pub n: Option<usize>,
    /// The scenario file, `--out`, `--json`, `--shard`.
    #[command(flatten)]
    pub job: ShardedArgs<SensitivityInput>,
}

/// Run `migsim sensitivity` through the job driver ([`super::job::run`]).
pub fn run(args: SensitivityArgs) -> anyhow::Result<()> {
    let options = SensitivityOptions {
        method: args.method,
        n: args.n,
    };
    super::job::run(&args.job, options, true)
}

impl Front for SensitivityInput {
    const UNITS: &'static str = "simulations";
    const WORK: &'static str = "design rows";
    const HELP: Help = Help {
        file: "Scenario file with a [sensitivity] table",
        out: "Output folder (default: outputs/<scenario name>-sensitivity/)",
        json: "Print sensitivity.json on stdout instead of the text summary",
    };

    fn print(a: &Analysis, dir: &Path, files: &[PathBuf]) {
        print_text(a, dir, files);
    }
}

fn print_text(a: &Analysis, dir: &Path, files: &[PathBuf]) {
    println!(
        "{} ({}): {} sensitivity, n = {}, {} model runs x {} replication(s)",
        a.scenario, a.study, a.method, a.n, a.runs, a.replications
    );
    for r in &a.indices {
        let v = match r.values {
            IndexValues::Sobol(s) => format!(
                "S1 {} [{}, {}]  ST {} [{}, {}]",
                sig(s.s1),
                sig(s.s1_low),
                sig(s.s1_high),
                sig(s.st),
                sig(s.st_low),
                sig(s.st_high)
            ),
            IndexValues::Morris(m) => format!("mu* {}  sigma {}", sig(m.mu_star), sig(m.sigma)),
        };
        let note = r
            .note
            .as_ref()
            .map_or(String::new(), |n| format!("  ({n})"));
        println!(
            "  {:<16} {:<20} {:<32} {v}{note}",
            r.metric, r.intervention, r.param
        );
    }
    for w in &a.warnings {
        println!("warning: {w}");
    }
    println!("\nwrote {}", dir.display());
    for f in files {
        println!("  {}", f.display());
    }
}
