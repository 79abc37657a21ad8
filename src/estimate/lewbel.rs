//! Lewbel (2012) heteroskedasticity-based instruments.
//!
//! Model: y = b T + Z'g + u, T = Z'd + e, with E[Z e u] = 0 and cov(Z, e^2) != 0.
//! The estimator (Lewbel 2012, eq. 8 and Theorem 1):
//!
//! 1. OLS of the endogenous regressor T on the exogenous regressors Z
//!    (controls, fixed effects, `const`), residuals e_hat. External
//!    instruments do not enter this regression.
//! 2. Generated instruments (Z_k - mean Z_k) e_hat for every non-constant Z_k,
//!    named `gen_<Z_k>`.
//! 3. 2SLS of y on [T, Z] with instruments [Z, generated, external]
//!    (`super::iv::two_sls`).
//!
//! A binary T is fine: step 1 is then a linear probability model (Lewbel 2018).
//!
//! Diagnostics in `fit`: `first_stage_f` (Wald F on the excluded instruments
//! in the regression of T on all instruments, with the fit's covariance type,
//! divided by their number), `bp_stat`/`bp_pvalue` (Koenker's studentised
//! Breusch-Pagan n R^2 from regressing e_hat^2 on Z: the method needs a
//! heteroskedastic first stage, so p >= 0.05 raises a warning), and
//! `hansen_j` (robust / cluster) or `sargan` (classical) with their p-values.

use faer::Mat;

use super::error::EstimateError;
use super::iv::{self, IvData};
use super::options::SeKind;
use super::results::FitResult;
use crate::data::Design;

/// Lewbel IV spec. `treatment` and `instruments` are columns of the design
/// that are taken out of the regressor set; every other design column
/// (including `const` and fixed-effect dummies) is an exogenous regressor Z.
#[derive(Debug, Clone, PartialEq)]
pub struct Lewbel {
    /// The endogenous regressor.
    pub treatment: String,
    /// External excluded instruments (may be empty).
    pub instruments: Vec<String>,
    /// How standard errors are computed.
    pub se: SeKind,
}

/// Below this first-stage F the instruments are flagged as weak.
const WEAK_F: f64 = 10.0;

impl Lewbel {
    /// Fit by 2SLS with the generated (and external) instruments.
    pub fn fit(&self, design: &Design) -> Result<FitResult, EstimateError> {
        let n = design.n();
        let t_idx = self.column(design, &self.treatment)?;
        let ext_idx: Vec<usize> = self
            .instruments
            .iter()
            .map(|c| self.column(design, c))
            .collect::<Result<_, _>>()?;
        if ext_idx.contains(&t_idx) {
            return Err(EstimateError::InvalidOption {
                option: "instrument".into(),
                reason: format!("`{}` is the treatment itself", self.treatment),
            });
        }
        let z_idx: Vec<usize> = (0..design.k())
            .filter(|j| *j != t_idx && !ext_idx.contains(j))
            .collect();
        for (&j, name) in ext_idx.iter().zip(&self.instruments) {
            if is_constant(design, j) {
                return Err(EstimateError::Invalid(format!(
                    "instrument `{name}` is constant; it cannot identify `{}`",
                    self.treatment
                )));
            }
        }
        let col = |j: usize| (0..n).map(move |i| design.x[(i, j)]);
        let t: Vec<f64> = col(t_idx).collect();
        let z = Mat::from_fn(n, z_idx.len(), |i, j| design.x[(i, z_idx[j])]);
        let z_names: Vec<String> = z_idx.iter().map(|&j| design.names[j].clone()).collect();

        let first = iv::two_sls(
            &IvData {
                y: &t,
                x: z.as_ref(),
                z: z.as_ref(),
                x_names: &z_names,
                z_names: &z_names,
                clusters: None,
            },
            SeKind::Classical,
        )?;
        let e = &first.resid;
        let varying: Vec<usize> = (0..z_idx.len())
            .filter(|&j| !is_constant(design, z_idx[j]))
            .collect();
        if varying.is_empty() {
            return Err(EstimateError::Invalid(
                "Lewbel instruments need at least one non-constant exogenous regressor".into(),
            ));
        }
        let gen_cols: Vec<Vec<f64>> = varying
            .iter()
            .map(|&j| {
                let m = (0..n).map(|i| z[(i, j)]).sum::<f64>() / n as f64;
                (0..n).map(|i| (z[(i, j)] - m) * e[i]).collect()
            })
            .collect();
        let gen_names: Vec<String> = varying
            .iter()
            .map(|&j| format!("gen_{}", z_names[j]))
            .collect();
        let (bp_stat, bp_df) = breusch_pagan(&z, e, varying.len());

        let kz = z_idx.len();
        let x = Mat::from_fn(n, kz + 1, |i, j| if j == 0 { t[i] } else { z[(i, j - 1)] });
        let mut x_names = vec![self.treatment.clone()];
        x_names.extend(z_names.iter().cloned());
        let n_gen = gen_cols.len();
        let w = Mat::from_fn(n, kz + n_gen + ext_idx.len(), |i, j| {
            if j < kz {
                z[(i, j)]
            } else if j < kz + n_gen {
                gen_cols[j - kz][i]
            } else {
                design.x[(i, ext_idx[j - kz - n_gen])]
            }
        });
        let mut w_names = z_names.clone();
        w_names.extend(gen_names);
        w_names.extend(self.instruments.iter().cloned());
        let clusters = design.clusters.as_ref();
        let data = IvData {
            y: &design.y,
            x: x.as_ref(),
            z: w.as_ref(),
            x_names: &x_names,
            z_names: &w_names,
            clusters,
        };
        let fit2 = iv::two_sls(&data, self.se)?;
        let fs = iv::two_sls(
            &IvData {
                y: &t,
                x: w.as_ref(),
                z: w.as_ref(),
                x_names: &w_names,
                z_names: &w_names,
                clusters,
            },
            self.se,
        )?;
        let excluded: Vec<usize> = (kz..w.ncols()).collect();
        let (f, f_p) = iv::wald_f(&fs.beta, &fs.vcov, &excluded, fs.df);

        let mut res = FitResult::new("lewbel", n);
        res.coefficients = fit2.rows(&x_names);
        res.vcov = Some(fit2.vcov_row_major());
        res.extra_rows
            .insert("first_stage".into(), fs.rows(&w_names));
        res.info.dependent = design.y_name.clone();
        res.info.covariance = Some(fit2.covariance.clone());
        res.info.converged = true;
        res.info.n_dropped = design.n_dropped;
        let bp_p = iv::chi2_sf(bp_stat, bp_df as f64);
        let fm = &mut res.fit;
        fm.insert("first_stage_f".into(), f);
        fm.insert("first_stage_f_pvalue".into(), f_p);
        fm.insert("bp_stat".into(), bp_stat);
        fm.insert("bp_df".into(), bp_df as f64);
        fm.insert("bp_pvalue".into(), bp_p);
        fm.insert("n_excluded_instruments".into(), excluded.len() as f64);
        let ss_res: f64 = fit2.resid.iter().map(|r| r * r).sum();
        fm.insert("rmse".into(), (ss_res / fit2.df.max(1.0)).sqrt());
        if let Some(j) = iv::overid(&data, &fit2, self.se) {
            let key = if self.se == SeKind::Classical {
                "sargan"
            } else {
                "hansen_j"
            };
            fm.insert(key.into(), j.stat);
            fm.insert(format!("{key}_pvalue"), j.p_value);
            fm.insert(format!("{key}_df"), j.df as f64);
        }
        self.warn(&mut res, bp_p, f);
        Ok(res)
    }

    fn column(&self, design: &Design, name: &str) -> Result<usize, EstimateError> {
        design
            .col_index(name)
            .ok_or_else(|| EstimateError::MissingColumn {
                estimator: "lewbel".into(),
                column: name.to_string(),
            })
    }

    fn warn(&self, res: &mut FitResult, bp_p: f64, f: f64) {
        if bp_p >= 0.05 || bp_p.is_nan() {
            res.info.warnings.push(format!(
                "Breusch-Pagan p = {bp_p:.3}: no evidence of first-stage heteroskedasticity, \
                 which Lewbel's generated instruments need; the estimate may be unidentified"
            ));
        }
        if f < WEAK_F || f.is_nan() {
            res.info.warnings.push(format!(
                "first-stage F = {f:.2} < {WEAK_F}: weak instruments"
            ));
        }
    }
}

fn is_constant(design: &Design, j: usize) -> bool {
    let n = design.n();
    n == 0 || (1..n).all(|i| design.x[(i, j)] == design.x[(0, j)])
}

/// Koenker (1981) studentised Breusch-Pagan statistic: n R^2 of e^2 on Z,
/// chi-square with `df` = number of non-constant columns of Z
/// (statsmodels `het_breuschpagan(robust=True)`).
fn breusch_pagan(z: &Mat<f64>, e: &[f64], df: usize) -> (f64, usize) {
    let n = e.len();
    let e2: Vec<f64> = e.iter().map(|v| v * v).collect();
    let names: Vec<String> = (0..z.ncols()).map(|j| j.to_string()).collect();
    let Ok(aux) = iv::two_sls(
        &IvData {
            y: &e2,
            x: z.as_ref(),
            z: z.as_ref(),
            x_names: &names,
            z_names: &names,
            clusters: None,
        },
        SeKind::Classical,
    ) else {
        return (f64::NAN, df);
    };
    let mean = e2.iter().sum::<f64>() / n as f64;
    let tss: f64 = e2.iter().map(|v| (v - mean).powi(2)).sum();
    let rss: f64 = aux.resid.iter().map(|v| v * v).sum();
    (n as f64 * (1.0 - rss / tss), df)
}
