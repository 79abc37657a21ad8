//! `migsim zenou`: analytic e*, existence condition (5), ODE steady state and,
//! with `--agents`, the agent-based estimate.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Value, json};

use crate::network::NetworkSpec;
use crate::zenou::ode::{HALF_UP, OdeOptions, dyad_steady_state};
use crate::zenou::{EngineConfig, Params, run_replication_with_progress};

/// The arguments of `migsim zenou`.
#[derive(Debug, Args)]
pub struct ZenouArgs {
    /// Job-information rate lambda (> 0).
    #[arg(long, allow_negative_numbers = true)]
    pub lambda: f64,
    /// Job-loss rate delta (>= 0).
    #[arg(long, allow_negative_numbers = true)]
    pub delta: f64,
    /// Weak-tie contact probability omega, in (0, 1].
    #[arg(long, allow_negative_numbers = true)]
    pub omega: f64,
    /// Run the agent-based engine with this many agents (even), or
    /// `from-file`: as many as the nodes of `--network edges:FILE.csv`.
    #[arg(long)]
    pub agents: Option<String>,
    /// Simulated time of the agent-based run.
    #[arg(long, default_value_t = 100.0, allow_negative_numbers = true)]
    pub t_end: f64,
    /// Master seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Weak ties: random, er:k=K, ws:k=K,p=P, sbm:groups=G,homophily=H,k=K,
    /// or edges:FILE.csv[,directed=true] (a measured graph: two id columns,
    /// optional `weight`).
    #[arg(long, default_value = "random")]
    pub network: String,
    /// Record the share up at this interval (adds `series` to the output).
    #[arg(long, allow_negative_numbers = true)]
    pub record_every: Option<f64>,
    /// Share of agents up at time 0.
    #[arg(long, default_value_t = 0.5, allow_negative_numbers = true)]
    pub init_up: f64,
    /// Batches over the second half of the run for the standard error.
    #[arg(long, default_value_t = 32)]
    pub batches: usize,
    /// Refuse runs whose estimated time exceeds this many hours (the
    /// estimate: agents x share up x (lambda + delta) x t_end events at 25 ns,
    /// plus 5 ns per recorded point).
    #[arg(long, default_value_t = 24.0, allow_negative_numbers = true)]
    pub max_hours: f64,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

fn analytic(p: &Params) -> Value {
    let ode = dyad_steady_state(p, HALF_UP, &OdeOptions::default());
    json!({
        "lambda": p.lambda,
        "delta": p.delta,
        "omega": p.omega,
        "exists": p.exists(),
        "delta_bound": p.lambda * p.ratio_bound(),
        "e_star": p.e_star(),
        "de_star_domega": p.de_star_domega(),
        "ode_e": ode.e,
        "ode_converged": ode.converged,
        "ode_t": ode.t,
    })
}

/// The number of agents `--agents` asks for: a number, or the node count
/// of the network file with `from-file`.
fn agents(given: &str, network: &NetworkSpec) -> anyhow::Result<usize> {
    if given == "from-file" {
        return match network.file_report() {
            Some(r) => Ok(r.nodes),
            None => anyhow::bail!(
                "invalid --agents from-file: the network `{network}` is not read from a file (use --network edges:FILE.csv)"
            ),
        };
    }
    let n: u64 = given.parse().map_err(|_| {
        anyhow::anyhow!(
            "invalid --agents `{given}`: expected an even number of agents or `from-file`"
        )
    })?;
    usize::try_from(n).map_err(|_| anyhow::anyhow!("invalid --agents {n}: too large"))
}

fn agent_based(p: &Params, args: &ZenouArgs, given: &str, bar: bool) -> anyhow::Result<Value> {
    let network: NetworkSpec = args.network.parse()?;
    let n = agents(given, &network)?;
    let mut config = EngineConfig::new(n, p.lambda, p.delta, p.omega, args.t_end);
    config.record_every = args.record_every;
    config.initial_up = args.init_up;
    config.batches = args.batches;
    config.network = network.clone();
    if !(args.max_hours.is_finite() && args.max_hours > 0.0) {
        anyhow::bail!(
            "invalid --max-hours {}: expected a finite number of hours > 0",
            args.max_hours
        );
    }
    config.max_run_s = args.max_hours * 3600.0;
    let run = |cell| run_replication_with_progress(&config, args.seed, 0, cell);
    let r = if bar {
        with_progress(args.t_end, run)?
    } else {
        run(None)?
    };
    let mut out = json!({
        "agents": n,
        "t_end": args.t_end,
        "seed": args.seed,
        "network": network.to_string(),
        "abm_e": r.mean,
        "abm_se": r.se,
        "abm_se_batches": r.se_batches,
        "abm_final_share": r.final_share,
        "z_vs_e_star": (r.mean - p.e_star()) / r.se,
        "events": r.events,
        "elapsed_s": r.elapsed_s,
        "events_per_s": r.events as f64 / r.elapsed_s,
    });
    if let Some(report) = network.file_report() {
        out["network_file"] = json!(report);
    }
    if args.record_every.is_some() {
        out["series"] = json!(r.series);
    }
    if r.se_batches < r.batch_means.len() {
        eprintln!(
            "warning: the {} batch means were autocorrelated (batches shorter than the relaxation time); \
             abm_se uses {} merged batches",
            r.batch_means.len(),
            r.se_batches
        );
    }
    Ok(out)
}

/// Run `f` with a progress cell and, when stderr is a terminal, a progress
/// bar with an ETA over simulated time, shown once the run has taken a second.
fn with_progress<T>(t_end: f64, f: impl FnOnce(Option<Arc<AtomicU64>>) -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return f(None);
    }
    let cell = Arc::new(AtomicU64::new(0f64.to_bits()));
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (cell, done) = (Arc::clone(&cell), Arc::clone(&done));
        std::thread::spawn(move || {
            let bar = ProgressBar::with_draw_target(Some(1000), ProgressDrawTarget::hidden());
            if let Ok(style) =
                ProgressStyle::with_template("{bar:40} simulated time {msg}, eta {eta}")
            {
                bar.set_style(style);
            }
            let start = Instant::now();
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                let t = f64::from_bits(cell.load(Ordering::Relaxed));
                bar.set_position(((t / t_end).clamp(0.0, 1.0) * 1000.0) as u64);
                bar.set_message(format!("{t:.4} of {t_end}"));
                if bar.is_hidden() && start.elapsed() > Duration::from_secs(1) {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                }
            }
            bar.finish_and_clear();
        })
    };
    let out = f(Some(cell));
    done.store(true, Ordering::Relaxed);
    let _ = watcher.join();
    out
}

/// The object `migsim zenou --json` prints: the analytic steady state and,
/// with `--agents`, the agent-based estimate; `bar`: the terminal progress
/// bar of the agent-based run.
pub fn outcome(args: &ZenouArgs, bar: bool) -> anyhow::Result<Value> {
    let p = Params::new(args.lambda, args.delta, args.omega)?;
    let mut out = analytic(&p);
    if let Some(n) = &args.agents {
        let abm = agent_based(&p, args, n, bar)?;
        if let (Some(o), Some(a)) = (out.as_object_mut(), abm.as_object()) {
            o.extend(a.clone());
        }
    }
    Ok(out)
}

fn print_table(v: &Value) {
    let Some(map) = v.as_object() else { return };
    for (k, val) in map {
        if k == "network_file" {
            if let Some(m) = val.as_object() {
                for (name, x) in m {
                    println!("{:>16}  {x}", format!("network.{name}"));
                }
            }
        } else if k == "series" {
            println!(
                "{:>16}  {} records (use --json)",
                k,
                val.as_array().map_or(0, |a| a.len())
            );
        } else {
            println!("{k:>16}  {val}");
        }
    }
}

/// Run `migsim zenou`: print the outcome as text or JSON.
pub fn run(args: ZenouArgs) -> anyhow::Result<()> {
    let out = outcome(&args, true)?;
    if args.json {
        println!("{out}");
    } else {
        print_table(&out);
    }
    Ok(())
}
