//! Ordered logit and ordered probit: `P(y <= j | x) = F(kappa_j - x'b)`,
//! F logistic or standard normal, with the Brant test of parallel lines.
//!
//! The design has no constant (the cut points play its role). Estimation is
//! by Newton-Raphson on `(b, a)` with `kappa_1 = a_1`,
//! `kappa_j = kappa_{j-1} + exp(a_j)` so that the cut points stay ordered;
//! the curvature used is `J' H J`, the analytic Hessian `H` on the
//! `(b, kappa)` scale pulled back through `J = d kappa / d a` (negative
//! definite because the ordered log-likelihood is concave in `(b, kappa)`,
//! Pratt 1981; it differs from the exact Hessian in `a` by a term
//! proportional to the score, so convergence stays quadratic). Thresholds,
//! standard errors and `vcov` are reported on the `(b, kappa)` scale from
//! the analytic Hessian there, which at the optimum equals the delta method
//! applied to the `a` scale.

pub mod brant;
mod cutpoints;
pub mod likelihood;
mod link;
mod separation_check;
mod solver;
mod vcov;

use faer::Mat;
use statrs::distribution::{ChiSquared, ContinuousCDF};

use crate::data::Design;
use crate::estimate::{EstimateError, FitOptions, FitResult, ParamRow};
pub use brant::{BrantTest, WaldRow};
pub use likelihood::{Evaluation, OrderedData};
pub use link::Link;
use solver::Concave;

/// Ordered logit (proportional odds) model.
#[derive(Debug, Clone, Default)]
pub struct OrderedLogit {
    pub options: FitOptions,
}

/// Ordered probit model.
#[derive(Debug, Clone, Default)]
pub struct OrderedProbit {
    pub options: FitOptions,
}

impl OrderedLogit {
    pub fn new(options: FitOptions) -> Self {
        OrderedLogit { options }
    }

    /// Fit by maximum likelihood; adds the Brant test when `options.brant`.
    pub fn fit(&self, design: &Design) -> Result<FitResult, EstimateError> {
        fit_ordered(Link::Logit, design, &self.options)
    }
}

impl OrderedProbit {
    pub fn new(options: FitOptions) -> Self {
        OrderedProbit { options }
    }

    /// Fit by maximum likelihood (`options.brant` is an error: the Brant test is for ordered logit).
    pub fn fit(&self, design: &Design) -> Result<FitResult, EstimateError> {
        fit_ordered(Link::Probit, design, &self.options)
    }
}

/// The Brant table of a fit as text, if the fit carries one.
pub fn brant_text(result: &FitResult) -> Option<String> {
    let table = result.tables.get("brant")?;
    serde_json::from_value::<BrantTest>(table.clone())
        .ok()
        .map(|b| b.to_string())
}

/// The likelihood in the estimation parameters `(b, a)`.
struct Reparametrised<'a> {
    data: OrderedData<'a>,
    link: Link,
}

impl Reparametrised<'_> {
    fn theta(&self, ba: &[f64]) -> Vec<f64> {
        let (b, a) = ba.split_at(self.data.k());
        b.iter().copied().chain(cutpoints::to_kappa(a)).collect()
    }
}

impl Concave for Reparametrised<'_> {
    fn value(&self, ba: &[f64]) -> f64 {
        self.data.log_likelihood(self.link, &self.theta(ba))
    }

    fn derivatives(&self, ba: &[f64]) -> (f64, Vec<f64>, Mat<f64>) {
        let (k, p) = (self.data.k(), self.data.n_params());
        let m = p - k;
        let jac_k = cutpoints::jacobian(&ba[k..]);
        let jac = Mat::<f64>::from_fn(p, p, |i, j| match (i < k, j < k) {
            (true, true) => f64::from(u8::from(i == j)),
            (false, false) => jac_k[(i - k) * m + (j - k)],
            _ => 0.0,
        });
        let ev = self.data.evaluate(self.link, &self.theta(ba));
        let grad = (0..p)
            .map(|j| (0..p).map(|i| jac[(i, j)] * ev.grad[i]).sum())
            .collect();
        let curv = jac.transpose() * &ev.hess * &jac;
        (ev.ll, grad, curv)
    }
}

/// Checked inputs of an ordered fit.
struct Prepared {
    values: Vec<f64>,
    cat: Vec<usize>,
}

fn prepare(link: Link, design: &Design, opts: &FitOptions) -> Result<Prepared, EstimateError> {
    let est = link.estimator();
    let (n, k) = (design.n(), design.k());
    if design.x.nrows() != n || design.names.len() != k {
        return Err(EstimateError::Invalid(format!(
            "{est}: design has {} rows and {} names for {n} outcomes and {k} columns",
            design.x.nrows(),
            design.names.len()
        )));
    }
    if opts.brant && link == Link::Probit {
        return Err(EstimateError::InvalidOption {
            option: "brant".into(),
            reason: "the Brant test is defined for ordered logit (ologit) only".into(),
        });
    }
    if opts.max_iter == 0 || opts.tol.is_nan() || opts.tol <= 0.0 {
        return Err(EstimateError::InvalidOption {
            option: "max_iter/tol".into(),
            reason: format!(
                "need max_iter >= 1 and tol > 0, got {} and {}",
                opts.max_iter, opts.tol
            ),
        });
    }
    if let Some(row) = design.y.iter().position(|v| !v.is_finite()) {
        return Err(EstimateError::Invalid(format!(
            "outcome `{}` row {row} is {}; missing values must be dropped first",
            design.y_name, design.y[row]
        )));
    }
    for j in 0..k {
        if let Some(row) = (0..n).find(|&i| !design.x[(i, j)].is_finite()) {
            return Err(EstimateError::Invalid(format!(
                "column `{}` row {row} is not a finite number",
                design.names[j]
            )));
        }
    }
    let (values, cat) = cutpoints::categorize(&design.y);
    if values.len() < 2 {
        return Err(EstimateError::OutcomeConstant {
            column: design.y_name.clone(),
            value: values.first().copied().unwrap_or(f64::NAN),
        });
    }
    let p = k + values.len() - 1;
    if n < p {
        return Err(EstimateError::TooFewObservations { n, k: p });
    }
    check_rank(design)?;
    Ok(Prepared { values, cat })
}

/// Exact collinearity among the centred regressors (the cut points absorb
/// the constant), by the incremental Cholesky of the centred `X'X`.
fn check_rank(design: &Design) -> Result<(), EstimateError> {
    let (n, k) = (design.n(), design.k());
    if k == 0 {
        return Ok(());
    }
    let means: Vec<f64> = (0..k)
        .map(|j| design.x.col(j).iter().sum::<f64>() / n as f64)
        .collect();
    let centred = Mat::<f64>::from_fn(n, k, |i, j| design.x[(i, j)] - means[j]);
    let mut gram = Mat::<f64>::zeros(k, k);
    likelihood::add_weighted_gram(centred.as_ref(), &vec![1.0; n], gram.as_mut());
    let Some((j, loads)) = solver::dependent_columns(gram.as_ref()).into_iter().next() else {
        return Ok(());
    };
    if loads.is_empty() {
        return Err(EstimateError::Invalid(format!(
            "column `{}` is constant; ordered models have no constant (the cut points play its role): drop it",
            design.names[j]
        )));
    }
    let mut columns: Vec<String> = loads.iter().map(|&c| design.names[c].clone()).collect();
    columns.push(design.names[j].clone());
    Err(EstimateError::Collinear { columns })
}

fn param_names(design: &Design, thresholds: &[String], idx: &[usize]) -> Vec<String> {
    let k = design.k();
    idx.iter()
        .map(|&i| {
            if i < k {
                design.names[i].clone()
            } else {
                thresholds[i - k].clone()
            }
        })
        .collect()
}

fn fit_ordered(link: Link, design: &Design, opts: &FitOptions) -> Result<FitResult, EstimateError> {
    let prep = prepare(link, design, opts)?;
    let (n, k) = (design.n(), design.k());
    let ncat = prep.values.len();
    let data = OrderedData {
        x: design.x.as_ref(),
        cat: &prep.cat,
        ncat,
    };
    let thresholds = cutpoints::threshold_names(&prep.values);
    let counts = cutpoints::counts(&prep.cat, ncat);
    let mut start = vec![0.0; k];
    start.extend(cutpoints::from_kappa(&cutpoints::null_kappa(link, &counts)));
    let model = Reparametrised { data, link };
    let singular = |s: solver::Singular| EstimateError::SingularInformation {
        columns: param_names(design, &thresholds, &s.0),
    };
    let out = solver::maximize(&model, start, opts.max_iter, opts.tol).map_err(singular)?;
    let theta = model.theta(&out.theta);
    separation_check::check(link, &data, design, &theta)?;
    let ev = data.evaluate(link, &theta);
    let bread = solver::inverse_negative(ev.hess.as_ref()).map_err(singular)?;
    let scores = match opts.se {
        crate::estimate::SeKind::Classical => Mat::<f64>::zeros(0, 0),
        _ => data.scores(link, &theta),
    };
    let (v, cov_type) = vcov::covariance(opts.se, bread, &scores, design.clusters.as_ref())?;
    let p = theta.len();
    let se = |i: usize| v[(i, i)].max(0.0).sqrt();
    let mut res = FitResult::new(link.estimator(), n);
    res.coefficients = (0..k)
        .map(|i| ParamRow::normal(design.names[i].clone(), theta[i], se(i)))
        .collect();
    res.thresholds = (k..p)
        .map(|i| ParamRow::normal(thresholds[i - k].clone(), theta[i], se(i)))
        .collect();
    res.vcov = Some(
        (0..p)
            .flat_map(|i| (0..p).map(move |j| (i, j)))
            .map(|(i, j)| v[(i, j)])
            .collect(),
    );
    fill_fit(
        &mut res,
        ev.ll,
        cutpoints::null_log_likelihood(&counts),
        k,
        p,
    );
    res.info.dependent = design.y_name.clone();
    res.info.covariance = Some(cov_type);
    res.info.converged = out.converged;
    res.info.iterations = out.iterations;
    res.info.n_dropped = design.n_dropped;
    if !out.converged {
        res.info.warnings.push(format!(
            "{} did not converge after {} iterations (Newton decrement {:.3e}); estimates are from the last iterate",
            link.estimator(),
            out.iterations,
            out.decrement
        ));
    }
    if opts.brant {
        add_brant(&mut res, &data, design, &prep.values, opts);
    }
    Ok(res)
}

fn add_brant(
    res: &mut FitResult,
    data: &OrderedData<'_>,
    design: &Design,
    values: &[f64],
    opts: &FitOptions,
) {
    if data.ncat < 3 || data.k() == 0 {
        res.info.warnings.push(
            "Brant test not computed: it needs at least 3 outcome categories and 1 regressor"
                .into(),
        );
        return;
    }
    match brant::brant_test(
        data,
        &design.y_name,
        &design.names,
        values,
        opts.max_iter,
        opts.tol,
    ) {
        Ok(test) => match serde_json::to_value(&test) {
            Ok(json) => {
                res.tables.insert("brant".into(), json);
            }
            Err(e) => res
                .info
                .warnings
                .push(format!("Brant test not stored: {e}")),
        },
        Err(why) => res
            .info
            .warnings
            .push(format!("Brant test not computed: {why}")),
    }
}

/// Log-likelihood based fit statistics (statsmodels' names and conventions:
/// `df_model` = number of slopes, AIC/BIC count slopes and cut points).
fn fill_fit(res: &mut FitResult, ll: f64, ll_null: f64, k: usize, p: usize) {
    let n = res.n as f64;
    let lr = 2.0 * (ll - ll_null);
    let lr_p = ChiSquared::new(k as f64)
        .map(|c| c.sf(lr))
        .unwrap_or(f64::NAN);
    let stats = [
        ("log_likelihood", ll),
        ("ll_null", ll_null),
        ("pseudo_r2", 1.0 - ll / ll_null),
        ("aic", -2.0 * ll + 2.0 * p as f64),
        ("bic", -2.0 * ll + p as f64 * n.ln()),
        ("lr_chi2", lr),
        ("lr_pvalue", lr_p),
        ("df_model", k as f64),
        ("df_resid", n - p as f64),
    ];
    for (name, value) in stats {
        res.fit.insert(name.into(), value);
    }
}
