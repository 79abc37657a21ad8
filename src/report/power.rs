//! Files of `migsim power`: the power curve as CSV, an SVG chart of power
//! against N with 95% Monte Carlo bands (power +- 1.96 SE) and the JSON
//! result, written together (all or none).

use super::charts::{AxisStyle, Band, ChartError, band_chart, colour};
use crate::recovery::power::{PowerResult, curve_csv};
use crate::scenario::Interval;

/// The SVG chart of the power curve.
pub fn power_chart(r: &PowerResult) -> Result<String, ChartError> {
    let points = r
        .curve
        .iter()
        .map(|p| {
            let i = Interval {
                mean: p.power,
                std_error: p.power_se,
                ci_low: (p.power - 1.96 * p.power_se).max(0.0),
                ci_high: (p.power + 1.96 * p.power_se).min(1.0),
                n: p.valid,
            };
            (p.n as f64, i)
        })
        .collect();
    let power = Band {
        name: "power",
        colour: colour(2),
        points,
    };
    let target = Band {
        name: "target",
        colour: colour(1),
        points: [r.curve.first(), r.curve.last()]
            .into_iter()
            .flatten()
            .map(|p| {
                let i = Interval {
                    mean: r.target,
                    std_error: f64::NAN,
                    ci_low: f64::NAN,
                    ci_high: f64::NAN,
                    n: 0,
                };
                (p.n as f64, i)
            })
            .collect(),
    };
    let title = format!("Power of {} for {}", r.estimator, r.estimand);
    band_chart(&title, "N", &[power, target], AxisStyle::PLAIN, false)
}

/// The files of a power search, by name, written together (all or none):
/// `json` (the result as JSON) as power.json, the curve as CSV and its
/// chart as SVG.
pub fn files(r: &PowerResult, json: &serde_json::Value) -> Vec<(&'static str, Vec<u8>)> {
    let svg = power_chart(r).unwrap_or_else(|e| {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><text x=\"10\" y=\"20\">{}</text></svg>",
            e.0.replace(['<', '>', '&'], " ")
        )
    });
    vec![
        ("power.json", format!("{json}\n").into_bytes()),
        ("power_curve.csv", curve_csv(r).into_bytes()),
        ("power_curve.svg", svg.into_bytes()),
    ]
}
