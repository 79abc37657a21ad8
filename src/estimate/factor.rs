//! One-factor index from k Likert items (the assets study's "macro-outlook
//! pessimism": three items, first eigenvalue 1.67, 55.5% of the variance).
//!
//! Steps, on the listwise-complete rows (pairwise correlations would mix
//! samples and can give a matrix that is not positive definite):
//! 1. R, the k x k Pearson correlation matrix of the items;
//! 2. eigenvalues of R: the first, `fit.eigenvalue`, and its share of the
//!    total variance `fit.variance_share = eigenvalue / k`;
//! 3. loadings lambda by [`FactorMethod`];
//! 4. sign fixed so that sum(lambda) > 0;
//! 5. regression (Thurstone) scores f_i = z_i' R^-1 lambda, z_i the items
//!    standardised with the sample (n - 1) standard deviation.
//!
//! The default is the principal-component factor (Stata `factor, pcf`):
//! the study's two reported numbers are the first eigenvalue of R and that
//! eigenvalue over k (1.67 / 3 = 55.5%), which is what `pcf` prints; the
//! common-factor methods print eigenvalues of the reduced matrix instead.
//! With `pcf` the regression scores have variance exactly 1 in the fitting
//! sample; the study's SD of 0.95 is consistent with scoring a larger sample
//! than the 3,624 complete cases of the regressions.

pub(crate) mod ml;
mod stats;

use serde_json::json;

use super::{EstimateError, FitResult, ParamRow};
use stats::{Standardized, first_eigen, solve_spd};

/// How the loadings are extracted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FactorMethod {
    /// lambda = sqrt(e1) v1, the first principal component of R (Stata `pcf`).
    #[default]
    PrincipalComponent,
    /// Iterated principal factor (Stata `ipf`): communalities start at the
    /// squared multiple correlations 1 - 1/(R^-1)_jj and are replaced by
    /// lambda_j^2 from the first eigenpair of the reduced matrix until they settle.
    IteratedPrincipal,
    /// Maximum likelihood (R `factanal`): for 3 items the exact solution
    /// lambda_1 = sqrt(r12 r13 / r23) (and permutations); otherwise EM on the
    /// correlation matrix with uniquenesses bounded below by 0.005 as `factanal`.
    MaximumLikelihood,
}

impl FactorMethod {
    fn label(self) -> &'static str {
        match self {
            FactorMethod::PrincipalComponent => "principal-component factor",
            FactorMethod::IteratedPrincipal => "iterated principal factor",
            FactorMethod::MaximumLikelihood => "maximum likelihood",
        }
    }
}

/// Options of the one-factor fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FactorOptions {
    /// How the loadings are estimated.
    pub method: FactorMethod,
    /// Iteration cap of the iterative methods (default 100,000: EM is linear).
    pub max_iter: usize,
    /// Convergence: largest change of a communality/uniqueness per iteration (default 1e-12).
    pub tol: f64,
}

impl Default for FactorOptions {
    fn default() -> Self {
        FactorOptions {
            method: FactorMethod::default(),
            max_iter: 100_000,
            tol: 1e-12,
        }
    }
}

/// A one-factor fit: the shared result (loadings as `coefficients` named by
/// item, `extra_rows["uniqueness"]`, eigenvalues in `fit` and
/// `tables["eigenvalues"]`) plus the factor score of every input row.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorFit {
    /// The shared result: loadings, uniquenesses, eigenvalues.
    pub result: FitResult,
    /// Regression score per input row; `NaN` where an item is missing.
    pub scores: Vec<f64>,
}

/// Loadings and the health of the iteration that produced them.
pub(crate) struct Extraction {
    pub loadings: Vec<f64>,
    /// Psi_j; 1 - lambda_j^2 except where ML holds one at its lower bound.
    pub uniquenesses: Vec<f64>,
    pub iterations: usize,
    pub converged: bool,
    pub warnings: Vec<String>,
}

/// Fit one factor to the item columns (`NaN` = missing; rows with any
/// missing item are dropped listwise).
pub fn fit_factor(
    names: &[String],
    columns: &[Vec<f64>],
    opts: &FactorOptions,
) -> Result<FactorFit, EstimateError> {
    check_items(names, columns, opts.method)?;
    let data = Standardized::new(names, columns)?;
    let r = data.correlation();
    let eig = stats::eigenvalues_desc(&r)?;
    let mut ex = extract(&r, names, opts)?;
    if ex.loadings.iter().sum::<f64>() < 0.0 {
        ex.loadings.iter_mut().for_each(|l| *l = -*l);
    }
    let weights = solve_spd(&r, &ex.loadings, names)?;
    let scores = data.scores(&weights);
    let mut result = FitResult::new("factor", data.n_complete());
    fill_result(&mut result, names, &r, &eig, &ex, &weights, opts);
    result.info.n_dropped = columns[0].len() - data.n_complete();
    Ok(FactorFit { result, scores })
}

fn check_items(
    names: &[String],
    columns: &[Vec<f64>],
    method: FactorMethod,
) -> Result<(), EstimateError> {
    let k = columns.len();
    let min_k = if method == FactorMethod::PrincipalComponent {
        2
    } else {
        3
    };
    if k < min_k || names.len() != k {
        return Err(EstimateError::InvalidOption {
            option: "items".into(),
            reason: format!(
                "the {} needs at least {min_k} item columns with one name each; got {k} columns and {} names",
                method.label(),
                names.len()
            ),
        });
    }
    let n = columns[0].len();
    if let Some(j) = columns.iter().position(|c| c.len() != n) {
        return Err(EstimateError::Invalid(format!(
            "factor: item `{}` has {} rows, `{}` has {n}",
            names[j],
            columns[j].len(),
            names[0]
        )));
    }
    Ok(())
}

fn extract(
    r: &faer::Mat<f64>,
    names: &[String],
    opts: &FactorOptions,
) -> Result<Extraction, EstimateError> {
    match opts.method {
        FactorMethod::PrincipalComponent => {
            let (e1, v1) = first_eigen(r)?;
            let loadings = v1.iter().map(|v| v * e1.sqrt()).collect();
            Ok(with_heywood_check(loadings, names, 0, true))
        }
        FactorMethod::IteratedPrincipal => ipf(r, names, opts),
        FactorMethod::MaximumLikelihood => ml::fit(r, names, opts),
    }
}

/// Iterated principal factor on R with communalities h on the diagonal.
fn ipf(
    r: &faer::Mat<f64>,
    names: &[String],
    opts: &FactorOptions,
) -> Result<Extraction, EstimateError> {
    let mut h = stats::smc(r, names)?;
    let mut reduced = r.clone();
    let mut loadings = vec![0.0; h.len()];
    for it in 1..=opts.max_iter {
        for (j, hj) in h.iter().enumerate() {
            reduced[(j, j)] = *hj;
        }
        let (theta, v) = first_eigen(&reduced)?;
        loadings = v.iter().map(|x| x * theta.max(0.0).sqrt()).collect();
        let change = loadings
            .iter()
            .zip(&h)
            .map(|(l, hj)| (l * l - hj).abs())
            .fold(0.0, f64::max);
        h = loadings.iter().map(|l| l * l).collect();
        if change < opts.tol {
            return Ok(with_heywood_check(loadings, names, it, true));
        }
    }
    Ok(with_heywood_check(loadings, names, opts.max_iter, false))
}

pub(crate) fn with_heywood_check(
    loadings: Vec<f64>,
    names: &[String],
    iterations: usize,
    converged: bool,
) -> Extraction {
    let mut warnings = Vec::new();
    if !converged {
        warnings.push(format!(
            "factor loadings did not converge in {iterations} iterations"
        ));
    }
    for (name, l) in names.iter().zip(&loadings) {
        if l * l >= 1.0 - 1e-9 {
            warnings.push(format!(
                "Heywood case: communality of `{name}` is {:.4} (>= 1); the one-factor model is improper",
                l * l
            ));
        }
    }
    let uniquenesses = loadings.iter().map(|l| 1.0 - l * l).collect();
    Extraction {
        loadings,
        uniquenesses,
        iterations,
        converged,
        warnings,
    }
}

fn fill_result(
    res: &mut FitResult,
    names: &[String],
    r: &faer::Mat<f64>,
    eig: &[f64],
    ex: &Extraction,
    weights: &[f64],
    opts: &FactorOptions,
) {
    let k = names.len() as f64;
    let lam = &ex.loadings;
    for (name, l) in names.iter().zip(lam) {
        res.coefficients.push(ParamRow::normal(name, *l, f64::NAN));
    }
    let uniq = names
        .iter()
        .zip(&ex.uniquenesses)
        .map(|(name, u)| ParamRow::normal(name, *u, f64::NAN))
        .collect();
    res.extra_rows.insert("uniqueness".into(), uniq);
    let ss: f64 = lam.iter().map(|l| l * l).sum();
    let score_var: f64 = lam.iter().zip(weights).map(|(l, w)| l * w).sum();
    res.fit.insert("eigenvalue".into(), eig[0]);
    res.fit.insert("variance_share".into(), eig[0] / k);
    res.fit.insert("factor_variance".into(), ss);
    res.fit.insert("factor_share".into(), ss / k);
    res.fit.insert("n_items".into(), k);
    res.fit.insert("score_sd".into(), score_var.sqrt());
    if opts.method == FactorMethod::MaximumLikelihood {
        ml::add_fit_statistics(res, r, lam, &ex.uniquenesses);
    }
    res.tables.insert("eigenvalues".into(), json!(eig));
    res.tables.insert(
        "scoring_coefficients".into(),
        json!(
            names
                .iter()
                .zip(weights)
                .map(|(n, w)| json!({"name": n, "coefficient": w}))
                .collect::<Vec<_>>()
        ),
    );
    res.tables
        .insert("method".into(), json!(opts.method.label()));
    res.info.dependent = "factor score".into();
    res.info.converged = ex.converged;
    res.info.iterations = ex.iterations;
    res.info.warnings = ex.warnings.clone();
}
