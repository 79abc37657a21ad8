//! `migsim cohort <study>`: simulate a study and write its survey cohort.

use std::path::PathBuf;

use clap::Args;

use crate::scenario::{Scenario, cohort_arm};
use crate::studies::{self, StudyName};

/// The arguments of `migsim cohort`.
#[derive(Debug, Args)]
pub struct CohortArgs {
    /// enclave, assets or talent.
    pub study: String,
    /// Cohort size (default: the paper's N).
    #[arg(long)]
    pub n: Option<usize>,
    /// Seed of the simulation.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output file: CSV, or Parquet for a `.parquet` name (same columns; written whole or
    /// not at all).
    #[arg(long)]
    pub out: PathBuf,
    /// Scenario file whose [baseline] overrides (and `n`, unless --n is
    /// given) configure the study.
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// With --scenario: write the cohort of this intervention instead of the baseline.
    #[arg(long, requires = "scenario")]
    pub intervention: Option<String>,
    /// A user's sample: its covariate columns (enclave: male, age,
    /// edu_years, ...) replace the drawn ones; N from its rows unless --n.
    #[arg(long)]
    pub population: Option<PathBuf>,
    /// Print a JSON summary (rows, columns, metrics) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Run `migsim cohort`: simulate the study and write its survey cohort to `--out`.
pub fn run(args: CohortArgs) -> anyhow::Result<()> {
    let study: StudyName = args.study.parse()?;
    let (overrides, n) = match &args.scenario {
        Some(path) => cohort_arm(
            &Scenario::load(path)?,
            study,
            args.n,
            args.intervention.as_deref(),
        )?,
        None => (toml::Table::new(), args.n),
    };
    let (mut overrides, mut n) = (overrides, n);
    let sample = match &args.population {
        Some(path) => {
            let (m, sample) = super::population::apply(study, path, &mut overrides, n)?;
            n = m;
            Some(sample)
        }
        None => None,
    };
    let sim = studies::simulate(study, &overrides, n, args.seed)?;
    crate::columnar::write_dataset(&sim.cohort, &args.out)?;
    if args.json {
        let v = serde_json::json!({
            "study": study,
            "n": sim.cohort.n_rows(),
            "seed": args.seed,
            "out": args.out,
            "columns": sim.cohort.names(),
            "metrics": sim.metrics,
            "population": sample.as_ref().map(super::population::json),
        });
        println!("{v}");
    } else {
        println!(
            "{study}: {} rows x {} columns written to {}",
            sim.cohort.n_rows(),
            sim.cohort.names().len(),
            args.out.display()
        );
        if let Some(s) = &sample {
            println!("{}", super::population::describe(s));
        }
        for (k, v) in &sim.metrics {
            println!("  {k:<24} {v:.4}");
        }
    }
    Ok(())
}
