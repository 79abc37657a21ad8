//! Plain-language reading of effects: what changed, by how much, and how
//! sure the replications let us be (the 95% t interval across replications).

use crate::scenario::{Effect, Interval};

/// Human label of a study metric.
pub fn metric_label(m: &str) -> String {
    let known = match m {
        "share_up" => "the share moving up",
        "enclave_share" => "the share living in enclaves",
        "omega_mean" => "mean weak-tie contact (omega)",
        "intent_share" => "the share intending to emigrate",
        "pessimism_mean" => "mean macro-outlook pessimism",
        "unfair_mean" => "mean perceived unfairness",
        "retain_share" => "the share intending to stay",
        "retain_after_share" => "the share deciding to stay after arrival",
        "particip_mean" => "the share participating in local life",
        other => return other.replace('_', " "),
    };
    known.to_string()
}

/// Shares are read in percentage points.
pub fn is_share(m: &str) -> bool {
    m.ends_with("_share") || m.starts_with("share_") || m == "particip_mean"
}

/// `name` as a sentence subject: `dispersed-housing` -> `Dispersed housing`.
pub fn subject(name: &str) -> String {
    let s = name.replace(['-', '_'], " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => s,
    }
}

/// Significant-digit formatting for values that are not shares.
pub fn sig(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let a = x.abs();
    let d = if a == 0.0 || a >= 10.0 {
        1
    } else {
        (2 - a.log10().floor() as i32).clamp(1, 6) as usize
    };
    format!("{x:.d$}")
}

/// A difference: points for shares, plain numbers otherwise.
pub fn diff_value(m: &str, x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let s = if is_share(m) {
        let p = 100.0 * x + 0.0;
        if p.abs() < 0.1 && p != 0.0 {
            format!("{p:.2}")
        } else {
            format!("{p:.1}")
        }
    } else {
        sig(x)
    };
    unsigned_zero(s)
}

/// `-0.00` (a small negative rounded away) reads `0.00`.
fn unsigned_zero(s: String) -> String {
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => s,
    }
}

/// A level: percent for shares, plain numbers otherwise.
pub fn level_value(m: &str, x: f64) -> String {
    if is_share(m) && x.is_finite() {
        format!("{:.1}%", 100.0 * x)
    } else {
        sig(x)
    }
}

/// Unit word of a difference.
pub fn unit(m: &str) -> &'static str {
    if is_share(m) { " points" } else { "" }
}

/// The interval the reading uses: the total one (parameter draws and
/// simulation noise) where it exists, else the simulation-only one.
pub fn reading_interval(e: &Effect) -> Interval {
    let mut i: Interval = e.interval();
    if let Some((lo, hi)) = e.total() {
        i.ci_low = lo;
        i.ci_high = hi;
    }
    i
}

/// What the reading interval includes, in words.
pub fn interval_words(e: &Effect) -> String {
    if e.total().is_some() {
        format!(
            "95% interval including parameter uncertainty ({} draws) and simulation noise",
            e.draws
        )
    } else {
        "95% CI, simulation noise only".to_string()
    }
}

/// How sure: does the reading interval exclude zero?
pub fn certainty(e: &Effect) -> Certainty {
    let i = reading_interval(e);
    if !i.ci_low.is_finite() {
        Certainty::Unknown
    } else if i.ci_low == i.ci_high && i.mean == 0.0 {
        Certainty::Unchanged
    } else if i.excludes_zero() {
        Certainty::Clear
    } else {
        Certainty::Unclear
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Certainty {
    Clear,
    Unclear,
    Unchanged,
    Unknown,
}

/// The reading sentence of every effect, in order (what `migsim run`
/// prints and the explorer shows under its chart).
pub fn readings(effects: &[Effect], horizon: Option<&str>) -> Vec<String> {
    effects.iter().map(|e| sentence(e, horizon)).collect()
}

/// One sentence, e.g. "Dispersed housing raised the share moving up by 2.1
/// points (95% CI 1.4 to 2.8), from 65.0% to 67.1%, over 10 years."
pub fn sentence(e: &Effect, horizon: Option<&str>) -> String {
    let who = subject(&e.intervention);
    let what = metric_label(&e.metric);
    let m = e.metric.as_str();
    let over = horizon.map(|h| format!(" {h}")).unwrap_or_default();
    let words = if e.total().is_some() {
        interval_words(e)
    } else {
        "95% CI".to_string()
    };
    let ci_of =
        |lo: f64, hi: f64| format!("{words} {} to {}", diff_value(m, lo), diff_value(m, hi));
    let ri = reading_interval(e);
    let ci = ci_of(ri.ci_low, ri.ci_high);
    let from_to = format!(
        "from {} to {}",
        level_value(m, e.baseline_mean),
        level_value(m, e.counterfactual_mean)
    );
    match certainty(e) {
        Certainty::Unchanged => format!("{who} left {what} unchanged in every replication{over}."),
        Certainty::Unknown => format!(
            "{who}: the effect on {what} could not be estimated (too few finite replications)."
        ),
        Certainty::Clear => {
            let (verb, ci) = if e.estimate > 0.0 {
                ("raised", ci)
            } else {
                ("lowered", ci_of(-ri.ci_high, -ri.ci_low))
            };
            format!(
                "{who} {verb} {what} by {}{} ({ci}), {from_to}{}{over}.",
                diff_value(m, e.estimate.abs()),
                unit(m),
                if over.is_empty() { "" } else { "," }
            )
        }
        Certainty::Unclear => format!(
            "{who} changed {what} by {}{} ({ci}){over}; the interval includes zero, so these runs cannot tell it apart from no change.",
            signed(&diff_value(m, e.estimate)),
            unit(m)
        ),
    }
}

fn signed(s: &str) -> String {
    if s.starts_with('-') {
        s.to_string()
    } else {
        format!("+{s}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn effect(est: f64, lo: f64, hi: f64) -> Effect {
        Effect {
            metric: "share_up".into(),
            intervention: "dispersed-housing".into(),
            estimate: est,
            std_error: 0.0035,
            ci_low: lo,
            ci_high: hi,
            baseline_mean: 0.65,
            counterfactual_mean: 0.65 + est,
            replications: 20,
            ci_total_low: None,
            ci_total_high: None,
            draws: 0,
        }
    }

    #[test]
    fn clear_effect_reads_in_points() {
        let s = sentence(&effect(0.021, 0.014, 0.028), Some("over 10 years"));
        assert_eq!(
            s,
            "Dispersed housing raised the share moving up by 2.1 points (95% CI 1.4 to 2.8), from 65.0% to 67.1%, over 10 years."
        );
    }

    #[test]
    fn lowering_reads_as_magnitudes() {
        let s = sentence(&effect(-0.116, -0.129, -0.104), None);
        assert!(
            s.contains("lowered the share moving up by 11.6 points (95% CI 10.4 to 12.9)"),
            "{s}"
        );
    }

    #[test]
    fn the_total_interval_is_read_and_named() {
        let mut e = effect(0.021, 0.014, 0.028);
        e.ci_total_low = Some(-0.004);
        e.ci_total_high = Some(0.046);
        e.draws = 40;
        let s = sentence(&e, None);
        assert!(
            s.contains("(95% interval including parameter uncertainty (40 draws) and simulation noise -0.4 to 4.6)"),
            "{s}"
        );
        assert!(s.contains("includes zero"), "{s}");
        assert_eq!(certainty(&e), Certainty::Unclear);
    }

    #[test]
    fn a_rounded_negative_reads_as_zero() {
        assert_eq!(diff_value("share_up", -0.00001), "0.00");
        assert_eq!(diff_value("omega_mean", -0.0), "0.0");
        assert_eq!(diff_value("share_up", -0.0004), "-0.04");
    }

    #[test]
    fn unclear_effect_says_so() {
        let s = sentence(&effect(-0.003, -0.01, 0.004), None);
        assert!(s.contains("by -0.3 points"), "{s}");
        assert!(s.contains("includes zero"), "{s}");
    }
}
