//! `migsim zenou`: analytic e*, existence condition (5), ODE steady state and,
//! with `--agents`, the agent-based estimate.

use clap::Args;
use serde_json::{Value, json};

use crate::network::NetworkSpec;
use crate::zenou::ode::{HALF_UP, OdeOptions, dyad_steady_state};
use crate::zenou::{EngineConfig, Params, run_replication};

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
    /// Run the agent-based engine with this many agents (even).
    #[arg(long)]
    pub agents: Option<u64>,
    /// Simulated time of the agent-based run.
    #[arg(long, default_value_t = 100.0, allow_negative_numbers = true)]
    pub t_end: f64,
    /// Master seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Weak ties: random, er:k=K, ws:k=K,p=P, sbm:groups=G,homophily=H,k=K.
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

fn agent_based(p: &Params, args: &ZenouArgs, n: u64) -> anyhow::Result<Value> {
    let network: NetworkSpec = args.network.parse()?;
    let n = usize::try_from(n).map_err(|_| anyhow::anyhow!("invalid --agents {n}: too large"))?;
    let mut config = EngineConfig::new(n, p.lambda, p.delta, p.omega, args.t_end);
    config.record_every = args.record_every;
    config.initial_up = args.init_up;
    config.batches = args.batches;
    config.network = network;
    let r = run_replication(&config, args.seed, 0)?;
    let mut out = json!({
        "agents": n,
        "t_end": args.t_end,
        "seed": args.seed,
        "network": network.to_string(),
        "abm_e": r.mean,
        "abm_se": r.se,
        "abm_final_share": r.final_share,
        "z_vs_e_star": (r.mean - p.e_star()) / r.se,
        "events": r.events,
        "elapsed_s": r.elapsed_s,
        "events_per_s": r.events as f64 / r.elapsed_s,
    });
    if args.record_every.is_some() {
        out["series"] = json!(r.series);
    }
    Ok(out)
}

fn print_table(v: &Value) {
    let Some(map) = v.as_object() else { return };
    for (k, val) in map {
        if k == "series" {
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

pub fn run(args: ZenouArgs) -> anyhow::Result<()> {
    let p = Params::new(args.lambda, args.delta, args.omega)?;
    let mut out = analytic(&p);
    if let Some(n) = args.agents {
        let abm = agent_based(&p, &args, n)?;
        if let (Some(o), Some(a)) = (out.as_object_mut(), abm.as_object()) {
            o.extend(a.clone());
        }
    }
    if args.json {
        println!("{out}");
    } else {
        print_table(&out);
    }
    Ok(())
}
