//! `migsim recover FILE.toml`: Monte Carlo recovery of known truths.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::recovery::{self, RunOptions, Spec};

#[derive(Debug, Args)]
pub struct RecoverArgs {
    /// Recovery spec (TOML), e.g. scenarios/recovery/logit_well_specified.toml.
    pub file: PathBuf,
    /// Replications (default: the spec's).
    #[arg(long)]
    pub reps: Option<usize>,
    /// Master seed (default: the spec's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Sample size per replication (default: the spec's).
    #[arg(long)]
    pub n: Option<usize>,
    /// Output directory (default: outputs/recovery/<spec name>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

pub fn run(args: RecoverArgs) -> anyhow::Result<()> {
    let mut spec = Spec::load(&args.file)?;
    for (flag, v) in [("--reps", args.reps), ("--n", args.n)] {
        if v == Some(0) {
            anyhow::bail!("{flag} must be at least 1");
        }
    }
    spec.reps = args.reps.unwrap_or(spec.reps);
    spec.seed = args.seed.unwrap_or(spec.seed);
    spec.n = args.n.or(spec.n);
    let dir = args
        .out
        .unwrap_or_else(|| PathBuf::from("outputs/recovery").join(&spec.name));
    crate::io::check_writable(&dir)?;
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let pb = ProgressBar::new(spec.reps as u64);
        if let Ok(style) =
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} reps ({eta} left)")
        {
            pb.set_style(style.progress_chars("=> "));
        }
        pb.set_message(spec.name.clone());
        pb
    });
    let tick = || {
        if let Some(pb) = &bar {
            pb.inc(1);
        }
    };
    let result = recovery::run(
        &spec,
        &RunOptions {
            threads: None,
            progress: Some(&tick),
        },
    );
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    let rec = result?;
    recovery::write_outputs(&rec, &dir)?;
    if args.json {
        println!("{}", serde_json::to_string(&rec.to_json())?);
    } else {
        print!("{rec}");
        println!("wrote {}", dir.display());
    }
    Ok(())
}
