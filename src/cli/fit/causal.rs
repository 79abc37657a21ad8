//! `migsim fit mediation|psm|heckman|lewbel`: the treatment, mediator and
//! instruments join the `--x` controls in one design; each library spec takes
//! them out again by name.

use anyhow::Context;

use super::{FitArgs, flag};
use crate::data::{Column, Design, Formula, Subset, build_design_owned};
use crate::estimate::FitResult;
use crate::estimate::heckman::{Heckman, HeckmanOutcome, Selection, SelectionMethod};
use crate::estimate::lewbel::Lewbel;
use crate::estimate::mediation::{self, Mediation, OutcomeModel};
use crate::estimate::psm::{self, MatchingSe, Method, Psm, ScoreModel};
use crate::estimate::request::FitOutcome;
use crate::estimate::spec::{EstimatorOptions, HeckmanModel, SpecError};

/// A result and the text after its table.
fn outcome(result: FitResult, extra: Option<String>) -> anyhow::Result<FitOutcome> {
    Ok(FitOutcome { result, extra })
}

/// `COL,COL` as a list of trimmed, non-empty names.
fn list(s: Option<&str>) -> Vec<String> {
    s.iter()
        .flat_map(|s| s.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn required<'a>(value: Option<&'a str>, estimator: &str, what: &str) -> anyhow::Result<&'a str> {
    value.with_context(|| format!("{estimator} needs {what}"))
}

/// The design of `y ~ lead terms + --x (+ --fe)`, with a constant.
fn causal_design(args: &FitArgs, y: &str, lead: &[String]) -> anyhow::Result<Design> {
    let terms: Vec<String> = lead.iter().cloned().chain(args.x.iter().cloned()).collect();
    let formula = Formula::parse(
        y,
        Some(&terms.join(",")),
        args.fe.as_deref(),
        args.cluster.as_deref(),
        true,
    )?;
    super::load_fit_design(args, &formula)
}

/// Options given to an estimator that does not use them are an error, not
/// silently ignored.
fn reject(estimator: &str, given: &[(bool, &str)]) -> anyhow::Result<()> {
    let bad: Vec<&str> = given.iter().filter(|(g, _)| *g).map(|(_, n)| *n).collect();
    if bad.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("fit {estimator} does not take {}", bad.join(", "))
    }
}

fn psm_options_given(args: &FitArgs) -> [(bool, &'static str); 10] {
    [
        (args.causal.score.is_some(), "--score"),
        (args.causal.k.is_some(), "--k"),
        (args.causal.caliper.is_some(), "--caliper"),
        (args.causal.bandwidth.is_some(), "--bandwidth"),
        (args.causal.kernel.is_some(), "--kernel"),
        (args.causal.knots.is_some(), "--knots"),
        (args.causal.common_support, "--common-support"),
        (args.causal.ate, "--ate"),
        (args.causal.bootstrap.is_some(), "--bootstrap"),
        (args.causal.se.is_some(), "--se"),
    ]
}

/// Options of `fit heckman --model selection` only.
fn selection_options_given(args: &FitArgs) -> [(bool, &'static str); 3] {
    [
        (args.causal.model.is_some(), "--model"),
        (args.causal.select.is_some(), "--select"),
        (args.causal.zx.is_some(), "--zx"),
    ]
}

fn mediation_options_given(args: &FitArgs) -> [(bool, &'static str); 6] {
    [
        (args.causal.mediator.is_some(), "--mediator"),
        (args.causal.control_value.is_some(), "--control-value"),
        (args.causal.treat_value.is_some(), "--treat-value"),
        (args.causal.sensitivity, "--sensitivity"),
        (
            args.causal.treat_mediator_interaction,
            "--treat-mediator-interaction",
        ),
        (args.causal.sims != 1000, "--sims"),
    ]
}

/// `migsim fit lewbel`.
pub fn run_lewbel(args: &FitArgs) -> anyhow::Result<FitOutcome> {
    let y = required(args.y.as_deref(), "lewbel", "the outcome column: --y COL")?;
    let treatment = required(
        args.causal.treatment.as_deref(),
        "lewbel",
        "the endogenous regressor: --treatment COL",
    )?;
    reject("lewbel", &psm_options_given(args))?;
    reject("lewbel", &mediation_options_given(args))?;
    reject("lewbel", &selection_options_given(args))?;
    let instruments = list(args.causal.instrument.as_deref());
    let lead: Vec<String> = std::iter::once(treatment.to_string())
        .chain(instruments.iter().cloned())
        .collect();
    let design = causal_design(args, y, &lead)?;
    let spec = Lewbel {
        treatment: treatment.into(),
        instruments,
        se: args.options().se,
    };
    outcome(spec.fit(&design)?, None)
}

/// `migsim fit mediation`: design `y ~ treatment + mediator + --x`.
pub fn run_mediation(args: &FitArgs) -> anyhow::Result<FitOutcome> {
    let y = required(
        args.y.as_deref(),
        "mediation",
        "the outcome column: --y COL",
    )?;
    let treatment = required(
        args.causal.treatment.as_deref(),
        "mediation",
        "the treatment column: --treatment COL",
    )?;
    let mediator = required(
        args.causal.mediator.as_deref(),
        "mediation",
        "the mediator column: --mediator COL",
    )?;
    reject("mediation", &psm_options_given(args))?;
    reject("mediation", &selection_options_given(args))?;
    reject(
        "mediation",
        &[(args.causal.instrument.is_some(), "--instrument")],
    )?;
    let mut spec = Mediation::new(treatment, mediator);
    spec.outcome_model = flag(
        "outcome-model",
        args.causal.outcome_model.as_deref(),
        OutcomeModel::Logit,
    )?;
    spec.interaction = args.causal.treat_mediator_interaction;
    spec.sims = args.causal.sims;
    spec.seed = args.causal.seed;
    spec.control_value = args.causal.control_value;
    spec.treat_value = args.causal.treat_value;
    spec.sensitivity = args.causal.sensitivity;
    spec.opts = args.options();
    if spec.sensitivity {
        check_sensitivity(&spec)?;
    }
    let design = causal_design(args, y, &[treatment.into(), mediator.into()])?;
    let result = spec.fit(&design)?;
    let extra = mediation::sensitivity_text(&result);
    outcome(result, extra)
}

/// medsens covers a linear mediator with a probit or linear outcome and no
/// treatment x mediator interaction (the library would only warn).
fn check_sensitivity(spec: &Mediation) -> anyhow::Result<()> {
    if spec.outcome_model == OutcomeModel::Logit {
        anyhow::bail!(
            "--sensitivity needs --outcome-model probit (or ols): the medsens analysis has no \
             logit case; refit the outcome as a probit"
        );
    }
    if spec.interaction {
        anyhow::bail!(
            "--sensitivity is not available with --treat-mediator-interaction; refit without it"
        );
    }
    Ok(())
}

/// The matching method of `--method` and its options, resolved by the
/// library (one set of defaults and checks with the recovery specs).
fn psm_method(args: &FitArgs) -> anyhow::Result<Method> {
    let c = &args.causal;
    let options = EstimatorOptions {
        method: Some(flag("method", args.method.as_deref(), Default::default())?),
        k: c.k,
        caliper: c.caliper,
        kernel: c
            .kernel
            .as_deref()
            .map(|k| flag("kernel", Some(k), psm::Kernel::Epanechnikov))
            .transpose()?,
        bandwidth: c.bandwidth,
        knots: c.knots,
        ..EstimatorOptions::default()
    };
    options.psm_method().map_err(|e| match e {
        SpecError::NotForMethod {
            option,
            method,
            applies,
        } => anyhow::anyhow!("--{option} applies to --method {applies}, not {method}"),
        SpecError::MethodNeeds { method, option } => {
            anyhow::anyhow!("--method {method} needs --{option}")
        }
        other => other.into(),
    })
}

/// `migsim fit psm`: design `y ~ treatment + --x`; the score model uses the
/// constant and the `--x` / `--fe` columns.
pub fn run_psm(args: &FitArgs) -> anyhow::Result<FitOutcome> {
    let y = required(args.y.as_deref(), "psm", "the outcome column: --y COL")?;
    let treatment = required(
        args.causal.treatment.as_deref(),
        "psm",
        "the treatment column: --treatment COL",
    )?;
    reject("psm", &mediation_options_given(args))?;
    reject("psm", &selection_options_given(args))?;
    reject(
        "psm",
        &[
            (args.causal.instrument.is_some(), "--instrument"),
            (args.cluster.is_some(), "--cluster"),
            (args.robust, "--robust"),
        ],
    )?;
    if args.x.is_none() && args.fe.is_none() {
        anyhow::bail!("psm needs the score model's covariates: --x COL,COL,...");
    }
    let mut spec = Psm::new(treatment);
    spec.score = flag("score", args.causal.score.as_deref(), ScoreModel::Logit)?;
    spec.method = psm_method(args)?;
    spec.ate = args.causal.ate;
    spec.common_support = args.causal.common_support;
    spec.bootstrap = args.causal.bootstrap;
    spec.seed = args.causal.seed;
    spec.se = flag("se", args.causal.se.as_deref(), MatchingSe::Ai2006)?;
    let design = causal_design(args, y, &[treatment.into()])?;
    let result = spec.fit(&design)?;
    let extra = psm::balance_text(&result);
    outcome(result, extra)
}

/// `migsim fit heckman`: `--model treatment` (default) or `--model selection`.
pub fn run_heckman(args: &FitArgs) -> anyhow::Result<FitOutcome> {
    match flag(
        "model",
        args.causal.model.as_deref(),
        HeckmanModel::Treatment,
    )? {
        HeckmanModel::Treatment => run_heckman_treatment(args),
        HeckmanModel::Selection => run_heckman_selection(args),
    }
}

/// Name of the outcome column built for the selection model (outcome on the
/// selected rows, 0 elsewhere); the design reports the user's name.
const SELECTED_OUTCOME: &str = "__heckman_selected_outcome";

/// `migsim fit heckman --model selection`: outcome `--x`, selection `--zx`,
/// indicator `--select`; `--fe` dummies enter both equations.
fn run_heckman_selection(args: &FitArgs) -> anyhow::Result<FitOutcome> {
    let y = required(args.y.as_deref(), "heckman", "the outcome column: --y COL")?;
    let select = required(
        args.causal.select.as_deref(),
        "heckman --model selection",
        "the selection indicator: --select COL",
    )?;
    let zx = list(args.causal.zx.as_deref());
    if zx.is_empty() {
        anyhow::bail!(
            "heckman --model selection needs the selection-equation regressors: --zx COL,COL,..."
        );
    }
    reject("heckman --model selection", &psm_options_given(args))?;
    reject("heckman --model selection", &mediation_options_given(args))?;
    reject(
        "heckman --model selection",
        &[
            (args.causal.treatment.is_some(), "--treatment"),
            (args.causal.instrument.is_some(), "--instrument"),
            (args.causal.outcome_model.is_some(), "--outcome-model"),
            (args.cluster.is_some(), "--cluster"),
            (args.robust, "--robust"),
            (args.lq.is_some(), "--lq"),
        ],
    )?;
    let method = flag("method", args.method.as_deref(), SelectionMethod::Ml)?;
    let x = list(args.x.as_deref());
    let mut terms: Vec<String> = vec![select.to_string()];
    for t in x.iter().chain(&zx) {
        if !terms.contains(t) {
            terms.push(t.clone());
        }
    }
    let formula = Formula::parse(
        SELECTED_OUTCOME,
        Some(&terms.join(",")),
        args.fe.as_deref(),
        None,
        true,
    )?;
    let design = selection_design(args, y, select, &formula)?;
    let fe: Vec<String> = design
        .names
        .iter()
        .filter(|n| *n != "const" && !terms.contains(n))
        .cloned()
        .collect();
    let with_const = |v: &[String]| -> Vec<String> {
        std::iter::once("const".to_string())
            .chain(v.iter().cloned())
            .chain(fe.iter().cloned())
            .collect()
    };
    let spec = Selection {
        select: select.into(),
        outcome: with_const(&x),
        selection: with_const(&zx),
        method,
        opts: args.options(),
    };
    outcome(spec.fit(&design)?, None)
}

/// The design of the selection model: the outcome column (read only on the
/// selected rows, so it may be missing elsewhere) becomes
/// [`SELECTED_OUTCOME`], 0 where `select` is 0.
fn selection_design(
    args: &FitArgs,
    y: &str,
    select: &str,
    formula: &Formula,
) -> anyhow::Result<Design> {
    let mut ds = super::dataset(args, None)?;
    if let Some(s) = args.subset.as_deref() {
        ds = Subset::try_from(s)?.apply(&ds)?;
    }
    let cols = ds.numeric_columns(&[y, select])?;
    let outcome: Vec<f64> = cols[0]
        .iter()
        .zip(&cols[1])
        .map(|(&v, &s)| if s == 0.0 { 0.0 } else { v })
        .collect();
    ds.push_column(SELECTED_OUTCOME, Column::Numeric(outcome))?;
    let mut design = build_design_owned(ds, formula)?;
    design.y_name = y.to_string();
    Ok(design)
}

/// `fit heckman --model treatment`: design `y ~ treatment + instruments + --x`.
fn run_heckman_treatment(args: &FitArgs) -> anyhow::Result<FitOutcome> {
    reject(
        "heckman --model treatment",
        &[
            (args.causal.select.is_some(), "--select"),
            (args.causal.zx.is_some(), "--zx"),
            (args.method.is_some(), "--method"),
        ],
    )?;
    let y = required(args.y.as_deref(), "heckman", "the outcome column: --y COL")?;
    let treatment = required(
        args.causal.treatment.as_deref(),
        "heckman",
        "the treatment column: --treatment COL",
    )?;
    let instruments = list(args.causal.instrument.as_deref());
    if instruments.is_empty() {
        anyhow::bail!(
            "heckman needs an exclusion restriction (a first-stage-only column): --instrument COL"
        );
    }
    reject("heckman", &psm_options_given(args))?;
    reject("heckman", &mediation_options_given(args))?;
    let mut spec = Heckman::new(treatment, instruments.clone());
    spec.outcome = flag(
        "outcome-model",
        args.causal.outcome_model.as_deref(),
        HeckmanOutcome::Auto,
    )?;
    spec.opts = args.options();
    let lead: Vec<String> = std::iter::once(treatment.to_string())
        .chain(instruments)
        .collect();
    let design = causal_design(args, y, &lead)?;
    outcome(spec.fit(&design)?, None)
}
