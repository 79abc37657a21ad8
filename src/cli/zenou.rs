//! `migsim zenou`.

use clap::Args;

#[derive(Debug, Args)]
pub struct ZenouArgs {
    #[arg(long)]
    pub lambda: f64,
    #[arg(long)]
    pub delta: f64,
    #[arg(long)]
    pub omega: f64,
    #[arg(long)]
    pub json: bool,
}

pub fn run(_args: ZenouArgs) -> anyhow::Result<()> {
    anyhow::bail!("zenou: being built (issue 2)")
}
