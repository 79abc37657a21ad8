//! omega* against the information the engine realises (issue 30): a fixed
//! point of the weak-tie choice and the engine.
//!
//! The paper's migrant picks omega* against the mean-field information of
//! eq. (6) (here `m_T(omega)` over the stay, [`super::choice`]). The engine
//! delivers less: weak ties are two-sided, the graph is sparse, hometown
//! contacts already know the opening. With `zenou.realised_belief` each
//! status group g (outside / inside an enclave) believes it will get `b_g
//! m_T(omega)`, and `b_g` is made consistent with what the engine then
//! realises:
//!
//!   b_g  <-  realised_g / mean_{i in g} m_T(omega*_i(b_g)),
//!
//! `realised_g` the group's share holding good-job information at the
//! survey (`true_job_info`), iterated from `b = (1, 1)` with damping
//! [`DAMPING`] (`b <- b + DAMPING (target - b)`: on one cohort the realised
//! share is a noisy step function of omega*, and the undamped map can
//! cycle) until, for both groups, the belief used is within the Monte Carlo
//! tolerance of what it realised, `|realised_g / m_g - b_g| <= 2 se_g` with
//! `se_g = sqrt(r_g (1 - r_g) / n_g) / m_g` (binomial SE of the realised
//! share over the expected information), or `zenou.belief_iterations` runs.
//! A tolerance below that noise is never met: the map moves by its noise. A belief scales
//! the benefit of information, so it acts as `y` and `s` scaled by `b_g`
//! in the first-order condition `b_g m_T'(omega) (y - s x) = C_omega`.

use super::choice::OmegaTable;
use super::config::Config;
use super::population::Population;
use super::world::{self, Inputs};
use crate::studies::StudyError;

/// Monte Carlo SEs of the map's value within which a belief is a fixed
/// point.
pub const TOL_SE: f64 = 2.0;
/// Share of the step towards the map's value taken at each iteration.
pub const DAMPING: f64 = 0.5;
/// Smallest belief (a group that realises no information still values it a
/// little, which keeps `y > s` in the choice model).
const FLOOR: f64 = 0.05;

/// The fixed point reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Belief {
    /// `b_g`, outside and inside an enclave.
    pub scale: [f64; 2],
    /// Mean `m_T(omega*)` of each group at the final omega*.
    pub expected: [f64; 2],
    /// Each group's realised share with good-job information.
    pub realised: [f64; 2],
    /// The convergence tolerance on each belief, `TOL_SE se_g`.
    pub tolerance: [f64; 2],
    /// Engine runs taken.
    pub iterations: usize,
    /// Whether both beliefs are within their tolerance.
    pub converged: bool,
}

fn group_means(v: impl Iterator<Item = (f64, bool)>) -> [f64; 2] {
    let mut s = [0.0; 2];
    let mut c = [0usize; 2];
    for (x, g) in v {
        s[usize::from(g)] += x;
        c[usize::from(g)] += 1;
    }
    [0, 1].map(|k| {
        if c[k] > 0 {
            s[k] / c[k] as f64
        } else {
            f64::NAN
        }
    })
}

/// Solve the fixed point for the statuses `enclave`; returns the omega*
/// table at the beliefs reached.
pub fn solve(
    cfg: &Config,
    pop: &Population,
    enclave: &[bool],
    base: &[f64],
    seed: u64,
) -> Result<(OmegaTable, Belief), StudyError> {
    let mut scale = [1.0, 1.0];
    let mut table = OmegaTable::believing(cfg, scale)?;
    let mut out = Belief {
        scale,
        expected: [f64::NAN; 2],
        realised: [f64::NAN; 2],
        tolerance: [f64::NAN; 2],
        iterations: 0,
        converged: false,
    };
    for it in 1..=cfg.zenou.belief_iterations {
        let inputs = Inputs {
            cfg,
            pop,
            omega_table: &table,
            base,
            seed,
        };
        let run = world::run(&inputs, enclave);
        let realised = group_means(
            run.jobs
                .job
                .iter()
                .zip(enclave)
                .map(|(&j, &g)| (f64::from(u8::from(j)), g)),
        );
        let expected = group_means(
            pop.cov[3]
                .iter()
                .zip(enclave)
                .map(|(&edu, &g)| (table.expected(edu, g), g)),
        );
        let counts = [false, true].map(|g| enclave.iter().filter(|&&e| e == g).count());
        let target = [0, 1].map(|k| {
            let b = realised[k] / expected[k];
            if b.is_finite() {
                b.max(FLOOR)
            } else {
                f64::NAN
            }
        });
        let tolerance = [0, 1].map(|k| {
            let r = realised[k];
            TOL_SE * (r * (1.0 - r) / counts[k].max(1) as f64).sqrt() / expected[k]
        });
        out.expected = expected;
        out.realised = realised;
        out.tolerance = tolerance;
        out.iterations = it;
        out.scale = scale;
        let within =
            (0..2).all(|k| !target[k].is_finite() || (target[k] - scale[k]).abs() <= tolerance[k]);
        if within {
            // The belief used is consistent with what it realised: keep it
            // (and its table, whose run the caller repeats).
            out.converged = true;
            break;
        }
        scale = [0, 1].map(|k| {
            if target[k].is_finite() {
                scale[k] + DAMPING * (target[k] - scale[k])
            } else {
                scale[k]
            }
        });
        table = OmegaTable::believing(cfg, scale)?;
        out.scale = scale;
    }
    Ok((table, out))
}
