//! `migsim fit`: parse the options, load the design, fit, print.

use anyhow::Context;
use clap::Args;

use crate::data::{Formula, load_design};
use crate::estimate::{self, EstimateError, FitOptions, Margins, SeKind};

#[derive(Debug, Args)]
pub struct FitArgs {
    /// Estimator: ols, logit, probit, ologit, oprobit.
    pub estimator: String,
    /// CSV file with a header row.
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
    /// Brant test of parallel lines (ordered logit).
    #[arg(long)]
    pub brant: bool,
    /// Newton iteration cap.
    #[arg(long, default_value_t = FitOptions::default().max_iter)]
    pub max_iter: usize,
    /// Convergence tolerance.
    #[arg(long, default_value_t = FitOptions::default().tol)]
    pub tol: f64,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
}

impl FitArgs {
    fn options(&self) -> FitOptions {
        let se = if self.cluster.is_some() {
            SeKind::Cluster
        } else if self.robust {
            SeKind::Robust
        } else {
            SeKind::Classical
        };
        let margins = if self.discrete {
            Some(Margins::Discrete)
        } else if self.margins {
            Some(Margins::Derivative)
        } else {
            None
        };
        FitOptions {
            se,
            margins,
            max_iter: self.max_iter,
            tol: self.tol,
            brant: self.brant,
        }
    }
}

pub fn run(args: FitArgs) -> anyhow::Result<()> {
    let name = args.estimator.as_str();
    if !estimate::DESIGN_ESTIMATORS.contains(&name) {
        let valid = estimate::DESIGN_ESTIMATORS.join(", ");
        return Err(EstimateError::UnknownEstimator(name.to_string(), valid).into());
    }
    let y = args
        .y
        .as_deref()
        .with_context(|| format!("{name} needs the outcome column: --y COL"))?;
    let formula = Formula::parse(
        y,
        args.x.as_deref(),
        args.fe.as_deref(),
        args.cluster.as_deref(),
        estimate::needs_intercept(name),
    )?;
    let design = load_design(&args.data, &formula)?;
    let result = estimate::fit_by_name(name, &design, &args.options())?;
    if args.json {
        println!("{}", result.to_json());
    } else {
        print!("{result}");
    }
    Ok(())
}
