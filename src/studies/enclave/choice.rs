//! The two choices of a migrant: living in an enclave (a probit in the
//! location quotient, household factors, ability, city and year) and, given
//! the enclave degree x, the weak-tie share omega* of the Zenou choice
//! (`zenou::choice`: max over omega of `e*(omega) (y - s x) - C(omega, x)`).

use super::config::Config;
use super::population::{Population, aligned_intercept};
use crate::studies::StudyError;
use crate::zenou::choice::{ChoiceModel, Cost};

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

/// Years of schooling are integers 0..=16 (clipped by the population).
const EDU_LEVELS: usize = 17;

/// omega* by years of schooling (through the income `y = y0 exp(y_edu (edu - 9))`)
/// and enclave status.
#[derive(Debug, Clone)]
pub struct OmegaTable {
    /// `[edu][0]` outside an enclave, `[edu][1]` inside.
    omega: Vec<[f64; 2]>,
}

impl OmegaTable {
    /// Solve the choice problem for each schooling level and status, with the
    /// policy's information rate and cost slope.
    pub fn new(cfg: &Config) -> Result<Self, StudyError> {
        let z = &cfg.zenou;
        let lambda = z.lambda * cfg.policy.platform_lambda_mult;
        let cost = Cost {
            c0: z.c0,
            c1: z.c1 * cfg.policy.weak_tie_cost_mult,
        };
        let omega = (0..EDU_LEVELS)
            .map(|edu| {
                let y = z.y0 * (z.y_edu * (edu as f64 - 9.0)).exp();
                let model = ChoiceModel::new(lambda, z.delta, y, z.s, cost)?;
                Ok([
                    model.best_omega(cfg.network.x_other)?.omega,
                    model.best_omega(cfg.network.x_enclave)?.omega,
                ])
            })
            .collect::<Result<_, StudyError>>()?;
        Ok(Self { omega })
    }

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
