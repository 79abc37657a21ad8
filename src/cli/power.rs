//! `migsim power SPEC.toml --target power=0.8`: the smallest N at which an
//! estimator of a recovery spec reaches the target power (library:
//! [`crate::recovery::power`]).

use std::path::{Path, PathBuf};

use clap::Args;

use super::job::{Front, Help, JobArgs};
use crate::recovery::power::{PowerOptions, PowerPoint};
use crate::shard::power::{PowerInput, PowerOutput, PowerRequest};

/// The arguments of `migsim power`.
#[derive(Debug, Args)]
pub struct PowerArgs {
    /// Estimator: its label in the spec (or its estimator name when one
    /// entry has it); default: the spec's only estimator.
    #[arg(long)]
    pub estimator: Option<String>,
    /// Estimand of that estimator (default: its first target).
    #[arg(long)]
    pub estimand: Option<String>,
    /// Target, as `power=P` with P in (0, 1).
    #[arg(long, default_value = "power=0.8")]
    pub target: String,
    /// Smallest N searched.
    #[arg(long, default_value_t = 200)]
    pub n_min: usize,
    /// Largest N searched.
    #[arg(long, default_value_t = 20_000)]
    pub n_max: usize,
    /// Sizes of the first, geometric grid from n-min to n-max.
    #[arg(long, default_value_t = 5)]
    pub grid: usize,
    /// Stop the bisection when the bracket is narrower than this share of N.
    #[arg(long, default_value_t = 0.02)]
    pub tolerance: f64,
    /// Replications per N (default: the spec's).
    #[arg(long)]
    pub reps: Option<usize>,
    /// Master seed (default: the spec's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// The recovery spec, `--out`, `--json`.
    #[command(flatten)]
    pub job: JobArgs<PowerInput>,
}

fn target(text: &str) -> anyhow::Result<f64> {
    let p = text
        .strip_prefix("power=")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|p| *p > 0.0 && *p < 1.0);
    p.ok_or_else(|| {
        anyhow::anyhow!(
            "invalid --target `{text}`: expected power=P with P in (0, 1), e.g. power=0.8"
        )
    })
}

/// Run `migsim power`: the search over N in one process, printing each N as it is evaluated.
pub fn run(args: PowerArgs) -> anyhow::Result<()> {
    let show = |p: &PowerPoint| {
        eprintln!(
            "N = {:>7}  power {:.3} ({:.3})  coverage {:.3}  bias {:.4}",
            p.n, p.power, p.power_se, p.coverage, p.bias
        )
    };
    let request = PowerRequest {
        reps: args.reps,
        seed: args.seed,
        search: PowerOptions {
            estimator: args.estimator.clone(),
            estimand: args.estimand.clone(),
            target: target(&args.target)?,
            n_min: args.n_min,
            n_max: args.n_max,
            grid: args.grid,
            tolerance: args.tolerance,
        },
        on_point: Box::new(show),
    };
    // Each N is printed on stderr as it is found, not a bar.
    super::job::run_one(&args.job, request, false)
}

impl Front for PowerInput {
    const UNITS: &'static str = "reps";
    const HELP: Help = Help {
        file: "Recovery spec (TOML), e.g. scenarios/recovery/enclave_power.toml",
        out: "Output directory (default: outputs/power/<spec name>/)",
        json: "Print one JSON object instead of the table",
    };

    fn print(out: &PowerOutput, dir: &Path, _files: &[PathBuf]) {
        let r = &out.result;
        match r.n {
            Some(n) => println!(
                "{}: {} for {} reaches power {:.3} (SE {:.3}) >= {} at N = {n} (coverage {:.3}, bias {:.4}; {} reps per N)",
                r.spec,
                r.estimator,
                r.estimand,
                r.power,
                r.power_se,
                r.target,
                r.coverage,
                r.bias,
                r.reps
            ),
            None => println!(
                "{}: {} for {} does not reach power {} by N = {} (power there {:.3}, SE {:.3})",
                r.spec, r.estimator, r.estimand, r.target, out.n_max, r.power, r.power_se
            ),
        }
        println!("wrote {}", dir.display());
    }
}
