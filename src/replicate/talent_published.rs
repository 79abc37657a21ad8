//! The paper's published numbers (STUDIES.md, study "talent"), and which of
//! them served to choose the model's values ([`TARGETS`]) or were written
//! into it ([`INPUTS`]).

use super::targets::Declared;

const fn d(
    table: &'static str,
    spec_prefix: &'static str,
    term: &'static str,
    why: &'static str,
) -> Declared {
    Declared {
        table,
        spec_prefix,
        term,
        why,
    }
}

/// Every published row that served to choose a value of the default
/// configuration (issue 30: "mark rows that served to choose values as
/// targets"): the default calibration targets of `migsim calibrate talent`
/// and the rows the hand-set values were read from. Every other row of
/// Table 2 and 3 is held out.
pub const TARGETS: [Declared; 8] = [
    d(
        "Table 1",
        "shares",
        "unit support share",
        "how common unit support is: checks the support structure",
    ),
    d(
        "Table 1",
        "shares",
        "participation behaviour China share",
        "how common participation is: behavior.association_const / volunteer_const were set to it",
    ),
    d(
        "Table 2",
        "model 1",
        "unit_support",
        "unit support in Changchun: the danwei package, changchun.danwei_benefit",
    ),
    d(
        "Table 2",
        "model 3",
        "unit_support",
        "unit support in the South: index.unit_support",
    ),
    d(
        "Table 2",
        "model 1",
        "particip_behavior",
        "participation in Changchun: unit-run events, changchun.unit_events",
    ),
    d(
        "Table 2",
        "model 3",
        "particip_behavior",
        "participation in the South: index.particip_behavior",
    ),
    d(
        "Table 2",
        "model 1",
        "interethnic",
        "willingness in Changchun: few chosen local ties (changchun.local_tie_rate, hand-set against it)",
    ),
    d(
        "Table 2",
        "model 3",
        "interethnic",
        "willingness in the South: what local ties are worth, retention.local_ties",
    ),
];

/// Published numbers written into the model as values (never validation):
/// the Table 1 shares the regional shares solve, and the city quotas.
pub const INPUTS: [Declared; 1] = [d(
    "Table 1",
    "shares",
    "cumulative network share",
    "south.cumulative_share solves the Table 1 total given Changchun's",
)];

/// A published model: coefficients and standard errors in the order of
/// `config::INDEX_TERMS`, pseudo R2 and log-likelihood where reported.
pub struct Published {
    pub table: &'static str,
    pub spec: &'static str,
    /// `(outcome column, cities: None = all, Some(south))`.
    pub outcome: &'static str,
    pub south: Option<bool>,
    pub ordered: bool,
    pub coef: &'static [f64],
    pub se: &'static [f64],
    pub pseudo_r2: f64,
    pub log_likelihood: Option<f64>,
}

/// Table 2 models 1-4 (binary logit) and Table 3 (ordered logit).
pub const MODELS: [Published; 7] = [
    Published {
        table: "Table 2",
        spec: "model 1: logit, Changchun",
        outcome: "retain",
        south: Some(false),
        ordered: false,
        coef: &[
            0.0004, 0.053, -1.685, 0.423, 0.049, 0.802, 1.016, 1.864, 2.664, 0.818, 0.933,
        ],
        se: &[
            0.0002, 0.384, 0.837, 0.414, 0.207, 0.451, 0.535, 0.502, 1.122, 0.370, 1.243,
        ],
        pseudo_r2: 0.257,
        log_likelihood: Some(-106.527),
    },
    Published {
        table: "Table 2",
        spec: "model 2: logit, Changchun, after arrival",
        outcome: "retain_after",
        south: Some(false),
        ordered: false,
        coef: &[
            -0.0003, 0.049, -1.913, 0.109, 0.060, 0.773, 0.661, 1.570, 1.977, 0.815, 0.907,
        ],
        se: &[
            0.0002, 0.371, 0.824, 0.391, 0.200, 0.445, 0.520, 0.478, 0.842, 0.354, 1.208,
        ],
        pseudo_r2: 0.211,
        log_likelihood: Some(-112.777),
    },
    Published {
        table: "Table 2",
        spec: "model 3: logit, South (GZ, HZ, Yiwu)",
        outcome: "retain",
        south: Some(true),
        ordered: false,
        coef: &[
            -0.0001, -0.348, 0.547, 0.535, 0.339, 0.292, 0.265, 0.825, 0.368, 0.391, -1.274,
        ],
        se: &[
            0.0001, 0.222, 0.369, 0.233, 0.116, 0.256, 0.310, 0.379, 0.332, 0.195, 0.635,
        ],
        pseudo_r2: 0.076,
        log_likelihood: Some(-337.297),
    },
    Published {
        table: "Table 2",
        spec: "model 4: logit, all cities",
        outcome: "retain",
        south: None,
        ordered: false,
        coef: &[
            -0.0002, -0.287, 0.115, 0.535, 0.274, 0.500, 0.502, 1.047, 0.601, 0.473, -0.917,
        ],
        se: &[
            0.0001, 0.188, 0.327, 0.198, 0.097, 0.212, 0.259, 0.286, 0.307, 0.168, 0.540,
        ],
        pseudo_r2: 0.090,
        log_likelihood: Some(-458.477),
    },
    Published {
        table: "Table 3",
        spec: "ordered logit, Changchun",
        outcome: "retain3",
        south: Some(false),
        ordered: true,
        coef: &[
            -0.0003, -0.152, -0.084, 0.184, 0.073, 0.675, 0.547, 1.395, 0.897, 0.840,
        ],
        se: &[
            0.0002, 0.348, 0.487, 0.364, 0.154, 0.368, 0.472, 0.397, 0.544, 0.336,
        ],
        pseudo_r2: 0.142,
        log_likelihood: None,
    },
    Published {
        table: "Table 3",
        spec: "ordered logit, South",
        outcome: "retain3",
        south: Some(true),
        ordered: true,
        coef: &[
            0.0001, -0.341, 0.042, 0.487, 0.293, 0.161, 0.337, 0.494, 0.461, 0.173,
        ],
        se: &[
            0.0001, 0.201, 0.269, 0.192, 0.088, 0.214, 0.265, 0.301, 0.274, 0.168,
        ],
        pseudo_r2: 0.057,
        log_likelihood: None,
    },
    Published {
        table: "Table 3",
        spec: "ordered logit, all cities",
        outcome: "retain3",
        south: None,
        ordered: true,
        coef: &[
            0.00001, -0.307, 0.065, 0.413, 0.247, 0.377, 0.516, 0.741, 0.519, 0.342,
        ],
        se: &[
            0.0001, 0.172, 0.229, 0.166, 0.075, 0.180, 0.227, 0.234, 0.241, 0.147,
        ],
        pseudo_r2: 0.063,
        log_likelihood: None,
    },
];

/// Brant test of parallel lines for Table 3 (all cities): p = 0.87.
pub const BRANT_P: f64 = 0.87;
