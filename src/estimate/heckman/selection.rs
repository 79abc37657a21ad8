//! Heckman (1979) sample-selection model (Stata `heckman`):
//!
//!   s* = Z g + u,  s = 1{s* > 0}                 (selection equation, probit)
//!   y  = X b + e,  observed only when s = 1,
//!   (e, u) ~ N(0, [[sigma^2, rho sigma], [rho sigma, 1]]).
//!
//! Two estimators:
//!
//! * two-step (Stata `heckman ..., twostep`; Heckman 1979; Greene 2012,
//!   eq. 19-24): probit of s on Z; on the selected rows the inverse Mills
//!   ratio `lambda_i = phi(Z_i g) / Phi(Z_i g)` joins X and OLS gives b and
//!   `beta_lambda`; with `delta_i = lambda_i (lambda_i + Z_i g)`,
//!   `sigma^2 = e'e / n1 + beta_lambda^2 mean(delta)`, `rho = beta_lambda / sigma`
//!   and the corrected covariance of [`super::two_step_covariance`];
//! * full maximum likelihood (Stata's default; [`super::selection_ml`]).
//!
//! The design's `y` holds the outcome on the selected rows (any finite value
//! on the others, which is never read); its columns hold the selection
//! indicator and both equations' regressors, picked by name.

use faer::Mat;
use serde_json::json;

pub use super::selection_data::{SelectionData, TwoStepFit};
use super::selection_ml;
use crate::data::Design;
use crate::estimate::{
    CovarianceType, EstimateError, FitOptions, FitResult, Ols, ParamRow, Probit, SeKind, normal,
};

/// Two-step or full maximum likelihood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SelectionMethod {
    /// Full information maximum likelihood (Stata's default).
    #[default]
    Ml,
    /// Heckman's (1979) two-step: probit, then OLS with the inverse Mills ratio.
    TwoStep,
}

/// Specification of the sample-selection model.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// 0/1 selection indicator column (1: the outcome is observed).
    pub select: String,
    /// Outcome-equation columns (include `const` for an intercept).
    pub outcome: Vec<String>,
    /// Selection-equation columns (include `const` for an intercept).
    pub selection: Vec<String>,
    /// ML or two-step.
    pub method: SelectionMethod,
    /// Iteration cap and tolerance of the probit and the ML Newton steps.
    pub opts: FitOptions,
}

impl Selection {
    /// Two-step or ML fit of `d` (see the module docs for its layout).
    pub fn fit(&self, d: &Design) -> Result<FitResult, EstimateError> {
        let data = self.data(d)?;
        let ts = self.two_step(&data)?;
        let mut res = match self.method {
            SelectionMethod::TwoStep => self.two_step_result(&data, &ts),
            SelectionMethod::Ml => selection_ml::fit(&data, &ts, &self.opts)?,
        };
        res.info.dependent = d.y_name.clone();
        res.info.n_dropped = d.n_dropped;
        res.fit
            .insert("n_selected".into(), data.n_selected() as f64);
        res.fit.insert(
            "n_nonselected".into(),
            (data.s.len() - data.n_selected()) as f64,
        );
        if self.opts.se != SeKind::Classical {
            res.info.warnings.push(
                "the selection model reports the two-step / observed-information covariance; robust/cluster options are ignored".into(),
            );
        }
        Ok(res)
    }

    /// Split `d` into the two equations; checks the indicator, the columns
    /// and that each arm holds more rows than its equation has regressors.
    pub fn data(&self, d: &Design) -> Result<SelectionData, EstimateError> {
        let col = |name: &String| {
            d.col_index(name)
                .ok_or_else(|| EstimateError::MissingColumn {
                    estimator: "heckman".into(),
                    column: name.clone(),
                })
        };
        let js = col(&self.select)?;
        if self
            .outcome
            .iter()
            .chain(&self.selection)
            .any(|c| *c == self.select)
        {
            return Err(EstimateError::InvalidOption {
                option: "select".into(),
                reason: format!(
                    "the selection indicator `{}` cannot be a regressor",
                    self.select
                ),
            });
        }
        let s = selection_indicator(d, js)?;
        let pick = |names: &[String]| -> Result<Mat<f64>, EstimateError> {
            let idx: Vec<usize> = names.iter().map(col).collect::<Result<_, _>>()?;
            Ok(Mat::from_fn(d.n(), idx.len(), |i, j| d.x[(i, idx[j])]))
        };
        let data = SelectionData {
            y: d.y.clone(),
            x: pick(&self.outcome)?,
            z: pick(&self.selection)?,
            x_names: self.outcome.clone(),
            z_names: self.selection.clone(),
            s,
        };
        let n1 = data.n_selected();
        if n1 <= data.x.ncols() + 1 {
            return Err(EstimateError::TooFewObservations {
                n: n1,
                k: data.x.ncols() + 1,
            });
        }
        if let Some(i) = data
            .selected_rows()
            .into_iter()
            .find(|&i| !d.y[i].is_finite())
        {
            return Err(EstimateError::Invalid(format!(
                "outcome `{}` is not finite ({}) in selected row {}",
                d.y_name,
                d.y[i],
                i + 1
            )));
        }
        Ok(data)
    }

    /// Probit of s on Z, then OLS of y on [X, lambda] over the selected rows.
    pub fn two_step(&self, data: &SelectionData) -> Result<TwoStepFit, EstimateError> {
        let n = data.s.len();
        let probit_design = Design {
            y_name: self.select.clone(),
            y: data.s.iter().map(|&s| f64::from(u8::from(s))).collect(),
            x: data.z.clone(),
            names: data.z_names.clone(),
            clusters: None,
            n_dropped: 0,
        };
        let classical = FitOptions {
            se: SeKind::Classical,
            margins: None,
            brant: false,
            ..self.opts.clone()
        };
        let probit = Probit::new(classical.clone()).fit(&probit_design)?;
        let (g, v_g) = (probit.params(), probit.vcov()?);
        let kz = g.len();
        let rows = data.selected_rows();
        let index: Vec<f64> = rows
            .iter()
            .map(|&i| (0..kz).map(|j| data.z[(i, j)] * g[j]).sum())
            .collect();
        let lambda: Vec<f64> = index.iter().map(|&a| normal::inv_mills(a)).collect();
        let kx = data.x.ncols();
        let mut names = data.x_names.clone();
        names.push("lambda".into());
        let w = Mat::from_fn(rows.len(), kx + 1, |r, j| {
            if j < kx {
                data.x[(rows[r], j)]
            } else {
                lambda[r]
            }
        });
        let second = Design {
            y_name: "y".into(),
            y: rows.iter().map(|&i| data.y[i]).collect(),
            x: w,
            names: names.clone(),
            clusters: None,
            n_dropped: 0,
        };
        let ols = Ols::new(classical).fit(&second)?;
        let b = ols.params();
        let resid: Vec<f64> = (0..rows.len())
            .map(|r| second.y[r] - (0..=kx).map(|j| second.x[(r, j)] * b[j]).sum::<f64>())
            .collect();
        let z_sel = Mat::from_fn(rows.len(), kz, |r, j| data.z[(rows[r], j)]);
        let scale = super::two_step_covariance(
            second.x.as_ref(),
            z_sel.as_ref(),
            &index,
            &lambda,
            &resid,
            b[kx],
            v_g.as_ref(),
        )?;
        debug_assert_eq!(n, data.y.len());
        Ok(TwoStepFit {
            probit,
            g,
            v_g,
            b,
            scale,
        })
    }

    fn two_step_result(&self, data: &SelectionData, ts: &TwoStepFit) -> FitResult {
        let mut res = FitResult::new("heckman", data.s.len());
        let kx = data.x.ncols();
        let se = |j: usize| ts.scale.vcov[(j, j)].sqrt();
        res.coefficients = (0..kx)
            .map(|j| ParamRow::normal(data.x_names[j].clone(), ts.b[j], se(j)))
            .collect();
        res.vcov = Some(
            (0..kx * kx)
                .map(|i| ts.scale.vcov[(i / kx, i % kx)])
                .collect(),
        );
        res.extra_rows
            .insert("selection".into(), ts.probit.coefficients.clone());
        res.extra_rows.insert(
            "ancillary".into(),
            vec![ParamRow::normal("lambda", ts.b[kx], se(kx))],
        );
        res.fit.insert("lambda".into(), ts.scale.lambda);
        res.fit.insert("rho".into(), ts.scale.rho);
        res.fit.insert("sigma".into(), ts.scale.sigma);
        if let Some(ll) = ts.probit.fit.get("log_likelihood") {
            res.fit.insert("selection_log_likelihood".into(), *ll);
        }
        res.info.covariance = Some(CovarianceType::Classical);
        res.info.converged = ts.probit.info.converged;
        res.info.iterations = ts.probit.info.iterations;
        res.info.warnings = ts.probit.info.warnings.clone();
        if ts.scale.rho_truncated {
            res.info.warnings.push(format!(
                "rho = lambda / sigma exceeded 1 in absolute value; truncated to {}",
                ts.scale.rho
            ));
        }
        res.tables.insert(
            "model".into(),
            json!({"form": "selection", "method": "twostep",
                   "covariance": "Heckman (1979) two-step"}),
        );
        res
    }
}

fn selection_indicator(d: &Design, j: usize) -> Result<Vec<bool>, EstimateError> {
    let s: Vec<bool> =
        d.x.col(j)
            .iter()
            .enumerate()
            .map(|(row, &v)| match v {
                0.0 => Ok(false),
                1.0 => Ok(true),
                _ => Err(EstimateError::SelectionNotBinary {
                    column: d.names[j].clone(),
                    row: row + 1,
                    value: v,
                }),
            })
            .collect::<Result<_, _>>()?;
    let n1 = s.iter().filter(|v| **v).count();
    if n1 == 0 || n1 == s.len() {
        return Err(EstimateError::NoSelectionVariation {
            column: d.names[j].clone(),
            selected: n1,
            nonselected: s.len() - n1,
        });
    }
    Ok(s)
}
