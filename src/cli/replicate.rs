//! `migsim replicate <study>`: published specifications on a synthetic cohort.

use clap::Args;

use crate::studies::StudyName;

#[derive(Debug, Args)]
pub struct ReplicateArgs {
    /// enclave, assets or talent.
    pub study: String,
    /// Cohort size (default: the paper's N).
    #[arg(long)]
    pub n: Option<usize>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: ReplicateArgs) -> anyhow::Result<()> {
    let study: StudyName = args.study.parse()?;
    let rep = crate::replicate::replicate(study, &toml::Table::new(), args.n, args.seed)?;
    if args.json {
        println!("{}", serde_json::to_string(&rep)?);
    } else {
        print!("{rep}");
    }
    Ok(())
}
