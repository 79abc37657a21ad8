//! The `migsim` command line: argument parsing and printing only; every
//! command is a library call.

use clap::{Parser, Subcommand};

pub mod calibrate;
pub mod calibrate_smc;
pub(crate) mod cohort;
pub mod fit;
pub(crate) mod job;
pub(crate) mod lq;
pub(crate) mod merge;
pub(crate) mod population;
pub(crate) mod power;
pub(crate) mod recover;
pub(crate) mod replicate;
pub mod run;
pub(crate) mod sensitivity;
#[cfg(feature = "serve")]
pub(crate) mod serve;
pub(crate) mod settings;
pub(crate) mod shell;
pub(crate) mod slurm;
pub mod zenou;

/// migsim: agent-based migration simulator and survey-estimator workbench.
#[derive(Debug, Parser)]
#[command(name = "migsim", version, about)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands of `migsim`, one per library entry point.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Zenou dyad model: analytic steady state, ODE, and (with --agents) the agent-based engine.
    Zenou(zenou::ZenouArgs),
    /// Fit an estimator to a CSV file.
    Fit(fit::FitArgs),
    /// Location quotients (formula 13) of origin/destination columns, written as a new CSV column.
    Lq(lq::LqArgs),
    /// Simulate a study and write its survey cohort as CSV.
    Cohort(cohort::CohortArgs),
    /// Run a study's published specifications on a synthetic cohort, side by side with the paper.
    Replicate(replicate::ReplicateArgs),
    /// Monte Carlo recovery: fit estimators on many simulated cohorts and compare with the truth.
    Recover(recover::RecoverArgs),
    /// Power and sample size: the smallest N at which a recovery spec's estimator reaches a target power at 5%.
    Power(power::PowerArgs),
    /// Run a scenario file: baseline vs counterfactuals with common random numbers; CSV, JSON and Markdown/HTML reports.
    Run(run::RunArgs),
    /// Calibrate a study to its published tables by indirect inference (simulated minimum distance).
    Calibrate(calibrate::CalibrateArgs),
    /// List a study's settings (key, default, bounds, unit, meaning), or print a starter scenario.
    Settings(settings::SettingsArgs),
    /// Global sensitivity of a scenario's levels and effects (Sobol indices or Morris screening) to the parameters of its [sensitivity] table.
    // `[sensitivity]` is the scenario table (this text is also the CLI help), not a link.
    #[allow(rustdoc::private_intra_doc_links)]
    Sensitivity(sensitivity::SensitivityArgs),
    /// The what-if explorer: a web page and JSON API over scenario runs (http://127.0.0.1:8765/).
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
    /// Pool the shards of a `--shard K/N` run into the files of a one-process run.
    Merge(merge::MergeArgs),
    /// Write a Slurm job-array script (one shard per task) and a merge job chained after it.
    Slurm(slurm::SlurmArgs),
}

/// Run a parsed command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Zenou(args) => zenou::run(args),
        Command::Fit(args) => fit::run(args),
        Command::Lq(args) => lq::run(args),
        Command::Cohort(args) => cohort::run(args),
        Command::Replicate(args) => replicate::run(args),
        Command::Recover(args) => recover::run(args),
        Command::Power(args) => power::run(args),
        Command::Run(args) => run::run(args),
        Command::Calibrate(args) => calibrate::run(args),
        Command::Settings(args) => settings::run(args),
        Command::Sensitivity(args) => sensitivity::run(args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Slurm(args) => slurm::run(args),
    }
}

/// The message of an error and its causes joined by ": ", leaving out a cause
/// whose text the message already contains (errors that print their source
/// inline would otherwise repeat it, as in "File exists: File exists").
pub fn error_message(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

#[cfg(test)]
mod error_message_tests {
    #[test]
    fn causes_are_not_repeated() {
        let io = std::io::Error::new(std::io::ErrorKind::AlreadyExists, "File exists");
        let e = anyhow::Error::new(io).context("cannot write x: File exists");
        assert_eq!(super::error_message(&e), "cannot write x: File exists");
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let e = anyhow::Error::new(io).context("cannot read data.csv");
        assert_eq!(
            super::error_message(&e),
            "cannot read data.csv: no such file"
        );
    }
}
