//! Each study's headline facts (issue 30 item 4): the published estimates
//! the papers' conclusions rest on, each with the significance level the
//! paper reports it at. [`super::cohorts`] gives the share of single
//! cohorts in which each is significant with the published sign.

/// A headline fact: a row (table, spec prefix, term) and its level.
pub struct Headline {
    /// What the paper concludes from the row.
    pub fact: &'static str,
    /// The row's table.
    pub table: &'static str,
    /// The start of its specification's name.
    pub spec_prefix: &'static str,
    /// The row's term.
    pub term: &'static str,
    /// Two-sided level the paper reports the estimate significant at.
    pub level: f64,
}

const fn h(
    fact: &'static str,
    table: &'static str,
    spec_prefix: &'static str,
    term: &'static str,
    level: f64,
) -> Headline {
    Headline {
        fact,
        table,
        spec_prefix,
        term,
        level,
    }
}

/// The headline facts of the assets study.
pub(crate) const ASSETS: [Headline; 5] = [
    h(
        "U-shape: falling arm",
        "Table 2",
        "model (2)",
        "ln_total",
        0.05,
    ),
    h(
        "U-shape: rising arm",
        "Table 2",
        "model (2)",
        "ln_total^2",
        0.05,
    ),
    h(
        "financial assets raise intention",
        "Table 2",
        "model (5)",
        "ln_financial",
        0.05,
    ),
    h(
        "housing assets lower intention (p < 0.1)",
        "Table 2",
        "model (5)",
        "ln_housing",
        0.10,
    ),
    h(
        "U-shape in the ordered logit",
        "Table 3",
        "model (1)",
        "ln_total^2",
        0.05,
    ),
];

/// The headline facts of the enclave study.
pub(crate) const ENCLAVE: [Headline; 8] = [
    h("enclave penalty, raw", "Table 2", "col 1", "enclave", 0.05),
    h(
        "enclave penalty, city + year FE",
        "Table 2",
        "col 5",
        "enclave",
        0.05,
    ),
    h(
        "enclave penalty, Lewbel 2SLS",
        "Table 3",
        "col 3",
        "enclave",
        0.05,
    ),
    h(
        "enclave penalty, PSM kernel",
        "Table 4",
        "PSM kernel",
        "att",
        0.05,
    ),
    h(
        "enclave penalty, Heckman",
        "Table 5",
        "col 3",
        "enclave",
        0.05,
    ),
    h(
        "enclave raises the ascribed network share",
        "Table 8",
        "(1)",
        "enclave",
        0.05,
    ),
    h(
        "enclave raises jobs found through family/friends",
        "Table 8",
        "(3)",
        "enclave",
        0.05,
    ),
    h(
        "a network job lowers mobility",
        "Table 8",
        "(4)",
        "job_via_network",
        0.05,
    ),
];

/// The headline facts of the talent study.
pub(crate) const TALENT: [Headline; 7] = [
    h(
        "unit support retains, Changchun",
        "Table 2",
        "model 1",
        "unit_support",
        0.05,
    ),
    h(
        "participation retains, Changchun",
        "Table 2",
        "model 1",
        "particip_behavior",
        0.05,
    ),
    h(
        "unit support retains, South",
        "Table 2",
        "model 3",
        "unit_support",
        0.05,
    ),
    h(
        "inter-ethnic willingness retains, South",
        "Table 2",
        "model 3",
        "interethnic",
        0.05,
    ),
    h(
        "cumulative network retains, South",
        "Table 2",
        "model 3",
        "cumulative",
        0.05,
    ),
    h(
        "unit support retains, all cities",
        "Table 2",
        "model 4",
        "unit_support",
        0.05,
    ),
    h(
        "inter-ethnic willingness retains, all cities",
        "Table 2",
        "model 4",
        "interethnic",
        0.05,
    ),
];
