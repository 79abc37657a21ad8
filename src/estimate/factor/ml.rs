//! Maximum-likelihood one-factor model on a correlation matrix R:
//! Sigma = lambda lambda' + Psi, minimising the discrepancy
//! F = ln|Sigma| - ln|R| + tr(Sigma^-1 R) - k (Lawley & Maxwell 1971).

use faer::Mat;

use super::{Extraction, FactorOptions, first_eigen, stats, with_heywood_check};
use crate::estimate::{EstimateError, FitResult};

/// Lower bound of a uniqueness, as R's `factanal(lower = 0.005)`.
pub(super) const PSI_MIN: f64 = 0.005;

/// ML loadings: the exact 3-item solution when it is proper, else EM.
pub(super) fn fit(
    r: &Mat<f64>,
    names: &[String],
    opts: &FactorOptions,
) -> Result<Extraction, EstimateError> {
    if r.nrows() == 3
        && let Some(l) = three_item_exact(r)
    {
        return Ok(with_heywood_check(l, names, 0, true));
    }
    em(r, names, opts)
}

/// lambda_1 = sqrt(r12 r13 / r23), lambda_2 = r12 / lambda_1,
/// lambda_3 = r13 / lambda_1: the one-factor model fits 3 items exactly.
/// `None` when it has no proper solution (r12 r13 r23 <= 0 or a loading >= 1).
pub fn three_item_exact(r: &Mat<f64>) -> Option<Vec<f64>> {
    let (r12, r13, r23) = (r[(0, 1)], r[(0, 2)], r[(1, 2)]);
    let ratio = r12 * r13 / r23;
    if !(ratio > 0.0 && ratio.is_finite()) {
        return None;
    }
    let l1 = ratio.sqrt();
    let l = vec![l1, r12 / l1, r13 / l1];
    l.iter().all(|x| x * x < 1.0 - PSI_MIN).then_some(l)
}

/// EM for the factor model (Rubin & Thayer 1982) with Psi_j >= 0.005:
/// beta = Sigma^-1 lambda, c = 1 - beta'lambda + beta'R beta,
/// lambda <- R beta / c, Psi_j <- max(1 - lambda_j (R beta)_j, 0.005).
fn em(r: &Mat<f64>, names: &[String], opts: &FactorOptions) -> Result<Extraction, EstimateError> {
    let k = r.nrows();
    let (e1, v1) = first_eigen(r)?;
    let mut lam: Vec<f64> = v1.iter().map(|v| v * e1.sqrt()).collect();
    let mut psi: Vec<f64> = lam.iter().map(|l| (1.0 - l * l).max(PSI_MIN)).collect();
    for it in 1..=opts.max_iter {
        let beta = sigma_inv_lambda(&lam, &psi);
        let rb: Vec<f64> = (0..k)
            .map(|i| (0..k).map(|j| r[(i, j)] * beta[j]).sum())
            .collect();
        let c = 1.0 - dot(&beta, &lam) + dot(&beta, &rb);
        lam = rb.iter().map(|x| x / c).collect();
        let new_psi: Vec<f64> = (0..k)
            .map(|j| (1.0 - lam[j] * rb[j]).max(PSI_MIN))
            .collect();
        let change = new_psi
            .iter()
            .zip(&psi)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        psi = new_psi;
        if change < opts.tol {
            return Ok(finish(lam, psi, names, it, true));
        }
    }
    Ok(finish(lam, psi, names, opts.max_iter, false))
}

fn finish(lam: Vec<f64>, psi: Vec<f64>, names: &[String], it: usize, ok: bool) -> Extraction {
    let at_bound = psi.iter().any(|&p| p <= PSI_MIN);
    let mut ex = with_heywood_check(lam, names, it, ok);
    if at_bound && !ex.warnings.iter().any(|w| w.starts_with("Heywood")) {
        ex.warnings.push(format!(
            "Heywood case: a uniqueness is at its lower bound {PSI_MIN}"
        ));
    }
    ex.uniquenesses = psi;
    ex
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Sigma^-1 lambda = Psi^-1 lambda / (1 + lambda' Psi^-1 lambda) (Woodbury).
fn sigma_inv_lambda(lam: &[f64], psi: &[f64]) -> Vec<f64> {
    let pl: Vec<f64> = lam.iter().zip(psi).map(|(l, p)| l / p).collect();
    let s = 1.0 + dot(lam, &pl);
    pl.iter().map(|x| x / s).collect()
}

/// Adds `ml_objective` F and, when the model is over-identified, the
/// Bartlett-corrected chi-square test of one factor as `factanal` prints it:
/// (n - 1 - (2k + 5)/6 - 2/3) F on ((k - 1)^2 - (k + 1)) / 2 df.
pub(super) fn add_fit_statistics(res: &mut FitResult, r: &Mat<f64>, lam: &[f64], psi: &[f64]) {
    let k = r.nrows();
    let Ok(eig) = stats::eigenvalues_desc(r) else {
        return;
    };
    let ln_det_r: f64 = eig.iter().map(|e| e.ln()).sum();
    let pl: Vec<f64> = lam.iter().zip(psi).map(|(l, p)| l / p).collect();
    let s = 1.0 + dot(lam, &pl);
    let ln_det_sigma = psi.iter().map(|p| p.ln()).sum::<f64>() + s.ln();
    let mut trace = 0.0;
    for i in 0..k {
        for j in 0..k {
            let inv = f64::from(u8::from(i == j)) / psi[i] - pl[i] * pl[j] / s;
            trace += inv * r[(j, i)];
        }
    }
    let f = ln_det_sigma - ln_det_r + trace - k as f64;
    res.fit.insert("ml_objective".into(), f);
    let df = ((k - 1) * (k - 1)) as f64 / 2.0 - (k + 1) as f64 / 2.0;
    if df > 0.0 {
        let n = res.n as f64;
        let stat = (n - 1.0 - (2.0 * k as f64 + 5.0) / 6.0 - 2.0 / 3.0) * f;
        res.fit.insert("chi2".into(), stat);
        res.fit.insert("chi2_df".into(), df);
        let p = crate::estimate::dist::chi2_sf(stat, df);
        if !p.is_nan() {
            res.fit.insert("chi2_p".into(), p);
        }
    }
}
