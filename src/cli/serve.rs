//! `migsim serve`: the what-if explorer in a browser (see `migsim::serve`).

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Args;

use crate::serve::{Config, DEFAULT_PORT, Server};

/// The arguments of `migsim serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// Address to listen on; any other than 127.0.0.1 requires the printed token.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Runs simulated at once.
    #[arg(long, default_value_t = 1)]
    pub workers: usize,
    /// Run folder: each run writes <out>/<id>/ (the files of `migsim run`).
    #[arg(long, default_value = "outputs/serve")]
    pub out: PathBuf,
}

/// Run `migsim serve`: the what-if explorer until it is stopped.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let server = Server::bind(Config {
        bind: args.bind,
        port: args.port,
        workers: args.workers,
        out: args.out,
        ..Config::default()
    })?;
    let url = server.url()?;
    println!("migsim explorer: {url}");
    if server.token().is_some() {
        println!("(this address needs the token in the URL above; requests without it get 401)");
    }
    if args.open
        && let Err(e) = std::process::Command::new("xdg-open").arg(&url).spawn()
    {
        eprintln!("cannot open a browser ({e}): open {url} yourself");
    }
    server.run()?;
    Ok(())
}
