//! Scoring one cohort's rows against the published numbers (issue 30 item
//! 3): a row can fail, and a noisy estimator cannot pass.
//!
//! * **failed**: a row with no finite estimate (a fit that failed, did not
//!   converge or separated) keeps its place with `failed` = the reason; it
//!   counts as not agreeing.
//! * **scale**: the published SE `s`, or for a row without one the stated
//!   tolerance `tol = max(0.25 |published|, 0.005)` (a quarter of the
//!   published number, at least 0.005 on the effect scale); p-value rows
//!   (`... p`, `brant_p`) instead agree when both p-values fall on the same
//!   side of 0.05 (tolerance 0.05).
//! * **informative**: the simulated SE `ŝ` is at most twice the scale
//!   (`ŝ ≤ 2 s`); a row with a published SE but no simulated one is not
//!   informative; a tolerance row without a simulated SE (a fit statistic)
//!   is. An uninformative row is reported, never counted as agreeing.
//! * **agrees**: with a published SE, informative and
//!   `|b̂ − b| ≤ 1.96 √(s² + ŝ²)` (two independent estimates at the same
//!   N); with a tolerance, informative and `|b̂ − b| ≤ tol`.

use super::rows::ReplicationRow;

/// Relative part of the stated tolerance of a row without a published SE.
pub const TOLERANCE_RELATIVE: f64 = 0.25;
/// Absolute floor of that tolerance.
pub const TOLERANCE_FLOOR: f64 = 0.005;
/// Significance level that p-value rows are compared at.
pub const P_LEVEL: f64 = 0.05;
/// Most simulated SE per published SE for a row to be informative.
pub const MAX_SE_RATIO: f64 = 2.0;
/// Two-sided 5% normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Whether `term` is a p-value (compared by the side of [`P_LEVEL`]).
pub fn is_p_value(term: &str) -> bool {
    term.ends_with(" p") || term.ends_with("_p") || term.ends_with("p_value")
}

/// The stated tolerance of a row with published value `published` and no
/// published SE.
pub fn tolerance(term: &str, published: f64) -> f64 {
    if is_p_value(term) {
        P_LEVEL
    } else {
        (TOLERANCE_RELATIVE * published.abs()).max(TOLERANCE_FLOOR)
    }
}

/// The row's scale: its published SE (> 0), else its tolerance.
fn scale(r: &ReplicationRow) -> Option<f64> {
    let p = r.published?;
    match r.published_se.filter(|s| *s > 0.0 && s.is_finite()) {
        Some(s) => Some(s),
        None => Some(tolerance(&r.term, p)),
    }
}

/// Whether a simulated SE `se` is informative against the row's scale.
pub fn informative(r: &ReplicationRow, se: Option<f64>) -> bool {
    let Some(scale) = scale(r) else {
        return false;
    };
    let has_pub_se = r.published_se.is_some_and(|s| s > 0.0 && s.is_finite());
    match se.filter(|s| s.is_finite()) {
        Some(se) => se <= MAX_SE_RATIO * scale,
        None => !has_pub_se,
    }
}

/// Whether estimate `est` (SE `se`) agrees with the row's published number;
/// None when nothing is published.
pub fn agrees(r: &ReplicationRow, est: Option<f64>, se: Option<f64>) -> Option<bool> {
    let p = r.published?;
    let Some(b) = est.filter(|v| v.is_finite()) else {
        return Some(false);
    };
    if !informative(r, se) {
        return Some(false);
    }
    Some(match r.published_se.filter(|s| *s > 0.0 && s.is_finite()) {
        Some(s) => {
            let se = se.filter(|x| x.is_finite()).unwrap_or(0.0);
            (b - p).abs() <= Z95 * (s * s + se * se).sqrt()
        }
        None if is_p_value(&r.term) => (b < P_LEVEL) == (p < P_LEVEL),
        None => (b - p).abs() <= tolerance(&r.term, p),
    })
}

/// Score every row in place: `failed` for a row without a finite estimate
/// (the note, or "no estimate"), then `tolerance`, `informative`, `agrees`.
pub fn score(rows: &mut [ReplicationRow]) {
    for r in rows {
        if r.synthetic.is_some_and(|v| !v.is_finite()) {
            r.synthetic = None;
        }
        if r.synthetic.is_none() && r.failed.is_none() {
            r.failed = Some(r.note.clone().unwrap_or_else(|| "no estimate".into()));
        }
        r.tolerance = match (r.published, r.published_se) {
            (Some(p), None) => Some(tolerance(&r.term, p)),
            _ => None,
        };
        r.informative = informative(r, r.synthetic_se);
        r.agrees = agrees(r, r.synthetic, r.synthetic_se);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(term: &str, p: Option<f64>, s: Option<f64>) -> ReplicationRow {
        ReplicationRow::new("T", "spec", term, (p, s))
    }

    #[test]
    fn noisy_rows_never_agree() {
        let r = row("b", Some(-0.03), Some(0.013));
        // Right mean, SE 17 times the published one: uninformative.
        assert_eq!(agrees(&r, Some(-0.03), Some(0.22)), Some(false));
        assert!(!informative(&r, Some(0.22)));
        // SE exactly twice: informative; 1.96 sqrt(0.013^2 + 0.026^2) = 0.0570.
        assert_eq!(agrees(&r, Some(-0.03 + 0.056), Some(0.026)), Some(true));
        assert_eq!(agrees(&r, Some(-0.03 + 0.058), Some(0.026)), Some(false));
        assert_eq!(agrees(&r, None, None), Some(false));
    }

    #[test]
    fn tolerance_rows_are_scored() {
        let r = row("total", Some(-0.011), None);
        assert_eq!(tolerance("total", -0.011), 0.005);
        assert_eq!(agrees(&r, Some(-0.004), Some(0.001)), Some(false));
        assert_eq!(agrees(&r, Some(-0.007), Some(0.001)), Some(true));
        let f = row("first-stage F", Some(19.65), None);
        assert_eq!(agrees(&f, Some(7.1), None), Some(false));
        assert_eq!(agrees(&f, Some(16.0), None), Some(true));
        let p = row("brant_p", Some(0.87), None);
        assert_eq!(agrees(&p, Some(0.2), None), Some(true));
        assert_eq!(agrees(&p, Some(0.01), None), Some(false));
        assert_eq!(agrees(&row("n", None, None), Some(700.0), None), None);
    }

    #[test]
    fn a_row_without_estimate_is_failed() {
        let mut rows = vec![row("b", Some(1.0), Some(0.5))];
        rows[0].note = Some("fit failed: separation".into());
        score(&mut rows);
        assert_eq!(rows[0].failed.as_deref(), Some("fit failed: separation"));
        assert_eq!(rows[0].agrees, Some(false));
    }
}
