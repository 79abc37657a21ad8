//! `migsim replicate <study>`: published specifications on a synthetic cohort.

use clap::Args;

use crate::studies::StudyName;

/// The arguments of `migsim replicate`.
#[derive(Debug, Args)]
pub struct ReplicateArgs {
    /// enclave, assets or talent.
    pub study: String,
    /// Cohort size (default: the paper's N).
    #[arg(long)]
    pub n: Option<usize>,
    /// Seed of the first cohort.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// A user's sample: its covariate columns replace the drawn
    /// ones; N from its rows unless --n.
    #[arg(long)]
    pub population: Option<std::path::PathBuf>,
    /// Cohorts (seeds S, S+1, ...) over which the held-out rows are tested
    /// jointly and each row's and headline fact's per-cohort rates are
    /// computed; the tables show the first.
    #[arg(long, default_value_t = crate::replicate::cohorts::DEFAULT_COHORTS)]
    pub seeds: usize,
    /// Print one JSON object (tables, cohort summary, sources) instead of the text.
    #[arg(long)]
    pub json: bool,
}

/// Run `migsim replicate`: the tables of one or more cohorts, printed as text or JSON.
pub fn run(args: ReplicateArgs) -> anyhow::Result<()> {
    let study: StudyName = args.study.parse()?;
    let mut overrides = toml::Table::new();
    let mut n = args.n;
    if let Some(path) = &args.population {
        let (m, sample) = super::population::apply(study, path, &mut overrides, n)?;
        n = m;
        eprintln!("{}", super::population::describe(&sample));
    }
    let rep = crate::replicate::replicate_cohorts(study, &overrides, n, args.seed, args.seeds)?;
    if args.json {
        println!("{}", crate::replicate::output::to_json(&rep, study)?);
    } else {
        print!("{}", crate::replicate::output::to_text(&rep, study));
    }
    Ok(())
}
