//! Heckman treatment-effects model, two-step (Heckman 1978, 1979; Maddala
//! 1983, Section 5.6; Stata `etregress, twostep`).
//!
//!   T* = Z g + u,  T = 1{T* > 0}   (Z: constant, exclusion restriction(s), controls)
//!   y  = X b + d T + e,  corr(e, u) = rho,  var(e) = sigma^2
//!
//! Step 1 is a probit of T on Z. Step 2 adds the generalised residual
//! (inverse Mills ratio) `h = phi(Zg)/Phi(Zg)` for T = 1 and
//! `-phi(Zg)/(1 - Phi(Zg))` for T = 0 as the regressor `imr` and fits OLS
//! (continuous outcome) or probit (binary outcome, as the enclave study does).
//!
//! OLS second stage: with `delta_i = h_i (h_i + Z_i g)`,
//!   sigma^2 = e'e / n + lambda^2 mean(delta),   rho = lambda / sigma,
//!   V = sigma^2 (W'W)^-1 [W'(I - rho^2 D) W + rho^2 F V_g F'] (W'W)^-1,
//! `W = [X, T, imr]`, `D = diag(delta)`, `F = W' D Z`, `V_g` the probit
//! covariance (Heckman 1979 eq. 22; Greene 2012 eq. 19-24). |rho| > 1 is
//! truncated to +-1 with sigma = |lambda|, as Stata does, and noted.
//!
//! Probit second stage: its covariance (classical, or robust/cluster as asked)
//! treats `imr` as data; it is not corrected for the first-stage estimation
//! (no Murphy-Topel), as in the studies' two-step tables.

pub(crate) mod selection;
pub(crate) mod selection_data;
pub(crate) mod selection_ml;

pub use selection::{Selection, SelectionMethod};

use faer::linalg::solvers::DenseSolveCore;
use faer::{Mat, MatRef, Side};
use serde_json::json;

use crate::data::Design;
use crate::estimate::{
    EstimateError, FitOptions, FitResult, Ols, ParamRow, Probit, SeKind, normal,
};

/// The second-stage model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeckmanOutcome {
    /// Probit when the outcome is 0/1, OLS otherwise.
    #[default]
    Auto,
    /// OLS with the inverse Mills ratio as a regressor (Heckman 1979).
    Linear,
    /// Probit with the generalised residual as a regressor.
    Probit,
}

/// Specification of the two-step estimator.
#[derive(Debug, Clone, PartialEq)]
pub struct Heckman {
    /// 0/1 treatment column.
    pub treatment: String,
    /// Exclusion restriction(s): in the first stage only.
    pub instruments: Vec<String>,
    /// The second-stage model.
    pub outcome: HeckmanOutcome,
    /// Standard errors and other fit options of the stages.
    pub opts: FitOptions,
}

/// Generalised residuals `h_i` from the first-stage index `Z_i g`.
pub fn generalized_residuals(index: &[f64], treated: &[f64]) -> Vec<f64> {
    index
        .iter()
        .zip(treated)
        .map(|(a, t)| {
            if *t == 1.0 {
                normal::inv_mills(*a)
            } else {
                -normal::inv_mills(-a)
            }
        })
        .collect()
}

/// The OLS second stage's scale parameters and two-step covariance.
#[derive(Debug, Clone)]
pub struct TwoStep {
    /// Coefficient of the inverse Mills ratio, `lambda = rho·sigma`.
    pub lambda: f64,
    /// Error SD of the outcome, `sigma^2 = e'e/n + lambda^2 mean(delta)`.
    pub sigma: f64,
    /// Error correlation of the two stages, `rho = lambda / sigma`.
    pub rho: f64,
    /// Whether `|rho|` exceeded 1 and was set to ±1 with `sigma = |lambda|` (as Stata does).
    pub rho_truncated: bool,
    /// Covariance of the second-stage coefficients (order of `W`'s columns).
    pub vcov: Mat<f64>,
}

/// Heckman's (1979) corrected covariance; `lambda` is the `imr` coefficient,
/// `resid` the second-stage residuals, `v_gamma` the probit covariance.
pub(crate) fn two_step_covariance(
    w: MatRef<'_, f64>,
    z: MatRef<'_, f64>,
    index: &[f64],
    h: &[f64],
    resid: &[f64],
    lambda: f64,
    v_gamma: MatRef<'_, f64>,
) -> Result<TwoStep, EstimateError> {
    let n = w.nrows() as f64;
    let delta: Vec<f64> = h.iter().zip(index).map(|(h, a)| h * (h + a)).collect();
    let ssr: f64 = resid.iter().map(|e| e * e).sum();
    let mut sigma2 = ssr / n + lambda * lambda * delta.iter().sum::<f64>() / n;
    let mut rho = lambda / sigma2.sqrt();
    let rho_truncated = rho.abs() > 1.0;
    if rho_truncated {
        rho = rho.signum();
        sigma2 = lambda * lambda;
    }
    let r2 = rho * rho;
    let ww = w.transpose() * w;
    let wwi = ww
        .llt(Side::Lower)
        .map_err(|_| {
            EstimateError::Invalid("second-stage regressors [X, T, imr] are collinear".into())
        })?
        .inverse();
    let w_scaled = Mat::from_fn(w.nrows(), w.ncols(), |i, j| {
        w[(i, j)] * (1.0 - r2 * delta[i])
    });
    let dz = Mat::from_fn(z.nrows(), z.ncols(), |i, j| z[(i, j)] * delta[i]);
    let f = w.transpose() * &dz;
    let mid = w.transpose() * &w_scaled + (&f * v_gamma * f.transpose()) * r2;
    let vcov = (&wwi * &mid * &wwi) * sigma2;
    Ok(TwoStep {
        lambda,
        sigma: sigma2.sqrt(),
        rho,
        rho_truncated,
        vcov,
    })
}

impl Heckman {
    /// Two-step spec with the defaults (outcome model chosen from the data,
    /// classical standard errors).
    pub fn new(treatment: impl Into<String>, instruments: Vec<String>) -> Self {
        Heckman {
            treatment: treatment.into(),
            instruments,
            outcome: HeckmanOutcome::Auto,
            opts: FitOptions::default(),
        }
    }

    /// Two-step fit. `d` is the outcome design: its columns hold the
    /// treatment, the instrument(s) and the controls (and `const`). Step 1:
    /// probit of the treatment on every other column (classical covariance,
    /// which the two-step correction uses); step 2: the outcome on every
    /// column but the instruments, plus `imr`, by OLS (continuous outcome) or
    /// probit (0/1 outcome, with `self.opts`' standard errors and margins).
    pub fn fit(&self, d: &Design) -> Result<FitResult, EstimateError> {
        let first_design = self.first_stage_design(d)?;
        let first_opts = FitOptions {
            se: SeKind::Classical,
            margins: None,
            brant: false,
            ..self.opts.clone()
        };
        let first_fit = Probit::new(first_opts.clone()).fit(&first_design)?;
        let (second_design, index) = self.second_stage_design(d, &first_design, &first_fit)?;
        let second_fit = match self.outcome_model(&second_design.y) {
            HeckmanOutcome::Probit => Probit::new(FitOptions {
                brant: false,
                ..self.opts.clone()
            })
            .fit(&second_design)?,
            _ => Ols::new(first_opts).fit(&second_design)?,
        };
        self.from_fits(
            &first_design,
            &first_fit,
            &second_design,
            &index,
            &second_fit,
        )
    }

    /// First-stage design: the treatment on every column of `d` but itself.
    pub fn first_stage_design(&self, d: &Design) -> Result<Design, EstimateError> {
        let missing = |c: &str| EstimateError::MissingColumn {
            estimator: "heckman".into(),
            column: c.into(),
        };
        let t = d
            .col_index(&self.treatment)
            .ok_or_else(|| missing(&self.treatment))?;
        if self.instruments.is_empty() {
            return Err(EstimateError::InvalidOption {
                option: "instrument".into(),
                reason:
                    "the two-step model needs an exclusion restriction (a first-stage-only column)"
                        .into(),
            });
        }
        for inst in &self.instruments {
            let j = d.col_index(inst).ok_or_else(|| missing(inst))?;
            if j == t {
                return Err(EstimateError::InvalidOption {
                    option: "instrument".into(),
                    reason: format!("`{inst}` is the treatment itself"),
                });
            }
            let first = d.x.col(j).iter().next().copied().unwrap_or(f64::NAN);
            if d.x.col(j).iter().all(|v| *v == first) {
                return Err(EstimateError::ConstantColumn {
                    column: inst.clone(),
                    role: "instrument".into(),
                    value: first,
                });
            }
        }
        check_binary_treatment(d, t)?;
        Ok(drop_columns(
            d,
            &[t],
            d.names[t].clone(),
            d.x.col(t).iter().copied().collect(),
        ))
    }

    /// Second-stage design (instruments dropped, `imr` appended) and the
    /// first-stage index `Z g`.
    pub fn second_stage_design(
        &self,
        d: &Design,
        first_design: &Design,
        first_fit: &FitResult,
    ) -> Result<(Design, Vec<f64>), EstimateError> {
        first_fit.check_names(&first_design.names)?;
        let g = first_fit.params();
        let mut index = vec![0.0; d.n()];
        for (j, gj) in g.iter().enumerate() {
            for (a, z) in index.iter_mut().zip(first_design.x.col(j).iter()) {
                *a += gj * z;
            }
        }
        let h = generalized_residuals(&index, &first_design.y);
        let drop: Vec<usize> = self
            .instruments
            .iter()
            .filter_map(|c| d.col_index(c))
            .collect();
        let mut second = drop_columns(d, &drop, d.y_name.clone(), d.y.clone());
        let k = second.k();
        second.x = Mat::from_fn(
            d.n(),
            k + 1,
            |i, j| if j < k { second.x[(i, j)] } else { h[i] },
        );
        second.names.push("imr".into());
        Ok((second, index))
    }

    /// The second-stage model to use for outcome `y`.
    pub fn outcome_model(&self, y: &[f64]) -> HeckmanOutcome {
        match self.outcome {
            HeckmanOutcome::Auto if y.iter().all(|v| *v == 0.0 || *v == 1.0) => {
                HeckmanOutcome::Probit
            }
            HeckmanOutcome::Auto => HeckmanOutcome::Linear,
            other => other,
        }
    }

    /// Combine the two stages' fits into the result: second-stage
    /// coefficients (two-step covariance for OLS), `first_stage` rows,
    /// lambda/rho/sigma for OLS.
    pub fn from_fits(
        &self,
        first_design: &Design,
        first_fit: &FitResult,
        second_design: &Design,
        index: &[f64],
        second_fit: &FitResult,
    ) -> Result<FitResult, EstimateError> {
        let mut res = FitResult::new("heckman", second_design.n());
        res.extra_rows
            .insert("first_stage".into(), first_fit.coefficients.clone());
        for (k, v) in &first_fit.fit {
            res.fit.insert(format!("first_stage_{k}"), *v);
        }
        res.info = second_fit.info.clone();
        res.info.converged = first_fit.info.converged && second_fit.info.converged;
        res.info
            .warnings
            .extend(first_fit.info.warnings.iter().cloned());
        if self.outcome_model(&second_design.y) == HeckmanOutcome::Probit {
            res.coefficients = second_fit.coefficients.clone();
            res.marginal_effects = second_fit.marginal_effects.clone();
            res.fit
                .extend(second_fit.fit.iter().map(|(k, v)| (k.clone(), *v)));
            res.vcov = second_fit.vcov.clone();
            res.tables.insert(
                "second_stage".into(),
                json!({"model": "probit", "covariance": "treats imr as data (no Murphy-Topel correction)"}),
            );
            return Ok(res);
        }
        second_fit.check_names(&second_design.names)?;
        first_fit.check_names(&first_design.names)?;
        let b = second_fit.params();
        let v_gamma = first_fit.vcov()?;
        let resid: Vec<f64> = (0..second_design.n())
            .map(|i| {
                second_design.y[i]
                    - (0..b.len())
                        .map(|j| second_design.x[(i, j)] * b[j])
                        .sum::<f64>()
            })
            .collect();
        let h = second_design
            .x
            .col(second_design.k() - 1)
            .iter()
            .copied()
            .collect::<Vec<_>>();
        let ts = two_step_covariance(
            second_design.x.as_ref(),
            first_design.x.as_ref(),
            index,
            &h,
            &resid,
            b[b.len() - 1],
            v_gamma.as_ref(),
        )?;
        self.linear_rows(&mut res, second_design, &b, &ts, second_fit);
        Ok(res)
    }

    fn linear_rows(
        &self,
        res: &mut FitResult,
        d: &Design,
        b: &[f64],
        ts: &TwoStep,
        second: &FitResult,
    ) {
        let k = b.len();
        res.coefficients = (0..k)
            .map(|j| ParamRow::normal(d.names[j].clone(), b[j], ts.vcov[(j, j)].sqrt()))
            .collect();
        res.vcov = Some((0..k * k).map(|i| ts.vcov[(i / k, i % k)]).collect());
        res.fit
            .extend(second.fit.iter().map(|(k, v)| (k.clone(), *v)));
        res.fit.insert("lambda".into(), ts.lambda);
        res.fit.insert("rho".into(), ts.rho);
        res.fit.insert("sigma".into(), ts.sigma);
        res.info.covariance = Some(crate::estimate::CovarianceType::Classical);
        res.tables.insert(
            "second_stage".into(),
            json!({"model": "ols", "covariance": "Heckman (1979) two-step"}),
        );
        if ts.rho_truncated {
            res.info.warnings.push(format!(
                "rho = lambda / sigma exceeded 1 in absolute value; truncated to {}",
                ts.rho
            ));
        }
        if self.opts.se != SeKind::Classical {
            res.info.warnings.push(
                "the OLS second stage reports the Heckman two-step covariance; robust/cluster options are ignored".into(),
            );
        }
    }
}

fn check_binary_treatment(d: &Design, t: usize) -> Result<(), EstimateError> {
    let col = d.x.col(t);
    if let Some((row, v)) = col
        .iter()
        .enumerate()
        .find(|(_, v)| **v != 0.0 && **v != 1.0)
    {
        return Err(EstimateError::TreatmentNotBinary {
            column: d.names[t].clone(),
            row,
            value: *v,
            hint: "the Heckman treatment-effects model needs a 0/1 treatment".into(),
        });
    }
    let treated = col.iter().filter(|v| **v == 1.0).count();
    if treated == 0 || treated == d.n() {
        return Err(EstimateError::NoTreatedOrControls {
            column: d.names[t].clone(),
            treated,
            controls: d.n() - treated,
        });
    }
    Ok(())
}

/// `d` without columns `drop`, with outcome `y`.
fn drop_columns(d: &Design, drop: &[usize], y_name: String, y: Vec<f64>) -> Design {
    let keep: Vec<usize> = (0..d.k()).filter(|j| !drop.contains(j)).collect();
    Design {
        y_name,
        y,
        x: Mat::from_fn(d.n(), keep.len(), |i, j| d.x[(i, keep[j])]),
        names: keep.iter().map(|j| d.names[*j].clone()).collect(),
        clusters: d.clusters.clone(),
        n_dropped: d.n_dropped,
    }
}
