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

/// Decimals that keep the first significant digit of the interval's half-width
/// `(hi - lo) / 2` in display units (points for shares); `None` when the
/// interval is empty, zero-width or not finite.
pub fn interval_decimals(m: &str, lo: f64, hi: f64) -> Option<usize> {
    let scale = if is_share(m) { 100.0 } else { 1.0 };
    let half = scale * (hi - lo) / 2.0;
    (half.is_finite() && half > 0.0).then(|| (-(half.log10().floor() as i32)).clamp(1, 8) as usize)
}

/// [`diff_value`] with at least `d` decimals (from [`interval_decimals`]).
pub fn diff_value_at(m: &str, x: f64, d: Option<usize>) -> String {
    let plain = diff_value(m, x);
    let Some(d) = d else { return plain };
    let have = plain.split_once('.').map_or(0, |(_, f)| f.len());
    if !x.is_finite() || have >= d {
        return plain;
    }
    let v = if is_share(m) { 100.0 * x + 0.0 } else { x };
    unsigned_zero(format!("{v:.d$}"))
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

/// How sure a reading is, from its reading interval (the total one where there are draws).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Certainty {
    /// The 95% interval excludes zero.
    Clear,
    /// The interval includes zero.
    Unclear,
    /// Exactly zero in every replication (a zero-width interval at 0).
    Unchanged,
    /// No finite interval (fewer than two finite replications).
    Unknown,
}

/// The reading sentence of every effect, in order (what `migsim run`
/// prints and the explorer shows under its chart).
#[cfg_attr(not(feature = "serve"), allow(dead_code))] // used by `migsim serve` only
pub fn readings(effects: &[Effect], window: impl Fn(&str) -> Option<String>) -> Vec<String> {
    effects
        .iter()
        .map(|e| sentence(e, window(&e.metric).as_deref()))
        .collect()
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
    let ri = reading_interval(e);
    let d = interval_decimals(m, ri.ci_low, ri.ci_high);
    let centre = e
        .estimate_over_draws
        .filter(|_| e.total().is_some())
        .map(|c| {
            format!(
                ", centred on the mean over draws {}",
                signed(&diff_value_at(m, c, d))
            )
        })
        .unwrap_or_default();
    let ci_of = |lo: f64, hi: f64| {
        format!(
            "{words} {} to {}{centre}",
            diff_value_at(m, lo, d),
            diff_value_at(m, hi, d)
        )
    };
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
                diff_value_at(m, e.estimate.abs(), d),
                unit(m),
                if over.is_empty() { "" } else { "," }
            )
        }
        Certainty::Unclear => format!(
            "{who} changed {what} by {}{} ({ci}){over}; the interval includes zero, so these runs cannot tell it apart from no change.",
            signed(&diff_value_at(m, e.estimate, d)),
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
            estimate_over_draws: None,
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

    /// A tiny interval keeps two significant digits of its half-width
    /// instead of rounding to "0.0 to 0.0".
    #[test]
    fn rounding_keeps_the_interval_digits() {
        let s = sentence(&effect(0.00021, 0.00012, 0.00030), None);
        assert!(s.contains("by 0.021 points (95% CI 0.012 to 0.030)"), "{s}");
        assert_eq!(interval_decimals("share_up", 0.0, 0.0), None);
        assert_eq!(interval_decimals("omega_mean", 1.0, 1.9), Some(1));
        assert_eq!(interval_decimals("omega_mean", 1.0, 1.04), Some(2));
        assert_eq!(diff_value_at("share_up", 0.0123456, Some(3)), "1.235");
    }

    /// With draws, the reading names the centre of the total interval.
    #[test]
    fn the_draws_centre_is_named() {
        let mut e = effect(0.017, 0.0126, 0.0216);
        e.ci_total_low = Some(0.0086);
        e.ci_total_high = Some(0.0209);
        e.draws = 30;
        e.estimate_over_draws = Some(0.01475);
        let s = sentence(&e, None);
        assert!(
            s.contains("0.9 to 2.1, centred on the mean over draws +1.5"),
            "{s}"
        );
    }

    #[test]
    fn unclear_effect_says_so() {
        let s = sentence(&effect(-0.003, -0.01, 0.004), None);
        assert!(s.contains("by -0.3 points"), "{s}");
        assert!(s.contains("includes zero"), "{s}");
    }
}
