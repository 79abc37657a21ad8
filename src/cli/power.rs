//! `migsim power SPEC.toml --target power=0.8`: the smallest N at which an
//! estimator of a recovery spec reaches the target power (library:
//! [`crate::recovery::power`]).

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use crate::recovery::power::{PowerOptions, PowerPoint, power};
use crate::recovery::{RunOptions, Spec};
use crate::report::power::write_power;

#[derive(Debug, Args)]
pub struct PowerArgs {
    /// Recovery spec (TOML), e.g. scenarios/recovery/enclave_power.toml.
    pub file: PathBuf,
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
    /// Output directory (default: outputs/power/<spec name>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
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

pub fn run(args: PowerArgs) -> anyhow::Result<()> {
    let mut spec = Spec::load(&args.file)?;
    if args.reps == Some(0) {
        anyhow::bail!("--reps must be at least 1");
    }
    spec.reps = args.reps.unwrap_or(spec.reps);
    spec.seed = args.seed.unwrap_or(spec.seed);
    let opts = PowerOptions {
        estimator: args.estimator.clone(),
        estimand: args.estimand.clone(),
        target: target(&args.target)?,
        n_min: args.n_min,
        n_max: args.n_max,
        grid: args.grid,
        tolerance: args.tolerance,
    };
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs/power").join(&spec.name));
    crate::io::check_writable(&dir)?;
    let show = |p: &PowerPoint| {
        eprintln!(
            "N = {:>7}  power {:.3} ({:.3})  coverage {:.3}  bias {:.4}",
            p.n, p.power, p.power_se, p.coverage, p.bias
        )
    };
    let r = power(&spec, &opts, &RunOptions::default(), &show)?;
    let out = json!({
        "spec": r.spec,
        "estimator": r.estimator,
        "estimand": r.estimand,
        "target": r.target,
        "reps": r.reps,
        "seed": r.seed,
        "n": r.n,
        "power": r.power,
        "power_se": r.power_se,
        "coverage": r.coverage,
        "bias": r.bias,
        "curve": r.curve,
    });
    write_power(&r, &out, &dir)?;
    if args.json {
        println!("{out}");
    } else {
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
                r.spec, r.estimator, r.estimand, r.target, args.n_max, r.power, r.power_se
            ),
        }
        println!("wrote {}", dir.display());
    }
    Ok(())
}
