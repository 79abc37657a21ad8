//! `migsim sensitivity FILE.toml [--method sobol|morris] [--n N] [--out DIR]
//! [--json]`: global sensitivity of a scenario's levels and effects to the
//! parameters of its `[sensitivity]` table.

use std::path::PathBuf;

use clap::Args;

use crate::report::reading::sig;
use crate::report::sensitivity_files as output;
use crate::scenario::{Scenario, StudyModel};
use crate::sensitivity::Method;
use crate::sensitivity::scenario::{IndexValues, analyse};

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Scenario file with a [sensitivity] table.
    pub file: PathBuf,
    /// sobol (first-order and total indices) or morris (mu*, sigma); default: the table's.
    #[arg(long)]
    pub method: Option<Method>,
    /// Sobol base samples N, or Morris trajectories; default: the table's.
    #[arg(long)]
    pub n: Option<usize>,
    /// Output folder (default: outputs/<scenario name>-sensitivity/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print sensitivity.json on stdout instead of the text summary.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: SensitivityArgs) -> anyhow::Result<()> {
    let scn = Scenario::load(&args.file)?;
    let model = StudyModel {
        study: scn.study,
        n: scn.n,
    };
    let dir = args.out.unwrap_or_else(|| output::default_dir(&scn.name));
    crate::io::check_writable(&dir)?;
    let a = analyse(&scn, &model, args.method, args.n, &|_, _| {})?;
    let files = output::write_all(&dir, &a)?;
    if args.json {
        println!("{}", serde_json::to_string(&a)?);
        return Ok(());
    }
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
        println!(
            "  {:<16} {:<20} {:<32} {v}",
            r.metric, r.intervention, r.param
        );
    }
    println!("\nwrote {}", dir.display());
    for f in &files {
        println!("  {}", f.display());
    }
    Ok(())
}
