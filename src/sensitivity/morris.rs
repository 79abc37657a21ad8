//! Morris elementary effects (Morris 1991; mu* of Campolongo, Cariboni &
//! Saltelli 2007) from the outputs of a [`MorrisDesign`].
//!
//! Along a trajectory, the step that moves parameter i by ±Δ (unit cube)
//! gives the elementary effect `EE_i = (y_after - y_before) / (±Δ)`, the
//! change in output per unit of the parameter's normalised range. Over the
//! r trajectories: `mu = mean EE_i`, `mu* = mean |EE_i|`, `sigma` = the
//! sample standard deviation of `EE_i` (r - 1 denominator, as SALib).
//! Written here: no Rust crate implements the method.

use serde::Serialize;

use super::design::MorrisDesign;
use super::error::SensitivityError;

/// Screening measures of one parameter for one output.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MorrisIndex {
    /// Mean elementary effect `μ = (1/r) Σ_t EE_t`, EE = Δy / Δ (Morris 1991).
    pub mu: f64,
    /// Mean absolute elementary effect `μ* = (1/r) Σ_t |EE_t|` (Campolongo et al. 2007).
    pub mu_star: f64,
    /// Standard deviation of the elementary effects (interactions, non-linearity).
    pub sigma: f64,
}

/// Elementary-effect measures of every parameter from design-ordered
/// outputs `y` (row `t(k+1) + s`).
pub fn morris_indices(
    design: &MorrisDesign,
    y: &[f64],
) -> Result<Vec<MorrisIndex>, SensitivityError> {
    if y.len() != design.rows() {
        return Err(SensitivityError::RowCount {
            expected: design.rows(),
            got: y.len(),
        });
    }
    let k = design.k;
    let mut ee: Vec<Vec<f64>> = vec![Vec::with_capacity(design.trajectories); k];
    for t in 0..design.trajectories {
        let traj = design.trajectory(t);
        let ys = &y[t * (k + 1)..(t + 1) * (k + 1)];
        for (s, p) in traj.iter().enumerate().skip(1) {
            if let Some((i, step)) = p.moved {
                ee[i].push((ys[s] - ys[s - 1]) / step);
            }
        }
    }
    Ok(ee.iter().map(|e| measures(e)).collect())
}

fn measures(e: &[f64]) -> MorrisIndex {
    let r = e.len() as f64;
    let mu = e.iter().sum::<f64>() / r;
    let mu_star = e.iter().map(|x| x.abs()).sum::<f64>() / r;
    let ss: f64 = e.iter().map(|x| (x - mu) * (x - mu)).sum();
    let sigma = if e.len() > 1 {
        (ss / (r - 1.0)).sqrt()
    } else {
        f64::NAN
    };
    MorrisIndex { mu, mu_star, sigma }
}
