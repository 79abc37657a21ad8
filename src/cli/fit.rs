//! `migsim fit`.

use clap::Args;

#[derive(Debug, Args)]
pub struct FitArgs {
    /// ols, logit, probit, ologit, oprobit, ...
    pub estimator: String,
    #[arg(long)]
    pub data: std::path::PathBuf,
    #[arg(long)]
    pub json: bool,
}

pub fn run(_args: FitArgs) -> anyhow::Result<()> {
    anyhow::bail!("fit: being built (issue 3)")
}
