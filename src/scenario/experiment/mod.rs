//! Multi-factor experiments of a scenario: the `[experiment]` table, a
//! full-factorial or Latin-hypercube design over several settings
//! (BehaviorSpace's and EMA Workbench's staple). Every design point sets
//! the factors in the baseline and runs the baseline and every intervention
//! over the experiment's replications ([`rows`]); the tidy table
//! experiment.csv has one row per point × replication × arm.
//!
//! ```toml
//! [experiment]
//! design = "factorial"           # every combination of the levels
//! replications = 4               # per point (default: the scenario's)
//! levels = { "policy.dispersal_share" = [0.0, 0.25, 0.5], "zenou.max_years" = [5, 10] }
//!
//! # or a Latin hypercube of `points` points over the ranges, from the scenario's seed:
//! # design = "lhs"
//! # points = 20
//! # params = { "zenou.lambda" = { lower = 0.2, upper = 0.4 } }
//! ```
//!
//! Factorial: `P = ∏ L_j` points, point `p` in mixed radix with the last
//! factor varying fastest. Latin hypercube: see [`design::lhs`]. Sizes are
//! checked before anything is allocated.

pub mod design;
pub mod rows;
pub(crate) mod summary;

use std::collections::BTreeMap;

use serde::Deserialize;

use super::sensitivity_spec::RangeFile;

/// Most design points an experiment may have.
pub(crate) const MAX_POINTS: usize = 100_000;
/// Most simulations (points × replications) an experiment may ask for.
pub(crate) const MAX_RUNS: usize = 10_000_000;

/// `[experiment]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExperimentFile {
    /// `design`: "factorial" or "lhs".
    pub design: String,
    /// `replications`: per point (default: the scenario's).
    pub replications: Option<usize>,
    /// `levels` (factorial): dotted setting -> its levels.
    pub levels: Option<BTreeMap<String, Vec<f64>>>,
    /// `points` (lhs): design points.
    pub points: Option<usize>,
    /// `params` (lhs): dotted setting -> range.
    pub params: Option<BTreeMap<String, RangeFile>>,
}

/// A checked design.
#[derive(Debug, Clone, PartialEq)]
pub enum Design {
    /// Every combination of the levels, `levels[j]` for factor `j`.
    Factorial {
        /// `levels[j]`: the levels of factor `j`, as written.
        levels: Vec<Vec<f64>>,
    },
    /// `points` points stratified over `[lower, upper]` of every factor.
    Lhs {
        /// Design points.
        points: usize,
        /// Lower bound of each factor.
        lower: Vec<f64>,
        /// Upper bound of each factor.
        upper: Vec<f64>,
    },
}

/// A checked `[experiment]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct Experiment {
    /// The design.
    pub design: Design,
    /// The factors (dotted setting keys), in key order.
    pub keys: Vec<String>,
    /// Replications per point; `None` = the scenario's.
    pub replications: Option<usize>,
    /// Line of `[experiment]`, for messages.
    pub line: usize,
}

/// Errors of an `[experiment]` table; each names the key at fault and the
/// value found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExperimentError {
    /// `design` is neither "factorial" nor "lhs".
    #[error("[experiment] `design` = {0:?}: expected \"factorial\" or \"lhs\"")]
    Design(String),
    #[error(
        "[experiment] `{key}` does not belong to design = \"{design}\" (factorial takes `levels`; lhs takes `points` and `params`)"
    )]
    /// A key of the other design (`levels` with lhs; `points` or `params` with factorial).
    Misplaced {
        /// The key at fault.
        key: &'static str,
        /// The design named.
        design: String,
    },
    /// A key the design needs is missing (key, design).
    #[error("[experiment] `{0}` is missing for design = \"{1}\"")]
    Missing(&'static str, &'static str),
    /// `levels` or `params` has no factor.
    #[error("[experiment] `{0}` is empty: give at least one factor")]
    Empty(&'static str),
    /// A factor is not a dotted setting path.
    #[error("[experiment] `{0}` is not a dotted setting path")]
    Path(String),
    /// A factor's levels are empty, repeated or not finite.
    #[error("[experiment] `levels` of `{key}`: {why}")]
    Levels {
        /// The key at fault.
        key: String,
        /// What is wrong with them.
        why: String,
    },
    /// A factor's bounds are not finite or not increasing.
    #[error("[experiment] `{key}`: bounds [{lower}, {upper}] must be finite with lower < upper")]
    Bounds {
        /// The key at fault.
        key: String,
        /// Lower bound found.
        lower: f64,
        /// Upper bound found.
        upper: f64,
    },
    /// `points` outside 1 to `MAX_POINTS`.
    #[error("[experiment] `points` = {0}: expected between 1 and {MAX_POINTS}")]
    Points(usize),
    #[error(
        "[experiment] `levels`: {0} points (the product of the level counts) exceed {MAX_POINTS}"
    )]
    /// The factorial has more than `MAX_POINTS` points.
    TooManyPoints(String),
    /// `replications` is 0.
    #[error("[experiment] `replications` = {0}: expected at least 1")]
    Replications(usize),
    /// Points x replications exceed `MAX_RUNS`.
    #[error("[experiment]: {points} points x {reps} replications = {runs} runs exceed {MAX_RUNS}")]
    TooManyRuns {
        /// Design points.
        points: usize,
        /// Replications per point.
        reps: usize,
        /// Their product, the runs asked for.
        runs: String,
    },
}

impl Experiment {
    /// Check `[experiment]`; `scenario_reps` is the scenario's replication
    /// count (the default per point). Nothing is allocated by the size of
    /// the design before its size is checked.
    pub fn check(
        f: ExperimentFile,
        scenario_reps: usize,
        line: usize,
    ) -> Result<Experiment, ExperimentError> {
        if f.replications == Some(0) {
            return Err(ExperimentError::Replications(0));
        }
        let (design, keys) = match f.design.as_str() {
            "factorial" => {
                for (key, given) in [
                    ("points", f.points.is_some()),
                    ("params", f.params.is_some()),
                ] {
                    if given {
                        return Err(ExperimentError::Misplaced {
                            key,
                            design: f.design.clone(),
                        });
                    }
                }
                let levels = f
                    .levels
                    .ok_or(ExperimentError::Missing("levels", "factorial"))?;
                factorial(levels)?
            }
            "lhs" => {
                if f.levels.is_some() {
                    return Err(ExperimentError::Misplaced {
                        key: "levels",
                        design: f.design.clone(),
                    });
                }
                let points = f.points.ok_or(ExperimentError::Missing("points", "lhs"))?;
                if !(1..=MAX_POINTS).contains(&points) {
                    return Err(ExperimentError::Points(points));
                }
                let params = f.params.ok_or(ExperimentError::Missing("params", "lhs"))?;
                lhs(points, params)?
            }
            other => return Err(ExperimentError::Design(other.to_string())),
        };
        let e = Experiment {
            design,
            keys,
            replications: f.replications,
            line,
        };
        let (points, reps) = (e.points(), e.replications.unwrap_or(scenario_reps));
        match points.checked_mul(reps) {
            Some(runs) if runs <= MAX_RUNS => Ok(e),
            runs => Err(ExperimentError::TooManyRuns {
                points,
                reps,
                runs: runs.map_or_else(|| "more than 2^64".into(), |r| r.to_string()),
            }),
        }
    }

    /// Number of design points.
    pub fn points(&self) -> usize {
        match &self.design {
            Design::Factorial { levels } => levels.iter().map(Vec::len).product(),
            Design::Lhs { points, .. } => *points,
        }
    }

    /// "factorial" or "lhs".
    pub fn kind(&self) -> &'static str {
        match self.design {
            Design::Factorial { .. } => "factorial",
            Design::Lhs { .. } => "lhs",
        }
    }

    /// Lowest and highest value of each factor over the design.
    pub fn ranges(&self) -> (Vec<f64>, Vec<f64>) {
        match &self.design {
            Design::Factorial { levels } => (
                levels
                    .iter()
                    .map(|l| l.iter().copied().fold(f64::INFINITY, f64::min))
                    .collect(),
                levels
                    .iter()
                    .map(|l| l.iter().copied().fold(f64::NEG_INFINITY, f64::max))
                    .collect(),
            ),
            Design::Lhs { lower, upper, .. } => (lower.clone(), upper.clone()),
        }
    }

    /// Every value the design can give each factor, for checking against
    /// the settings registry: the levels, or the bounds of a hypercube.
    pub fn values_to_check(&self) -> Vec<Vec<f64>> {
        match &self.design {
            Design::Factorial { levels } => levels.clone(),
            Design::Lhs { lower, upper, .. } => {
                lower.iter().zip(upper).map(|(l, u)| vec![*l, *u]).collect()
            }
        }
    }

    /// The factor values of every point, in point order (from `master`,
    /// the scenario's seed, for a hypercube).
    pub fn point_values(&self, master: u64) -> Vec<Vec<f64>> {
        match &self.design {
            Design::Factorial { levels } => design::factorial(levels),
            Design::Lhs {
                points,
                lower,
                upper,
            } => design::lhs(*points, lower, upper, master),
        }
    }
}

fn check_path(key: &str) -> Result<(), ExperimentError> {
    if key.is_empty() || key.split('.').any(str::is_empty) {
        return Err(ExperimentError::Path(key.to_string()));
    }
    Ok(())
}

type Checked = (Design, Vec<String>);

fn factorial(levels: BTreeMap<String, Vec<f64>>) -> Result<Checked, ExperimentError> {
    if levels.is_empty() {
        return Err(ExperimentError::Empty("levels"));
    }
    let mut count: Option<usize> = Some(1);
    for (key, l) in &levels {
        check_path(key)?;
        let why = if l.is_empty() {
            Some("give at least one value".to_string())
        } else if let Some(v) = l.iter().find(|v| !v.is_finite()) {
            Some(format!("{v} is not a finite number"))
        } else {
            (1..l.len())
                .find(|&i| l[..i].contains(&l[i]))
                .map(|i| format!("{} is given twice", l[i]))
        };
        if let Some(why) = why {
            return Err(ExperimentError::Levels {
                key: key.clone(),
                why,
            });
        }
        count = count.and_then(|c| c.checked_mul(l.len()));
    }
    match count {
        Some(c) if c <= MAX_POINTS => {}
        c => {
            return Err(ExperimentError::TooManyPoints(
                c.map_or_else(|| "more than 2^64".into(), |c| c.to_string()),
            ));
        }
    }
    let (keys, levels) = levels.into_iter().unzip();
    Ok((Design::Factorial { levels }, keys))
}

fn lhs(points: usize, params: BTreeMap<String, RangeFile>) -> Result<Checked, ExperimentError> {
    if params.is_empty() {
        return Err(ExperimentError::Empty("params"));
    }
    let (mut keys, mut lower, mut upper) = (vec![], vec![], vec![]);
    for (key, r) in params {
        check_path(&key)?;
        if !(r.lower.is_finite() && r.upper.is_finite() && r.lower < r.upper) {
            return Err(ExperimentError::Bounds {
                key,
                lower: r.lower,
                upper: r.upper,
            });
        }
        keys.push(key);
        lower.push(r.lower);
        upper.push(r.upper);
    }
    Ok((
        Design::Lhs {
            points,
            lower,
            upper,
        },
        keys,
    ))
}
