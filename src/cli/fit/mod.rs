//! `migsim fit`: parse the options, load the design, fit, print.
//!
//! The design estimators (ols, logit, probit, ologit, oprobit) go through
//! the library's `FitRequest` and factor through [`fit_factor`] here; the
//! causal ones (mediation, psm, heckman, lewbel) through the spec layer in
//! `causal`. Every match over the crate's enums names each variant
//! (`clippy::wildcard_enum_match_arm` is denied). [`outcome`] is the whole
//! command but the printing: the Python package parses its keywords into
//! [`FitArgs`] and calls it with the data frame in [`FitArgs::frame`], so
//! both front ends share every option, default and message.

#![deny(clippy::wildcard_enum_match_arm)]

mod causal;

use anyhow::Context;
use clap::Args;

use crate::data::{
    Column, Dataset, Design, Formula, LqColumns, Subset, build_design_owned, design_with,
    wanted_columns,
};
use crate::estimate::factor::{FactorOptions, fit_factor};
use crate::estimate::request::{FitOutcome, FitRequest};
use crate::estimate::spec::Spelled;
use crate::estimate::{EstimatorName, FitOptions, FitResult};

/// The arguments of `migsim fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// Estimator: ols, logit, probit, ologit, oprobit; factor (one-factor index of the --x
    /// items); mediation, psm, heckman, lewbel (causal: see --treatment).
    pub estimator: String,
    /// CSV file with a header row, or a Parquet file (`.parquet`).
    #[arg(long)]
    pub data: std::path::PathBuf,
    /// Outcome column.
    #[arg(long)]
    pub y: Option<String>,
    /// Regressor terms, comma-separated: `a`, `a^2`, `a:b`.
    #[arg(long)]
    pub x: Option<String>,
    /// Fixed-effect columns, comma-separated (dummies `COL=value`, first level dropped).
    #[arg(long)]
    pub fe: Option<String>,
    /// Cluster-robust (CR1) standard errors by this column.
    #[arg(long)]
    pub cluster: Option<String>,
    /// Heteroskedasticity-robust standard errors (HC1 / Stata `vce(robust)`).
    #[arg(long)]
    pub robust: bool,
    /// Average marginal effects (binary models).
    #[arg(long)]
    pub margins: bool,
    /// Marginal effects of 0/1 regressors as a discrete 0 -> 1 change (implies --margins).
    #[arg(long)]
    pub discrete: bool,
    /// Brant test of parallel lines (ordered logit); printed after the table.
    #[arg(long)]
    pub brant: bool,
    /// Ai-Norton (2003) interaction effect of the `a:b` term of --x (logit, probit):
    /// per-observation cross-partials summarised, average effect with its delta-method SE.
    #[arg(long, value_name = "A:B")]
    pub interaction_effect: Option<String>,
    /// Newton iteration cap.
    #[arg(long, default_value_t = FitOptions::default().max_iter)]
    pub max_iter: usize,
    /// Convergence tolerance.
    #[arg(long, default_value_t = FitOptions::default().tol)]
    pub tol: f64,
    /// Options of the causal estimators (treatment, instruments, mediation, matching).
    #[command(flatten)]
    pub causal: Box<CausalArgs>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Estimation method; factor: pcf (principal-component factor, default), ipf, ml;
    /// psm: nn (nearest neighbour, default), radius, kernel, llr (local linear), spline;
    /// heckman --model selection: ml (maximum likelihood, default), twostep.
    #[arg(long)]
    pub method: Option<String>,
    /// Write the input data plus the estimator's new column (factor: the score) to this CSV.
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    /// Name of the factor-score column written with --out.
    #[arg(long, default_value = "factor_score")]
    pub score_name: String,
    /// Add the location quotient LQ_ij (formula 13) of the ORIGIN,DEST label columns as
    /// column `lq` before the design is built (use it as `--x lq`); replaces an `lq` column
    /// of the file.
    #[arg(long, value_name = "ORIGIN,DEST")]
    pub lq: Option<String>,
    /// Survey-weight column for --lq (default: each row counts once).
    #[arg(long, requires = "lq")]
    pub lq_weight: Option<String>,
    /// Fit on the rows where `COL OP VALUE` holds (OP: ==, !=, <, <=, >, >=;
    /// rows with COL missing are dropped), e.g. `--subset "south == 1"`.
    #[arg(long, value_name = "\"COL OP VALUE\"")]
    pub subset: Option<String>,
    /// Data already in memory (the Python package's data frame), read
    /// instead of `--data`, which then only names it in messages.
    #[arg(skip)]
    pub frame: Option<std::sync::Arc<Dataset>>,
}

/// Options of `fit mediation|psm|heckman|lewbel` (boxed in [`FitArgs`]).
#[derive(Debug, Args)]
pub struct CausalArgs {
    /// Treatment / endogenous regressor column (mediation, psm, heckman, lewbel); --x
    /// holds the controls.
    #[arg(long)]
    pub treatment: Option<String>,
    /// Excluded instrument columns, comma-separated: lewbel's external instruments,
    /// heckman's exclusion restriction (first stage only).
    #[arg(long)]
    pub instrument: Option<String>,
    /// Mediator column (mediation; its model is OLS on the treatment and --x).
    #[arg(long)]
    pub mediator: Option<String>,
    /// Outcome model: mediation logit (default), probit, ols; heckman auto (probit for
    /// a 0/1 outcome, OLS otherwise; default), probit, ols.
    #[arg(long)]
    pub outcome_model: Option<String>,
    /// Add the treatment x mediator interaction to the mediation outcome model.
    #[arg(long)]
    pub treat_mediator_interaction: bool,
    /// Monte Carlo draws of the mediation quasi-Bayesian simulation (default: the
    /// library's, 1000).
    #[arg(long)]
    pub sims: Option<usize>,
    /// Master seed of the simulation (mediation) or bootstrap (psm).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Control value of a continuous mediation treatment (default 0 with a 0/1 treatment).
    #[arg(long, allow_negative_numbers = true)]
    pub control_value: Option<f64>,
    /// Treat value of a continuous mediation treatment (default 1 with a 0/1 treatment).
    #[arg(long, allow_negative_numbers = true)]
    pub treat_value: Option<f64>,
    /// Mediation sensitivity analysis (medsens): ACME over rho, the rho at which it
    /// vanishes and the R2 products (linear mediator; probit or ols outcome).
    #[arg(long)]
    pub sensitivity: bool,
    /// Propensity-score model (psm): logit (default, as teffects / MatchIt) or probit
    /// (psmatch2).
    #[arg(long)]
    pub score: Option<String>,
    /// Neighbours per treated unit for --method nn (psm).
    #[arg(long)]
    pub k: Option<usize>,
    /// Caliper on the score (psm nn: optional; radius: required).
    #[arg(long)]
    pub caliper: Option<f64>,
    /// Kernel bandwidth (psm kernel: default 0.06 as psmatch2; llr: default 0.8).
    #[arg(long)]
    pub bandwidth: Option<f64>,
    /// Kernel (psm kernel, llr): epan (kernel default), gaussian, tricube (llr default), uniform.
    #[arg(long)]
    pub kernel: Option<String>,
    /// Knots of the natural cubic spline (psm spline; default max(3, round(n_controls^(1/4)))).
    #[arg(long)]
    pub knots: Option<usize>,
    /// Drop units outside the other arm's score range (psm).
    #[arg(long)]
    pub common_support: bool,
    /// Also estimate the ATE (psm).
    #[arg(long)]
    pub ate: bool,
    /// Standard errors of psm nearest-neighbour matching: ai2006 (Abadie-Imbens 2006, the
    /// score taken as known, as R Matching; default) or ai2016 (adjusted for the estimated
    /// score, as Stata teffects psmatch).
    #[arg(long)]
    pub se: Option<String>,
    /// Form of `fit heckman`: treatment (the treatment-effects model, default) or
    /// selection (the sample-selection model: outcome observed only where --select is 1).
    #[arg(long)]
    pub model: Option<String>,
    /// Selection indicator column of `fit heckman --model selection` (1: outcome observed).
    #[arg(long)]
    pub select: Option<String>,
    /// Selection-equation regressors of `fit heckman --model selection`, comma-separated
    /// (the full list, as Stata's `select()`; --x is the outcome equation).
    #[arg(long)]
    pub zx: Option<String>,
    /// Bootstrap replications for the psm standard errors (default: Abadie-Imbens for nn,
    /// 200 replications otherwise); the score is re-estimated on every resample.
    #[arg(long)]
    pub bootstrap: Option<usize>,
}

impl FitArgs {
    /// The design-fit choices of the flags.
    pub fn request(&self) -> FitRequest {
        FitRequest {
            cluster: self.cluster.is_some(),
            robust: self.robust,
            margins: self.margins,
            discrete: self.discrete,
            brant: self.brant,
            interaction_effect: self.interaction_effect.clone(),
            max_iter: self.max_iter,
            tol: self.tol,
        }
    }

    fn options(&self) -> FitOptions {
        self.request().options()
    }
}

/// The value of `--FLAG` (`None` when absent: the library's default
/// applies), spelled as the library's option table says; an unknown word
/// names the flag and every spelling.
pub(crate) fn spelled<T: Spelled>(flag: &str, value: Option<&str>) -> anyhow::Result<Option<T>> {
    value
        .map(|v| {
            T::parse_word(v).map_err(|e| {
                anyhow::anyhow!("invalid --{flag} `{}`: expected {}", e.value, e.expected)
            })
        })
        .transpose()
}

/// Run `migsim fit`: fit the estimator and print its result as text or JSON.
pub fn run(args: FitArgs) -> anyhow::Result<()> {
    let outcome = outcome(&args)?;
    if let Some(w) = crate::estimate::checks::few_clusters_warning(&outcome.result.info) {
        eprintln!("warning: {w}");
    }
    print_with(&outcome.result, args.json, outcome.extra)
}

/// Fit what `args` asks for: the result and the text that follows its table.
pub fn outcome(args: &FitArgs) -> anyhow::Result<FitOutcome> {
    let estimator: EstimatorName = args.estimator.parse()?;
    match estimator {
        EstimatorName::Factor => run_factor(args),
        EstimatorName::Lewbel => causal::run_lewbel(args),
        EstimatorName::Mediation => causal::run_mediation(args),
        EstimatorName::Psm => causal::run_psm(args),
        EstimatorName::Heckman => causal::run_heckman(args),
        EstimatorName::Ols
        | EstimatorName::Logit
        | EstimatorName::Probit
        | EstimatorName::Ologit
        | EstimatorName::Oprobit => {
            let (request, formula) = design_fit(args, estimator)?;
            let design = load_fit_design(args, &formula)?;
            Ok(request.fit(estimator, &design)?)
        }
    }
}

/// The request and formula of a design estimator (ols, logit, probit,
/// ologit, oprobit), checked.
pub fn design_fit(
    args: &FitArgs,
    estimator: EstimatorName,
) -> anyhow::Result<(FitRequest, Formula)> {
    let name = estimator.as_str();
    let request = args.request();
    request.check(estimator)?;
    let y = args
        .y
        .as_deref()
        .with_context(|| format!("{name} needs the outcome column: --y COL"))?;
    let formula = Formula::parse(
        y,
        args.x.as_deref(),
        args.fe.as_deref(),
        args.cluster.as_deref(),
        estimator.needs_intercept(),
    )?;
    Ok((request, formula))
}

/// Print the result (table or JSON); in the human form, `extra` follows the table.
fn print_with(result: &FitResult, json: bool, extra: Option<String>) -> anyhow::Result<()> {
    print!("{}", render(result, json));
    if let (false, Some(text)) = (json, extra) {
        println!();
        print!("{text}");
    }
    Ok(())
}

/// The data of the fit: [`FitArgs::frame`] or the `--data` file; only
/// `columns` when given (each must exist), else every column.
pub(crate) fn dataset(args: &FitArgs, columns: Option<&[&str]>) -> anyhow::Result<Dataset> {
    let Some(frame) = &args.frame else {
        return Ok(crate::columnar::read_table(&args.data, columns)?);
    };
    let Some(cols) = columns else {
        return Ok(Dataset::clone(frame));
    };
    let mut picked: Vec<(String, Column)> = Vec::with_capacity(cols.len());
    for c in cols {
        if !picked.iter().any(|(n, _)| n == c) {
            picked.push((c.to_string(), frame.require(c)?.clone()));
        }
    }
    Ok(Dataset::from_columns(frame.source(), picked)?)
}

/// The design of `formula`, with the `--lq` column (computed on the whole
/// file) and then the `--subset` rows when asked for.
pub(crate) fn load_fit_design(args: &FitArgs, formula: &Formula) -> anyhow::Result<Design> {
    let subset = args.subset.as_deref().map(Subset::try_from).transpose()?;
    let lq = args
        .lq
        .as_deref()
        .map(|spec| LqColumns::parse(spec, args.lq_weight.as_deref()))
        .transpose()?;
    let ds = dataset(
        args,
        Some(&wanted_columns(formula, lq.as_ref(), subset.as_ref())),
    )?;
    if subset.is_none() && lq.is_none() {
        return Ok(build_design_owned(ds, formula)?);
    }
    Ok(design_with(ds, formula, lq.as_ref(), subset.as_ref())?)
}

/// `fit factor`: the one-factor index of the `--x` items; with `--out`, the
/// data plus the score column (empty for rows dropped listwise).
fn run_factor(args: &FitArgs) -> anyhow::Result<FitOutcome> {
    if args.y.is_some() || args.fe.is_some() || args.cluster.is_some() || args.lq.is_some() {
        anyhow::bail!(
            "fit factor takes its items from --x; --y, --fe, --cluster and --lq do not apply"
        );
    }
    let items: Vec<&str> = args
        .x
        .as_deref()
        .context("fit factor needs the item columns: --x item1,item2,...")?
        .split(',')
        .map(str::trim)
        .collect();
    let opts = FactorOptions {
        method: spelled("method", args.method.as_deref())?.unwrap_or_default(),
        ..FactorOptions::default()
    };
    let subset = args.subset.as_deref().map(Subset::try_from).transpose()?;
    let mut wanted = items.clone();
    if let Some(s) = subset
        .as_ref()
        .filter(|s| !items.contains(&s.column.as_str()))
    {
        wanted.push(&s.column);
    }
    let mut ds = match &args.out {
        None => dataset(args, Some(&wanted))?,
        Some(_) => dataset(args, None)?,
    };
    if let Some(s) = &subset {
        ds = s.apply(&ds)?;
    }
    let names: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    let fit = fit_factor(&names, &ds.numeric_columns(&items)?, &opts)?;
    if let Some(out) = &args.out {
        ds.push_column(&args.score_name, Column::Numeric(fit.scores))?;
        ds.write_csv(out)?;
    }
    Ok(FitOutcome {
        result: fit.result,
        extra: None,
    })
}

/// The text `fit` prints: the table, or one JSON object and a newline.
pub fn render(result: &FitResult, json: bool) -> String {
    if json {
        format!("{}\n", result.to_json())
    } else {
        result.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::{Margins, ParamRow, SeKind};

    #[test]
    fn json_output_is_one_object_of_the_contract_shape() {
        let mut r = FitResult::new("logit", 10);
        r.coefficients.push(ParamRow::normal("const", 0.5, 0.25));
        let text = render(&r, true);
        assert!(text.ends_with("}\n"));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["estimator"], "logit");
        assert_eq!(v["n"], 10);
        assert_eq!(v["coefficients"][0]["name"], "const");
        assert_eq!(v["coefficients"][0]["std_error"], 0.25);
    }

    #[test]
    fn cluster_implies_cluster_errors_and_discrete_implies_margins() {
        use clap::Parser;
        let cli = crate::cli::Cli::try_parse_from([
            "migsim",
            "fit",
            "logit",
            "--data",
            "d.csv",
            "--y",
            "y",
            "--robust",
            "--cluster",
            "g",
            "--discrete",
            "--max-iter",
            "7",
        ])
        .unwrap();
        let crate::cli::Command::Fit(args) = cli.command else {
            panic!("not fit")
        };
        let o = args.options();
        assert_eq!(o.se, SeKind::Cluster);
        assert_eq!(o.margins, Some(Margins::Discrete));
        assert_eq!(o.max_iter, 7);
    }
}
