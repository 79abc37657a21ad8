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
//!
//! The Newton solver, the rank check, the covariance (classical, robust,
//! cluster) and the fit statistics are the shared ones of `estimate::newton`,
//! `estimate::linalg`, `estimate::covariance` and `estimate::binary`.

pub(crate) mod brant;
mod cutpoints;
pub(crate) mod likelihood;
mod separation_check;

use faer::Mat;

use crate::data::Design;
use crate::estimate::covariance::{self, Family, Scores};
use crate::estimate::newton::{self, Eval, LogLik, NewtonOptions, Termination};
use crate::estimate::results::mle_stats;
use crate::estimate::{EstimateError, FitInfo, FitOptions, FitResult, ParamRow, linalg};
pub use crate::numeric::Link;
pub(crate) use brant::BrantTest;
pub use likelihood::{Evaluation, OrderedData};

/// Ordered logit (proportional odds) model.
#[derive(Debug, Clone, Default)]
pub struct OrderedLogit {
    /// Standard errors, margins, Brant test and optimiser settings.
    pub options: FitOptions,
}

/// Ordered probit model.
#[derive(Debug, Clone, Default)]
pub struct OrderedProbit {
    /// Standard errors, margins and optimiser settings.
    pub options: FitOptions,
}

impl OrderedLogit {
    /// The estimator with these options.
    pub fn new(options: FitOptions) -> Self {
        OrderedLogit { options }
    }

    /// Fit by maximum likelihood; adds the Brant test when `options.brant`.
    pub fn fit(&self, design: &Design) -> Result<FitResult, EstimateError> {
        fit_ordered(Link::Logit, design, &self.options)
    }
}

impl OrderedProbit {
    /// The estimator with these options.
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

impl LogLik for Reparametrised<'_> {
    fn value(&self, ba: &[f64]) -> f64 {
        self.data.log_likelihood(self.link, &self.theta(ba))
    }

    fn eval(&self, ba: &[f64]) -> Eval {
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
        let hess = jac.transpose() * &ev.hess * &jac;
        Eval {
            ll: ev.ll,
            grad,
            hess,
        }
    }
}

/// Checked inputs of an ordered fit.
struct Prepared {
    values: Vec<f64>,
    cat: Vec<usize>,
}

fn prepare(link: Link, design: &Design, opts: &FitOptions) -> Result<Prepared, EstimateError> {
    let est = estimator_name(link);
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
/// the constant): a constant column is named as such, otherwise the first
/// dependency found by the rank-revealing QR of the centred design.
fn check_rank(design: &Design) -> Result<(), EstimateError> {
    let (n, k) = (design.n(), design.k());
    for j in 0..k {
        let c = linalg::col(&design.x, j);
        if c.iter().all(|&v| v == c[0]) {
            return Err(EstimateError::Invalid(format!(
                "column `{}` is constant; ordered models have no constant (the cut points play its role): drop it",
                design.names[j]
            )));
        }
    }
    let means: Vec<f64> = (0..k)
        .map(|j| linalg::col(&design.x, j).iter().sum::<f64>() / n as f64)
        .collect();
    let centred = Mat::<f64>::from_fn(n, k, |i, j| design.x[(i, j)] - means[j]);
    let r = linalg::tsqr_r(&centred, None);
    match linalg::first_dependency(r.as_ref(), n) {
        Some(cols) => Err(EstimateError::Collinear {
            columns: cols.into_iter().map(|j| design.names[j].clone()).collect(),
        }),
        None => Ok(()),
    }
}

/// The parameters of a singular information matrix `-H` that depend on the
/// others (all of them when no single dependency is found).
fn singular(design: &Design, thresholds: &[String], hess: &Mat<f64>) -> EstimateError {
    let neg = -hess;
    let idx = linalg::gram_dependency(neg.as_ref()).unwrap_or_else(|| (0..hess.nrows()).collect());
    EstimateError::SingularInformation {
        columns: param_names(design, thresholds, &idx),
    }
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
        x: &design.x,
        cat: &prep.cat,
        ncat,
    };
    let thresholds = cutpoints::threshold_names(&prep.values);
    let counts = cutpoints::counts(&prep.cat, ncat);
    let mut start = vec![0.0; k];
    start.extend(cutpoints::from_kappa(&cutpoints::null_kappa(link, &counts)));
    let model = Reparametrised { data, link };
    let nopts = NewtonOptions {
        max_iter: opts.max_iter,
        tol: opts.tol,
    };
    let out = newton::maximize(&model, start, nopts);
    let theta = model.theta(&out.theta);
    separation_check::check(link, &data, design, &theta)?;
    if matches!(
        out.termination,
        Termination::SingularHessian | Termination::NonFinite
    ) {
        return Err(singular(design, &thresholds, &out.eval.hess));
    }
    let ev = data.evaluate(link, &theta);
    let neg_h = -&ev.hess;
    let bread = linalg::spd_inverse(neg_h.as_ref())
        .ok_or_else(|| singular(design, &thresholds, &ev.hess))?;
    let scores = match opts.se {
        crate::estimate::SeKind::Classical => Mat::<f64>::zeros(0, 0),
        _ => data.scores(link, &theta),
    };
    let v = covariance::vcov(
        opts.se,
        &bread,
        1.0,
        &Scores::Dense(&scores),
        design.clusters.as_ref(),
        Family::Mle { n },
    )?;
    let p = theta.len();
    let se = covariance::std_errors(&v.matrix);
    let mut res = FitResult::new(estimator_name(link), n);
    res.coefficients = (0..k)
        .map(|i| ParamRow::normal(design.names[i].clone(), theta[i], se[i]))
        .collect();
    res.thresholds = (k..p)
        .map(|i| ParamRow::normal(thresholds[i - k].clone(), theta[i], se[i]))
        .collect();
    res.vcov = Some(linalg::row_major(&v.matrix));
    res.fit = mle_stats(ev.ll, cutpoints::null_log_likelihood(&counts), n, p, k);
    res.info = FitInfo::from_newton(&design.y_name, v.kind, &out, design.n_dropped);
    if !out.converged() {
        res.info.warnings.push(format!(
            "{} did not converge ({:?} after {} iterations, Newton decrement {:.3e}); estimates are from the last iterate",
            estimator_name(link),
            out.termination,
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

/// CLI name of the ordered estimator using `link`.
fn estimator_name(link: Link) -> &'static str {
    match link {
        Link::Logit => "ologit",
        Link::Probit => "oprobit",
    }
}
