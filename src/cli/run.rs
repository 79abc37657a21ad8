//! `migsim run FILE.toml [--out DIR]`: a scenario run, baseline vs
//! counterfactuals, written as CSV, JSON and Markdown/HTML reports.

use std::path::{Path, PathBuf};

use clap::Args;

use super::job::{Front, Help, ShardedArgs};
use crate::report::reading::{diff_value, level_value, sentence};
use crate::scenario::Summary;
use crate::shard::scenario::{RunOutput, ScenarioInput};

/// The arguments of `migsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file, `--out`, `--json`, `--shard`.
    #[command(flatten)]
    pub job: ShardedArgs<ScenarioInput>,
}

/// Run `migsim run` through the job driver (`super::job::run`).
pub fn run(args: RunArgs) -> anyhow::Result<()> {
    super::job::run(&args.job, (), true)
}

impl Front for ScenarioInput {
    const UNITS: &'static str = "simulations";
    const WORK: &'static str = "replications and parameter draws";
    const HELP: Help = Help {
        file: "Scenario file (see scenarios/)",
        out: "Output folder (default: outputs/<scenario name>/)",
        json: "Print summary.json on stdout instead of the text summary",
    };

    fn print(out: &RunOutput, dir: &Path, files: &[PathBuf]) {
        print_text(&out.summary);
        println!("\nwrote {}", dir.display());
        for f in files {
            println!("  {}", f.display());
        }
        if let Some(html) = files.iter().find(|f| f.ends_with("report.html")) {
            println!("open {} in a browser for the charts", html.display());
        }
    }
}

fn print_text(s: &Summary) {
    println!(
        "{} ({}): {} arms x {} replications, seed {}",
        s.scenario,
        s.study,
        s.arms.len() + s.sweep.as_ref().map_or(0, |w| w.values.len()),
        s.replications,
        s.seed
    );
    let total = s.uncertainty.is_some();
    println!(
        "\n  {:<20} {:<22} {:>10} {:>10} {:>9}  95% CI{}",
        "metric",
        "intervention",
        "baseline",
        "counterf.",
        "effect",
        if total {
            " (simulation)   95% incl. parameters"
        } else {
            ""
        }
    );
    for e in &s.effects {
        let m = e.metric.as_str();
        let tot = e.total().map_or(String::new(), |(lo, hi)| {
            format!("   [{}, {}]", diff_value(m, lo), diff_value(m, hi))
        });
        println!(
            "  {:<20} {:<22} {:>10} {:>10} {:>9}  [{}, {}]{tot}",
            m,
            e.intervention,
            level_value(m, e.baseline_mean),
            level_value(m, e.counterfactual_mean),
            diff_value(m, e.estimate),
            diff_value(m, e.ci_low),
            diff_value(m, e.ci_high)
        );
    }
    println!("  (effects of shares in percentage points)\n");
    for e in &s.effects {
        println!("  {}", sentence(e, s.window_phrase(&e.metric).as_deref()));
    }
    for w in &s.warnings {
        eprintln!("warning: {w}");
    }
}
