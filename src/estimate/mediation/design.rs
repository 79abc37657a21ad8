//! The mediator and outcome designs of a mediation analysis, cut from one
//! outcome design that holds the treatment, the mediator and the controls.

use faer::Mat;

use crate::data::Design;
use crate::estimate::EstimateError;

/// Mediator model `M ~ T + X` and outcome model `Y ~ T + M (+ T:M) + X`.
#[derive(Debug, Clone)]
pub struct MediationDesigns {
    /// Mediator model `M ~ T + X`.
    pub mediator: Design,
    /// Outcome model `Y ~ T + M (+ T:M) + X`.
    pub outcome: Design,
    /// Column of the treatment in the mediator design.
    pub mediator_treat: usize,
    /// Column of the treatment in the outcome design.
    pub outcome_treat: usize,
    /// Column of the mediator in the outcome design.
    pub outcome_mediator: usize,
    /// Column of `treatment:mediator` in the outcome design, if added.
    pub outcome_interaction: Option<usize>,
}

/// Which treatment values to contrast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contrast {
    /// Treatment value of the control condition `t0`.
    pub control: f64,
    /// Treatment value of the treated condition `t1`.
    pub treat: f64,
    /// Whether the values were given (continuous treatment) or are the 0/1 default.
    pub explicit: bool,
}

/// Split `design` (outcome `Y`, columns including `treatment` and `mediator`)
/// into the two models' designs, appending `treatment:mediator` to the
/// outcome design when `interaction` asks for it and it is not there yet.
pub fn prepare(
    design: &Design,
    treatment: &str,
    mediator: &str,
    interaction: bool,
    contrast: Contrast,
) -> Result<MediationDesigns, EstimateError> {
    let missing = |c: &str| EstimateError::MissingColumn {
        estimator: "mediation".into(),
        column: c.into(),
    };
    let t = design
        .col_index(treatment)
        .ok_or_else(|| missing(treatment))?;
    let m = design
        .col_index(mediator)
        .ok_or_else(|| missing(mediator))?;
    let inter_names = [
        format!("{treatment}:{mediator}"),
        format!("{mediator}:{treatment}"),
    ];
    let existing = inter_names.iter().find_map(|n| design.col_index(n));
    check_other_terms(design, treatment, mediator, existing)?;
    check_treatment(design, t, contrast)?;
    check_varies(design, m, "mediator")?;

    let mut outcome = design.clone();
    let inter = match (existing, interaction) {
        (Some(j), _) => Some(j),
        (None, true) => {
            let n = design.n();
            let k = design.k();
            let x = Mat::from_fn(n, k + 1, |i, j| {
                if j < k {
                    design.x[(i, j)]
                } else {
                    design.x[(i, t)] * design.x[(i, m)]
                }
            });
            outcome.x = x;
            outcome.names.push(inter_names[0].clone());
            Some(k)
        }
        (None, false) => None,
    };
    let keep: Vec<usize> = (0..design.k())
        .filter(|j| *j != m && Some(*j) != existing)
        .collect();
    let mediator_design = Design {
        y_name: mediator.into(),
        y: design.x.col(m).iter().copied().collect(),
        x: Mat::from_fn(design.n(), keep.len(), |i, j| design.x[(i, keep[j])]),
        names: keep.iter().map(|j| design.names[*j].clone()).collect(),
        clusters: design.clusters.clone(),
        n_dropped: design.n_dropped,
    };
    let mediator_treat = keep
        .iter()
        .position(|j| *j == t)
        .ok_or_else(|| missing(treatment))?;
    Ok(MediationDesigns {
        mediator: mediator_design,
        outcome,
        mediator_treat,
        outcome_treat: t,
        outcome_mediator: m,
        outcome_interaction: inter,
    })
}

/// Terms other than T, M and T:M must not involve T or M: the simulation
/// sets only those columns to their counterfactual values.
fn check_other_terms(
    design: &Design,
    treatment: &str,
    mediator: &str,
    interaction: Option<usize>,
) -> Result<(), EstimateError> {
    for (j, name) in design.names.iter().enumerate() {
        if name == treatment || name == mediator || Some(j) == interaction {
            continue;
        }
        let involves = name
            .split([':', '^', '='])
            .any(|tok| tok == treatment || tok == mediator);
        if involves {
            return Err(EstimateError::InvalidOption {
                option: "x".into(),
                reason: format!(
                    "term `{name}` involves the treatment or the mediator; mediation takes \
                     them only as plain columns plus the `{treatment}:{mediator}` interaction"
                ),
            });
        }
    }
    Ok(())
}

fn check_treatment(design: &Design, t: usize, c: Contrast) -> Result<(), EstimateError> {
    let name = &design.names[t];
    if c.explicit {
        if !(c.control.is_finite() && c.treat.is_finite()) || c.control == c.treat {
            return Err(EstimateError::InvalidOption {
                option: "control_value/treat_value".into(),
                reason: format!(
                    "need two different finite values, got {} and {}",
                    c.control, c.treat
                ),
            });
        }
        return check_varies(design, t, "treatment");
    }
    let col = design.x.col(t);
    if let Some((row, v)) = col
        .iter()
        .enumerate()
        .find(|(_, v)| **v != 0.0 && **v != 1.0)
    {
        return Err(EstimateError::TreatmentNotBinary {
            column: name.clone(),
            row,
            value: *v,
            hint: "give control and treat values for a continuous treatment".into(),
        });
    }
    let treated = col.iter().filter(|v| **v == 1.0).count();
    if treated == 0 || treated == design.n() {
        return Err(EstimateError::NoTreatedOrControls {
            column: name.clone(),
            treated,
            controls: design.n() - treated,
        });
    }
    Ok(())
}

fn check_varies(design: &Design, j: usize, role: &str) -> Result<(), EstimateError> {
    let col = design.x.col(j);
    let first = col.iter().next().copied().unwrap_or(f64::NAN);
    if col.iter().all(|v| *v == first) {
        return Err(EstimateError::ConstantColumn {
            column: design.names[j].clone(),
            role: role.into(),
            value: first,
        });
    }
    Ok(())
}
