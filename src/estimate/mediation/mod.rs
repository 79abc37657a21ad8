//! Causal mediation analysis (Imai, Keele & Tingley 2010) with the
//! sensitivity analysis of Imai, Keele & Yamamoto (2010), as R's
//! `mediation::mediate` and `medsens`.
//!
//! Mediator model: OLS of M on the treatment and controls. Outcome model:
//! logit, probit or OLS of Y on the treatment, the mediator (optionally their
//! interaction) and the controls. Effects come from the quasi-Bayesian Monte
//! Carlo of [`simulate`]; point estimates are draw means (medians for the
//! proportion mediated), intervals the 2.5/97.5% quantiles of the draws.

pub(crate) mod design;
pub(crate) mod sensitivity;
pub mod simulate;

use serde_json::json;

use crate::data::Design;
use crate::estimate::{
    CovarianceType, EstimateError, FitOptions, FitResult, Logit, Ols, ParamRow, Probit,
};
use crate::seed::{self, Component};
pub use design::{Contrast, MediationDesigns, prepare};
pub use simulate::{EffectDraws, Link, MediationModels};

/// The outcome model of a mediation analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeModel {
    /// Logit of a 0/1 outcome.
    Logit,
    /// Probit of a 0/1 outcome.
    Probit,
    /// OLS of a continuous outcome.
    Linear,
}

impl OutcomeModel {
    /// The link of a binary outcome; `None` for the linear one.
    fn link(self) -> Option<Link> {
        match self {
            OutcomeModel::Logit => Some(Link::Logit),
            OutcomeModel::Probit => Some(Link::Probit),
            OutcomeModel::Linear => None,
        }
    }
}

/// Specification of a mediation analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Mediation {
    /// The treatment column `T`.
    pub treatment: String,
    /// The mediator column `M` (continuous: its model is OLS).
    pub mediator: String,
    /// Default: logit.
    pub outcome_model: OutcomeModel,
    /// Add `treatment:mediator` to the outcome model. Default: false.
    pub interaction: bool,
    /// Monte Carlo draws. Default: 1000.
    pub sims: usize,
    /// Master seed of the draws. Default: 0.
    pub seed: u64,
    /// Control and treat values of a continuous treatment (default 0 and 1,
    /// and then the treatment must be 0/1).
    pub control_value: Option<f64>,
    /// Treated value of a continuous treatment (default 1).
    pub treat_value: Option<f64>,
    /// Run the medsens sensitivity analysis. Default: false.
    pub sensitivity: bool,
    /// Step of the rho grid. Default: 0.01.
    pub rho_step: f64,
    /// Options of both component fits.
    pub opts: FitOptions,
}

impl Mediation {
    /// Defaults as documented on the fields.
    pub fn new(treatment: impl Into<String>, mediator: impl Into<String>) -> Self {
        Mediation {
            treatment: treatment.into(),
            mediator: mediator.into(),
            outcome_model: OutcomeModel::Logit,
            interaction: false,
            sims: 1000,
            seed: 0,
            control_value: None,
            treat_value: None,
            sensitivity: false,
            rho_step: 0.01,
            opts: FitOptions::default(),
        }
    }

    /// The treatment contrast.
    pub fn contrast(&self) -> Contrast {
        Contrast {
            control: self.control_value.unwrap_or(0.0),
            treat: self.treat_value.unwrap_or(1.0),
            explicit: self.control_value.is_some() || self.treat_value.is_some(),
        }
    }

    /// The two models' designs (see [`prepare`]).
    pub fn designs(&self, design: &Design) -> Result<MediationDesigns, EstimateError> {
        if self.sims < 2 {
            return Err(EstimateError::InvalidOption {
                option: "sims".into(),
                reason: format!("need at least 2 simulations, got {}", self.sims),
            });
        }
        prepare(
            design,
            &self.treatment,
            &self.mediator,
            self.interaction,
            self.contrast(),
        )
    }

    /// Fit both models and simulate the effects. `design` is the outcome
    /// design: outcome Y, regressors including the treatment, the mediator
    /// and the controls (the mediator model regresses M on every other
    /// column). The mediator model is OLS, the outcome model
    /// `self.outcome_model`, both with `self.opts` (standard-error kind,
    /// iteration cap and tolerance; marginal effects are not computed).
    pub fn fit(&self, design: &Design) -> Result<FitResult, EstimateError> {
        let d = self.designs(design)?;
        let opts = FitOptions {
            margins: None,
            brant: false,
            ..self.opts.clone()
        };
        let mediator_fit = Ols::new(opts.clone()).fit(&d.mediator)?;
        let outcome_fit = match self.outcome_model {
            OutcomeModel::Logit => Logit::new(opts).fit(&d.outcome)?,
            OutcomeModel::Probit => Probit::new(opts).fit(&d.outcome)?,
            OutcomeModel::Linear => Ols::new(opts).fit(&d.outcome)?,
        };
        self.from_fits(&d, &mediator_fit, &outcome_fit)
    }

    /// Mediation effects from already fitted models (as R's
    /// `mediate(model.m, model.y)`): `mediator_fit` an OLS fit of
    /// `d.mediator`, `outcome_fit` a fit of `d.outcome` by `self.outcome_model`,
    /// both with `vcov`.
    pub fn from_fits(
        &self,
        d: &MediationDesigns,
        mediator_fit: &FitResult,
        outcome_fit: &FitResult,
    ) -> Result<FitResult, EstimateError> {
        mediator_fit.check_names(&d.mediator.names)?;
        outcome_fit.check_names(&d.outcome.names)?;
        let (a, va) = (mediator_fit.params(), mediator_fit.vcov()?);
        let (b, vb) = (outcome_fit.params(), outcome_fit.vcov()?);
        let e_m = residuals(&d.mediator, &a);
        let df = (d.mediator.n() as f64 - a.len() as f64).max(1.0);
        let sigma = (e_m.iter().map(|e| e * e).sum::<f64>() / df).sqrt();
        let c = self.contrast();
        let models = MediationModels {
            mediator_x: d.mediator.x.as_ref(),
            mediator_treat: d.mediator_treat,
            outcome_x: d.outcome.x.as_ref(),
            outcome_treat: d.outcome_treat,
            outcome_mediator: d.outcome_mediator,
            outcome_interaction: d.outcome_interaction,
            link: self.outcome_model.link(),
            sigma,
            control_value: c.control,
            treat_value: c.treat,
        };
        let mut rng = seed::stream(self.seed, 0, Component::Estimator);
        let med_draws = simulate::draw_coefficients(&a, &va, self.sims, &mut rng)?;
        let out_draws = simulate::draw_coefficients(&b, &vb, self.sims, &mut rng)?;
        let draws = simulate::simulate(&models, med_draws.as_ref(), out_draws.as_ref(), self.seed);

        let mut res = FitResult::new("mediation", d.outcome.n());
        res.effects = effect_rows(&draws);
        res.coefficients = outcome_fit.coefficients.clone();
        res.extra_rows
            .insert("mediator_model".into(), mediator_fit.coefficients.clone());
        for (k, v) in &outcome_fit.fit {
            res.fit.insert(format!("outcome_{k}"), *v);
        }
        for (k, v) in &mediator_fit.fit {
            res.fit.insert(format!("mediator_{k}"), *v);
        }
        res.fit.insert("mediator_sigma".into(), sigma);
        res.tables.insert("simulation".into(), self.settings_json());
        res.info = outcome_fit.info.clone();
        res.info.covariance = Some(CovarianceType::Simulation { sims: self.sims });
        res.info.converged = outcome_fit.info.converged && mediator_fit.info.converged;
        res.info
            .warnings
            .extend(mediator_fit.info.warnings.iter().cloned());
        if self.sensitivity {
            self.add_sensitivity(&mut res, d, (&a, &b), &e_m, sigma)?;
        }
        Ok(res)
    }

    fn settings_json(&self) -> serde_json::Value {
        let c = self.contrast();
        json!({
            "sims": self.sims,
            "seed": self.seed,
            "outcome_model": format!("{:?}", self.outcome_model).to_lowercase(),
            "interaction": self.interaction,
            "control_value": c.control,
            "treat_value": c.treat,
        })
    }

    /// medsens for a linear or probit outcome without interaction; a warning otherwise.
    fn add_sensitivity(
        &self,
        res: &mut FitResult,
        d: &MediationDesigns,
        (a, b): (&[f64], &[f64]),
        e_m: &[f64],
        sigma: f64,
    ) -> Result<(), EstimateError> {
        if d.outcome_interaction.is_some() {
            res.info.warnings.push(
                "sensitivity analysis is not available with a treatment x mediator interaction \
                 (medsens supports it only for linear models via SUR); refit without --interaction"
                    .into(),
            );
            return Ok(());
        }
        let grid = sensitivity::rho_grid(self.rho_step)?;
        let c = self.contrast();
        let r2_m = r_squared(&d.mediator.y, e_m);
        let gamma = b[d.outcome_mediator];
        let psi_y: Vec<f64> = (0..b.len())
            .filter(|j| *j != d.outcome_mediator)
            .map(|j| b[j])
            .collect();
        let curve = match self.outcome_model {
            OutcomeModel::Logit => {
                res.info.warnings.push(
                    "sensitivity analysis (medsens) needs a probit or linear outcome model, not \
                     logit: refit with outcome model probit"
                        .into(),
                );
                return Ok(());
            }
            OutcomeModel::Linear => {
                let e_y = residuals(&d.outcome, b);
                let e_total: Vec<f64> = e_y
                    .iter()
                    .zip(e_m)
                    .map(|(ey, em)| ey + gamma * em)
                    .collect();
                let r2_y = r_squared(&d.outcome.y, &e_y);
                let beta2 = a[d.mediator_treat];
                sensitivity::linear(
                    beta2,
                    c.treat - c.control,
                    &e_total,
                    e_m,
                    (r2_m, r2_y),
                    &grid,
                )
            }
            OutcomeModel::Probit => {
                let inputs = sensitivity::ProbitInputs {
                    w: d.mediator.x.as_ref(),
                    treat: d.mediator_treat,
                    psi_mediator: a,
                    sigma_mediator: sigma,
                    psi_outcome: &psi_y,
                    gamma_tilde: gamma,
                    control_value: c.control,
                    treat_value: c.treat,
                    r2_mediator: r2_m,
                    r2_outcome: latent_r_squared(&d.outcome, b),
                };
                sensitivity::probit(&inputs, &grid)
            }
        };
        res.fit.insert("rho_at_zero".into(), curve.rho_at_zero);
        res.fit.insert(
            "r2star_at_zero".into(),
            sensitivity::SensitivityCurve::r2star_prod(curve.rho_at_zero),
        );
        res.fit.insert(
            "r2tilde_at_zero".into(),
            curve.r2tilde_prod(curve.rho_at_zero),
        );
        res.tables.insert("sensitivity".into(), curve.to_json());
        Ok(())
    }
}

/// The sensitivity analysis of a mediation fit as text, if it carries one.
pub(crate) fn sensitivity_text(result: &FitResult) -> Option<String> {
    sensitivity::text(result.tables.get("sensitivity")?)
}

/// The eight effect rows, averages first.
fn effect_rows(d: &EffectDraws) -> Vec<ParamRow> {
    let acme = EffectDraws::average(&d.acme_control, &d.acme_treated);
    let ade = EffectDraws::average(&d.ade_control, &d.ade_treated);
    let total = d.total();
    let prop: Vec<f64> = acme.iter().zip(&total).map(|(a, t)| a / t).collect();
    vec![
        simulate::summarise("acme", &acme, false),
        simulate::summarise("ade", &ade, false),
        simulate::summarise("total", &total, false),
        simulate::summarise("prop_mediated", &prop, true),
        simulate::summarise("acme_control", &d.acme_control, false),
        simulate::summarise("acme_treated", &d.acme_treated, false),
        simulate::summarise("ade_control", &d.ade_control, false),
        simulate::summarise("ade_treated", &d.ade_treated, false),
    ]
}

/// `X beta`.
fn linear_index(d: &Design, beta: &[f64]) -> Vec<f64> {
    let mut eta = vec![0.0; d.n()];
    for (j, b) in beta.iter().enumerate() {
        for (e, x) in eta.iter_mut().zip(d.x.col(j).iter()) {
            *e += b * x;
        }
    }
    eta
}

/// `y - X beta`.
fn residuals(d: &Design, beta: &[f64]) -> Vec<f64> {
    let eta = linear_index(d, beta);
    d.y.iter().zip(eta).map(|(y, e)| y - e).collect()
}

fn r_squared(y: &[f64], e: &[f64]) -> f64 {
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    let tss: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    1.0 - e.iter().map(|v| v * v).sum::<f64>() / tss
}

/// `var(X b) / (1 + var(X b))` (sample variance), medsens' R^2 of a probit.
fn latent_r_squared(d: &Design, b: &[f64]) -> f64 {
    let fitted = linear_index(d, b);
    let n = fitted.len() as f64;
    let mean = fitted.iter().sum::<f64>() / n;
    let var = fitted.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    var / (1.0 + var)
}
