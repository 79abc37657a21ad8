//! The paper's published numbers (STUDIES.md, study "talent"). Which of
//! them are targets, held out or inputs: [`super::talent`].

/// A published model: coefficients and standard errors in the order of
/// `config::INDEX_TERMS`, pseudo R2 and log-likelihood where reported.
pub struct Published {
    /// `Table 2` or `Table 3`.
    pub table: &'static str,
    /// The model's name, e.g. `model 1: logit, Changchun`.
    pub spec: &'static str,
    /// The outcome column.
    pub outcome: &'static str,
    /// Cities: None = all, Some(false) = Changchun, Some(true) = the South.
    pub south: Option<bool>,
    /// An ordered logit (Table 3) rather than a binary one.
    pub ordered: bool,
    /// Published coefficients, in `INDEX_TERMS` order.
    pub coef: &'static [f64],
    /// Their published standard errors.
    pub se: &'static [f64],
    /// McFadden's pseudo R2, `1 - ln L / ln L_0`.
    pub pseudo_r2: f64,
    /// The log-likelihood where reported.
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
