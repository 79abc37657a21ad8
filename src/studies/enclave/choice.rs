//! The two choices of a migrant: living in an enclave (a probit in the
//! location quotient, household factors, ability, city and year) and, given
//! the enclave degree x, the weak-tie share omega* of the Zenou choice.
//!
//! omega* is chosen against the information the migrant expects over his
//! stay (`zenou::horizon`): max over omega of `m_T(omega) (y - s x) -
//! C(omega, x)`, with `m_T = e* + (p0 - e*) (1 - exp(-k T)) / (k T)` the mean
//! probability of being up over `[0, T]` from the entry state `p0 =
//! zenou.initial_up`, `k = delta / (1 - e*)`, and `T` the expected years in
//! the city, `E min(1 + floor(G), M) = 1 + sum_{k=1}^{M-1} P(G >= k)` with
//! `G ~ Gamma(2, years_scale)`, `P(G >= k) = exp(-k / s) (1 + k / s)` and
//! `M = max_years` (7.4 years at the defaults). `zenou.finite_stay = false`
//! gives the steady-state choice of the paper (`e*` in place of `m_T`,
//! `zenou::choice`).

use super::config::Config;
use super::population::{Population, aligned_intercept};
use crate::studies::StudyError;
use crate::zenou::analytic::e_star;
use crate::zenou::choice::{ChoiceModel, Cost};
use crate::zenou::horizon::{Stay, mean_up};

/// Who chose an enclave and who lives in one after the dispersal policy.
#[derive(Debug, Clone)]
pub struct EnclaveStatus {
    /// `1{z > 0}` with `z = intercept + lq (LQ - 1) + ability a + city d_c +
    /// year_2017 + x'b + u`.
    pub chosen: Vec<bool>,
    /// Chose an enclave and took the dispersed-housing offer.
    pub dispersed: Vec<bool>,
    /// Lives in an enclave at the survey.
    pub enclave: Vec<bool>,
}

/// Enclave choice and dispersal of every migrant.
pub fn enclave_status(cfg: &Config, pop: &Population) -> EnclaveStatus {
    let e = &cfg.enclave_choice;
    let coefs = e.household.pairs();
    let rest: Vec<f64> = (0..pop.n)
        .map(|i| {
            e.lq * (pop.lq[i] - 1.0)
                + e.ability * pop.ability[i]
                + e.city * pop.city_effect[pop.city[i] as usize]
                + if pop.year_2017[i] { e.year_2017 } else { 0.0 }
                + pop.index(&coefs, i)
                + pop.choice_noise[i]
        })
        .collect();
    let intercept = if e.align {
        aligned_intercept(&rest, e.target_share)
    } else {
        e.intercept
    };
    let chosen: Vec<bool> = rest.iter().map(|r| intercept + r > 0.0).collect();
    let dispersed: Vec<bool> = chosen
        .iter()
        .zip(&pop.u_dispersal)
        .map(|(&c, &u)| c && u < cfg.policy.dispersal_share)
        .collect();
    let enclave = chosen
        .iter()
        .zip(&dispersed)
        .map(|(&c, &d)| c && !d)
        .collect();
    EnclaveStatus {
        chosen,
        dispersed,
        enclave,
    }
}

/// Expected years in the city of the population's draw `min(1 +
/// floor(G), max_years)`, `G ~ Gamma(2, scale)`: `1 + sum_{k=1}^{max - 1}
/// exp(-k / scale) (1 + k / scale)` (the age cap, rarely binding, ignored).
pub fn expected_years(scale: f64, max_years: usize) -> f64 {
    1.0 + (1..max_years)
        .map(|k| {
            let u = k as f64 / scale;
            (-u).exp() * (1.0 + u)
        })
        .sum::<f64>()
}

/// Years of schooling are integers 0..=16 (clipped by the population).
const EDU_LEVELS: usize = 17;

/// omega* by years of schooling (through the income `y = y0 exp(y_edu (edu - 9))`)
/// and enclave status.
#[derive(Debug, Clone)]
pub struct OmegaTable {
    /// `[edu][0]` outside an enclave, `[edu][1]` inside.
    omega: Vec<[f64; 2]>,
    /// `m_T(omega*)` (or `e*(omega*)`), same layout.
    expected: Vec<[f64; 2]>,
}

impl OmegaTable {
    /// Solve the choice problem for each schooling level and status, with the
    /// policy's information rate and cost slope.
    pub fn new(cfg: &Config) -> Result<Self, StudyError> {
        Self::believing(cfg, [1.0, 1.0])
    }

    /// The choice when a migrant outside (`belief[0]`) or inside
    /// (`belief[1]`) an enclave believes the information he will get is
    /// `belief` times the model's `m_T(omega)`: `max_omega belief m_T(omega)
    /// (y - s x) - C(omega, x)`, i.e. the model with `y` and `s` scaled by
    /// the belief (`super::belief`, omega* against the engine's realised
    /// information). `[1, 1]` is the model's own expectation.
    pub fn believing(cfg: &Config, belief: [f64; 2]) -> Result<Self, StudyError> {
        let z = &cfg.zenou;
        let lambda = z.lambda * cfg.policy.platform_lambda_mult;
        let cost = Cost {
            c0: z.c0,
            c1: z.c1 * cfg.policy.weak_tie_cost_mult,
        };
        let stay = if z.finite_stay {
            Some(Stay::new(
                z.initial_up,
                expected_years(z.years_scale, z.max_years),
            )?)
        } else {
            None
        };
        let mut omega = Vec::with_capacity(EDU_LEVELS);
        let mut expected = Vec::with_capacity(EDU_LEVELS);
        for edu in 0..EDU_LEVELS {
            let y = z.y0 * (z.y_edu * (edu as f64 - 9.0)).exp();
            let mut w = [0.0; 2];
            let mut m = [0.0; 2];
            for (k, x) in [cfg.network.x_other, cfg.network.x_enclave]
                .into_iter()
                .enumerate()
            {
                let model =
                    ChoiceModel::new(lambda, z.delta, belief[k] * y, belief[k] * z.s, cost)?;
                let best = match stay {
                    Some(stay) => model.best_omega_over(x, stay)?,
                    None => model.best_omega(x)?,
                };
                w[k] = best.omega;
                let r = z.delta / lambda;
                m[k] = match stay {
                    Some(stay) => mean_up(r, z.delta, best.omega, stay),
                    None => e_star(r, best.omega),
                };
            }
            omega.push(w);
            expected.push(m);
        }
        Ok(Self { omega, expected })
    }

    /// The model's expected information at omega* (`m_T(omega*)`, or
    /// `e*(omega*)` in the steady-state choice), before any belief scaling.
    pub fn expected(&self, edu_years: f64, enclave: bool) -> f64 {
        let k = (edu_years.round().max(0.0) as usize).min(EDU_LEVELS - 1);
        self.expected[k][usize::from(enclave)]
    }

    /// The job-arrival rate ω at `edu_years` (rounded, clamped to the table) with or without an enclave job.
    pub fn get(&self, edu_years: f64, enclave: bool) -> f64 {
        let k = (edu_years.round().max(0.0) as usize).min(EDU_LEVELS - 1);
        self.omega[k][usize::from(enclave)]
    }

    /// omega* of every migrant under the enclave statuses `enclave`.
    pub fn omegas(&self, pop: &Population, enclave: &[bool]) -> Vec<f64> {
        pop.cov[3]
            .iter()
            .zip(enclave)
            .map(|(&edu, &e)| self.get(edu, e))
            .collect()
    }
}
