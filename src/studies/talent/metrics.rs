//! The scenario metrics of the talent study: unit, meaning and measurement
//! window of each (see [`crate::studies::metric_info`]).

use crate::studies::metric_info::{MetricInfo, SURVEY};

/// Every scenario metric of the talent study.
pub const METRICS: &[MetricInfo] = &[
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
];
