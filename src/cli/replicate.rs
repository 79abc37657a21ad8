//! `migsim replicate <study>`: published specifications on a synthetic cohort.

use clap::Args;

use crate::studies::StudyName;

/// The arguments of `migsim replicate`.
#[derive(Debug, Args)]
pub struct ReplicateArgs {
    /// enclave, assets or talent.
    pub study: String,
    /// Cohort size (default: the paper's N).
    #[arg(long)]
    pub n: Option<usize>,
    /// Seed of the first cohort.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// A user's sample: its covariate columns replace the drawn
    /// ones; N from its rows unless --n.
    #[arg(long)]
    pub population: Option<std::path::PathBuf>,
    /// Cohorts (seeds S, S+1, ...) over which the held-out rows are tested
    /// jointly and each row's and headline fact's per-cohort rates are
    /// computed; the tables show the first.
    #[arg(long, default_value_t = crate::replicate::cohorts::DEFAULT_COHORTS)]
    pub seeds: usize,
    /// Print one JSON object (tables, cohort summary, sources) instead of the text.
    #[arg(long)]
    pub json: bool,
    /// Enclave: split the Table 2 col 5 penalty into omega*, redundancy and
    /// selection shares, paired over `--decompose-seeds` seeds from --seed
    /// (JSON: top-level `decomposition`).
    #[arg(long)]
    pub decompose: bool,
    /// Paired seeds of --decompose and --selection-sweep.
    #[arg(long, default_value_t = 12)]
    pub decompose_seeds: u64,
    /// Enclave: at each ability scale k (e.g. `0,0.5,1,2`: choice loading
    /// -0.1 k, outcome loading 0.3 k) re-run the default calibration and
    /// decompose the penalty (JSON: `selection_sweep`).
    #[arg(long, value_delimiter = ',')]
    pub selection_sweep: Option<Vec<f64>>,
    /// Cohorts per objective evaluation of each --selection-sweep calibration.
    #[arg(long, default_value_t = 4)]
    pub sweep_reps: usize,
}

/// Run `migsim replicate`: the tables of one or more cohorts, printed as text or JSON.
pub fn run(args: ReplicateArgs) -> anyhow::Result<()> {
    let study: StudyName = args.study.parse()?;
    let mut overrides = toml::Table::new();
    let mut n = args.n;
    if let Some(path) = &args.population {
        let (m, sample) = super::population::apply(study, path, &mut overrides, n)?;
        n = m;
        eprintln!("{}", super::population::describe(&sample));
    }
    let wants_extra = args.decompose || args.selection_sweep.is_some();
    if wants_extra && study != StudyName::Enclave {
        anyhow::bail!("--decompose and --selection-sweep are for the enclave study, not {study}");
    }
    if wants_extra && !(2..=1000).contains(&args.decompose_seeds) {
        anyhow::bail!(
            "--decompose-seeds must be 2 to 1000 (paired seeds for an SE), got {}",
            args.decompose_seeds
        );
    }
    let seeds: Vec<u64> = (0..args.decompose_seeds).map(|k| args.seed + k).collect();
    let rep = crate::replicate::replicate_cohorts(study, &overrides, n, args.seed, args.seeds)?;
    let decomposition = if args.decompose {
        let cfg = crate::studies::config_of::<crate::studies::enclave::Enclave>(&overrides, n)?;
        Some(crate::replicate::decompose::decompose(&cfg, &seeds)?)
    } else {
        None
    };
    let sweep = match &args.selection_sweep {
        Some(scales) => {
            if let Some(bad) = scales.iter().find(|k| !k.is_finite() || **k < 0.0) {
                anyhow::bail!("--selection-sweep: scales must be finite and >= 0, got {bad}");
            }
            let opts = crate::calibrate::run::Options {
                study,
                targets_file: None,
                free: None,
                reps: args.sweep_reps,
                seed: args.seed,
                n,
                search: crate::calibrate::optimise::Search {
                    starts: 1,
                    ..Default::default()
                },
                self_check: false,
                heldout: false,
                geography_cohorts: crate::calibrate::geography::GEOGRAPHY_COHORTS,
            };
            Some(crate::calibrate::selection_sweep::sweep(
                &opts, scales, &seeds,
            )?)
        }
        None => None,
    };
    if args.json {
        let mut v =
            crate::replicate::output::to_json_decomposed(&rep, study, decomposition.as_ref())?;
        if let (Some(o), Some(s)) = (v.as_object_mut(), &sweep) {
            o.insert("selection_sweep".into(), serde_json::to_value(s)?);
        }
        println!("{v}");
    } else {
        print!("{}", crate::replicate::output::to_text(&rep, study));
        if let Some(d) = &decomposition {
            print!("\n{d}");
        }
        if let Some(points) = &sweep {
            print!("\n{}", crate::calibrate::selection_sweep::Sweep(points));
        }
    }
    Ok(())
}
