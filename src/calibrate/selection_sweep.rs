//! The enclave column-5 penalty over the selection assumption (issue 30):
//! at each point of the ability sweep the calibration is re-run and the
//! penalty decomposed again (`migsim replicate enclave --selection-sweep`).
//!
//! Selection on unobserved ability is assumed, not published: the enclave
//! choice loads `enclave_choice.ability = -0.1 k` and mobility
//! `outcome.ability = 0.3 k` per SD of ability, with the scale `k` swept (as
//! scenarios/recovery/sweep_enclave_ability_x*.toml: k = 0, 0.5, 1, 2). At
//! each k the default free set is refitted to the default targets with both
//! loadings fixed ([`super::run::calibrate_at`]), then
//! [`crate::replicate::decompose`] splits the calibrated model's column-5
//! penalty. The part not due to selection (`1 - selection share`) is the
//! penalty the mechanism produces under that assumption; its range over k
//! is what the data leave open.

use serde::Serialize;
use toml::{Table, Value};

use super::CalibrateError;
use super::run::{Options, calibrate_at};
use crate::replicate::decompose::{Decomposition, decompose};
use crate::studies::enclave::Enclave;
use crate::studies::settings::set_dotted;
use crate::studies::{StudyName, config_of};

/// Loadings at scale 1 (the defaults).
pub const CHOICE_ABILITY: f64 = -0.1;
pub const OUTCOME_ABILITY: f64 = 0.3;

/// One point of the sweep.
#[derive(Debug, Clone, Serialize)]
pub struct SweepPoint {
    pub scale: f64,
    /// `(key, estimate, se)` of the refitted free set.
    pub calibrated: Vec<(String, f64, f64)>,
    pub q: f64,
    pub j: f64,
    pub p_value: Option<f64>,
    pub converged: bool,
    pub decomposition: Decomposition,
    /// Column-5 penalty not due to selection: `penalty (1 - selection
    /// share)`.
    pub mechanism_penalty: f64,
}

/// The fixed overrides of scale `k`.
pub fn selection_overrides(k: f64) -> Table {
    let mut t = Table::new();
    set_dotted(
        &mut t,
        "enclave_choice.ability",
        Value::Float(CHOICE_ABILITY * k),
    );
    set_dotted(&mut t, "outcome.ability", Value::Float(OUTCOME_ABILITY * k));
    t
}

/// Refit and decompose at each scale of `scales`; `opts` is the enclave
/// calibration (default targets and free set unless given), `seeds` the
/// paired seeds of each decomposition.
pub fn sweep(
    opts: &Options,
    scales: &[f64],
    seeds: &[u64],
) -> Result<Vec<SweepPoint>, CalibrateError> {
    if opts.study != StudyName::Enclave {
        return Err(CalibrateError::Free {
            key: "--selection-sweep".into(),
            reason: format!("is for the enclave study, not {}", opts.study),
        });
    }
    scales
        .iter()
        .map(|&k| {
            let base = selection_overrides(k);
            let cal = calibrate_at(opts, base.clone())?;
            let mut table = base;
            for p in &cal.params {
                set_dotted(&mut table, &p.name, Value::Float(p.estimate));
            }
            let cfg = config_of::<Enclave>(&table, opts.n)?;
            let decomposition = decompose(&cfg, seeds)?;
            let selection = decomposition
                .channels
                .iter()
                .find(|c| c.channel == "selection")
                .map_or(0.0, |c| c.share);
            Ok(SweepPoint {
                scale: k,
                calibrated: cal
                    .params
                    .iter()
                    .map(|p| (p.name.clone(), p.estimate, p.se))
                    .collect(),
                q: cal.fit.q,
                j: cal.fit.j,
                p_value: cal.fit.p_value,
                converged: cal.fit.converged,
                mechanism_penalty: decomposition.penalty * (1.0 - selection),
                decomposition,
            })
        })
        .collect()
}

/// The text form of a sweep: each point's refit and decomposition, then
/// the range over the sweep of the penalty not due to selection.
pub struct Sweep<'a>(pub &'a [SweepPoint]);

impl Sweep<'_> {
    /// The range `[min, max]` of the penalty not due to selection.
    pub fn range(&self) -> (f64, f64) {
        self.0
            .iter()
            .map(|p| p.mechanism_penalty)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                (a.min(x), b.max(x))
            })
    }
}

impl std::fmt::Display for Sweep<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Selection sweep (calibration re-run at each ability scale k):"
        )?;
        for p in self.0 {
            let fit: Vec<String> = p
                .calibrated
                .iter()
                .map(|(k, v, se)| format!("{k} {v:.4} ({se:.4})"))
                .collect();
            writeln!(
                f,
                "k = {}: J {:.2}, Q {:.2}{}; {}",
                p.scale,
                p.j,
                p.q,
                if p.converged { "" } else { " (not converged)" },
                fit.join(", ")
            )?;
            write!(f, "{}", p.decomposition)?;
            writeln!(
                f,
                "  penalty not due to selection: {:.4}",
                p.mechanism_penalty
            )?;
        }
        let (lo, hi) = self.range();
        writeln!(
            f,
            "penalty not due to selection over the sweep: [{lo:.4}, {hi:.4}]"
        )
    }
}
