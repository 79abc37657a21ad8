//! Quasi-Bayesian Monte Carlo of Imai, Keele & Tingley (2010, Section 3.2,
//! Algorithm 1), as R's `mediation::mediate` does it for a linear mediator.
//!
//! For draw `s` of the two models' coefficients (from their asymptotic
//! normals) and one mediator error `e_i ~ N(0, sigma^2)` per observation,
//! shared by both treatment arms,
//!
//!   M_i(t)  = a' x_i(t) + e_i,
//!   Y_i(t, t') = g(b' w_i(t, M_i(t')))        (g the outcome model's mean function),
//!
//! and the draw's effects are the sample means
//!
//!   ACME(t) = mean_i [Y_i(t, 1) - Y_i(t, 0)],   ADE(t) = mean_i [Y_i(1, t) - Y_i(0, t)],
//!
//! with "1"/"0" the treat/control values. Draw `s` takes its mediator errors
//! from stream `(seed, s + 1, Estimator)`, so the result is the same for any
//! number of threads; the coefficient draws come from stream `(seed, 0, Estimator)`.

use faer::{Mat, MatRef, Side};
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

use crate::estimate::{EstimateError, ParamRow};
use crate::seed::{self, Component, SimRng};

pub use crate::numeric::Link;

/// `E[Y | eta]` of the outcome model: `F(eta)` of its link, `eta` for a
/// linear outcome (`None`).
fn mean(link: Option<Link>, eta: f64) -> f64 {
    link.map_or(eta, |l| l.cdf(eta))
}

/// Design matrices and column positions the simulation needs.
#[derive(Debug, Clone, Copy)]
pub struct MediationModels<'a> {
    /// Mediator model regressors (n x km).
    pub mediator_x: MatRef<'a, f64>,
    /// Column of the treatment in `mediator_x`.
    pub mediator_treat: usize,
    /// Outcome model regressors (n x ky).
    pub outcome_x: MatRef<'a, f64>,
    /// Column of the treatment in `outcome_x`.
    pub outcome_treat: usize,
    /// Column of the mediator in `outcome_x`.
    pub outcome_mediator: usize,
    /// Column of treatment x mediator, if the outcome model has it.
    pub outcome_interaction: Option<usize>,
    /// Link of a binary outcome model; `None` for a linear one.
    pub link: Option<Link>,
    /// Residual standard deviation of the mediator model (SSR / (n - k)).
    pub sigma: f64,
    /// Treatment value of the control condition `t0`.
    pub control_value: f64,
    /// Treatment value of the treated condition `t1`.
    pub treat_value: f64,
}

/// Per-draw effects, one entry per simulation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EffectDraws {
    /// `ACME(t0) = E[Y(t0, M(t1)) - Y(t0, M(t0))]` per draw.
    pub acme_control: Vec<f64>,
    /// `ACME(t1) = E[Y(t1, M(t1)) - Y(t1, M(t0))]` per draw.
    pub acme_treated: Vec<f64>,
    /// `ADE(t0) = E[Y(t1, M(t0)) - Y(t0, M(t0))]` per draw.
    pub ade_control: Vec<f64>,
    /// `ADE(t1) = E[Y(t1, M(t1)) - Y(t0, M(t1))]` per draw.
    pub ade_treated: Vec<f64>,
}

impl EffectDraws {
    /// Total effect per draw, `(ACME(0) + ACME(1) + ADE(0) + ADE(1)) / 2` as mediate.
    pub fn total(&self) -> Vec<f64> {
        (0..self.acme_control.len())
            .map(|s| {
                (self.acme_control[s]
                    + self.acme_treated[s]
                    + self.ade_control[s]
                    + self.ade_treated[s])
                    / 2.0
            })
            .collect()
    }

    /// Average over arms of two per-draw series.
    pub fn average(a: &[f64], b: &[f64]) -> Vec<f64> {
        a.iter().zip(b).map(|(x, y)| (x + y) / 2.0).collect()
    }
}

/// `sims` draws from N(mean, vcov) (vcov row-major k x k) as a sims x k
/// matrix: mean + L z with L the Cholesky factor, or U sqrt(max(S, 0)) from
/// the eigendecomposition when vcov is only semi-definite.
pub fn draw_coefficients(
    mean: &[f64],
    vcov: &Mat<f64>,
    sims: usize,
    rng: &mut SimRng,
) -> Result<Mat<f64>, EstimateError> {
    let k = mean.len();
    let finite = (0..vcov.ncols()).all(|j| vcov.col(j).iter().all(|v| v.is_finite()));
    if vcov.nrows() != k || vcov.ncols() != k || !finite {
        return Err(EstimateError::Invalid(format!(
            "coefficient covariance must be a finite {k} x {k} matrix"
        )));
    }
    let factor = sqrt_factor(vcov.clone())?;
    let mut out = Mat::<f64>::zeros(sims, k);
    let mut z = vec![0.0; k];
    for s in 0..sims {
        for zj in z.iter_mut() {
            *zj = StandardNormal.sample(rng);
        }
        for i in 0..k {
            let shift: f64 = (0..k).map(|j| factor[(i, j)] * z[j]).sum();
            out[(s, i)] = mean[i] + shift;
        }
    }
    Ok(out)
}

fn sqrt_factor(v: Mat<f64>) -> Result<Mat<f64>, EstimateError> {
    if let Ok(llt) = v.llt(Side::Lower) {
        return Ok(llt.L().to_owned());
    }
    let evd = v.self_adjoint_eigen(Side::Lower).map_err(|_| {
        EstimateError::Invalid("coefficient covariance has no eigendecomposition".into())
    })?;
    let (u, s) = (evd.U(), evd.S().column_vector());
    let k = v.nrows();
    if (0..k).any(|j| s[j] < -1e-8 * s[k - 1].abs().max(1e-300)) {
        return Err(EstimateError::Invalid(
            "coefficient covariance is not positive semi-definite".into(),
        ));
    }
    Ok(Mat::from_fn(k, k, |i, j| u[(i, j)] * s[j].max(0.0).sqrt()))
}

/// Run the simulation for every row of the coefficient draws.
pub fn simulate(
    m: &MediationModels<'_>,
    mediator_draws: MatRef<'_, f64>,
    outcome_draws: MatRef<'_, f64>,
    seed: u64,
) -> EffectDraws {
    let sims = mediator_draws.nrows();
    let n = m.mediator_x.nrows();
    let per_sim: Vec<[f64; 4]> = (0..sims)
        .into_par_iter()
        .map_init(
            || (vec![0.0; n], vec![0.0; n]),
            |(mb, yb), s| {
                let mut rng = seed::stream(seed, s as u64 + 1, Component::Estimator);
                one_draw(m, mediator_draws, outcome_draws, s, mb, yb, &mut rng)
            },
        )
        .collect();
    let col = |c: usize| per_sim.iter().map(|d| d[c]).collect::<Vec<_>>();
    EffectDraws {
        acme_control: col(0),
        acme_treated: col(1),
        ade_control: col(2),
        ade_treated: col(3),
    }
}

/// `base[i] = sum_{j not in skip} x[i, j] * coef[s, j]`.
fn linear_part(
    x: MatRef<'_, f64>,
    draws: MatRef<'_, f64>,
    s: usize,
    skip: &[usize],
    base: &mut [f64],
) {
    base.fill(0.0);
    for j in (0..x.ncols()).filter(|j| !skip.contains(j)) {
        let c = draws[(s, j)];
        for (b, xv) in base.iter_mut().zip(x.col(j).iter()) {
            *b += c * xv;
        }
    }
}

/// ACME(0), ACME(1), ADE(0), ADE(1) of one draw.
fn one_draw(
    m: &MediationModels<'_>,
    md: MatRef<'_, f64>,
    od: MatRef<'_, f64>,
    s: usize,
    mbase: &mut [f64],
    ybase: &mut [f64],
    rng: &mut SimRng,
) -> [f64; 4] {
    let mut skip_y = vec![m.outcome_treat, m.outcome_mediator];
    skip_y.extend(m.outcome_interaction);
    linear_part(m.mediator_x, md, s, &[m.mediator_treat], mbase);
    linear_part(m.outcome_x, od, s, &skip_y, ybase);
    let (t0, t1) = (m.control_value, m.treat_value);
    let a_t = md[(s, m.mediator_treat)];
    let (b_t, b_m) = (od[(s, m.outcome_treat)], od[(s, m.outcome_mediator)]);
    let b_tm = m.outcome_interaction.map_or(0.0, |j| od[(s, j)]);
    let eta = |base: f64, t: f64, med: f64| base + b_t * t + b_m * med + b_tm * t * med;
    let mut acc = [0.0; 4];
    for (mb, yb) in mbase.iter().zip(ybase.iter()) {
        let e: f64 = StandardNormal.sample(rng);
        let e = m.sigma * e;
        let (m0, m1) = (mb + a_t * t0 + e, mb + a_t * t1 + e);
        let p11 = mean(m.link, eta(*yb, t1, m1));
        let p10 = mean(m.link, eta(*yb, t1, m0));
        let p01 = mean(m.link, eta(*yb, t0, m1));
        let p00 = mean(m.link, eta(*yb, t0, m0));
        acc[0] += p01 - p00;
        acc[1] += p11 - p10;
        acc[2] += p10 - p00;
        acc[3] += p11 - p01;
    }
    let n = mbase.len() as f64;
    acc.map(|a| a / n)
}

/// Summary row of a series of draws as mediate reports it: the mean (the
/// median when `median`), the 2.5% and 97.5% quantiles (R type 7) and
/// `p = min(1, 2 min(#{> 0}, #{< 0}) / S)` (1 when the estimate is exactly
/// 0). Non-finite draws are dropped.
///
/// Standard error: the draws' SD; for a median-summarised series (the
/// proportion mediated, a ratio of two near-normal draws with no finite
/// variance, whose draw SD does not settle as S grows) the normal-equivalent
/// spread `IQR / 1.349` instead.
pub fn summarise(name: &str, draws: &[f64], median: bool) -> ParamRow {
    let mut x: Vec<f64> = draws.iter().copied().filter(|v| v.is_finite()).collect();
    x.sort_by(f64::total_cmp);
    let s = x.len();
    let nan = f64::NAN;
    if s == 0 {
        return ParamRow {
            name: name.into(),
            estimate: nan,
            std_error: nan,
            ci_low: nan,
            ci_high: nan,
            p_value: nan,
        };
    }
    let mean = x.iter().sum::<f64>() / s as f64;
    let estimate = if median {
        quantile_sorted(&x, 0.5)
    } else {
        mean
    };
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (s as f64 - 1.0).max(1.0);
    let pos = x.iter().filter(|v| **v > 0.0).count();
    let neg = x.iter().filter(|v| **v < 0.0).count();
    let p_value = if estimate == 0.0 {
        1.0
    } else {
        (2.0 * pos.min(neg) as f64 / s as f64).min(1.0)
    };
    let std_error = if median {
        (quantile_sorted(&x, 0.75) - quantile_sorted(&x, 0.25)) / IQR_PER_SD
    } else {
        var.sqrt()
    };
    ParamRow {
        name: name.into(),
        estimate,
        std_error,
        ci_low: quantile_sorted(&x, 0.025),
        ci_high: quantile_sorted(&x, 0.975),
        p_value,
    }
}

/// Interquartile range of a standard normal, `2 Phi^-1(0.75)`.
const IQR_PER_SD: f64 = 1.348_979_500_392_163_5;

/// Linear-interpolation quantile of sorted data (R's type 7, numpy's default).
pub(crate) fn quantile_sorted(x: &[f64], p: f64) -> f64 {
    let h = (x.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(x.len() - 1);
    x[lo] + (h - lo as f64) * (x[hi] - x[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_matches_numpy_linear() {
        // numpy.percentile([1, 2, 4, 8], [2.5, 50, 97.5]) = [1.075, 3.0, 7.7]
        let x = [1.0, 2.0, 4.0, 8.0];
        assert!((quantile_sorted(&x, 0.025) - 1.075).abs() < 1e-12);
        assert!((quantile_sorted(&x, 0.5) - 3.0).abs() < 1e-12);
        assert!((quantile_sorted(&x, 0.975) - 7.7).abs() < 1e-12);
    }

    #[test]
    fn p_value_counts_draws_on_each_side() {
        let d = [-1.0, 0.5, 1.0, 2.0, 3.0];
        let r = summarise("x", &d, false);
        assert!((r.p_value - 0.4).abs() < 1e-12);
        assert!((r.estimate - 1.1).abs() < 1e-12);
    }

    #[test]
    fn draws_have_the_requested_covariance() {
        let mean = [1.0, -2.0];
        let v = [4.0, 1.2, 1.2, 1.0];
        let vcov = Mat::from_fn(2, 2, |i, j| v[i * 2 + j]);
        let mut rng = seed::stream(3, 0, Component::Estimator);
        let d = draw_coefficients(&mean, &vcov, 40_000, &mut rng).unwrap();
        let s = d.nrows() as f64;
        let m0 = d.col(0).iter().sum::<f64>() / s;
        let m1 = d.col(1).iter().sum::<f64>() / s;
        let c01 = (0..d.nrows())
            .map(|i| (d[(i, 0)] - m0) * (d[(i, 1)] - m1))
            .sum::<f64>()
            / s;
        let v0 = (0..d.nrows())
            .map(|i| (d[(i, 0)] - m0).powi(2))
            .sum::<f64>()
            / s;
        // Monte Carlo SEs: mean 2/200 = 0.01, var 4 sqrt(2/40000) = 0.028, cov ~ 0.012.
        assert!((m0 - 1.0).abs() < 0.05 && (m1 + 2.0).abs() < 0.025);
        assert!((v0 - 4.0).abs() < 0.15 && (c01 - 1.2).abs() < 0.07);
    }

    #[test]
    fn semidefinite_covariance_falls_back_to_eigen() {
        let vcov = Mat::from_fn(2, 2, |_, _| 1.0);
        let mut rng = seed::stream(1, 0, Component::Estimator);
        let d = draw_coefficients(&[0.0, 0.0], &vcov, 50, &mut rng).unwrap();
        for i in 0..50 {
            assert!((d[(i, 0)] - d[(i, 1)]).abs() < 1e-6);
        }
    }
}
