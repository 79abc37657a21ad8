//! The scenario metrics of the assets study: unit, meaning and measurement
//! window of each (see [`crate::studies::metric_info`]).

use crate::studies::metric_info::{MetricInfo, SURVEY};

/// Every scenario metric of the assets study.
pub const METRICS: &[MetricInfo] = &[
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
];
