//! Where each replicate row stands with respect to the model (issue 30
//! item 3): the values written into a study's config (`input` rows, never
//! validation), the rows that served to choose hand-set values (`target`
//! rows, with the calibration targets of [`super::targets`]), and every
//! other row (`held out`, the out-of-sample check). Each rule names the
//! config it reads from (the study's `config.rs`) and why.
//!
//! Precedence: input, then target, then held out. A calibration target
//! that is also an input (talent's unit-support share, drawn to the Table 1
//! total) stays in the calibration's default set but is reported as an
//! input: fitting it says nothing about the model.

use super::rows::{ReplicationRow, Role};
use super::targets::{self, Declared};

/// A provenance rule: rows of `table` whose spec starts with `spec_prefix`
/// and whose term is one of `terms` get `role`, for the reason `why`.
pub struct Rule {
    pub table: &'static str,
    pub spec_prefix: &'static str,
    pub terms: &'static [&'static str],
    pub role: Role,
    // The rule's reason, for the reader of the rule list; no code reads it.
    #[allow(dead_code)]
    pub why: &'static str,
}

impl Rule {
    pub fn matches(&self, r: &ReplicationRow) -> bool {
        r.table == self.table
            && r.spec.starts_with(self.spec_prefix)
            && self.terms.contains(&r.term.as_str())
    }
}

const fn input(
    table: &'static str,
    spec_prefix: &'static str,
    terms: &'static [&'static str],
    why: &'static str,
) -> Rule {
    Rule {
        table,
        spec_prefix,
        terms,
        role: Role::Input,
        why,
    }
}

const fn chosen(
    table: &'static str,
    spec_prefix: &'static str,
    terms: &'static [&'static str],
    why: &'static str,
) -> Rule {
    Rule {
        table,
        spec_prefix,
        terms,
        role: Role::Target,
        why,
    }
}

/// Table 2's control terms of the assets study (`assets::CONTROLS`).
const ASSET_CONTROLS: &[&str] = &[
    "male",
    "age",
    "party",
    "ln_income",
    "edu_years",
    "parent_edu",
    "married",
    "has_child",
];

const ASSET_CONTROLS_WHY: &str = "intention.{male..has_child} are Table 2 model (5)'s control coefficients (studies/assets/config.rs IntentionParams)";
const ASSET_CONST_WHY: &str =
    "intention.constant is set on model (5)'s constant scale (-5.15 against -5.22)";

/// The provenance rules of the assets study.
pub(crate) const ASSETS: [Rule; 8] = [
    input("Table 2", "model (1)", ASSET_CONTROLS, ASSET_CONTROLS_WHY),
    input("Table 2", "model (2)", ASSET_CONTROLS, ASSET_CONTROLS_WHY),
    input("Table 2", "model (3)", ASSET_CONTROLS, ASSET_CONTROLS_WHY),
    input("Table 2", "model (4)", ASSET_CONTROLS, ASSET_CONTROLS_WHY),
    input("Table 2", "model (5)", ASSET_CONTROLS, ASSET_CONTROLS_WHY),
    input("Table 2", "model (", &["const"], ASSET_CONST_WHY),
    chosen(
        "Table 2",
        "model (2)",
        &["turning point"],
        "stake, capability and moving_cost were hand-set on model (2) and its turning point (config.rs IntentionParams: 'Hand-set values')",
    ),
    chosen(
        "Table 4",
        "ln_financial -> pessimism",
        &["acme"],
        "pessimism.financial_slope with intention.pessimism was set to give this ACME (config.rs PessimismParams)",
    ),
];

const ENCLAVE_CONTROLS: &[&str] = &[
    "male",
    "age",
    "married",
    "edu_years",
    "healthy",
    "nonfarm",
    "hh_size",
    "ln_hh_income",
    "land_transfer",
    "village_outflow",
    "ln_school_dist",
];

/// The provenance rules of the enclave study.
pub(crate) const ENCLAVE: [Rule; 4] = [
    input(
        "Table 1",
        "shares",
        &["enclave share"],
        "enclave_choice.align sets the share to enclave_choice.target_share = 0.207 on every geography",
    ),
    input(
        "Table 2",
        "col 5",
        ENCLAVE_CONTROLS,
        "outcome.effects are Table 2 col. 5's AMEs / 0.30 (studies/enclave/config.rs OutcomeEffects)",
    ),
    chosen(
        "Table 2",
        "col 2",
        &["enclave"],
        "enclave_choice.city was chosen so city FE move the AME from col 2 to col 3",
    ),
    chosen(
        "Table 8",
        "(1)",
        &["R2"],
        "survey.ascribed_noise was set from this R2 with the 0.197 gap",
    ),
];

/// The talent index terms as the logits name them (`config::INDEX_TERMS`).
const TALENT_TERMS: &[&str] = &[
    "age2",
    "male",
    "univ",
    "cumulative",
    "interethnic",
    "indiv_capital",
    "kin_support",
    "unit_support",
    "particip_behavior",
    "particip_cognition",
    "const",
];

/// Why every coefficient of models 1 and 3 is a target.
const TALENT_REGIONAL_WHY: &str = "the common index coefficients other than the calibrated unit-support and participation ones, and the regional structure's shares and trader selection, were hand-set so the regional logits land near models 1 and 3 (studies/talent/config.rs default_index, default_changchun, default_south)";

/// The provenance rules of the talent study.
pub(crate) const TALENT: [Rule; 6] = [
    input(
        "Table 1",
        "shares",
        &["unit support share", "cumulative network share"],
        "changchun/south unit_share and cumulative_share solve the Table 1 totals (studies/talent/config.rs default_south)",
    ),
    chosen("Table 2", "model 1", TALENT_TERMS, TALENT_REGIONAL_WHY),
    chosen("Table 2", "model 3", TALENT_TERMS, TALENT_REGIONAL_WHY),
    chosen(
        "Table 2",
        "model 2",
        &["kin_support", "cumulative", "age2"],
        "outcome.before_{kin,cumulative,age10} were set to make these model 2 terms smaller",
    ),
    chosen(
        "Table 3",
        "ordered logit, all cities",
        &[
            "age2",
            "male",
            "univ",
            "cumulative",
            "interethnic",
            "indiv_capital",
            "kin_support",
            "unit_support",
            "particip_behavior",
            "particip_cognition",
        ],
        "outcome.duration_noise was set so the pooled ordered coefficients are about 0.7 of Table 2's",
    ),
    chosen(
        "Table 1",
        "shares",
        &["participation behaviour China share"],
        "behavior.{association,volunteer}_const were set so 10.2% are coded China",
    ),
];

/// The role of `row` under a study's provenance `rules` and its declared
/// calibration targets `declared` ([`super::Analysis::rules`],
/// [`super::Analysis::declared`]): input, target (a calibration target
/// with a published SE, or a row that chose a hand-set value) or held out.
pub fn role_of(rules: &[Rule], declared: &[Declared], row: &ReplicationRow) -> Role {
    if rules
        .iter()
        .any(|r| r.role == Role::Input && r.matches(row))
    {
        return Role::Input;
    }
    let calibration = declared.iter().any(|d| targets::matches(d, row))
        && row.published.is_some()
        && row.published_se.is_some_and(|s| s > 0.0);
    if calibration
        || rules
            .iter()
            .any(|r| r.role == Role::Target && r.matches(row))
    {
        Role::Target
    } else {
        Role::HeldOut
    }
}

/// Mark every row with its role under `rules` and `declared` ([`role_of`]).
pub fn assign_roles(rules: &[Rule], declared: &[Declared], rows: &mut [ReplicationRow]) {
    for r in rows {
        r.role = role_of(rules, declared, r);
    }
}
