//! The enclave study's configuration, with defaults calibrated to
//! STUDIES.md (study "enclave": Table 1, Table 2 col. 5, N = 7,762).
//!
//! Calibration is by design of the mechanism: covariate marginals are the
//! Table 1 "all" means; the enclave-choice coefficients are set so that the
//! probit selection reproduces the Table 1 enclave / non-enclave differences
//! (for a covariate with variance v_k and a latent index of total sd
//! sigma_z ~ 1.15, the selected-group difference is about
//! `a_k v_k / sigma_z * phi(tau) / (p (1 - p))` with p = 0.207, i.e.
//! `a_k = diff_k * 0.66 / v_k`); the outcome coefficients are the Table 2
//! col. 5 AMEs divided by `phi_bar / sigma_v = 0.36 / 1.2` (mean probit
//! density over the sd of the latent terms the survey probit omits); the
//! Zenou rates, costs and the job-information loading are chosen so that the
//! mechanism (not an enclave coefficient) produces an enclave gap near the
//! published one. Intercepts are set so that the enclave share is 0.207 and
//! the share up 0.65.

use serde::{Deserialize, Serialize};

use super::super::StudyError;

/// One coefficient per Table 1 covariate (same names as the cohort columns).
macro_rules! covariate_effects {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident = $val:expr),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct $name {
            $($(#[$fdoc])* pub $field: f64,)*
        }

        impl Default for $name {
            fn default() -> Self {
                Self { $($field: $val,)* }
            }
        }

        impl $name {
            /// `(column name, coefficient)` in cohort column order.
            pub fn pairs(&self) -> Vec<(&'static str, f64)> {
                vec![$((stringify!($field), self.$field),)*]
            }
        }
    };
}

covariate_effects!(
    /// Enclave-choice coefficients on centred covariates (probit index units
    /// per covariate unit): `diff_k * 0.66 / v_k` with the Table 1 difference
    /// (enclave minus non-enclave) and the variance the population draws.
    ChoiceEffects {
        /// Enclave-choice coefficient of being male.
        male = 0.018 * 0.66 / 0.246,
        /// Enclave-choice coefficient of age (per year).
        age = 0.133 * 0.66 / 100.0,
        /// Enclave-choice coefficient of being married.
        married = 0.017 * 0.66 / 0.174,
        /// Enclave-choice coefficient of years of schooling.
        edu_years = -0.374 * 0.66 / 7.92,
        /// Enclave-choice coefficient of good health.
        healthy = -0.038 * 0.66 / 0.148,
        /// Enclave-choice coefficient of non-farm work before migrating.
        nonfarm = 0.006 * 0.66 / 0.0347,
        /// Enclave-choice coefficient of household size (per person).
        hh_size = -0.183 * 0.66 / 1.453,
        /// Enclave-choice coefficient of log household income.
        ln_hh_income = 0.040 * 0.66 / 0.64,
        /// Enclave-choice coefficient of farmland transferred out.
        land_transfer = -0.002 * 0.66 / 0.221,
        /// Enclave-choice coefficient of the home village's labour-outflow share.
        village_outflow = 0.017 * 0.66 / 0.04,
        /// Enclave-choice coefficient of log distance to the nearest boarding middle school.
        ln_school_dist = -0.098 * 0.66 / 0.81,
    }
);

covariate_effects!(
    /// Direct covariate effects on the mobility index: Table 2 col. 5 AMEs
    /// times `sigma_v / phi_bar = 1.2 / 0.36`.
    OutcomeEffects {
        /// Direct effect on the mobility index of being male.
        male = -0.024 / 0.30,
        /// Direct effect on the mobility index of age (per year).
        age = 0.003 / 0.30,
        /// Direct effect on the mobility index of being married.
        married = -0.042 / 0.30,
        /// Direct effect on the mobility index of years of schooling.
        edu_years = 0.005 / 0.30,
        /// Direct effect on the mobility index of good health.
        healthy = 0.004 / 0.30,
        /// Direct effect on the mobility index of non-farm work before migrating.
        nonfarm = -0.071 / 0.30,
        /// Direct effect on the mobility index of household size (per person).
        hh_size = 0.067 / 0.30,
        /// Direct effect on the mobility index of log household income.
        ln_hh_income = -0.004 / 0.30,
        /// Direct effect on the mobility index of farmland transferred out.
        land_transfer = -0.025 / 0.30,
        /// Direct effect on the mobility index of the home village's labour-outflow share.
        village_outflow = -0.042 / 0.30,
        /// Direct effect on the mobility index of log distance to the nearest boarding middle school.
        ln_school_dist = -0.002 / 0.30,
    }
);

/// Provinces, cities, years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Geography {
    /// 9 home provinces (STUDIES.md, RUMiC).
    pub provinces: usize,
    /// Number of destination cities (15 in RUMiC).
    pub cities: usize,
    /// sd of log province sizes.
    pub province_size_sd: f64,
    /// sd of log city sizes.
    pub city_size_sd: f64,
    /// sd of the log province-city affinity (gravity of nearby cities); sets
    /// the spread of the location quotients (LQ from about 0.3 to 3).
    pub affinity_sd: f64,
    /// Share surveyed in 2017 (pooled 2016-2017 waves of similar size).
    pub year_2017_share: f64,
}

impl Default for Geography {
    fn default() -> Self {
        Self {
            provinces: 9,
            cities: 15,
            province_size_sd: 0.4,
            city_size_sd: 0.5,
            affinity_sd: 0.8,
            year_2017_share: 0.5,
        }
    }
}

/// Marginal distributions of the Table 1 covariates ("all" column means;
/// sds where the paper gives none are typical RUMiC values, stated here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Covariates {
    /// Share of men among migrants (Table 1: 0.562).
    pub male: f64,
    /// Mean age of migrants in years (Table 1).
    pub age_mean: f64,
    /// SD of age in years (assumed; not in the paper).
    pub age_sd: f64,
    /// Share of migrants who are married (Table 1).
    pub married: f64,
    /// Mean years of schooling (Table 1).
    pub edu_mean: f64,
    /// SD of years of schooling (assumed); draws are rounded and clipped to 0..=16.
    pub edu_sd: f64,
    /// Share of migrants in good health (Table 1).
    pub healthy: f64,
    /// Share of migrants who did non-farm work before migrating (Table 1).
    pub nonfarm: f64,
    /// Household size is 1 + Poisson(mean - 1).
    pub hh_size_mean: f64,
    /// Mean log household income, log yuan (Table 1).
    pub ln_income_mean: f64,
    /// SD of log household income (assumed).
    pub ln_income_sd: f64,
    /// Share of households whose farmland is transferred out (Table 1).
    pub land_transfer: f64,
    /// Mean share of the home village's labour working away; the share is
    /// Beta with this mean and `outflow_sd`.
    pub outflow_mean: f64,
    /// SD of the home village's labour-outflow share (assumed).
    pub outflow_sd: f64,
    /// Mean log distance in km from the home village to the nearest boarding middle school (Table 1).
    pub ln_dist_mean: f64,
    /// SD of the log distance to the nearest boarding middle school (assumed).
    pub ln_dist_sd: f64,
}

impl Default for Covariates {
    fn default() -> Self {
        Self {
            male: 0.562,
            age_mean: 36.764,
            age_sd: 10.0,
            married: 0.775,
            edu_mean: 8.904,
            edu_sd: 2.8,
            healthy: 0.819,
            nonfarm: 0.036,
            hh_size_mean: 2.453,
            ln_income_mean: 8.624,
            ln_income_sd: 0.8,
            land_transfer: 0.331,
            outflow_mean: 0.618,
            outflow_sd: 0.2,
            ln_dist_mean: 1.788,
            ln_dist_sd: 0.9,
        }
    }
}

/// Endogenous enclave choice: `enclave = 1{z > 0}`,
/// `z = intercept + lq (LQ - 1) + ability a + city d_c + year_2017 + x'b + u`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EnclaveChoice {
    /// Sets the enclave share to 0.207 (Table 1: 1,609 of 7,762).
    pub intercept: f64,
    /// Location quotient of the home province in the city (eq. 13), the
    /// exclusion restriction: more fellow provincials, more enclaves.
    /// Default 0.05, the scale of Table 5's first stage (0.007 per LQ unit
    /// in the published probit; `migsim calibrate enclave --free
    /// enclave_choice.lq` gives 0.051 +- 0.008); 0.35 before put the
    /// first-stage row 40 published SE above 0.007.
    pub lq: f64,
    /// Unobserved ability: able migrants rely less on fellow villagers.
    /// Probit index units per SD of ability; default -0.1 (assumed, not
    /// published). With `outcome.ability` it is the selection on
    /// unobservables that biases the naive estimators: a swept assumption
    /// (scenarios/recovery/sweep_enclave_ability_x*.toml scale both).
    pub ability: f64,
    /// City dynamism `d_c`: fewer enclaves in dynamic cities (city FE move
    /// the AME from -0.053 to -0.030, Table 2 cols 2-3).
    pub city: f64,
    /// 2017 wave (year FE move the AME from -0.030 to -0.035, cols 3 and 5).
    pub year_2017: f64,
    /// Effects of the Table 1 covariates on the enclave choice.
    pub household: ChoiceEffects,
    /// Align the intercept on each drawn geography so that exactly
    /// `target_share` of the cohort chooses an enclave (microsimulation
    /// alignment; `intercept` is then unused). Without it the share moves
    /// with the seed's geography (between-seed SD 0.02-0.03 at N = 7,762).
    pub align: bool,
    /// Enclave share the alignment hits (Table 1: 1,609 of 7,762 = 0.207).
    pub target_share: f64,
}

impl Default for EnclaveChoice {
    fn default() -> Self {
        Self {
            intercept: -1.01,
            // Calibrated by `migsim calibrate enclave --seed 3 --reps 16` (default
            // targets and free set, N = 7,762; 2026-11-30): Q 23.4 -> 0.39, J = 8.62
            // (df 1, p = 0.003), D = 21.7 on 5 df against the hand-set values
            // (p < 0.001). Estimate (SE): lq 0.0235 (0.0078), city -0.194 (0.104).
            lq: 0.0235,
            ability: -0.1,
            city: -0.194,
            year_2017: -0.1,
            household: ChoiceEffects::default(),
            align: true,
            target_share: 0.207,
        }
    }
}

/// `network.source` of the generated weak-tie graph.
pub const GENERATED: &str = "generated";

/// Weak-tie graph and enclave degree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Network {
    /// Weak ties each migrant forms (mean degree about twice this).
    pub stubs: usize,
    /// Share of an enclave resident's weak ties to fellow provincials in the
    /// city; with `homophily_other` it sets the Table 8 (1) gap in the
    /// ascribed-network share (0.197).
    pub homophily_enclave: f64,
    /// Share of a non-resident's weak ties to fellow provincials in the city.
    pub homophily_other: f64,
    /// Redundancy of hometown information `rho`: a weak-tie contact j in
    /// the speaker's own hometown group already knows the opening passed
    /// with probability `rho a_j`, `a_j` the share of j's weak ties inside
    /// the group (`studies::enclave::mechanism`), so it brings nothing new;
    /// 0 makes hometown information as new as any other. Default 1 (design
    /// choice, not published): j knows the opening when the weak tie he last
    /// talked with is a fellow provincial.
    pub hometown_redundancy: f64,
    /// Enclave degree x of enclave residents (the paper's x in [0, 1]).
    pub x_enclave: f64,
    /// Enclave degree x of migrants who live outside an enclave.
    pub x_other: f64,
    /// Where the weak-tie graph comes from: `generated` (the stubs and
    /// homophily above) or `edges:FILE.csv` (a measured graph, path relative
    /// to the working directory; node k is migrant k, as many nodes as `n`;
    /// the graph then does not change with enclave status).
    pub source: String,
}

impl Default for Network {
    fn default() -> Self {
        Self {
            stubs: 3,
            // Calibrated by `migsim calibrate enclave --seed 3 --reps 16` (default
            // targets and free set, N = 7,762; 2026-11-30): Q 23.4 -> 0.39, J = 8.62
            // (df 1, p = 0.003), D = 21.7 on 5 df against the hand-set values
            // (p < 0.001). Estimate (SE): 0.760 (0.023).
            homophily_enclave: 0.760,
            homophily_other: 0.3,
            hometown_redundancy: 1.0,
            x_enclave: 1.0,
            x_other: 0.0,
            source: GENERATED.into(),
        }
    }
}

/// The Zenou engine and the weak-tie choice (time unit: a year).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Zenou {
    /// Good-job information rate of an up migrant.
    pub lambda: f64,
    /// Rate of falling back; `delta / lambda = 0.4` gives e*(1) = 0.6.
    pub delta: f64,
    /// Share up at arrival (information already held in the community).
    pub initial_up: f64,
    /// Income from being up at 9 years of schooling.
    pub y0: f64,
    /// Log income gain per year of schooling.
    pub y_edu: f64,
    /// Living cost per unit of enclave degree (`y - s x`).
    pub s: f64,
    /// Weak-tie cost `C = (c0 + c1 x) omega^2 / 2`; with r = 0.4, y = 1,
    /// s = 0.2 they give omega* = 0.54 outside and 0.36 inside an enclave in
    /// the steady state, and (cohort means) 0.53 and 0.34 over the expected
    /// 7.4-year stay from `initial_up` (`finite_stay`).
    pub c0: f64,
    /// Enclave slope of the weak-tie cost: each unit of enclave degree x adds c1 to the cost coefficient `c0 + c1 x`.
    pub c1: f64,
    /// Years in the city: 1 + floor(Gamma(2, years_scale)), capped.
    pub years_scale: f64,
    /// Cap on the drawn years in the city (a scenario's `horizon` sets it).
    pub max_years: usize,
    /// omega* maximises the information expected over the stay (the mean
    /// probability up over the expected years in the city from the entry
    /// state `initial_up`, `zenou::horizon`); false: over the steady state
    /// e* alone, as in the paper's derivation.
    pub finite_stay: bool,
    /// omega* against the information the engine realises: each status
    /// group's belief `b_g` scales `m_T(omega)` and is solved as a fixed
    /// point with the engine (`studies::enclave::belief`); false: against
    /// the model's own `m_T` (b = 1), as in the paper.
    pub realised_belief: bool,
    /// Engine runs the fixed point may take (1 to 50).
    pub belief_iterations: usize,
}

impl Default for Zenou {
    fn default() -> Self {
        Self {
            lambda: 0.6,
            delta: 0.24,
            initial_up: 0.2,
            y0: 1.0,
            y_edu: 0.03,
            s: 0.2,
            c0: 0.5,
            c1: 1.0,
            years_scale: 3.5,
            max_years: 20,
            finite_stay: true,
            realised_belief: false,
            belief_iterations: 20,
        }
    }
}

/// Upward mobility: `up = 1{intercept + job J + ability a + city d_c +
/// year_2017 + x'b + e > 0}` with J the engine's job state at the survey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Outcome {
    /// Sets the share up to 0.650.
    pub intercept: f64,
    /// Loading of the good-job state reached through the network.
    pub job: f64,
    /// Probit index units per SD of unobserved ability; default 0.3
    /// (assumed). Swept with `enclave_choice.ability` by
    /// scenarios/recovery/sweep_enclave_ability_x*.toml.
    pub ability: f64,
    /// Shift of the upward-mobility index in a dynamic city (city dynamism `d_c`).
    pub city: f64,
    /// Shift of the upward-mobility index in the 2017 survey wave.
    pub year_2017: f64,
    /// Effects of the Table 1 covariates on the upward-mobility index.
    pub effects: OutcomeEffects,
}

impl Default for Outcome {
    fn default() -> Self {
        Self {
            // Calibrated by `migsim calibrate enclave --seed 3 --reps 16` (default
            // targets and free set, N = 7,762; 2026-11-30): Q 23.4 -> 0.39, J = 8.62
            // (df 1, p = 0.003), D = 21.7 on 5 df against the hand-set values
            // (p < 0.001). Estimate (SE): intercept 0.135 (0.181), job 2.37 (6.05;
            // weakly pinned by the targets).
            intercept: 0.135,
            job: 2.37,
            ability: 0.3,
            city: 0.25,
            year_2017: -0.15,
            effects: OutcomeEffects::default(),
        }
    }
}

/// Measurement of the survey's mechanism variables (Table 8, 9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Survey {
    /// sd of the reporting error of the ascribed-network share (Table 8 (1)
    /// R^2 = 0.135 with a 0.197 gap implies a total sd near 0.22).
    pub ascribed_noise: f64,
    /// Share of first jobs (held by migrants whose good job did not come
    /// through a tie in the city during the run) found through family and
    /// friends (assumed; the engine starts after the first job). Every other
    /// `job_via_network` answer is the engine's record of the tie that passed
    /// the job: strong tie or hometown weak tie. Default 0.85: most rural
    /// migrants' first urban job comes through kin and fellow villagers;
    /// with the record it puts Table 8 (4) at about -0.09 (published
    /// -0.144) and (3) near 0.05, neither a target.
    pub first_job_network: f64,
    /// Share of migrants not up who changed job at the same level.
    pub horizontal_if_not_up: f64,
    /// Mean log savings at the mean log household income.
    pub savings_mean: f64,
    /// Slope of log savings on log household income.
    pub savings_income: f64,
    /// SD of the noise in log savings.
    pub savings_sd: f64,
}

impl Default for Survey {
    fn default() -> Self {
        Self {
            ascribed_noise: 0.12,
            first_job_network: 0.85,
            horizontal_if_not_up: 0.25,
            savings_mean: 7.0,
            savings_income: 0.6,
            savings_sd: 1.2,
        }
    }
}

/// How much of the truth to compute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TruthSettings {
    /// Compute potential outcomes and effects (costs `passes + 2` more
    /// engine runs).
    pub potential_outcomes: bool,
    /// Direct effects: agents are split at random into this many subsets and
    /// each pass flips one subset's enclave status (1/passes of the agents,
    /// so spillovers on the flipped are of order 1/passes of `ate_total -
    /// ate_direct`).
    pub passes: usize,
}

impl Default for TruthSettings {
    fn default() -> Self {
        Self {
            potential_outcomes: true,
            passes: 10,
        }
    }
}

/// Interventions; the defaults mean no policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    /// A job-information platform multiplies the information rate lambda.
    pub platform_lambda_mult: f64,
    /// Share of enclave residents offered and taking dispersed housing: they
    /// leave the enclave (x and weak-tie homophily of non-residents).
    pub dispersal_share: f64,
    /// Multiplies the weak-tie cost slope c1.
    pub weak_tie_cost_mult: f64,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            platform_lambda_mult: 1.0,
            dispersal_share: 0.0,
            weak_tie_cost_mult: 1.0,
        }
    }
}

/// The enclave study's configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Migrants surveyed (N = 7,762); must be even (dyads).
    pub n: usize,
    /// A user's sample: a CSV file whose Table 1 covariate columns (male,
    /// age, edu_years, ...) replace the drawn ones, one migrant per row (as
    /// many rows as `n`); empty: every covariate drawn.
    pub population: String,
    /// Provinces, cities, dyads and the survey waves.
    pub geography: Geography,
    /// Table 1 covariates: shares, means and spreads.
    pub covariates: Covariates,
    /// The choice of an enclave job.
    pub enclave_choice: EnclaveChoice,
    /// The weak-tie graph.
    pub network: Network,
    /// The Zenou dyad model of job search.
    pub zenou: Zenou,
    /// The upward-mobility outcome.
    pub outcome: Outcome,
    /// The survey's measurement.
    pub survey: Survey,
    /// How the true effects are computed.
    pub truth: TruthSettings,
    /// The policy levers scenarios set.
    pub policy: Policy,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            n: 7762,
            population: String::new(),
            geography: Geography::default(),
            covariates: Covariates::default(),
            enclave_choice: EnclaveChoice::default(),
            network: Network::default(),
            zenou: Zenou::default(),
            outcome: Outcome::default(),
            survey: Survey::default(),
            truth: TruthSettings::default(),
            policy: Policy::default(),
        }
    }
}

fn need(ok: bool, key: &str, reason: &str) -> Result<(), StudyError> {
    if ok {
        Ok(())
    } else {
        Err(StudyError::invalid(key, reason))
    }
}

fn share(v: f64, key: &str) -> Result<(), StudyError> {
    need((0.0..=1.0).contains(&v), key, "a share in [0, 1]")
}

fn positive(v: f64, key: &str) -> Result<(), StudyError> {
    need(v > 0.0 && v.is_finite(), key, "a finite number > 0")
}

fn finite(v: f64, key: &str) -> Result<(), StudyError> {
    need(v.is_finite(), key, "a finite number")
}

impl Config {
    /// Check every parameter; the error names the key.
    pub fn validate(&self) -> Result<(), StudyError> {
        let n_ok = self.n >= 200 && self.n.is_multiple_of(2) && self.n < u32::MAX as usize;
        need(
            n_ok,
            "n",
            "an even number of migrants in 200..4294967294 (dyads)",
        )?;
        let g = &self.geography;
        need(g.provinces >= 2, "geography.provinces", "at least 2")?;
        need(g.cities >= 2, "geography.cities", "at least 2")?;
        for (v, k) in [
            (g.province_size_sd, "geography.province_size_sd"),
            (g.city_size_sd, "geography.city_size_sd"),
            (g.affinity_sd, "geography.affinity_sd"),
        ] {
            need(v >= 0.0 && v.is_finite(), k, "a finite sd >= 0")?;
        }
        share(g.year_2017_share, "geography.year_2017_share")?;
        let p = &self.policy;
        positive(p.platform_lambda_mult, "policy.platform_lambda_mult")?;
        share(p.dispersal_share, "policy.dispersal_share")?;
        positive(p.weak_tie_cost_mult, "policy.weak_tie_cost_mult")?;
        self.validate_covariates()?;
        self.validate_mechanism()?;
        need(self.truth.passes >= 2, "truth.passes", "at least 2 subsets")
    }

    fn validate_covariates(&self) -> Result<(), StudyError> {
        let c = &self.covariates;
        for (v, k) in [
            (c.male, "covariates.male"),
            (c.married, "covariates.married"),
            (c.healthy, "covariates.healthy"),
            (c.nonfarm, "covariates.nonfarm"),
            (c.land_transfer, "covariates.land_transfer"),
        ] {
            share(v, k)?;
        }
        for (v, k) in [
            (c.age_sd, "covariates.age_sd"),
            (c.edu_sd, "covariates.edu_sd"),
            (c.ln_income_sd, "covariates.ln_income_sd"),
            (c.ln_dist_sd, "covariates.ln_dist_sd"),
        ] {
            positive(v, k)?;
        }
        for (v, k) in [
            (c.age_mean, "covariates.age_mean"),
            (c.edu_mean, "covariates.edu_mean"),
            (c.ln_income_mean, "covariates.ln_income_mean"),
            (c.ln_dist_mean, "covariates.ln_dist_mean"),
        ] {
            finite(v, k)?;
        }
        need(
            c.hh_size_mean >= 1.0 && c.hh_size_mean.is_finite(),
            "covariates.hh_size_mean",
            "a mean household size >= 1",
        )?;
        let m = c.outflow_mean;
        need(
            m > 0.0 && m < 1.0 && c.outflow_sd > 0.0 && c.outflow_sd * c.outflow_sd < m * (1.0 - m),
            "covariates.outflow_mean/outflow_sd",
            "a mean in (0, 1) and sd^2 < mean (1 - mean) (a Beta distribution)",
        )
    }

    fn validate_mechanism(&self) -> Result<(), StudyError> {
        let e = &self.enclave_choice;
        for (v, k) in [
            (e.intercept, "enclave_choice.intercept"),
            (e.lq, "enclave_choice.lq"),
            (e.ability, "enclave_choice.ability"),
            (e.city, "enclave_choice.city"),
            (e.year_2017, "enclave_choice.year_2017"),
        ] {
            finite(v, k)?;
        }
        for (name, v) in e.household.pairs() {
            finite(v, &format!("enclave_choice.household.{name}"))?;
        }
        share(e.target_share, "enclave_choice.target_share")?;
        let o = &self.outcome;
        for (v, k) in [
            (o.intercept, "outcome.intercept"),
            (o.job, "outcome.job"),
            (o.ability, "outcome.ability"),
            (o.city, "outcome.city"),
            (o.year_2017, "outcome.year_2017"),
        ] {
            finite(v, k)?;
        }
        for (name, v) in o.effects.pairs() {
            finite(v, &format!("outcome.effects.{name}"))?;
        }
        let w = &self.network;
        need(w.stubs >= 1, "network.stubs", "at least 1 weak tie")?;
        share(w.homophily_enclave, "network.homophily_enclave")?;
        share(w.homophily_other, "network.homophily_other")?;
        share(w.hometown_redundancy, "network.hometown_redundancy")?;
        share(w.x_enclave, "network.x_enclave")?;
        share(w.x_other, "network.x_other")?;
        need(
            w.source == GENERATED || w.source.starts_with("edges:"),
            "network.source",
            "`generated` or `edges:FILE.csv`",
        )?;
        let z = &self.zenou;
        positive(z.lambda, "zenou.lambda")?;
        need(
            z.delta >= 0.0 && z.delta < z.lambda * self.policy.platform_lambda_mult,
            "zenou.delta",
            "a rate in [0, lambda x policy.platform_lambda_mult) (delta / lambda < 1 so that weak ties can sustain e* > 0)",
        )?;
        need(
            z.initial_up > 0.0 && z.initial_up <= 1.0,
            "zenou.initial_up",
            "a share in (0, 1]",
        )?;
        positive(z.y0, "zenou.y0")?;
        finite(z.y_edu, "zenou.y_edu")?;
        need(
            z.s >= 0.0 && z.s < z.y0 * (-16.0 * z.y_edu.abs()).exp(),
            "zenou.s",
            "a living cost >= 0 below the income from being up (y - s x > 0)",
        )?;
        positive(z.c0, "zenou.c0")?;
        positive(z.c1, "zenou.c1")?;
        positive(z.years_scale, "zenou.years_scale")?;
        need(
            (1..=60).contains(&z.max_years),
            "zenou.max_years",
            "1..=60 years",
        )?;
        need(
            (1..=50).contains(&z.belief_iterations),
            "zenou.belief_iterations",
            "1..=50 engine runs",
        )?;
        let s = &self.survey;
        need(
            s.ascribed_noise >= 0.0 && s.ascribed_noise.is_finite(),
            "survey.ascribed_noise",
            "a finite sd >= 0",
        )?;
        share(s.first_job_network, "survey.first_job_network")?;
        share(s.horizontal_if_not_up, "survey.horizontal_if_not_up")?;
        finite(s.savings_mean, "survey.savings_mean")?;
        finite(s.savings_income, "survey.savings_income")?;
        need(
            s.savings_sd >= 0.0 && s.savings_sd.is_finite(),
            "survey.savings_sd",
            "a finite sd >= 0",
        )
    }
}
