//! Interaction effects in logit and probit models (Ai & Norton 2003).
//!
//! In P = F(eta), eta = x'beta, the effect of an interaction term `a:b` is
//! the cross-partial of P, not the coefficient of `a:b`. Per observation:
//!
//! * a, b continuous (Ai & Norton eq. 2, generalised to any columns built
//!   from a and b, e.g. `a^2`):
//!   d2F/da db = F''(eta) eta_a eta_b + F'(eta) eta_ab;
//! * a continuous, b a 0/1 dummy (eq. 4):
//!   F'(eta_1) eta_a(b = 1) - F'(eta_0) eta_a(b = 0);
//! * both dummies (eq. 5): F(eta_11) - F(eta_10) - F(eta_01) + F(eta_00).
//!
//! Standard errors by the delta method, se_i = sqrt(g_i' V g_i), with the
//! analytic gradient g_i of the effect in beta (eq. 6). The average effect's
//! standard error uses the averaged gradient, sqrt(gbar' V gbar), which is
//! not the mean of the per-observation standard errors. Summaries (mean, SD
//! with divisor n - 1, min, max) follow Stata's `inteff`, which the enclave
//! study's Table 9 reports.

mod terms;

use faer::{Mat, MatRef};
use serde::Serialize;
use serde_json::json;

pub use crate::numeric::Link;
use terms::{Row, Terms, split_term};

use super::margins::delta_variance;
use super::{EstimateError, FitResult, ParamRow, linalg};
use crate::data::Design;

/// How to treat an interacted variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VarKind {
    /// A dummy if every value is 0 or 1, continuous otherwise.
    #[default]
    Auto,
    /// Continuous: the derivative in the variable (Ai & Norton eq. 2 or 4).
    Continuous,
    /// Must be 0/1 valued (an error otherwise).
    Dummy,
}

/// Which formula applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InteractionKind {
    /// Both continuous: `F''(eta) eta_a eta_b + F'(eta) eta_ab` (eq. 2).
    ContinuousContinuous,
    /// One continuous, one dummy: `F'(eta_1) eta_a(b=1) - F'(eta_0) eta_a(b=0)` (eq. 4).
    ContinuousDummy,
    /// Both dummies: `F(eta_11) - F(eta_10) - F(eta_01) + F(eta_00)` (eq. 5).
    DummyDummy,
}

/// Treatment of the two variables of `a:b`, in the order written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InteractionOptions {
    /// How to treat `a`.
    pub a: VarKind,
    /// How to treat `b`.
    pub b: VarKind,
}

/// Mean, SD (divisor n - 1), min and max of a per-observation quantity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// Mean.
    pub mean: f64,
    /// Standard deviation, divisor `n - 1`.
    pub sd: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

/// Per-observation interaction effects with their delta-method SEs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InteractionEffect {
    /// The term as written (`a:b`).
    pub term: String,
    /// Which formula applied.
    pub kind: InteractionKind,
    /// The continuous variable (for the continuous x dummy case) or the first one.
    pub first: String,
    /// The other variable (the dummy in the continuous x dummy case).
    pub second: String,
    /// Interaction effect of each observation (the cross-partial or cross-difference of P).
    pub effect: Vec<f64>,
    /// Delta-method standard error of each effect, `sqrt(g_i' V g_i)` (eq. 6).
    pub std_error: Vec<f64>,
    /// `effect / std_error` per observation.
    pub z: Vec<f64>,
    /// The average effect; SE from the averaged gradient.
    pub average: ParamRow,
    /// Summary of `effect` over the observations.
    pub effect_summary: Summary,
    /// Summary of `std_error`.
    pub std_error_summary: Summary,
    /// Summary of `z`.
    pub z_summary: Summary,
}

/// Interaction effect of `term` ("a:b") after a binary model with `link`,
/// coefficients `beta` (in the order of `names`, the columns of `x`) and
/// their covariance `vcov` (k x k, row-major).
pub fn interaction_effect(
    link: Link,
    beta: &[f64],
    vcov: &[f64],
    x: MatRef<'_, f64>,
    names: &[String],
    term: &str,
    opts: &InteractionOptions,
) -> Result<InteractionEffect, EstimateError> {
    check_shapes(beta, vcov, x, names)?;
    let (a, b) = split_term(term)?;
    let da = is_dummy(x, names, &a, opts.a)?;
    let db = is_dummy(x, names, &b, opts.b)?;
    let (first, second, kind) = match (da, db) {
        (false, false) => (a, b, InteractionKind::ContinuousContinuous),
        (false, true) => (a, b, InteractionKind::ContinuousDummy),
        (true, false) => (b, a, InteractionKind::ContinuousDummy),
        (true, true) => (a, b, InteractionKind::DummyDummy),
    };
    let terms = Terms::new(names, &first, &second)?;
    terms.verify(x, names)?;
    let k = beta.len();
    let n = x.nrows();
    let vcov = Mat::from_fn(k, k, |i, j| vcov[i * k + j]);
    let mut gbar = vec![0.0; k];
    let (mut effect, mut std_error) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let (e, g) = effect_and_gradient(link, beta, &terms, x, i, kind);
        effect.push(e);
        std_error.push(delta_variance(&vcov, &g).sqrt());
        gbar.iter_mut()
            .zip(&g)
            .for_each(|(s, gj)| *s += gj / n as f64);
    }
    let z: Vec<f64> = effect.iter().zip(&std_error).map(|(e, s)| e / s).collect();
    let mean = effect.iter().sum::<f64>() / n as f64;
    Ok(InteractionEffect {
        term: term.to_string(),
        kind,
        first,
        second,
        average: ParamRow::normal(term, mean, delta_variance(&vcov, &gbar).sqrt()),
        effect_summary: summarize(&effect),
        std_error_summary: summarize(&std_error),
        z_summary: summarize(&z),
        effect,
        std_error,
        z,
    })
}

/// Same, from a fitted logit/probit and the design it was fitted on:
/// `coefficients` in design-column order and `vcov` must be present.
pub fn from_fit(
    link: Link,
    fit: &FitResult,
    design: &Design,
    term: &str,
    opts: &InteractionOptions,
) -> Result<InteractionEffect, EstimateError> {
    let beta: Vec<f64> = fit.coefficients.iter().map(|r| r.estimate).collect();
    if !fit
        .coefficients
        .iter()
        .map(|r| &r.name)
        .eq(design.names.iter())
    {
        return Err(EstimateError::Invalid(format!(
            "interaction effect: the {} fit's coefficients do not match the design columns {:?}",
            fit.estimator, design.names
        )));
    }
    let v = linalg::row_major(&fit.vcov()?);
    interaction_effect(
        link,
        &beta,
        &v,
        design.x.as_ref(),
        &design.names,
        term,
        opts,
    )
}

impl InteractionEffect {
    /// Summary table as the enclave study's Table 9 (mean / SE / z) with SD, min, max.
    pub fn summary_json(&self) -> serde_json::Value {
        json!({
            "term": self.term,
            "kind": self.kind,
            "n": self.effect.len(),
            "effect": self.effect_summary,
            "std_error": self.std_error_summary,
            "z": self.z_summary,
            "average": self.average,
        })
    }

    /// Table 9-style summary text: mean, SD, min and max of the
    /// per-observation effect, SE and z, and the average effect with its
    /// averaged-gradient SE.
    pub fn summary_text(&self) -> String {
        let line = |what: &str, s: &Summary| {
            format!(
                "{what:<12} {:>12.6} {:>12.6} {:>12.6} {:>12.6}\n",
                s.mean, s.sd, s.min, s.max
            )
        };
        let kind = match self.kind {
            InteractionKind::ContinuousContinuous => "continuous x continuous",
            InteractionKind::ContinuousDummy => "continuous x dummy",
            InteractionKind::DummyDummy => "dummy x dummy",
        };
        format!(
            "Interaction effect of {} (Ai & Norton 2003; {kind}), n = {}\n\
             {:<12} {:>12} {:>12} {:>12} {:>12}\n{}{}{}\
             average effect {:.6} (SE {:.6} from the averaged gradient, z {:.3}, p {:.4})\n",
            self.term,
            self.effect.len(),
            "",
            "mean",
            "sd",
            "min",
            "max",
            line("effect", &self.effect_summary),
            line("std. error", &self.std_error_summary),
            line("z", &self.z_summary),
            self.average.estimate,
            self.average.std_error,
            self.average.statistic(),
            self.average.p_value,
        )
    }

    /// Adds `extra_rows["interaction_effect"]` (the average effect) and
    /// `tables["interaction_effect"]` (the summary) to a fit.
    pub fn attach(&self, fit: &mut FitResult) {
        fit.extra_rows
            .entry("interaction_effect".into())
            .or_default()
            .push(self.average.clone());
        fit.tables
            .insert("interaction_effect".into(), self.summary_json());
    }
}

fn check_shapes(
    beta: &[f64],
    vcov: &[f64],
    x: MatRef<'_, f64>,
    names: &[String],
) -> Result<(), EstimateError> {
    let k = beta.len();
    if x.ncols() != k || names.len() != k || vcov.len() != k * k {
        return Err(EstimateError::Invalid(format!(
            "interaction effect: {} coefficients, {} design columns, {} names and a covariance of {} entries (expected {})",
            k,
            x.ncols(),
            names.len(),
            vcov.len(),
            k * k
        )));
    }
    if x.nrows() == 0 {
        return Err(EstimateError::TooFewObservations { n: 0, k });
    }
    Ok(())
}

fn is_dummy(
    x: MatRef<'_, f64>,
    names: &[String],
    var: &str,
    kind: VarKind,
) -> Result<bool, EstimateError> {
    let Some(j) = names.iter().position(|n| n == var) else {
        return Err(EstimateError::MissingColumn {
            estimator: "the interaction effect".into(),
            column: var.to_string(),
        });
    };
    let bad = (0..x.nrows()).find(|&i| x[(i, j)] != 0.0 && x[(i, j)] != 1.0);
    match (kind, bad) {
        (VarKind::Continuous, _) => Ok(false),
        (VarKind::Auto, b) => Ok(b.is_none()),
        (VarKind::Dummy, None) => Ok(true),
        (VarKind::Dummy, Some(i)) => Err(EstimateError::NotDummy {
            column: var.to_string(),
            row: i + 1,
            value: x[(i, j)],
        }),
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Effect of observation i and its gradient in beta.
pub(crate) fn effect_and_gradient(
    link: Link,
    beta: &[f64],
    terms: &Terms,
    x: MatRef<'_, f64>,
    i: usize,
    kind: InteractionKind,
) -> (f64, Vec<f64>) {
    let (a0, b0) = (x[(i, terms.ia)], x[(i, terms.ib)]);
    let at = |a: f64, b: f64| terms.row(x, i, a, b);
    match kind {
        InteractionKind::ContinuousContinuous => cross_partial(link, beta, &at(a0, b0)),
        InteractionKind::ContinuousDummy => {
            let (h1, g1) = slope(link, beta, &at(a0, 1.0));
            let (h0, g0) = slope(link, beta, &at(a0, 0.0));
            (h1 - h0, g1.iter().zip(&g0).map(|(p, q)| p - q).collect())
        }
        InteractionKind::DummyDummy => {
            let cells = [
                (1.0, 1.0, 1.0),
                (1.0, 0.0, -1.0),
                (0.0, 1.0, -1.0),
                (0.0, 0.0, 1.0),
            ];
            let mut e = 0.0;
            let mut g = vec![0.0; beta.len()];
            for (a, b, sign) in cells {
                let r = at(a, b);
                let d = link.derivs(dot(&r.x, beta));
                e += sign * d.f;
                g.iter_mut()
                    .zip(&r.x)
                    .for_each(|(gj, xj)| *gj += sign * d.d1 * xj);
            }
            (e, g)
        }
    }
}

/// F'' eta_a eta_b + F' eta_ab and its gradient
/// F''' eta_a eta_b x + F'' (x_a eta_b + eta_a x_b + eta_ab x) + F' x_ab.
fn cross_partial(link: Link, beta: &[f64], r: &Row) -> (f64, Vec<f64>) {
    let (ea, eb, eab) = (dot(&r.xa, beta), dot(&r.xb, beta), dot(&r.xab, beta));
    let d = link.derivs(dot(&r.x, beta));
    let g = (0..beta.len())
        .map(|j| {
            d.d3 * ea * eb * r.x[j]
                + d.d2 * (r.xa[j] * eb + ea * r.xb[j] + eab * r.x[j])
                + d.d1 * r.xab[j]
        })
        .collect();
    (d.d2 * ea * eb + d.d1 * eab, g)
}

/// dF/da = F' eta_a and its gradient F'' eta_a x + F' x_a.
fn slope(link: Link, beta: &[f64], r: &Row) -> (f64, Vec<f64>) {
    let ea = dot(&r.xa, beta);
    let d = link.derivs(dot(&r.x, beta));
    let g = (0..beta.len())
        .map(|j| d.d2 * ea * r.x[j] + d.d1 * r.xa[j])
        .collect();
    (d.d1 * ea, g)
}

fn summarize(v: &[f64]) -> Summary {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let ss = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>();
    Summary {
        mean,
        sd: if v.len() > 1 {
            (ss / (n - 1.0)).sqrt()
        } else {
            f64::NAN
        },
        min: v.iter().copied().fold(f64::INFINITY, f64::min),
        max: v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    }
}

#[cfg(test)]
mod tests;
