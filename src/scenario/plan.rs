//! From a checked scenario to arms: the baseline, each intervention and each
//! sweep point as a full override table, its keys and values held against
//! the study's settings registry and then validated by the study before
//! anything runs, with the settings each arm changes listed for the report.

use serde::Serialize;
use toml::{Table, Value};

use super::Model;
use super::error::ScenarioError;
use super::schema::Scenario;
use super::settings_check::Registry;
use crate::dotted::{self, Clash};
use crate::studies::StudyError;

/// What an arm is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ArmKind {
    /// The baseline: the scenario's `[baseline]` settings.
    Baseline,
    /// An `[[intervention]]`: the baseline with its `set` and `scale`.
    Intervention,
    /// A `[sweep]` point: the baseline with the swept setting at `value`.
    Sweep {
        /// The swept setting's value at this point.
        value: f64,
    },
}

/// One setting an arm changes relative to the baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The dotted setting.
    pub key: String,
    /// Its value in the baseline, as text.
    pub baseline: String,
    /// Its value in this arm, as text.
    pub value: String,
}

/// A configuration to simulate in every replication.
#[derive(Debug, Clone, Serialize)]
pub struct Arm {
    /// The arm's name (`baseline`, an intervention's name, or `key=value` of a sweep point).
    pub name: String,
    /// What the arm does, in words.
    pub description: String,
    /// Baseline, intervention or sweep point.
    #[serde(flatten)]
    pub kind: ArmKind,
    /// The overrides given to the study (baseline merged in).
    #[serde(skip)]
    pub overrides: Table,
    /// Every setting the arm changes relative to the baseline.
    pub changes: Vec<Change>,
}

/// Build and validate the arms of `scn`: index 0 is the baseline.
pub fn plan<M: Model>(scn: &Scenario, model: &M) -> Result<Vec<Arm>, ScenarioError> {
    let study_err = |line: Option<usize>, context: String| {
        move |source| ScenarioError::Study {
            file: scn.file.clone(),
            line,
            context,
            source: Box::new(source),
        }
    };
    let mut base = scn.baseline.clone();
    if let Some(h) = scn.horizon {
        let spec = model.horizon().ok_or_else(|| {
            scn.invalid(
                None,
                format!("study {} has no time horizon: remove `horizon`", scn.study),
            )
        })?;
        let key = spec.key.as_str();
        if dotted::get(&base, key).is_some() {
            return Err(scn.invalid(
                scn.baseline_line,
                format!("`horizon` and [baseline] `{key}` both set the horizon"),
            ));
        }
        let v = if h.fract() == 0.0 && h < i64::MAX as f64 {
            Value::Integer(h as i64)
        } else {
            Value::Float(h)
        };
        dotted::insert(&mut base, key, v, Clash::Refuse)
            .map_err(|e| scn.invalid(None, e.to_string()))?;
    }
    let registry = model
        .registry()
        .map_err(study_err(None, "settings registry".into()))?;
    let check =
        |line: Option<usize>, ctx: &str, f: &dyn Fn(&Registry) -> Result<(), StudyError>| {
            registry
                .as_ref()
                .map_or(Ok(()), f)
                .map_err(study_err(line, ctx.to_string()))
        };
    check(scn.baseline_line, "[baseline]", &|r| r.check(&base))?;
    let resolved_base = model
        .resolve(&base)
        .map_err(study_err(scn.baseline_line, "[baseline]".into()))?;
    let mut arms = vec![Arm {
        name: "baseline".into(),
        description: "the study's calibrated defaults with the [baseline] overrides".into(),
        kind: ArmKind::Baseline,
        overrides: base.clone(),
        changes: Vec::new(),
    }];
    for iv in &scn.interventions {
        let ctx = format!("intervention `{}`", iv.name);
        check(Some(iv.line), &ctx, &|r| {
            r.check(&iv.set)?;
            iv.scale.keys().try_for_each(|k| r.check_key(k))
        })?;
        let mut over = merged(&base, &iv.set)
            .map_err(|m| scn.invalid(Some(iv.line), format!("{ctx}: {m}")))?;
        let resolved = model
            .resolve(&over)
            .map_err(study_err(Some(iv.line), ctx.clone()))?;
        for (path, factor) in &iv.scale {
            let x = dotted::get(&resolved, path)
                .and_then(number)
                .ok_or_else(|| {
                    scn.invalid(
                        Some(iv.line),
                        format!(
                            "{ctx}: scale: `{path}` is not a numeric setting of study {}",
                            scn.study
                        ),
                    )
                })?;
            let scaled = Value::Float(x * factor);
            check(Some(iv.line), &ctx, &|r| r.check_value(path, &scaled))?;
            set_path(&mut over, path, scaled)
                .map_err(|e| scn.invalid(Some(iv.line), e.to_string()))?;
        }
        let resolved = model
            .resolve(&over)
            .map_err(study_err(Some(iv.line), ctx))?;
        arms.push(Arm {
            name: iv.name.clone(),
            description: iv.description.clone(),
            kind: ArmKind::Intervention,
            changes: diff(&resolved_base, &resolved, ""),
            overrides: over,
        });
    }
    if let Some(sw) = &scn.sweep {
        for &v in &sw.values {
            let ctx = format!("sweep `{}` = {v}", sw.key);
            check(Some(sw.line), &ctx, &|r| {
                r.check_value(&sw.key, &Value::Float(v))
            })?;
            let mut over = base.clone();
            set_path(&mut over, &sw.key, Value::Float(v))
                .map_err(|e| scn.invalid(Some(sw.line), e.to_string()))?;
            let resolved = model
                .resolve(&over)
                .map_err(study_err(Some(sw.line), ctx))?;
            arms.push(Arm {
                name: format!("{}={v}", sw.key),
                description: String::new(),
                kind: ArmKind::Sweep { value: v },
                changes: diff(&resolved_base, &resolved, ""),
                overrides: over,
            });
        }
    }
    Ok(arms)
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Float(x) => Some(*x),
        Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

fn merged(base: &Table, set: &Table) -> Result<Table, dotted::PathError> {
    let mut out = base.clone();
    dotted::merge(&mut out, set, "", Clash::Replace)?;
    Ok(out)
}

/// Set `path` to `v`: a later setting replaces an earlier one.
pub fn set_path(t: &mut Table, path: &str, v: Value) -> Result<(), dotted::PathError> {
    dotted::insert(t, path, v, Clash::Replace)
}

/// Leaves whose value differs between two resolved configs.
fn diff(a: &Table, b: &Table, prefix: &str) -> Vec<Change> {
    let mut out = Vec::new();
    for (k, vb) in b {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match (a.get(k), vb) {
            (Some(Value::Table(ta)), Value::Table(tb)) => out.extend(diff(ta, tb, &key)),
            (Some(va), vb) if va == vb => {}
            (va, vb) => out.push(Change {
                key,
                baseline: va.map_or_else(|| "(unset)".to_string(), show),
                value: show(vb),
            }),
        }
    }
    out
}

fn show(v: &Value) -> String {
    match v {
        Value::Float(x) => format!("{}", (x * 1e9).round() / 1e9),
        other => other.to_string(),
    }
}

/// Overrides of the arm called `name` (`baseline`, an intervention or a
/// sweep point `key=value`), e.g. to write that arm's cohort.
pub fn arm_overrides<M: Model>(
    scn: &Scenario,
    model: &M,
    name: &str,
) -> Result<Table, ScenarioError> {
    let arms = plan(scn, model)?;
    let names: Vec<&str> = arms.iter().map(|a| a.name.as_str()).collect();
    arms.iter()
        .find(|a| a.name == name)
        .map(|a| a.overrides.clone())
        .ok_or_else(|| {
            scn.invalid(
                None,
                format!("no arm `{name}` (arms: {})", names.join(", ")),
            )
        })
}

/// The overrides and cohort size of arm `arm` (default `baseline`) of `scn`
/// for a cohort of `study` (`migsim cohort --scenario`): `n` when given,
/// else the scenario's `n`; an error when the scenario is for another study.
pub fn cohort_arm(
    scn: &Scenario,
    study: crate::studies::StudyName,
    n: Option<usize>,
    arm: Option<&str>,
) -> Result<(Table, Option<usize>), ScenarioError> {
    if scn.study != study {
        return Err(scn.invalid(
            None,
            format!("the scenario is for study {}, not {study}", scn.study),
        ));
    }
    let n = n.or(scn.n);
    let model = super::StudyModel { study, n };
    let overrides = arm_overrides(scn, &model, arm.unwrap_or("baseline"))?;
    Ok((overrides, n))
}
