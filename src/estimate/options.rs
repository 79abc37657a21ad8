//! Options shared by the likelihood and least-squares estimators.

/// Which standard errors to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SeKind {
    /// Inverse observed information (MLE) or s^2 (X'X)^-1 (OLS).
    #[default]
    Classical,
    /// HC1 (OLS) or the n/(n-1)-scaled sandwich (MLE), as Stata's `vce(robust)`.
    Robust,
    /// CR1 on `Design::clusters`, as Stata's `vce(cluster)`.
    Cluster,
}

/// Average marginal effects to add to a binary-model fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Margins {
    /// Average derivative per design column (statsmodels `get_margeff()`).
    Derivative,
    /// Discrete 0 -> 1 change for 0/1 columns, derivative otherwise.
    Discrete,
}

/// Options common to `fit`.
#[derive(Debug, Clone, PartialEq)]
pub struct FitOptions {
    /// How standard errors are computed.
    pub se: SeKind,
    /// Average marginal effects to report, if any.
    pub margins: Option<Margins>,
    /// Newton iteration cap.
    pub max_iter: usize,
    /// Convergence tolerance on the scaled gradient norm and relative change.
    pub tol: f64,
    /// Ordered logit: add the Brant test of parallel lines.
    pub brant: bool,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            se: SeKind::Classical,
            margins: None,
            max_iter: 100,
            tol: 1e-10,
            brant: false,
        }
    }
}
