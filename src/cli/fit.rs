//! `migsim fit`: parse the options, load the design, fit, print.

use anyhow::Context;
use clap::Args;

use crate::data::{Column, Dataset, Design, Formula, load_design};
use crate::estimate::factor::{FactorOptions, fit_factor};
use crate::estimate::lq::{LqColumns, load_design_with_lq};
use crate::estimate::{self, EstimateError, FitOptions, FitResult, Margins, SeKind};

#[derive(Debug, Args)]
pub struct FitArgs {
    /// Estimator: ols, logit, probit, ologit, oprobit; factor (one-factor index of the --x items).
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
    /// Endogenous regressor / treatment column (lewbel, psm).
    #[arg(long)]
    pub treatment: Option<String>,
    /// External excluded instrument columns, comma-separated (lewbel).
    #[arg(long)]
    pub instrument: Option<String>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Estimation method; factor: pcf (principal-component factor, default), ipf, ml.
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
    if name == "factor" {
        return run_factor(&args);
    }
    if name == "lewbel" {
        return run_lewbel(&args);
    }
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
    let design = load_fit_design(&args, &formula)?;
    let result = estimate::fit_by_name(name, &design, &args.options())?;
    print!("{}", render(&result, args.json));
    Ok(())
}

/// The design of `formula`, with the `--lq` column when asked for.
fn load_fit_design(args: &FitArgs, formula: &Formula) -> anyhow::Result<Design> {
    match args.lq.as_deref() {
        None => Ok(load_design(&args.data, formula)?),
        Some(spec) => {
            let cols = LqColumns::parse(spec, args.lq_weight.as_deref())?;
            Ok(load_design_with_lq(&args.data, formula, &cols)?)
        }
    }
}

/// `fit factor`: the one-factor index of the `--x` items; with `--out`, the
/// data plus the score column (empty for rows dropped listwise).
fn run_factor(args: &FitArgs) -> anyhow::Result<()> {
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
        method: args.method.as_deref().unwrap_or("pcf").parse()?,
        ..FactorOptions::default()
    };
    let mut ds = match &args.out {
        Some(_) => Dataset::read_csv(&args.data)?,
        None => Dataset::read_csv_columns(&args.data, &items)?,
    };
    let names: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    let fit = fit_factor(&names, &ds.numeric_columns(&items)?, &opts)?;
    if let Some(out) = &args.out {
        ds.push_column(&args.score_name, Column::Numeric(fit.scores))?;
        ds.write_csv(out)?;
    }
    print!("{}", render(&fit.result, args.json));
    Ok(())
}

/// `migsim fit lewbel`: the treatment and the external instruments join the
/// `--x` terms in the design; the spec takes them out again by name.
fn run_lewbel(args: &FitArgs) -> anyhow::Result<()> {
    let y = args
        .y
        .as_deref()
        .context("lewbel needs the outcome column: --y COL")?;
    let treatment = args
        .treatment
        .clone()
        .context("lewbel needs the endogenous regressor: --treatment COL")?;
    let instruments: Vec<String> = args
        .instrument
        .iter()
        .flat_map(|s| s.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let terms: Vec<String> = std::iter::once(treatment.clone())
        .chain(instruments.iter().cloned())
        .chain(args.x.iter().cloned())
        .collect();
    let formula = Formula::parse(
        y,
        Some(&terms.join(",")),
        args.fe.as_deref(),
        args.cluster.as_deref(),
        true,
    )?;
    let design = load_design(&args.data, &formula)?;
    let spec = estimate::lewbel::Lewbel {
        treatment,
        instruments,
        se: args.options().se,
    };
    print!("{}", render(&spec.fit(&design)?, args.json));
    Ok(())
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
    use crate::estimate::ParamRow;

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
