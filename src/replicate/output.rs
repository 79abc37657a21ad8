//! What `migsim replicate` prints, and the Python package returns: the
//! replication with the study's sources, as JSON and as text.
//!
//! Text: per table and spec, each row's published and synthetic number,
//! role, score on this cohort (`agrees`, `differs`, `uninformative`,
//! `FAILED`, blank without a published number) and the cohorts in which it
//! agrees; then the joint held-out test, the headline facts' per-cohort
//! rates and the share of informative, independent held-out rows
//! reproduced per cohort.

use std::fmt::Write as _;

use super::decompose::Decomposition;
use super::rows::{Replication, ReplicationRow};
use crate::studies::{StudyName, citation};

/// `replicate --json`'s object: the replication's fields plus `sources`
/// (the paper's citation lines).
pub fn to_json(
    rep: &Replication,
    study: StudyName,
) -> Result<serde_json::Value, serde_json::Error> {
    let mut v = serde_json::to_value(rep)?;
    if let Some(o) = v.as_object_mut() {
        o.insert("sources".into(), serde_json::json!(citation::of(study)));
    }
    Ok(v)
}

/// [`to_json`] with the enclave column-5 decomposition when there is one:
/// top-level `decomposition` = [{`channel`, `share`, `se`, `effect`,
/// `effect_se`}] and `decomposition_summary` (the penalty, its SE, the
/// seeds used and those dropped).
pub fn to_json_decomposed(
    rep: &Replication,
    study: StudyName,
    decomposition: Option<&Decomposition>,
) -> Result<serde_json::Value, serde_json::Error> {
    let mut v = to_json(rep, study)?;
    if let (Some(o), Some(d)) = (v.as_object_mut(), decomposition) {
        o.insert("decomposition".into(), serde_json::to_value(&d.channels)?);
        o.insert("decomposition_summary".into(), serde_json::to_value(d)?);
    }
    Ok(v)
}

/// The text form: the tables, the cohort summary, then a "Sources:" block.
pub fn to_text(rep: &Replication, study: StudyName) -> String {
    let mut s = format!("{rep}\nSources:\n");
    for c in citation::of(study) {
        s.push_str(&format!("  {c}\n"));
    }
    s
}

fn cell(v: Option<f64>, se: Option<f64>) -> String {
    match (v, se) {
        (Some(v), Some(se)) => format!("{v:>9.4} ({se:.4})"),
        (Some(v), None) => format!("{v:>9.4}         "),
        _ => format!("{:>18}", "-"),
    }
}

/// A row's score on this cohort.
fn verdict(r: &ReplicationRow) -> &'static str {
    match (r.failed.is_some(), r.agrees, r.informative) {
        (true, _, _) => "FAILED",
        (_, None, _) => "",
        (_, Some(true), _) => "agrees",
        (_, Some(false), false) => "uninformative",
        (_, Some(false), true) => "differs",
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |v| format!("{:.0}%", 100.0 * v))
}

/// The tables and, over several cohorts, the joint test and the rates.
pub fn tables(rep: &Replication) -> String {
    let mut f = String::new();
    let k = rep.cohorts.as_ref().map_or(1, |c| c.cohorts);
    let _ = writeln!(
        f,
        "Replication of the {} study on a synthetic cohort (n = {}, seed = {}; rates over {k} cohort{}, seeds {}..={})",
        rep.study,
        rep.n,
        rep.seed,
        if k == 1 { "" } else { "s" },
        rep.seed,
        rep.seed.wrapping_add(k as u64 - 1),
    );
    let mut last = (String::new(), String::new());
    for (i, r) in rep.rows.iter().enumerate() {
        if (r.table.as_str(), r.spec.as_str()) != (last.0.as_str(), last.1.as_str()) {
            let _ = writeln!(f, "\n{} — {}", r.table, r.spec);
            let _ = writeln!(
                f,
                "  {:<28} {:>18} {:>18}  {:<8}  {:<13} {:>7}",
                "term", "published (se)", "synthetic (se)", "role", "this cohort", "agrees"
            );
            last = (r.table.clone(), r.spec.clone());
        }
        let rate = rep
            .cohorts
            .as_ref()
            .and_then(|c| c.rows.get(i).filter(|x| x.term == r.term))
            .and_then(|x| x.agree_share)
            .map_or_else(String::new, |a| format!("{:.0}/{k}", a * k as f64));
        let _ = write!(
            f,
            "  {:<28} {} {}  {:<8}  {:<13} {:>7}",
            r.term,
            cell(r.published, r.published_se),
            cell(r.synthetic, r.synthetic_se),
            r.role.as_str(),
            verdict(r),
            rate,
        );
        let mut notes = Vec::new();
        if let Some(t) = r.tolerance {
            notes.push(format!("tolerance {t:.4}"));
        }
        if let Some(n) = r.failed.as_ref().or(r.note.as_ref()) {
            notes.push(n.clone());
        }
        if notes.is_empty() {
            let _ = writeln!(f);
        } else {
            let _ = writeln!(f, "  [{}]", notes.join("; "));
        }
    }
    summary(rep, &mut f);
    f
}

/// The joint test, headline rates and reproduced share.
fn summary(rep: &Replication, f: &mut String) {
    let _ = writeln!(f);
    match &rep.heldout_joint {
        Some(j) => {
            let _ = writeln!(
                f,
                "Held-out rows jointly, given the targets ({} held-out rows with a published SE, informative and estimated in every cohort; {} targets; covariance over {} cohorts): chi2 = {:.2} on {} df, p = {}",
                j.rows,
                j.targets,
                j.cohorts,
                j.chi2,
                j.df,
                j.p_value.map_or_else(|| "-".into(), |p| format!("{p:.4}")),
            );
        }
        None => {
            let _ = writeln!(
                f,
                "Held-out rows jointly: not available (needs at least 2 cohorts and an informative held-out row with a published SE)"
            );
        }
    }
    let Some(c) = &rep.cohorts else {
        return;
    };
    if !c.headline.is_empty() {
        let _ = writeln!(
            f,
            "\nHeadline facts: share of the {} cohorts in which each is significant with the published sign",
            c.cohorts
        );
        for h in &c.headline {
            let _ = writeln!(
                f,
                "  {:<50} {:>5}  ({} {} {}, published {}, level {})",
                h.fact,
                pct(Some(h.significant_share)),
                h.table,
                h.spec,
                h.term,
                h.published.map_or_else(|| "-".into(), |p| format!("{p}")),
                h.level
            );
        }
    }
    let r = &c.reproduced;
    let _ = writeln!(
        f,
        "\nInformative, independent held-out rows reproduced per cohort: {} of {} held-out rows counted ({} uninformative, {} moving with a target: |corr| >= 0.6); mean {} per cohort (min {}, max {})",
        r.rows,
        r.heldout,
        r.uninformative,
        r.dependent,
        pct(r.mean_share),
        pct(r.min_share),
        pct(r.max_share),
    );
}

/// A replication prints as its text tables ([`tables`]).
impl std::fmt::Display for Replication {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&tables(self))
    }
}
