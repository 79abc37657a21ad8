//! Kernel (tricube, Gaussian) and local-linear matching by window sums
//! ([`KernelSums`]): O((n + m) log n), parallel over fixed groups of
//! targets, the same result for any number of threads.
//!
//! For a target at s, with u_j = (p_j - s) / h, K_j = K(u_j) and the
//! moments S_r = sum K_j u_j^r, T_r = sum K_j u_j^r Y~_j (Y~ = Y - mean Y of
//! the donors, added back at the end):
//!
//! * kernel: Y_hat = T_0 / S_0, w_ij = K_ij / S_0;
//! * local linear (Fan 1992): Y_hat = (S_2 T_0 - S_1 T_1) / (S_0 S_2 - S_1^2),
//!   w_ij = K_ij (a_i - u_ij b_i), a_i = S_2 / D_i, b_i = S_1 / D_i,
//!   D_i = S_0 S_2 - S_1^2; a target whose window holds fewer than two
//!   distinct scores (D_i <= 1e-12 S_0 S_2) is unmatched.
//!
//! Each donor's summed weight sum_i w_ij is the same kind of window sum seen
//! from the donor: with u' = (s_i - p_j) / h = -u_ij (K is symmetric),
//! sum_i K(u') a_i + sum_i K(u') u' b_i over the targets.
//!
//! A closed-form result is used when its error bound (from the moments'
//! bounds) is below [`TOL`] relative to 1 + |result|; otherwise that
//! target's window is summed directly.

use super::kernel_sums::{KernelSums, Moments};
use super::method::{Kernel, Method};

/// Largest error accepted from the closed form, relative to 1 + |value|.
const TOL: f64 = 1e-11;

/// One target's fit: the counterfactual and the coefficients of its donor
/// weights, w_ij = K_ij (a - u_ij b).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TargetFit {
    pub mean: f64,
    pub a: f64,
    pub b: f64,
}

/// Kernel and bandwidth of the methods this module handles.
pub(crate) fn handles(method: &Method) -> Option<(Kernel, f64, bool)> {
    match *method {
        Method::Kernel { kernel, bandwidth } => Some((kernel, bandwidth, false)),
        Method::LocalLinear { kernel, bandwidth } => Some((kernel, bandwidth, true)),
        _ => None,
    }
}

/// Fits of every target; `p` ascending with `y` aligned.
pub(crate) fn fits(
    targets: &[f64],
    p: &[f64],
    y: &[f64],
    method: &Method,
) -> Vec<Option<TargetFit>> {
    let Some((kernel, h, llr)) = handles(method) else {
        return vec![None; targets.len()];
    };
    let y_mean = y.iter().sum::<f64>() / y.len().max(1) as f64;
    let yc: Vec<f64> = y.iter().map(|v| v - y_mean).collect();
    let ones = vec![1.0; p.len()];
    let emax = if llr { 2 } else { 0 };
    let sums = KernelSums::new(p, vec![&ones, &yc], kernel, h, emax);
    let out = if llr {
        sums.map(
            targets,
            |m| local_linear(m, y_mean),
            |v| exact_llr(v, y_mean),
        )
    } else {
        sums.map(
            targets,
            |m| kernel_mean(m, y_mean),
            |v| exact_kernel(v, y_mean),
        )
    };
    out.into_iter().map(Option::flatten).collect()
}

/// Each donor's summed weight sum_i w_ij; `p` ascending.
pub(crate) fn donor_weights(
    targets: &[f64],
    fits: &[Option<TargetFit>],
    p: &[f64],
    method: &Method,
) -> Vec<f64> {
    let Some((kernel, h, llr)) = handles(method) else {
        return vec![0.0; p.len()];
    };
    let mut order: Vec<usize> = (0..targets.len()).collect();
    order.sort_unstable_by(|&a, &b| targets[a].total_cmp(&targets[b]).then(a.cmp(&b)));
    let s: Vec<f64> = order.iter().map(|&i| targets[i]).collect();
    let coef = |f: fn(&TargetFit) -> f64| -> Vec<f64> {
        order
            .iter()
            .map(|&i| fits[i].as_ref().map_or(0.0, f))
            .collect()
    };
    let (a, b) = (coef(|t| t.a), coef(|t| t.b));
    let emax = usize::from(llr);
    let sums = KernelSums::new(&s, vec![&a, &b], kernel, h, emax);
    let ne = emax + 1;
    let weight = |v: &[f64]| if llr { v[0] + v[ne + 1] } else { v[0] };
    let resolve = |m: &Moments| {
        let w = weight(&m.value);
        let err = if llr {
            m.err[0] + m.err[ne + 1]
        } else {
            m.err[0]
        };
        (err <= TOL * (1.0 + w.abs())).then_some(w)
    };
    sums.map(p, resolve, weight)
        .into_iter()
        .map(|w| w.unwrap_or(0.0))
        .collect()
}

/// Kernel mean from [S_0, T_0] (emax 0), if the bound allows.
fn kernel_mean(m: &Moments, y_mean: f64) -> Option<Option<TargetFit>> {
    let (mass, ky) = (m.value[0], m.value[1]);
    let (e_mass, e_ky) = (m.err[0], m.err[1]);
    if mass <= e_mass {
        return None;
    }
    let r = ky / mass;
    let ok =
        e_ky + r.abs() * e_mass <= TOL * (1.0 + (r + y_mean).abs()) * mass && e_mass <= TOL * mass;
    ok.then(|| exact_kernel(&m.value, y_mean))
}

fn exact_kernel(v: &[f64], y_mean: f64) -> Option<TargetFit> {
    let (mass, ky) = (v[0], v[1]);
    (mass > 0.0).then(|| TargetFit {
        mean: ky / mass + y_mean,
        a: 1.0 / mass,
        b: 0.0,
    })
}

/// Local-linear intercept from [S_0, S_1, S_2, T_0, T_1, T_2], if the bound
/// allows (including a clear side of the degeneracy threshold).
fn local_linear(m: &Moments, y_mean: f64) -> Option<Option<TargetFit>> {
    let (v, e) = (&m.value, &m.err);
    let (s0, s1, s2, t0, t1) = (v[0], v[1], v[2], v[3], v[4]);
    let den = s0 * s2 - s1 * s1;
    let e_den = e[0] * s2.abs() + s0.abs() * e[2] + 2.0 * s1.abs() * e[1];
    let cut = 1e-12 * s0 * s2;
    let e_cut = 1e-12 * (e[0] * s2.abs() + s0.abs() * e[2]);
    if (den - cut).abs() <= e_den + e_cut || s0 <= e[0] {
        return None;
    }
    if den < cut {
        return Some(None);
    }
    let r = (s2 * t0 - s1 * t1) / den;
    let e_num = e[2] * t0.abs() + s2.abs() * e[3] + e[1] * t1.abs() + s1.abs() * e[4];
    (e_num + r.abs() * e_den <= TOL * (1.0 + (r + y_mean).abs()) * den)
        .then(|| exact_llr(v, y_mean))
}

fn exact_llr(v: &[f64], y_mean: f64) -> Option<TargetFit> {
    let (s0, s1, s2, t0, t1) = (v[0], v[1], v[2], v[3], v[4]);
    let den = s0 * s2 - s1 * s1;
    if den.is_nan() || den <= 1e-12 * s0 * s2 {
        return None;
    }
    Some(TargetFit {
        mean: (s2 * t0 - s1 * t1) / den + y_mean,
        a: s2 / den,
        b: s1 / den,
    })
}
