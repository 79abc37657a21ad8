//! What each scenario metric of a study is: unit, meaning and measurement
//! window (when in the simulated life course it is measured). Reports and
//! summary.json state the window with every number, and docs/codebook.md
//! lists the same entries (a test holds the two together).

use serde::Serialize;

use super::StudyName;

/// One metric a study reports to scenarios.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricInfo {
    pub name: &'static str,
    pub unit: &'static str,
    pub meaning: &'static str,
    /// When it is measured; `{h}` stands for the scenario's horizon.
    window: &'static str,
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

const ENCLAVE_TENURE: &str = "as an average over years 1 to {h} in the city (each migrant measured \
     once, at their own years in the city, up to {h}), not at year {h}: the time path shows \
     the value at each year";

const SURVEY: &str = "at the survey (one cross-section; no time dimension)";

/// Every scenario metric of `study`.
pub fn metrics(study: StudyName) -> &'static [MetricInfo] {
    match study {
        StudyName::Enclave => &[
            MetricInfo {
                name: "share_up",
                unit: "share (0-1)",
                meaning: "share of migrants whose current job ranks above their first job in the city (upward mobility)",
                window: ENCLAVE_TENURE,
            },
            MetricInfo {
                name: "enclave_share",
                unit: "share (0-1)",
                meaning: "share of migrants living among many fellow villagers (enclave = 1)",
                window: "at the survey, after the enclave choice (the same at every year in the city)",
            },
            MetricInfo {
                name: "omega_mean",
                unit: "probability (0-1)",
                meaning: "mean chosen weak-tie contact probability omega",
                window: "at the survey (each migrant's chosen omega, constant over the stay)",
            },
            MetricInfo {
                name: "job_info_share",
                unit: "share (0-1)",
                meaning: "share holding good-job information in the engine at the end of each migrant's stay",
                window: ENCLAVE_TENURE,
            },
        ],
        StudyName::Assets => &[
            MetricInfo {
                name: "intent_share",
                unit: "share (0-1)",
                meaning: "share of workers intending to emigrate (intent = 1)",
                window: SURVEY,
            },
            MetricInfo {
                name: "pessimism_mean",
                unit: "latent index (SD units)",
                meaning: "mean latent macro-outlook pessimism (after contagion on the network)",
                window: SURVEY,
            },
            MetricInfo {
                name: "unfair_mean",
                unit: "5-point score (1-5)",
                meaning: "mean of the 5-point perceived-unfairness item (\"is society fair overall?\", reversed)",
                window: SURVEY,
            },
            MetricInfo {
                name: "pessimism_eigenvalue",
                unit: "eigenvalue",
                meaning: "first eigenvalue of the factor fit of the three outlook items",
                window: SURVEY,
            },
            MetricInfo {
                name: "pessimism_variance_share",
                unit: "share (0-1)",
                meaning: "share of the outlook items' variance the first factor explains",
                window: SURVEY,
            },
            MetricInfo {
                name: "emigrated_share",
                unit: "share (0-1)",
                meaning: "share of workers who have emigrated after the last wave (waves.count > 0 only)",
                window: "after the last of `waves.count` waves",
            },
        ],
        StudyName::Talent => &[
            MetricInfo {
                name: "retain_share",
                unit: "share (0-1)",
                meaning: "share of foreign high-skilled residents intending to stay in China",
                window: SURVEY,
            },
            MetricInfo {
                name: "retain_after_share",
                unit: "share (0-1)",
                meaning: "share deciding to stay after arrival (decision taken in China)",
                window: SURVEY,
            },
            MetricInfo {
                name: "particip_mean",
                unit: "share (0-1)",
                meaning: "share coded as participating in China on the participation-behaviour item",
                window: SURVEY,
            },
            MetricInfo {
                name: "unit_support_share",
                unit: "share (0-1)",
                meaning: "share whose work unit, client or agency supported their arrival",
                window: SURVEY,
            },
        ],
    }
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
