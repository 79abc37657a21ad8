//! `migsim run FILE.toml [--out DIR]`: a scenario run, baseline vs
//! counterfactuals, written as CSV, JSON and Markdown/HTML reports.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::report::reading::{diff_value, level_value, sentence};
use crate::scenario::{self, Scenario, StudyModel, Summary, output};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (see scenarios/).
    pub file: PathBuf,
    /// Output folder (default: outputs/<scenario name>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print summary.json on stdout instead of the text summary.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: RunArgs) -> anyhow::Result<()> {
    let scn = Scenario::load(&args.file)?;
    let model = StudyModel {
        study: scn.study,
        n: scn.n,
    };
    let bar = Progress::new();
    let runs = scenario::run(&scn, &model, &|done, total| bar.update(done, total))?;
    bar.finish();
    let summary = Summary::of(&runs);
    let dir = args.out.unwrap_or_else(|| output::default_dir(&scn.name));
    let files = output::write_all(&dir, &runs, &summary)?;
    if args.json {
        println!("{}", serde_json::to_string(&summary)?);
        return Ok(());
    }
    print_text(&summary);
    println!("\nwrote {}", dir.display());
    for f in &files {
        println!("  {}", f.display());
    }
    if let Some(html) = files.iter().find(|f| f.ends_with("report.html")) {
        println!("open {} in a browser for the charts", html.display());
    }
    Ok(())
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
        println!("  {}", sentence(e, s.horizon_phrase().as_deref()));
    }
    for w in &s.warnings {
        eprintln!("warning: {w}");
    }
}

/// A progress bar on stderr, shown only on a terminal and only once a run
/// has taken more than a second.
struct Progress {
    bar: ProgressBar,
    start: Instant,
    terminal: bool,
}

impl Progress {
    fn new() -> Progress {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40} {pos}/{len} simulations, eta {eta}")
        {
            bar.set_style(style);
        }
        Progress {
            bar,
            start: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
        }
    }

    fn update(&self, done: usize, total: usize) {
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
        if self.terminal && self.bar.is_hidden() && self.start.elapsed() > Duration::from_secs(1) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
