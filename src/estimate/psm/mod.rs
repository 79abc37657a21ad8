//! Propensity-score matching: ATT (and ATE) by matching on the estimated
//! probability of treatment.
//!
//! The design's `treatment` column (0/1) is taken out of the regressors; the
//! remaining columns (including `const`) are the score model's covariates.
//! Effects (Rosenbaum & Rubin 1983; psmatch2 conventions):
//!
//! * ATT = mean over matched treated of Y_i - Y_hat_i(0);
//! * ATC = mean over matched controls of Y_hat_i(1) - Y_i;
//! * ATE = (N1 ATT + N0 ATC) / (N1 + N0) over the matched units.
//!
//! Standard errors: Abadie-Imbens (2006) for nearest neighbour unless a
//! bootstrap is asked for; a seeded parallel bootstrap otherwise (default
//! `DEFAULT_BOOTSTRAP` replications).

pub(crate) mod ai2016;
pub(crate) mod balance;
mod kernel_basis;
mod kernel_sums;
pub mod matching;
pub(crate) mod method;
pub(crate) mod score;
pub(crate) mod sizes;
mod smooth;
pub(crate) mod spline;
pub(crate) mod variance;
pub(crate) mod window_sums;

pub(crate) use balance::Balance;
pub use method::{Kernel, Method};

use super::error::EstimateError;
use super::results::{CovarianceType, FitResult, ParamRow};
use crate::data::Design;
use matching::impute;
use method::Imputation;
use variance::UnitTerms;

/// Bootstrap replications for kernel, radius and local linear matching when
/// none are given.
pub(crate) const DEFAULT_BOOTSTRAP: usize = 200;

/// Binary model of the propensity score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScoreModel {
    /// As Stata's `teffects psmatch` and R's MatchIt.
    #[default]
    Logit,
    /// As psmatch2.
    Probit,
}

/// Standard errors of nearest-neighbour matching without a bootstrap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatchingSe {
    /// Abadie & Imbens (2006), the score taken as known (R `Matching`'s `se`).
    #[default]
    Ai2006,
    /// Abadie & Imbens (2016): adjusted for the estimation of the score
    /// (Stata `teffects psmatch`'s default); see `ai2016`.
    Ai2016,
}

/// Propensity-score matching spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Psm {
    /// 0/1 treatment column of the design.
    pub treatment: String,
    /// The propensity-score model (logit or probit of the treatment on the regressors).
    pub score: ScoreModel,
    /// How each target's counterfactual is built from the donors.
    pub method: Method,
    /// Also report the ATE (matching controls to treated as well).
    pub ate: bool,
    /// Drop treated (and, with `ate`, controls) whose score lies outside the
    /// other arm's score range (psmatch2 `common`).
    pub common_support: bool,
    /// Bootstrap replications; `None` = Abadie-Imbens for nearest neighbour,
    /// `DEFAULT_BOOTSTRAP` otherwise.
    pub bootstrap: Option<usize>,
    /// Master seed of the bootstrap (replication `r` uses `seed::stream(seed, r, Bootstrap)`).
    pub seed: u64,
    /// Same-arm neighbours for the Abadie-Imbens conditional variance
    /// (`teffects ... vce(robust, nn(2))`).
    pub ai_neighbors: usize,
    /// Known-score (2006) or estimated-score (2016) Abadie-Imbens SEs.
    pub se: MatchingSe,
}

impl Psm {
    /// 1:1 nearest-neighbour matching on a logit score, ATT, AI standard errors.
    pub fn new(treatment: impl Into<String>) -> Self {
        Psm {
            treatment: treatment.into(),
            score: ScoreModel::Logit,
            method: Method::Nearest {
                k: 1,
                caliper: None,
            },
            ate: false,
            common_support: false,
            bootstrap: None,
            seed: 0,
            ai_neighbors: 2,
            se: MatchingSe::Ai2006,
        }
    }

    /// Check the options before fitting.
    pub fn validate(&self) -> Result<(), EstimateError> {
        let bad = |option: &str, reason: String| {
            Err(EstimateError::InvalidOption {
                option: option.into(),
                reason,
            })
        };
        match self.method {
            Method::Nearest { k: 0, .. } => return bad("k", "must be at least 1, got 0".into()),
            Method::Nearest {
                caliper: Some(c), ..
            }
            | Method::Radius { caliper: c }
                if c.is_nan() || c <= 0.0 =>
            {
                return bad("caliper", format!("must be > 0, got {c}"));
            }
            Method::Kernel { bandwidth: h, .. } | Method::LocalLinear { bandwidth: h, .. }
                if !(h > 0.0 && h.is_finite()) =>
            {
                return bad("bandwidth", format!("must be > 0, got {h}"));
            }
            Method::Spline { knots: Some(k) } if !(3..=spline::MAX_KNOTS).contains(&k) => {
                return bad(
                    "knots",
                    format!(
                        "a cubic spline needs 3 to {} knots, got {k}",
                        spline::MAX_KNOTS
                    ),
                );
            }
            _ => {}
        }
        if self.bootstrap.is_some_and(|b| b < 2) {
            return bad("bootstrap", "needs at least 2 replications".into());
        }
        if self.se == MatchingSe::Ai2016
            && (!matches!(self.method, Method::Nearest { .. }) || self.bootstrap.is_some())
        {
            return bad(
                "se",
                "Abadie-Imbens (2016) standard errors apply to nearest-neighbour matching without --bootstrap".into(),
            );
        }
        if self.ai_neighbors == 0 {
            return bad("ai_neighbors", "must be at least 1".into());
        }
        Ok(())
    }

    /// The 0/1 treatment indicator of the design, and the covariate columns.
    pub fn split(&self, design: &Design) -> Result<(Vec<bool>, Vec<usize>), EstimateError> {
        let t = design
            .col_index(&self.treatment)
            .ok_or_else(|| EstimateError::MissingColumn {
                estimator: "psm".into(),
                column: self.treatment.clone(),
            })?;
        let d = treatment_indicator(design, t, &self.treatment)?;
        sizes::check_counts(self, &d)?;
        Ok((d, (0..design.k()).filter(|&j| j != t).collect()))
    }

    /// Match on given propensity scores (one per design row). The bootstrap,
    /// if any, resamples rows with their scores held fixed.
    pub fn fit_with_scores(
        &self,
        design: &Design,
        scores: &[f64],
    ) -> Result<FitResult, EstimateError> {
        if self.se == MatchingSe::Ai2016 {
            return Err(EstimateError::InvalidOption {
                option: "se".into(),
                reason: "Abadie-Imbens (2016) standard errors need the score model; given scores are taken as known (use Ai2006)".into(),
            });
        }
        let resample = |idx: &[usize]| Some(idx.iter().map(|&i| scores[i]).collect());
        self.assemble(design, scores, &resample)
    }

    /// Everything after the score: matching, effects, SEs, balance.
    fn assemble(
        &self,
        design: &Design,
        scores: &[f64],
        rescore: &(dyn Fn(&[usize]) -> Option<Vec<f64>> + Sync),
    ) -> Result<FitResult, EstimateError> {
        self.validate()?;
        let (d, covs) = self.split(design)?;
        if scores.len() != design.n() {
            return Err(EstimateError::Invalid(format!(
                "{} scores for {} rows",
                scores.len(),
                design.n()
            )));
        }
        if let Some((row, v)) = scores.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(EstimateError::Invalid(format!(
                "propensity score of row {row} is {v}; scores must be finite"
            )));
        }
        let est = self.estimate(&design.y, &d, scores)?;
        let mut res = FitResult::new("psm", design.n());
        res.info.dependent = design.y_name.clone();
        res.info.n_dropped = design.n_dropped;
        res.info.converged = true;
        let reps = match (self.method, self.bootstrap) {
            (Method::Nearest { .. }, None) => None,
            (_, b) => Some(b.unwrap_or(DEFAULT_BOOTSTRAP)),
        };
        let ses = match reps {
            None => {
                res.info.covariance = Some(CovarianceType::AbadieImbens);
                self.ai_se(&design.y, &d, scores, &est)
            }
            Some(b) => {
                let (ses, used) = self.bootstrap_se(design, &d, b, rescore);
                res.info.covariance = Some(CovarianceType::Bootstrap { reps: used });
                if used < b {
                    res.info.warnings.push(format!(
                        "{} of {b} bootstrap replications failed (no treated/controls or score fit) and were skipped",
                        b - used
                    ));
                }
                res.fit.insert("seed".into(), self.seed as f64);
                ses
            }
        };
        res.effects.push(ParamRow::normal("att", est.att, ses[0]));
        if let (Some(ate), Some(se)) = (est.ate, ses.get(1)) {
            res.effects.push(ParamRow::normal("ate", ate, *se));
        }
        self.record(&mut res, &est);
        let mut columns: Vec<(String, Vec<f64>)> = covs
            .iter()
            .filter(|&&j| design.names[j] != "const")
            .map(|&j| {
                (
                    design.names[j].clone(),
                    design.x.col(j).iter().copied().collect(),
                )
            })
            .collect();
        columns.push(("pscore".into(), scores.to_vec()));
        let bal = balance::balance(&columns, &d, &est.after_weight);
        res.tables.insert("balance".into(), bal.to_value());
        Ok(res)
    }

    fn record(&self, res: &mut FitResult, est: &Estimate) {
        let f = &mut res.fit;
        f.insert("n_treated".into(), est.n_treated as f64);
        f.insert("n_controls".into(), est.n_controls as f64);
        f.insert("n_treated_matched".into(), est.n_treated_matched as f64);
        f.insert("n_off_support".into(), est.n_off_support as f64);
        if est.n_unmatched > 0 {
            res.info.warnings.push(format!(
                "{} unit(s) found no match (caliper / bandwidth) and were left out",
                est.n_unmatched
            ));
        }
        if est.n_off_support > 0 {
            res.info.warnings.push(format!(
                "{} unit(s) outside the common support were dropped",
                est.n_off_support
            ));
        }
    }

    /// Point estimates on given scores.
    pub fn estimate(&self, y: &[f64], d: &[bool], p: &[f64]) -> Result<Estimate, EstimateError> {
        estimate(self, y, d, p)
    }

    fn ai_se(&self, y: &[f64], d: &[bool], p: &[f64], est: &Estimate) -> Vec<f64> {
        let rows: Vec<usize> = est.units.iter().map(|u| u.row).collect();
        let pick = |v: &[f64]| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        let arm: Vec<bool> = rows.iter().map(|&i| d[i]).collect();
        let sigma2 = variance::conditional_variance(&pick(p), &pick(y), &arm, self.ai_neighbors);
        let terms = |ate: bool| -> Vec<UnitTerms> {
            est.units
                .iter()
                .zip(&sigma2)
                .map(|(u, &s2)| UnitTerms {
                    target: u.target_att || (ate && u.target_atc),
                    effect: u.effect,
                    weight: if ate || !d[u.row] { u.weight } else { 0.0 },
                    weight_sq: if ate || !d[u.row] { u.weight_sq } else { 0.0 },
                    sigma2: s2,
                })
                .collect()
        };
        let mut out = vec![variance::abadie_imbens(&terms(false), est.att).sqrt()];
        if let Some(ate) = est.ate {
            out.push(variance::abadie_imbens(&terms(true), ate).sqrt());
        }
        out
    }

    fn bootstrap_se(
        &self,
        design: &Design,
        d: &[bool],
        reps: usize,
        rescore: &(dyn Fn(&[usize]) -> Option<Vec<f64>> + Sync),
    ) -> (Vec<f64>, usize) {
        let stat = |idx: &[usize]| -> Option<Vec<f64>> {
            let p = rescore(idx)?;
            let yb: Vec<f64> = idx.iter().map(|&i| design.y[i]).collect();
            let db: Vec<bool> = idx.iter().map(|&i| d[i]).collect();
            point_estimate(self, &yb, &db, &p).ok()
        };
        variance::bootstrap(design.n(), reps, self.seed, stat)
    }
}

/// The balance table of a PSM fit as text, if the fit carries one.
pub(crate) fn balance_text(result: &FitResult) -> Option<String> {
    let table = result.tables.get("balance")?;
    serde_json::from_value::<Balance>(table.clone())
        .ok()
        .map(|b| b.to_string())
}

/// Per-unit bookkeeping of a matching run (units on the common support).
#[derive(Debug, Clone, Copy)]
pub struct Unit {
    /// Row of the design.
    pub row: usize,
    /// Matched treated unit (enters the ATT).
    pub target_att: bool,
    /// Matched control unit (enters the ATC, when computed).
    pub target_atc: bool,
    /// Y_hat(1) - Y_hat(0) of the unit, when it is a target.
    pub effect: f64,
    /// Weight as a donor to the other arm (sum_i w_ij) and sum of squares.
    pub weight: f64,
    /// Sum of squared donor weights, `sum_i w_ij^2` (the Abadie-Imbens `K_M` terms).
    pub weight_sq: f64,
}

/// Point estimates and what the SEs and the balance table need.
#[derive(Debug, Clone)]
pub struct Estimate {
    /// Average treatment effect on the treated, `mean_{i treated} (Y_i - Y_hat_i(0))`.
    pub att: f64,
    /// Average treatment effect, when asked for.
    pub ate: Option<f64>,
    /// Treated units.
    pub n_treated: usize,
    /// Control units.
    pub n_controls: usize,
    /// Treated units with at least one donor.
    pub n_treated_matched: usize,
    /// Units dropped for lying off the common support.
    pub n_off_support: usize,
    /// Targets left without a donor (caliper or radius).
    pub n_unmatched: usize,
    /// Per-unit bookkeeping of the units on the common support.
    pub units: Vec<Unit>,
    /// Weight of each row in the matched (ATT) sample: 1 for matched treated,
    /// sum_i w_ij for controls, 0 otherwise.
    pub after_weight: Vec<f64>,
}

fn treatment_indicator(design: &Design, t: usize, name: &str) -> Result<Vec<bool>, EstimateError> {
    design
        .x
        .col(t)
        .iter()
        .enumerate()
        .map(|(row, &v)| match v {
            0.0 => Ok(false),
            1.0 => Ok(true),
            _ => Err(EstimateError::TreatmentNotBinary {
                column: name.into(),
                row,
                value: v,
                hint: "propensity-score matching compares a 0/1 treatment".into(),
            }),
        })
        .collect()
}

/// Treated and control rows on the common support (all rows without `common_support`).
fn support(spec: &Psm, d: &[bool], p: &[f64]) -> Result<(Vec<usize>, Vec<usize>), EstimateError> {
    let range = |arm: bool| {
        let it = (0..d.len()).filter(|&i| d[i] == arm).map(|i| p[i]);
        it.fold(None, |acc: Option<(f64, f64)>, v| {
            Some(acc.map_or((v, v), |(a, b)| (a.min(v), b.max(v))))
        })
    };
    let (Some(rt), Some(rc)) = (range(true), range(false)) else {
        let which = if range(true).is_none() {
            "treated"
        } else {
            "control"
        };
        return Err(EstimateError::Invalid(format!(
            "no {which} units in the sample"
        )));
    };
    let inside = |v: f64, (lo, hi): (f64, f64)| v >= lo && v <= hi;
    let keep = |i: usize| {
        !spec.common_support
            || if d[i] {
                inside(p[i], rc)
            } else {
                !spec.ate || inside(p[i], rt)
            }
    };
    let tr: Vec<usize> = (0..d.len()).filter(|&i| d[i] && keep(i)).collect();
    let co: Vec<usize> = (0..d.len()).filter(|&i| !d[i] && keep(i)).collect();
    for (rows, which) in [(&tr, "treated"), (&co, "control")] {
        if rows.is_empty() {
            return Err(EstimateError::Invalid(format!(
                "no {which} units in the common support"
            )));
        }
    }
    Ok((tr, co))
}

fn no_treated_match() -> EstimateError {
    EstimateError::Invalid("no treated unit found a match; widen the caliper or bandwidth".into())
}

/// ATT (and ATE with `spec.ate`) only, without the per-unit bookkeeping:
/// one bootstrap draw. Equal to [`estimate`]'s up to rounding.
fn point_estimate(spec: &Psm, y: &[f64], d: &[bool], p: &[f64]) -> Result<Vec<f64>, EstimateError> {
    let (tr, co) = support(spec, d, p)?;
    let sel = |rows: &[usize], v: &[f64]| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    let (pt, pc, yt, yc) = (sel(&tr, p), sel(&co, p), sel(&tr, y), sel(&co, y));
    let sum = |effects: &mut dyn Iterator<Item = f64>| {
        effects.fold((0.0, 0usize), |(s, c), v| (s + v, c + 1))
    };
    let y0 = matching::impute_means(&pt, &pc, &yc, &spec.method);
    let (s_t, n_t) = sum(&mut yt.iter().zip(&y0).filter_map(|(y, m)| m.map(|m| y - m)));
    if n_t == 0 {
        return Err(no_treated_match());
    }
    let mut out = vec![s_t / n_t as f64];
    if spec.ate {
        let y1 = matching::impute_means(&pc, &pt, &yt, &spec.method);
        let (s_c, n_c) = sum(&mut yc.iter().zip(&y1).filter_map(|(y, m)| m.map(|m| m - y)));
        out.push((s_t + s_c) / (n_t + n_c) as f64);
    }
    Ok(out)
}

fn estimate(spec: &Psm, y: &[f64], d: &[bool], p: &[f64]) -> Result<Estimate, EstimateError> {
    let (tr, co) = support(spec, d, p)?;
    let sel = |rows: &[usize], v: &[f64]| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    let (pt, pc, yt, yc) = (sel(&tr, p), sel(&co, p), sel(&tr, y), sel(&co, y));
    let imp_t = impute(&pt, &pc, &yc, &spec.method);
    let imp_c = spec.ate.then(|| impute(&pc, &pt, &yt, &spec.method));
    let units = units(&tr, &co, y, &imp_t, imp_c.as_ref());
    let mean = |it: &mut dyn Iterator<Item = f64>| {
        let (s, c) = it.fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
        (s, c)
    };
    let (s_t, n_t) = mean(&mut units.iter().filter(|u| u.target_att).map(|u| u.effect));
    let (s_c, n_c) = mean(&mut units.iter().filter(|u| u.target_atc).map(|u| u.effect));
    if n_t == 0 {
        return Err(no_treated_match());
    }
    let ate = imp_c.is_some().then(|| (s_t + s_c) / (n_t + n_c) as f64);
    let mut after_weight = vec![0.0; y.len()];
    for u in &units {
        after_weight[u.row] = if d[u.row] {
            f64::from(u8::from(u.target_att))
        } else {
            u.weight
        };
    }
    let off = y.len() - tr.len() - co.len();
    let unmatched = tr.len() - n_t + imp_c.as_ref().map_or(0, |_| co.len() - n_c);
    Ok(Estimate {
        att: s_t / n_t as f64,
        ate,
        n_treated: tr.len(),
        n_controls: co.len(),
        n_treated_matched: n_t,
        n_off_support: off,
        n_unmatched: unmatched,
        units,
        after_weight,
    })
}

fn units(
    tr: &[usize],
    co: &[usize],
    y: &[f64],
    imp_t: &Imputation,
    imp_c: Option<&Imputation>,
) -> Vec<Unit> {
    let mut out = Vec::with_capacity(tr.len() + co.len());
    for (a, &i) in tr.iter().enumerate() {
        let (weight, weight_sq) = imp_c.map_or((0.0, 0.0), |m| (m.weight[a], m.weight_sq[a]));
        out.push(Unit {
            row: i,
            target_att: imp_t.imputed[a].is_some(),
            target_atc: false,
            effect: imp_t.imputed[a].map_or(f64::NAN, |y0| y[i] - y0),
            weight,
            weight_sq,
        });
    }
    for (b, &i) in co.iter().enumerate() {
        let y1 = imp_c.and_then(|m| m.imputed[b]);
        out.push(Unit {
            row: i,
            target_att: false,
            target_atc: y1.is_some(),
            effect: y1.map_or(f64::NAN, |v| v - y[i]),
            weight: imp_t.weight[b],
            weight_sq: imp_t.weight_sq[b],
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn methods(h: f64) -> Vec<Method> {
        let mut out = vec![
            Method::Nearest {
                k: 2,
                caliper: None,
            },
            Method::Radius { caliper: h },
        ];
        for kernel in [
            Kernel::Epanechnikov,
            Kernel::Uniform,
            Kernel::Tricube,
            Kernel::Gaussian,
        ] {
            out.push(Method::Kernel {
                kernel,
                bandwidth: h,
            });
            out.push(Method::LocalLinear {
                kernel,
                bandwidth: h,
            });
        }
        out
    }

    proptest! {
        /// The bootstrap's point-only path gives the full estimate's ATT and ATE.
        #[test]
        fn point_estimate_matches_full_estimate(
            units in prop::collection::vec((0.01f64..0.99, any::<bool>(), -2.0f64..2.0), 4..120),
            h in 0.02f64..0.6,
            common_support in any::<bool>(),
        ) {
            let p: Vec<f64> = units.iter().map(|u| u.0).collect();
            let d: Vec<bool> = units.iter().map(|u| u.1).collect();
            let y: Vec<f64> = units.iter().map(|u| u.2).collect();
            for method in methods(h) {
                let spec = Psm { method, ate: true, common_support, ..Psm::new("t") };
                match (estimate(&spec, &y, &d, &p), point_estimate(&spec, &y, &d, &p)) {
                    (Ok(full), Ok(point)) => {
                        let want: Vec<f64> = std::iter::once(full.att).chain(full.ate).collect();
                        prop_assert_eq!(want.len(), point.len());
                        for (a, b) in want.iter().zip(&point) {
                            prop_assert!((a - b).abs() <= 1e-9 * (1.0 + a.abs()), "{method:?}: {a} vs {b}");
                        }
                    }
                    (Err(_), Err(_)) => {}
                    (a, b) => prop_assert!(false, "{method:?}: {:?} vs {:?}", a.map(|e| e.att), b),
                }
            }
        }
    }
}
