//! Sensitivity of the ACME to sequential ignorability (Imai, Keele &
//! Yamamoto 2010; R's `mediation::medsens`): `rho` is the correlation of the
//! mediator-model and outcome-model errors, 0 under sequential ignorability.
//!
//! Curves are evaluated at the point estimates (closed forms, no simulation),
//! for a linear mediator without treatment x mediator interaction.

use faer::MatRef;
use serde_json::json;

use crate::estimate::EstimateError;
use crate::numeric::normal;

/// ACME as a function of `rho`, and where it vanishes.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityCurve {
    pub rho: Vec<f64>,
    pub acme_control: Vec<f64>,
    pub acme_treated: Vec<f64>,
    /// Root of ACME(rho) = 0 (closed form).
    pub rho_at_zero: f64,
    /// R^2 of the mediator model and of the outcome model (latent-scale
    /// `var(xb) / (1 + var(xb))` for a probit outcome, as medsens).
    pub r2_mediator: f64,
    pub r2_outcome: f64,
}

impl SensitivityCurve {
    /// `R2*_M R2*_Y = rho^2` (share of the unexplained variances explained
    /// by an unobserved confounder).
    pub fn r2star_prod(rho: f64) -> f64 {
        rho * rho
    }

    /// `R2~_M R2~_Y = rho^2 (1 - R2_M)(1 - R2_Y)` (share of the total variances).
    pub fn r2tilde_prod(&self, rho: f64) -> f64 {
        rho * rho * (1.0 - self.r2_mediator) * (1.0 - self.r2_outcome)
    }

    /// The table stored under `tables["sensitivity"]`.
    pub fn to_json(&self) -> serde_json::Value {
        let star: Vec<f64> = self.rho.iter().map(|r| Self::r2star_prod(*r)).collect();
        let tilde: Vec<f64> = self.rho.iter().map(|r| self.r2tilde_prod(*r)).collect();
        json!({
            "rho": self.rho,
            "acme_control": self.acme_control,
            "acme_treated": self.acme_treated,
            "r2star_prod": star,
            "r2tilde_prod": tilde,
            "rho_at_zero": self.rho_at_zero,
            "r2star_at_zero": Self::r2star_prod(self.rho_at_zero),
            "r2tilde_at_zero": self.r2tilde_prod(self.rho_at_zero),
            "r2_mediator": self.r2_mediator,
            "r2_outcome": self.r2_outcome,
            "interpretation": interpretation(self.rho_at_zero),
        })
    }
}

/// `rho = -1 + step, ..., 1 - step`, as medsens' `seq(-1 + rho.by, 1 - rho.by, rho.by)`.
pub fn rho_grid(step: f64) -> Result<Vec<f64>, EstimateError> {
    if !(step > 0.0 && step <= 0.5) {
        return Err(EstimateError::InvalidOption {
            option: "rho_step".into(),
            reason: format!("must be in (0, 0.5], got {step}"),
        });
    }
    let k = (2.0 / step).round() as usize;
    Ok((1..k).map(|i| i as f64 * step - 1.0).collect())
}

/// The sensitivity table of a mediation fit (`tables["sensitivity"]`) as
/// text: the root, the R^2 products there, ACME(rho) at rho = -0.9, -0.8,
/// ..., 0.9 (the nearest grid points) and the one-line interpretation.
pub fn text(table: &serde_json::Value) -> Option<String> {
    let num = |k: &str| table.get(k)?.as_f64();
    let list = |k: &str| -> Option<Vec<f64>> {
        table
            .get(k)?
            .as_array()?
            .iter()
            .map(|v| v.as_f64())
            .collect()
    };
    let (rho, a0, a1) = (list("rho")?, list("acme_control")?, list("acme_treated")?);
    let mut out = format!(
        "Sensitivity to sequential ignorability (Imai, Keele & Yamamoto 2010)\n\
         rho at ACME = 0: {:.4}   R2*_M R2*_Y there: {:.4}   R2~_M R2~_Y there: {:.4}\n\
         (R2 of the mediator model {:.4}, of the outcome model {:.4})\n\
         {:>6} {:>14} {:>14}\n",
        num("rho_at_zero")?,
        num("r2star_at_zero")?,
        num("r2tilde_at_zero")?,
        num("r2_mediator")?,
        num("r2_outcome")?,
        "rho",
        "ACME(control)",
        "ACME(treated)"
    );
    for target in (-9..=9).map(|i| f64::from(i) / 10.0) {
        let i = (0..rho.len())
            .min_by(|&a, &b| (rho[a] - target).abs().total_cmp(&(rho[b] - target).abs()))?;
        out.push_str(&format!(
            "{:>6.2} {:>14.6} {:>14.6}\n",
            rho[i], a0[i], a1[i]
        ));
    }
    out.push_str(table.get("interpretation")?.as_str()?);
    out.push('\n');
    Some(out)
}

/// One line on how to read the rho at which the ACME vanishes.
pub fn interpretation(rho_at_zero: f64) -> String {
    let strength = if rho_at_zero.abs() < 0.1 {
        "FRAGILE: a very weak"
    } else if rho_at_zero.abs() < 0.3 {
        "moderately robust: a modest"
    } else {
        "fairly robust: only a strong"
    };
    format!(
        "ACME = 0 at rho = {rho_at_zero:.3}; a rho near 0 means a fragile, not a robust, \
         mediation claim ({strength} mediator-outcome confounder would explain it away)"
    )
}

/// Linear mediator and linear outcome, no interaction (IKY 2010, Theorem 2):
///
///   ACME(rho) = beta2 dt sigma1 / sigma2 (rho~ - rho sqrt((1 - rho~^2) / (1 - rho^2))),
///
/// `sigma1`, `sigma2` the residual SDs of Y on (T, X) (`e_total`) and of M on
/// (T, X) (`e_mediator`), `rho~` their correlation (= the root), `dt` the
/// treat - control difference.
pub fn linear(
    beta2: f64,
    dt: f64,
    e_total: &[f64],
    e_mediator: &[f64],
    r2: (f64, f64),
    grid: &[f64],
) -> SensitivityCurve {
    let ss1: f64 = e_total.iter().map(|e| e * e).sum();
    let ss2: f64 = e_mediator.iter().map(|e| e * e).sum();
    let cross: f64 = e_total.iter().zip(e_mediator).map(|(a, b)| a * b).sum();
    let rt = cross / (ss1 * ss2).sqrt();
    let scale = beta2 * dt * (ss1 / ss2).sqrt();
    let acme: Vec<f64> = grid
        .iter()
        .map(|r| scale * (rt - r * ((1.0 - rt * rt) / (1.0 - r * r)).sqrt()))
        .collect();
    SensitivityCurve {
        rho: grid.to_vec(),
        acme_control: acme.clone(),
        acme_treated: acme,
        rho_at_zero: rt,
        r2_mediator: r2.0,
        r2_outcome: r2.1,
    }
}

/// What the probit-outcome sensitivity needs: the mediator model on
/// W = (T, X) and the outcome probit on (W, M), W's columns in the same order.
#[derive(Debug, Clone, Copy)]
pub struct ProbitInputs<'a> {
    pub w: MatRef<'a, f64>,
    pub treat: usize,
    /// Mediator model coefficients psi2 on W.
    pub psi_mediator: &'a [f64],
    /// Mediator residual SD sigma2 (SSR / (n - k)).
    pub sigma_mediator: f64,
    /// Outcome probit coefficients psi~ on W.
    pub psi_outcome: &'a [f64],
    /// Outcome probit coefficient gamma~ on M.
    pub gamma_tilde: f64,
    pub control_value: f64,
    pub treat_value: f64,
    pub r2_mediator: f64,
    pub r2_outcome: f64,
}

/// Linear mediator and probit outcome (Imai, Keele & Tingley 2010, Section 6;
/// medsens' binary-outcome case). With x = sigma2 gamma~:
///
///   lambda    = (psi~ + gamma~ psi2) / sqrt(1 + x^2)         (reduced form, free of rho)
///   gamma(rho) = gamma~ sqrt(1 - rho^2) - rho / sigma2
///   V(rho)    = 1 + gamma^2 sigma2^2 + 2 gamma rho sigma2
///   ACME(0)   = mean Phi(lambda'W_0 + gamma beta2 dt / sqrt V) - Phi(lambda'W_0)
///   ACME(1)   = mean Phi(lambda'W_1) - Phi(lambda'W_1 - gamma beta2 dt / sqrt V)
///
/// and the ACME vanishes where gamma = 0: rho = x / sqrt(1 + x^2). (medsens
/// writes x / (1 + |x|) there; the algebra gives sqrt(1 + x^2).)
pub fn probit(p: &ProbitInputs<'_>, grid: &[f64]) -> SensitivityCurve {
    let (s2, gt) = (p.sigma_mediator, p.gamma_tilde);
    let x = s2 * gt;
    let root = (1.0 + x * x).sqrt();
    let lambda: Vec<f64> = p
        .psi_outcome
        .iter()
        .zip(p.psi_mediator)
        .map(|(a, b)| (a + gt * b) / root)
        .collect();
    let (l0, l1) = reduced_index(p, &lambda);
    let beta2_dt = p.psi_mediator[p.treat] * (p.treat_value - p.control_value);
    let n = l0.len() as f64;
    let (mut a0, mut a1) = (
        Vec::with_capacity(grid.len()),
        Vec::with_capacity(grid.len()),
    );
    for &r in grid {
        let g = gt * (1.0 - r * r).sqrt() - r / s2;
        let v = 1.0 + g * g * s2 * s2 + 2.0 * g * r * s2;
        let shift = g * beta2_dt / v.sqrt();
        a0.push(
            l0.iter()
                .map(|l| normal::cdf(l + shift) - normal::cdf(*l))
                .sum::<f64>()
                / n,
        );
        a1.push(
            l1.iter()
                .map(|l| normal::cdf(*l) - normal::cdf(l - shift))
                .sum::<f64>()
                / n,
        );
    }
    SensitivityCurve {
        rho: grid.to_vec(),
        acme_control: a0,
        acme_treated: a1,
        rho_at_zero: x / root,
        r2_mediator: p.r2_mediator,
        r2_outcome: p.r2_outcome,
    }
}

/// `lambda'W_i` with the treatment set to the control and the treat value.
fn reduced_index(p: &ProbitInputs<'_>, lambda: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let n = p.w.nrows();
    let mut base = vec![0.0; n];
    for j in (0..p.w.ncols()).filter(|j| *j != p.treat) {
        for (b, x) in base.iter_mut().zip(p.w.col(j).iter()) {
            *b += lambda[j] * x;
        }
    }
    let lt = lambda[p.treat];
    let l0 = base.iter().map(|b| b + lt * p.control_value).collect();
    let l1 = base.iter().map(|b| b + lt * p.treat_value).collect();
    (l0, l1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_matches_medsens_seq() {
        let g = rho_grid(0.1).unwrap();
        assert_eq!(g.len(), 19);
        assert!((g[0] + 0.9).abs() < 1e-12 && (g[18] - 0.9).abs() < 1e-12);
        assert_eq!(rho_grid(0.01).unwrap().len(), 199);
        assert!(rho_grid(0.0).is_err() && rho_grid(f64::NAN).is_err());
    }

    #[test]
    fn interpretation_calls_small_rho_fragile() {
        assert!(interpretation(-0.011).contains("FRAGILE"));
        assert!(interpretation(0.45).contains("fairly robust"));
    }
}
