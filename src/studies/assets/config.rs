//! Configuration of the assets study, with the source of every default.
//!
//! Targets are the paper's Table 1 (means and SDs, N = 3,624) and the
//! signs/sizes of Tables 2–4 (../shared/STUDIES.md, study "assets"). Where a
//! default is a design choice rather than a published number it says so and
//! says which published number it was chosen to reproduce; all were set by
//! simulating the mechanism (seeds 1–4, N = 3,624), never by rescaling outputs.

use serde::{Deserialize, Serialize};

use crate::studies::StudyError;

/// The assets study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Cohort size: the paper's N = 3,624 complete cases.
    pub n: usize,
    /// A user's sample: a CSV file whose covariate columns (male, age, party, ln_income, ...) replace
    /// the drawn ones, one worker per row (as many rows as `n`); empty: every
    /// covariate drawn.
    pub population: String,
    /// Table 1 controls: shares, means and spreads.
    pub demographics: Demographics,
    /// Household assets and the housing-price policy's levels.
    pub assets: AssetParams,
    /// The workers' social graph.
    pub network: NetworkParams,
    /// The pessimism mediator.
    pub pessimism: PessimismParams,
    /// The unfairness mediator.
    pub unfairness: UnfairnessParams,
    /// The intention index (Table 2 model (5)).
    pub intention: IntentionParams,
    /// The survey's measurement of the mediators.
    pub measurement: Measurement,
    /// Cumulative causation over waves.
    pub waves: Waves,
    /// Loading of an unobserved standard-normal confounder (`true_confounder`)
    /// on both mediators' latents and on the intention index (mediator–outcome
    /// confounding, which breaks sequential ignorability). Default 0: none.
    /// A swept assumption: scenarios/recovery/sweep_assets_confounding_k*.toml
    /// run the mediation estimator at 0, 0.25, 0.5 and 1.
    pub confounder_strength: f64,
    /// The policy levers scenarios set.
    pub policy: Policy,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            n: 3624,
            population: String::new(),
            demographics: Demographics::default(),
            assets: AssetParams::default(),
            network: NetworkParams::default(),
            pessimism: PessimismParams::default(),
            unfairness: UnfairnessParams::default(),
            intention: IntentionParams::default(),
            measurement: Measurement::default(),
            waves: Waves::default(),
            confounder_strength: 0.0,
            policy: Policy::default(),
        }
    }
}

/// Controls of Table 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Demographics {
    /// Table 1: male 0.48.
    pub male_share: f64,
    /// Table 1: age 29 (SD 5.10); drawn normal, truncated to [min, max] by
    /// redrawing nothing: clamped, then rounded to whole years.
    pub age_mean: f64,
    /// SD of age in years (Table 1: 5.10).
    pub age_sd: f64,
    /// Youngest age drawn, in years; younger draws are clamped to it.
    pub age_min: f64,
    /// Oldest age drawn, in years; older draws are clamped to it.
    pub age_max: f64,
    /// Table 1: party member 0.29.
    pub party_share: f64,
    /// Table 1: log income 11.00 (SD 2.40). The large SD of a log income
    /// says some respondents reported no income (log 0): a zero share of 4%
    /// and earners at N(11.45, 0.58) give mean 11.0 and SD 2.4.
    pub zero_income_share: f64,
    /// Mean log income of earners (the respondents who report an income).
    pub ln_income_mean: f64,
    /// SD of log income among earners.
    pub ln_income_sd: f64,
    /// Shares of 9 / 12 / 15 / 16 / 19 years (Table 1 coding); chosen to give
    /// the mean 15.83 and SD 1.53.
    pub edu_shares: [f64; 5],
    /// Parents' highest education, same coding; mean 12.11, SD 2.61.
    pub parent_edu_shares: [f64; 5],
    /// Latent correlation of own and parents' education (design choice).
    pub edu_parent_corr: f64,
    /// Table 1: married 0.41; probit in standardised age with this slope.
    pub married_share: f64,
    /// Slope of the marriage probit on standardised age.
    pub married_age_slope: f64,
    /// P(child | married): Table 1 has children 0.30 and married 0.41, so
    /// 0.30 / 0.41 = 0.73 (children outside marriage are set aside).
    pub child_if_married: f64,
}

impl Default for Demographics {
    fn default() -> Self {
        Demographics {
            male_share: 0.48,
            age_mean: 29.0,
            age_sd: 5.1,
            age_min: 20.0,
            age_max: 60.0,
            party_share: 0.29,
            zero_income_share: 0.04,
            ln_income_mean: 11.45,
            ln_income_sd: 0.58,
            edu_shares: [0.005, 0.045, 0.27, 0.565, 0.115],
            parent_edu_shares: [0.30, 0.44, 0.12, 0.11, 0.03],
            edu_parent_corr: 0.35,
            married_share: 0.41,
            married_age_slope: 0.9,
            child_if_married: 0.73,
        }
    }
}

/// Household assets in million yuan: total = housing + financial + other,
/// where other is other assets net of mortgage debt (Table 1 has
/// E ln(1+T) − E ln(1+H) = 0.11 < E ln(1+F) = 0.34, which gross holdings
/// cannot give). A latent household wealth W (standard normal, shared by
/// colleagues through a firm effect and rising with parents' education, age
/// and marriage) drives home ownership, housing value and financial assets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AssetParams {
    /// Weights of firm effect, parents' education, age (standardised) and
    /// marriage in W before standardisation (design choice; the firm weight
    /// makes neighbours' housing comparable, the setting of deprivation).
    pub wealth_firm: f64,
    /// Weight of parents' education in latent wealth W before standardisation.
    pub wealth_parent_edu: f64,
    /// Weight of standardised age in latent wealth W before standardisation.
    pub wealth_age: f64,
    /// Weight of being married in latent wealth W before standardisation.
    pub wealth_married: f64,
    /// Home-owner share at W = 0 scale: P(own) = Phi(Phi^-1(share) + ...).
    /// 0.70 with the owner spread below gives ln housing mean 1.05, SD 0.90.
    pub own_share: f64,
    /// Loading of W on the ownership probit (its noise has SD 0.6).
    pub own_wealth: f64,
    /// Owners: ln(1 + H) = mean + sd (rho W + sqrt(1 - rho^2) z), floored at 0.05.
    pub housing_ln_mean: f64,
    /// SD of owners' ln(1 + housing value).
    pub housing_ln_sd: f64,
    /// Correlation rho of owners' ln(1 + housing value) with latent wealth W.
    pub housing_wealth_corr: f64,
    /// ln F = ln(median) + sd (rho W + sqrt(1 - rho^2) z): ln financial mean
    /// 0.34, SD 0.43, concentrated among the wealthy (rho high).
    pub financial_median: f64,
    /// SD of ln financial assets.
    pub financial_log_sd: f64,
    /// Correlation rho of ln financial assets with latent wealth W.
    pub financial_wealth_corr: f64,
    /// Other gross assets: lognormal median (million yuan), log SD 1.
    pub other_median: f64,
    /// Owners' mortgage debt: housing value x mean share x 2U, U uniform.
    pub mortgage_share: f64,
}

impl Default for AssetParams {
    fn default() -> Self {
        AssetParams {
            wealth_firm: 0.45,
            wealth_parent_edu: 0.3,
            wealth_age: 0.25,
            wealth_married: 0.2,
            own_share: 0.70,
            own_wealth: 0.8,
            housing_ln_mean: 1.34,
            housing_ln_sd: 0.8,
            housing_wealth_corr: 0.5,
            financial_median: 0.165,
            financial_log_sd: 1.7,
            financial_wealth_corr: 0.95,
            other_median: 0.01,
            mortgage_share: 0.06,
        }
    }
}

/// Workers' social graph: a stochastic block model of workplaces
/// (the survey's district–street–firm clusters), `src/network::sbm`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkParams {
    /// Workers per firm (design choice).
    pub firm_size: usize,
    /// Mean number of ties per worker in the social graph.
    pub degree: f64,
    /// Share of ties inside the firm.
    pub homophily: f64,
}

impl Default for NetworkParams {
    fn default() -> Self {
        NetworkParams {
            firm_size: 30,
            degree: 8.0,
            homophily: 0.75,
        }
    }
}

/// Latent pessimism (H3): P_own = ln(1 + F) (slope + shock_load (S + shock_sd xi)) +
/// e, e ~ N(0, 1); P = P_own + contagion x mean of neighbours' P_own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PessimismParams {
    /// Financial exposure slope; with the intention loading below it gives
    /// Table 4's ACME financial → pessimism of 0.003.
    pub financial_slope: f64,
    /// How strongly a market shock raises the pessimism of the exposed.
    pub shock_load: f64,
    /// Aggregate market shock S (0 = the survey's market).
    pub market_shock: f64,
    /// Dispersion of the shocks the financially exposed experience.
    pub shock_sd: f64,
    /// Weight on neighbours' own pessimism (one round of spread).
    pub contagion: f64,
}

impl Default for PessimismParams {
    fn default() -> Self {
        PessimismParams {
            financial_slope: 0.12,
            shock_load: 0.1,
            market_shock: 0.0,
            shock_sd: 1.0,
            contagion: 0.3,
        }
    }
}

/// Latent unfairness (H5): U = base + deprivation x RD + no_access x 1[no
/// housing-linked welfare] + e, RD the Yitzhaki index of ln housing among
/// network neighbours, e ~ N(0, 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UnfairnessParams {
    /// Rise of latent unfairness per unit of relative housing deprivation RD (H5).
    pub deprivation: f64,
    /// Rise of latent unfairness without housing-linked welfare access.
    pub no_access: f64,
}

impl Default for UnfairnessParams {
    fn default() -> Self {
        UnfairnessParams {
            deprivation: 0.12,
            no_access: 0.1,
        }
    }
}

/// Intention index y* = const + controls + wish + capability + pessimism +
/// unfairness + e, e standard logistic; intent = 1[y* > 0], intent3 = 2
/// where y* > strong_cut. Control coefficients are Table 2 model (5)'s
/// (set, not produced). The asset part is the paper's account of the
/// U-shape (H1), not a quadratic:
///
/// * wish to leave: `-stake ln(1 + T) - welfare_access 1[access]`: the more
///   a worker holds in Shanghai the more it would give up;
/// * capability to leave: `capability softplus_s(ln(1 + L) - moving_cost)`,
///   `softplus_s(z) = s ln(1 + e^{z/s})`, with liquid assets
///   `L = F + housing_liquidity H`: settling abroad takes liquid funds above
///   the cost of moving, and housing is illiquid.
///
/// The wish falls linearly in ln T and the capability is convex in it, so
/// intention is U-shaped in total assets (model 2) and only through their
/// product: with the capability off, model (2)'s squared term is 0.000 on
/// average (SD 0.03) over seeds 31-38 at 5 x N. Intention rises with
/// financial assets (liquid: model 5's positive sign) and falls with
/// housing assets (stake without capability: model 5's negative sign).
/// Hukou-linked welfare access (owners, rent-purchase rights) acts through
/// perceived unfairness (`unfairness.no_access`); its direct term in the
/// wish, `welfare_access`, is 0 by default (a scenario option): a step at
/// ownership, which sits in the middle of the ln T distribution, bends the
/// model (2) quadratic by itself (squared term +0.05 at 0.2 with the
/// capability off, a quarter of the U), so the U would not come from
/// wish x capability alone. `tests/mechanism_assets.rs` knocks out each
/// part.
///
/// Hand-set values (seeds 31-38, N = 18,120): intention averages 9%, model
/// (2) -0.45 / 0.17, turning point 1.37 (paper -0.53 / 0.18, 1.46).
///
/// Tested against calibration, kept hand-set (README "Calibration"):
/// `migsim calibrate assets --seed 1` (default targets: Table 1 intention
/// share; Table 2 model (2) ln_total and ln_total^2, model (5) ln_financial
/// and ln_housing, model (3) ln_financial, model (4) ln_housing; R = 4,
/// N = 3,624), 2026-11-30. Default free set (constant, stake, capability,
/// moving_cost, housing_liquidity): J 8.38 here, 0.23 calibrated (df 2),
/// D = 8.15 on 5 df, p = 0.15; `moving_cost` is not pinned (SE 7.1 on
/// [0, 2], condition number of W^1/2 G 1,911: it trades off with stake and
/// capability along one direction). With `moving_cost` fixed (free:
/// constant, stake, capability, housing_liquidity) the condition number is
/// 20 and every SE is finite (0.12, 0.42, 0.51, 0.26), J 0.23 (df 3),
/// D = 8.15 on 4 df, p = 0.086. Neither rejects these values at 5%.
/// Why each is free: `constant` the intention level (Table 1 share);
/// `stake` the falling arm (model 2 linear term); `capability` the rising
/// arm (model 2 squared term, model 3/5 financial rows); `housing_liquidity`
/// the housing rows (models 4, 5). `moving_cost` (ln(1 + 0.65 million yuan)
/// of liquid funds to settle abroad) is better held as a design value: the
/// targets do not separate it from `stake` and `capability`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IntentionParams {
    /// Constant of the intention index (sets the share intending to leave).
    pub constant: f64,
    /// Intention-index coefficient of being male.
    pub male: f64,
    /// Intention-index coefficient of age in years.
    pub age: f64,
    /// Intention-index coefficient of party membership.
    pub party: f64,
    /// Intention-index coefficient of log income.
    pub ln_income: f64,
    /// Intention-index coefficient of years of schooling.
    pub edu_years: f64,
    /// Intention-index coefficient of parents' education in years.
    pub parent_edu: f64,
    /// Intention-index coefficient of being married.
    pub married: f64,
    /// Intention-index coefficient of having a child.
    pub has_child: f64,
    /// Fall of the wish to leave per unit of ln(1 + total assets) (>= 0).
    pub stake: f64,
    /// Direct fall of the wish to leave with hukou-linked welfare access
    /// (>= 0); scenario option, 0 by default (see above).
    pub welfare_access: f64,
    /// Rise of the index per unit of ln(1 + liquid assets) above the
    /// moving cost (>= 0).
    pub capability: f64,
    /// ln(1 + liquid assets, million yuan) it takes to afford settling
    /// abroad (>= 0).
    pub moving_cost: f64,
    /// Softness `s` of the capability threshold (> 0), in ln-asset units.
    pub capability_softness: f64,
    /// Share of housing value usable to fund a move (in [0, 1]).
    pub housing_liquidity: f64,
    /// Rise of the intention index per unit of latent pessimism (H2).
    pub pessimism: f64,
    /// Rise of the intention index per unit of latent unfairness (H5).
    pub unfairness: f64,
    /// Cut of "strong" intention on y* (about a third of intenders).
    pub strong_cut: f64,
}

impl Default for IntentionParams {
    fn default() -> Self {
        IntentionParams {
            constant: -5.15,
            male: -0.04,
            age: -0.01,
            party: -0.36,
            ln_income: -0.05,
            edu_years: 0.19,
            parent_edu: 0.07,
            married: -0.64,
            has_child: 0.21,
            stake: 0.3,
            welfare_access: 0.0,
            capability: 0.9,
            moving_cost: 0.5,
            capability_softness: 0.3,
            housing_liquidity: 0.1,
            pessimism: 0.3,
            unfairness: 0.2,
            strong_cut: 1.5,
        }
    }
}

/// Survey items from the latents: item* = loading x latent + N(0, 1), cut.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Measurement {
    /// Loadings of the economic, political and private-economy outlook items
    /// on latent pessimism: give the first eigenvalue 1.67 (55.5%).
    pub item_loadings: [f64; 3],
    /// Cuts of the 4-point economic outlook (1 very optimistic ... 4 very pessimistic).
    pub econ_cuts: [f64; 3],
    /// Cuts of the 4-point political outlook.
    pub pol_cuts: [f64; 3],
    /// Cuts of the 5-point private-economy outlook.
    pub priv_cuts: [f64; 4],
    /// Cuts of "is society fair" on latent unfairness (5-point, higher = more
    /// unfair): Table 1 mean 2.41, SD 0.83.
    pub unfair_cuts: [f64; 4],
}

impl Default for Measurement {
    fn default() -> Self {
        Measurement {
            item_loadings: [0.81, 0.81, 0.76],
            econ_cuts: [-0.6, 0.9, 2.2],
            pol_cuts: [-0.2, 1.2, 2.4],
            priv_cuts: [-1.3, -0.2, 0.9, 2.2],
            unfair_cuts: [-1.06, 0.24, 1.44, 2.34],
        }
    }
}

/// Cumulative causation (off by default): over `count` waves, intenders
/// emigrate with probability `emigration_rate`; each stayer's index rises by
/// `network_effect` x the share of network neighbours who have left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Waves {
    /// Number of emigration waves of cumulative causation (0 switches it off).
    pub count: usize,
    /// Probability that an intender emigrates in each wave.
    pub emigration_rate: f64,
    /// Rise of a stayer's intention index per unit share of network neighbours who have left.
    pub network_effect: f64,
}

impl Default for Waves {
    fn default() -> Self {
        Waves {
            count: 0,
            emigration_rate: 0.2,
            network_effect: 2.0,
        }
    }
}

/// Interventions for the scenario runner; the defaults mean no policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    /// Housing values x (1 + change) (e.g. -0.3, a downturn).
    pub housing_price_change: f64,
    /// Scenario option, off by default: a fall in housing prices also adds
    /// `housing_shock_feed` x |change| to the market shock S of financial
    /// pessimism (a downturn seen as a macro signal). Not part of the
    /// paper's mechanism; unit: shock SDs per unit of relative price fall.
    pub housing_shock_feed: f64,
    /// Bottom share of housing assets given rent-purchase equal rights:
    /// housing-linked welfare access without owning.
    pub rent_purchase_bottom_share: f64,
    /// Shift of latent pessimism in units of its SD (expectation management).
    pub pessimism_shift_sd: f64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            housing_price_change: 0.0,
            housing_shock_feed: 0.0,
            rent_purchase_bottom_share: 0.0,
            pessimism_shift_sd: 0.0,
        }
    }
}

fn check(ok: bool, key: &str, reason: &str) -> Result<(), StudyError> {
    if ok {
        Ok(())
    } else {
        Err(StudyError::invalid(key, reason))
    }
}

fn share(x: f64, key: &str) -> Result<(), StudyError> {
    check(
        (0.0..=1.0).contains(&x),
        key,
        &format!("expected a share in [0, 1], got {x}"),
    )
}

fn finite(x: f64, key: &str) -> Result<(), StudyError> {
    check(
        x.is_finite(),
        key,
        &format!("expected a finite number, got {x}"),
    )
}

fn shares5(s: &[f64; 5], key: &str) -> Result<(), StudyError> {
    let ok = s.iter().all(|x| *x >= 0.0) && (s.iter().sum::<f64>() - 1.0).abs() < 1e-6;
    check(
        ok,
        key,
        &format!("expected 5 non-negative shares summing to 1, got {s:?}"),
    )
}

fn increasing(c: &[f64], key: &str) -> Result<(), StudyError> {
    let ok = c.iter().all(|x| x.is_finite()) && c.windows(2).all(|w| w[0] < w[1]);
    check(
        ok,
        key,
        &format!("expected strictly increasing finite cuts, got {c:?}"),
    )
}

impl Config {
    /// Check every parameter, naming the key that is out of range.
    pub fn validate(&self) -> Result<(), StudyError> {
        check(
            self.n >= 100,
            "n",
            &format!("expected at least 100 workers, got {}", self.n),
        )?;
        self.demographics.validate()?;
        self.assets.validate()?;
        self.network.validate()?;
        self.pessimism.validate()?;
        finite(self.unfairness.deprivation, "unfairness.deprivation")?;
        finite(self.unfairness.no_access, "unfairness.no_access")?;
        self.intention.validate()?;
        self.measurement.validate()?;
        self.waves.validate()?;
        finite(self.confounder_strength, "confounder_strength")?;
        self.policy.validate()
    }
}

impl Demographics {
    fn validate(&self) -> Result<(), StudyError> {
        share(self.male_share, "demographics.male_share")?;
        share(self.party_share, "demographics.party_share")?;
        share(self.zero_income_share, "demographics.zero_income_share")?;
        share(self.married_share, "demographics.married_share")?;
        share(self.child_if_married, "demographics.child_if_married")?;
        check(
            self.edu_parent_corr.abs() <= 1.0,
            "demographics.edu_parent_corr",
            "expected a correlation in [-1, 1]",
        )?;
        check(
            self.age_sd > 0.0 && self.ln_income_sd > 0.0,
            "demographics.age_sd / ln_income_sd",
            "expected positive SDs",
        )?;
        check(
            self.age_min < self.age_max,
            "demographics.age_min",
            "expected age_min < age_max",
        )?;
        finite(self.age_mean, "demographics.age_mean")?;
        finite(self.ln_income_mean, "demographics.ln_income_mean")?;
        finite(self.married_age_slope, "demographics.married_age_slope")?;
        shares5(&self.edu_shares, "demographics.edu_shares")?;
        shares5(&self.parent_edu_shares, "demographics.parent_edu_shares")
    }
}

impl AssetParams {
    fn validate(&self) -> Result<(), StudyError> {
        for (k, v) in [
            ("assets.wealth_firm", self.wealth_firm),
            ("assets.wealth_parent_edu", self.wealth_parent_edu),
            ("assets.wealth_age", self.wealth_age),
            ("assets.wealth_married", self.wealth_married),
            ("assets.own_wealth", self.own_wealth),
            ("assets.housing_ln_mean", self.housing_ln_mean),
        ] {
            finite(v, k)?;
        }
        check(
            self.own_share > 0.0 && self.own_share < 1.0,
            "assets.own_share",
            "expected a share in (0, 1)",
        )?;
        share(self.housing_wealth_corr.abs(), "assets.housing_wealth_corr")?;
        share(
            self.financial_wealth_corr.abs(),
            "assets.financial_wealth_corr",
        )?;
        check(
            self.housing_ln_sd > 0.0 && self.financial_log_sd > 0.0,
            "assets.housing_ln_sd / financial_log_sd",
            "expected positive SDs",
        )?;
        check(
            self.financial_median > 0.0 && self.other_median > 0.0,
            "assets.financial_median / other_median",
            "expected positive medians (million yuan)",
        )?;
        check(
            (0.0..0.5).contains(&self.mortgage_share),
            "assets.mortgage_share",
            "expected a mean debt share in [0, 0.5)",
        )
    }
}

impl NetworkParams {
    fn validate(&self) -> Result<(), StudyError> {
        check(
            self.firm_size >= 2,
            "network.firm_size",
            "expected at least 2 workers per firm",
        )?;
        share(self.homophily, "network.homophily")?;
        check(
            self.degree >= 0.0 && self.homophily * self.degree <= (self.firm_size - 1) as f64,
            "network.degree",
            "expected a mean degree >= 0 with homophily x degree <= firm_size - 1",
        )
    }
}

impl PessimismParams {
    fn validate(&self) -> Result<(), StudyError> {
        finite(self.financial_slope, "pessimism.financial_slope")?;
        finite(self.shock_load, "pessimism.shock_load")?;
        finite(self.market_shock, "pessimism.market_shock")?;
        check(
            self.shock_sd >= 0.0,
            "pessimism.shock_sd",
            "expected an SD >= 0",
        )?;
        check(
            self.contagion.abs() < 1.0,
            "pessimism.contagion",
            "expected a weight in (-1, 1)",
        )
    }
}

impl IntentionParams {
    fn validate(&self) -> Result<(), StudyError> {
        let all = [
            self.constant,
            self.male,
            self.age,
            self.party,
            self.ln_income,
            self.edu_years,
            self.parent_edu,
            self.married,
            self.has_child,
            self.pessimism,
            self.unfairness,
        ];
        check(
            all.iter().all(|x| x.is_finite()),
            "intention",
            "expected finite coefficients",
        )?;
        for (k, v) in [
            ("intention.stake", self.stake),
            ("intention.welfare_access", self.welfare_access),
            ("intention.capability", self.capability),
            ("intention.moving_cost", self.moving_cost),
        ] {
            check(
                v.is_finite() && v >= 0.0,
                k,
                &format!("expected a finite number >= 0, got {v}"),
            )?;
        }
        check(
            self.capability_softness > 0.0 && self.capability_softness.is_finite(),
            "intention.capability_softness",
            &format!(
                "expected a finite softness > 0, got {}",
                self.capability_softness
            ),
        )?;
        share(self.housing_liquidity, "intention.housing_liquidity")?;
        check(
            self.strong_cut > 0.0 && self.strong_cut.is_finite(),
            "intention.strong_cut",
            "expected a finite cut > 0",
        )
    }
}

impl Measurement {
    fn validate(&self) -> Result<(), StudyError> {
        check(
            self.item_loadings.iter().all(|l| l.is_finite()),
            "measurement.item_loadings",
            "expected finite loadings",
        )?;
        increasing(&self.econ_cuts, "measurement.econ_cuts")?;
        increasing(&self.pol_cuts, "measurement.pol_cuts")?;
        increasing(&self.priv_cuts, "measurement.priv_cuts")?;
        increasing(&self.unfair_cuts, "measurement.unfair_cuts")
    }
}

impl Waves {
    fn validate(&self) -> Result<(), StudyError> {
        check(
            self.count <= 1000,
            "waves.count",
            "expected at most 1000 waves",
        )?;
        share(self.emigration_rate, "waves.emigration_rate")?;
        finite(self.network_effect, "waves.network_effect")
    }
}

impl Policy {
    fn validate(&self) -> Result<(), StudyError> {
        check(
            self.housing_price_change > -1.0 && self.housing_price_change.is_finite(),
            "policy.housing_price_change",
            &format!(
                "expected a finite change > -1, got {}",
                self.housing_price_change
            ),
        )?;
        finite(self.housing_shock_feed, "policy.housing_shock_feed")?;
        share(
            self.rent_purchase_bottom_share,
            "policy.rent_purchase_bottom_share",
        )?;
        finite(self.pessimism_shift_sd, "policy.pessimism_shift_sd")
    }
}
