//! `migsim fit mediation|psm|heckman|lewbel`: the flags are checked (each
//! flag an estimator does not take is refused by name), translated into the
//! library's [`EstimatorSpec`] and built there, with the spec layer's
//! defaults and checks; the columns that lead the design (treatment,
//! instruments, mediator) come back from the spec and join the `--x`
//! controls in one design.

use anyhow::Context;

use super::{FitArgs, spelled};
use crate::data::{Column, Design, Formula, Subset, build_design_owned};
use crate::estimate::heckman::{HeckmanOutcome, SelectionMethod};
use crate::estimate::mediation::{self, Mediation, OutcomeModel};
use crate::estimate::psm::{self, MatchingSe, ScoreModel};
use crate::estimate::request::FitOutcome;
use crate::estimate::spec::{
    EstimatorName, EstimatorOptions, EstimatorSpec, Fitter, HeckmanModel, SelectionSpec, SpecError,
};
use crate::estimate::{FitOptions, FitResult};

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
        (args.causal.sims.is_some(), "--sims"),
    ]
}

/// The spec of `name` on `treatment` (and `instruments`) with `options`.
fn spec(
    args: &FitArgs,
    name: EstimatorName,
    treatment: Option<&str>,
    instruments: Vec<String>,
    options: EstimatorOptions,
) -> EstimatorSpec {
    EstimatorSpec {
        name,
        treatment: treatment.map(str::to_string),
        mediator: args.causal.mediator.clone(),
        instruments,
        cluster: args.cluster.is_some(),
        selection: None,
        options,
    }
}

/// The fit options of the flags as spec options: standard errors, margins
/// (where the estimator reports them) and the iteration settings.
fn fit_options(opts: FitOptions, margins: bool) -> EstimatorOptions {
    EstimatorOptions {
        se: Some(opts.se),
        margins: opts.margins.filter(|_| margins),
        max_iter: Some(opts.max_iter),
        tol: Some(opts.tol),
        ..EstimatorOptions::default()
    }
}

/// Fit a built spec on the design its `lead` columns and `--x` make
/// (`--seed` drives psm's bootstrap and mediation's draws).
fn fit_on(args: &FitArgs, fitter: &Fitter, lead: &[String], y: &str) -> anyhow::Result<FitResult> {
    let design = causal_design(args, y, lead)?;
    Ok(fitter.fit(&design, args.causal.seed)?)
}

/// Build `spec` in the library and fit it.
fn fit(args: &FitArgs, spec: &EstimatorSpec, y: &str) -> anyhow::Result<FitResult> {
    let (fitter, lead) = spec.build()?;
    fit_on(args, &fitter, &lead, y)
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
    let options = EstimatorOptions {
        se: Some(args.options().se),
        ..EstimatorOptions::default()
    };
    let instruments = list(args.causal.instrument.as_deref());
    let spec = spec(
        args,
        EstimatorName::Lewbel,
        Some(treatment),
        instruments,
        options,
    );
    outcome(fit(args, &spec, y)?, None)
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
    required(
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
    let c = &args.causal;
    spelled::<OutcomeModel>("outcome-model", c.outcome_model.as_deref())?;
    let options = EstimatorOptions {
        outcome_model: c.outcome_model.clone(),
        interaction: Some(c.treat_mediator_interaction),
        sims: c.sims,
        sensitivity: Some(c.sensitivity),
        control_value: c.control_value,
        treat_value: c.treat_value,
        ..fit_options(args.options(), false)
    };
    let spec = spec(
        args,
        EstimatorName::Mediation,
        Some(treatment),
        Vec::new(),
        options,
    );
    let (fitter, lead) = spec.build()?;
    if let Fitter::Mediation(m) = &fitter
        && m.sensitivity
    {
        check_sensitivity(m)?;
    }
    let result = fit_on(args, &fitter, &lead, y)?;
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

/// The matching options of `--method` and its parameters, with the method
/// they make checked by the library (one set of defaults and checks with
/// the recovery specs); a parameter of another method names the flags.
fn psm_options(args: &FitArgs) -> anyhow::Result<EstimatorOptions> {
    let c = &args.causal;
    let options = EstimatorOptions {
        method: spelled("method", args.method.as_deref())?,
        k: c.k,
        caliper: c.caliper,
        kernel: spelled("kernel", c.kernel.as_deref())?,
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
        other @ (SpecError::NotForEstimator { .. }
        | SpecError::ClusterSeWithoutCluster
        | SpecError::NeedsColumn { .. }
        | SpecError::FieldNotFor { .. }
        | SpecError::OutcomeModel { .. }
        | SpecError::Estimate(_)) => other.into(),
    })?;
    Ok(options)
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
    let c = &args.causal;
    let options = EstimatorOptions {
        score: spelled::<ScoreModel>("score", c.score.as_deref())?,
        ate: Some(c.ate),
        common_support: Some(c.common_support),
        bootstrap: c.bootstrap,
        ..psm_options(args)?
    };
    let options = EstimatorOptions {
        matching_se: spelled::<MatchingSe>("se", c.se.as_deref())?,
        ..options
    };
    let spec = spec(
        args,
        EstimatorName::Psm,
        Some(treatment),
        Vec::new(),
        options,
    );
    let result = fit(args, &spec, y)?;
    let extra = psm::balance_text(&result);
    outcome(result, extra)
}

/// `migsim fit heckman`: `--model treatment` (default) or `--model selection`.
pub fn run_heckman(args: &FitArgs) -> anyhow::Result<FitOutcome> {
    match spelled("model", args.causal.model.as_deref())?.unwrap_or_default() {
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
    let selection = SelectionSpec {
        select: select.to_string(),
        outcome: list(args.x.as_deref()),
        selection: zx,
        method: spelled::<SelectionMethod>("method", args.method.as_deref())?.unwrap_or_default(),
    };
    let spec = EstimatorSpec {
        selection: Some(selection),
        ..spec(
            args,
            EstimatorName::Heckman,
            None,
            Vec::new(),
            fit_options(args.options(), true),
        )
    };
    let (fitter, lead) = spec.build()?;
    let formula = Formula::parse(
        SELECTED_OUTCOME,
        Some(&lead.join(",")),
        args.fe.as_deref(),
        None,
        true,
    )?;
    let design = selection_design(args, y, select, &formula)?;
    outcome(fitter.fit(&design, args.causal.seed)?, None)
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
    spelled::<HeckmanOutcome>("outcome-model", args.causal.outcome_model.as_deref())?;
    let options = EstimatorOptions {
        outcome_model: args.causal.outcome_model.clone(),
        ..fit_options(args.options(), true)
    };
    let spec = spec(
        args,
        EstimatorName::Heckman,
        Some(treatment),
        instruments,
        options,
    );
    outcome(fit(args, &spec, y)?, None)
}
