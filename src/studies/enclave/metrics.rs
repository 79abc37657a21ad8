//! The scenario metrics of the enclave study: unit, meaning and measurement
//! window of each (see [`crate::studies::metric_info`]).

use crate::studies::metric_info::MetricInfo;

/// The window of a metric measured at each migrant's own years in the city.
const ENCLAVE_TENURE: &str = "as an average over years 1 to {h} in the city (each migrant measured \
     once, at their own years in the city, up to {h}), not at year {h}: the time path shows \
     the value at each year";

/// Every scenario metric of the enclave study.
pub const METRICS: &[MetricInfo] = &[
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
];
