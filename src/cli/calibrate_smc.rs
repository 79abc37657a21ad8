//! `migsim calibrate <study> --method smc [--sbc K]`: the posterior by
//! sequential Monte Carlo, or its simulation-based calibration.

use clap::{Args, ValueEnum};

use super::calibrate::CalibrateArgs;
use crate::calibrate::Options;
use crate::calibrate::optimise::Search;
use crate::calibrate::smc::{SmcOptions, posterior, sbc::sbc};
use crate::report::rank_histogram::rank_histogram;

/// Indirect inference or the posterior.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Indirect inference: point estimates, sandwich SEs, J test.
    Ii,
    /// Posterior draws by tempered SMC with a Gaussian synthetic likelihood.
    Smc,
}

#[derive(Debug, Args)]
pub struct SmcArgs {
    /// ii (indirect inference) or smc (posterior draws; writes DIR/posterior.csv with --out).
    #[arg(long, value_enum, default_value_t = Method::Ii)]
    pub method: Method,
    /// With --method smc: simulation-based calibration with K prior draws (writes DIR/sbc_ranks.svg).
    #[arg(long, value_name = "K")]
    pub sbc: Option<usize>,
    /// With --method smc: SMC particles.
    #[arg(long, default_value_t = 200)]
    pub particles: usize,
    /// With --method smc: Metropolis moves per SMC stage.
    #[arg(long, default_value_t = 4)]
    pub moves: usize,
    /// With --method smc: posterior draws (one cohort each) of the predictive check.
    #[arg(long, default_value_t = 40)]
    pub predictive: usize,
}

fn options(args: &CalibrateArgs) -> anyhow::Result<Options> {
    Ok(Options {
        study: args.study.parse()?,
        targets_file: args.targets.clone(),
        free: args.free.clone(),
        reps: args.reps,
        seed: args.seed,
        n: args.n,
        search: Search {
            starts: args.starts,
            max_iters: args.max_iters,
            ..Search::default()
        },
        self_check: args.self_check,
        heldout: !args.no_heldout,
    })
}

/// Whether `args` asks for the Bayesian path.
pub fn wanted(args: &CalibrateArgs) -> bool {
    args.bayes.method == Method::Smc || args.bayes.sbc.is_some()
}

/// Run `--method smc` (with or without `--sbc`).
pub fn run(args: CalibrateArgs) -> anyhow::Result<()> {
    if args.bayes.method != Method::Smc {
        anyhow::bail!("--sbc K needs --method smc");
    }
    let opts = options(&args)?;
    let b = &args.bayes;
    let smc = SmcOptions {
        particles: b.particles,
        moves: b.moves,
        predictive: b.predictive,
    };
    smc.check()?;
    if let Some(dir) = &args.out {
        crate::io::check_writable(dir)?;
    }
    let world = crate::shard::mpi::world();
    let rank0 = world.as_ref().is_none_or(|w| w.rank() == 0);
    if let Some(k) = b.sbc {
        let result = match &world {
            Some(w) => w.ok_or_abort(crate::shard::mpi_smc::on_ranks(w, || sbc(&opts, &smc, k))),
            None => sbc(&opts, &smc, k)?,
        };
        if !rank0 {
            return Ok(());
        }
        if let Some(dir) = &args.out {
            let svg = rank_histogram(&result)?;
            let paths = result.write(dir, svg)?;
            if !args.json {
                for p in paths {
                    println!("wrote {}", p.display());
                }
            }
        }
        if args.json {
            println!("{}", serde_json::to_string(&result)?);
        } else {
            print!("{result}");
        }
        return Ok(());
    }
    let result = match &world {
        Some(w) => w.ok_or_abort(crate::shard::mpi_smc::on_ranks(w, || {
            posterior(&opts, &smc)
        })),
        None => posterior(&opts, &smc)?,
    };
    if !rank0 {
        return Ok(());
    }
    if let Some(dir) = &args.out {
        let paths = result.write(dir)?;
        if !args.json {
            for p in paths {
                println!("wrote {}", p.display());
            }
        }
    }
    if args.json {
        println!("{}", serde_json::to_string(&result)?);
    } else {
        print!("{result}");
    }
    Ok(())
}
