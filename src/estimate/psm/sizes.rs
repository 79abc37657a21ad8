//! Smallest treated and control groups a matching method can use.
//!
//! With one treated unit the ATT is a single difference and every variance
//! estimate is zero or undefined (a reported SE of 0 and p of 0 would be
//! wrong, not merely imprecise), so estimation is refused, naming the counts:
//! * nearest neighbour (k donors, Abadie-Imbens variance with J same-arm
//!   neighbours): each arm needs J + 1 units (a unit's J neighbours exclude
//!   itself); the donor arm also needs k units;
//! * radius and kernel (bootstrap SEs): 2 units per arm;
//! * local linear: 3 donors (a line through at least two other points);
//! * spline with K knots: K + 1 donors (K basis functions plus one residual).

use super::Psm;
use super::method::Method;
use crate::estimate::error::EstimateError;

/// Least (treated, controls) for `spec`.
pub fn minimum_counts(spec: &Psm) -> (usize, usize) {
    let donors = match spec.method {
        Method::Nearest { k, .. } => k.max(spec.ai_neighbors + 1),
        Method::Radius { .. } | Method::Kernel { .. } => 2,
        Method::LocalLinear { .. } => 3,
        Method::Spline { knots } => knots.unwrap_or(3).max(3) + 1,
    };
    let targets = match spec.method {
        Method::Nearest { .. } => spec.ai_neighbors + 1,
        _ => 2,
    };
    // With the ATE, controls are targets and treated are donors as well.
    if spec.ate {
        (targets.max(donors), donors.max(targets))
    } else {
        (targets, donors)
    }
}

/// Refuse a sample whose treated or control group is smaller than the method needs.
pub fn check_counts(spec: &Psm, d: &[bool]) -> Result<(), EstimateError> {
    let treated = d.iter().filter(|&&t| t).count();
    let controls = d.len() - treated;
    let (min_t, min_c) = minimum_counts(spec);
    if treated < min_t || controls < min_c {
        return Err(EstimateError::Invalid(format!(
            "psm ({}) needs at least {min_t} treated and {min_c} control units; \
             treatment `{}` has {treated} treated and {controls} controls",
            method_name(&spec.method),
            spec.treatment
        )));
    }
    Ok(())
}

fn method_name(m: &Method) -> String {
    match m {
        Method::Nearest { k, .. } => format!("nearest neighbour, {k} match(es)"),
        Method::Radius { .. } => "radius".into(),
        Method::Kernel { .. } => "kernel".into(),
        Method::LocalLinear { .. } => "local linear".into(),
        Method::Spline { .. } => "spline".into(),
    }
}
