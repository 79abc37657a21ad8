//! `migsim fit`: parse the options, load the design, fit, print.

use anyhow::Context;
use clap::Args;

use crate::data::{Formula, load_design};
use crate::estimate::{self, EstimateError, FitOptions, FitResult, Margins, SeKind};

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
    print!("{}", render(&result, args.json));
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
