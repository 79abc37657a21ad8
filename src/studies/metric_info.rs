//! What each scenario metric of a study is: unit, meaning and measurement
//! window (when in the simulated life course it is measured). Reports and
//! summary.json state the window with every number, and docs/codebook.md
//! lists the same entries (a test holds the two together).

use serde::Serialize;

use super::StudyName;

/// One metric a study reports to scenarios.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricInfo {
    /// The metric's key in `Simulated::metrics`.
    pub name: &'static str,
    /// Its unit, in words.
    pub unit: &'static str,
    /// What it measures, in one line.
    pub meaning: &'static str,
    /// When it is measured; `{h}` stands for the scenario's horizon.
    pub(crate) window: &'static str,
}

impl MetricInfo {
    /// Whether every run reports it (`emigrated_share` only with waves).
    pub fn always_reported(&self) -> bool {
        self.name != "emigrated_share"
    }

    /// The measurement window in words, with the horizon filled in
    /// (`None`: the study's default horizon, named as such).
    pub fn window(&self, horizon: Option<f64>) -> String {
        let h = horizon.map_or_else(|| "the default horizon's".to_string(), |h| format!("{h}"));
        self.window.replace("{h}", &h)
    }
}

/// The window of a metric measured once, at the survey.
pub(crate) const SURVEY: &str = "at the survey (one cross-section; no time dimension)";

/// Every scenario metric of `study` (the registry's [`crate::studies::StudyDef::metrics`]).
pub fn metrics(study: StudyName) -> &'static [MetricInfo] {
    study.def().metrics()
}

/// The entry of `metric` in `study`, if it is one of its metrics.
pub fn lookup(study: StudyName, metric: &str) -> Option<&'static MetricInfo> {
    metrics(study).iter().find(|m| m.name == metric)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The window names the horizon where the metric depends on it.
    #[test]
    fn enclave_window_names_the_horizon() {
        let m = lookup(StudyName::Enclave, "share_up").unwrap_or_else(|| panic!("share_up"));
        let w = m.window(Some(10.0));
        assert!(
            w.contains("years 1 to 10") && w.contains("not at year 10"),
            "{w}"
        );
        assert!(lookup(StudyName::Assets, "share_up").is_none());
    }
}
