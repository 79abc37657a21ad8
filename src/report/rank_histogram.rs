//! The SBC rank histogram (SVG): one panel per parameter, the count of
//! ranks in each bin against the uniform expectation `E = K/B` and its
//! 99% band `E ± 2.576 √(K (1/B)(1 − 1/B))` (binomial).

use plotters::prelude::*;

use super::charts::{ChartError, colour};
use crate::calibrate::smc::sbc::Sbc;

const FONT: &str = "sans-serif";

fn err(e: impl std::fmt::Display) -> ChartError {
    ChartError(e.to_string())
}

/// The rank histogram of `sbc` as SVG text.
pub fn rank_histogram(sbc: &Sbc) -> Result<String, ChartError> {
    let panels = sbc.params.len().max(1);
    let (w, h) = (560u32, 200u32);
    let bins = sbc.bins.max(1);
    let k = sbc.draws as f64;
    let p = 1.0 / bins as f64;
    let e = k * p;
    let half = 2.576 * (k * p * (1.0 - p)).sqrt();
    let top = sbc
        .params
        .iter()
        .flat_map(|q| q.counts.iter().map(|&c| c as f64))
        .fold(e + half, f64::max)
        * 1.1;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h * panels as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        for (panel, q) in root.split_evenly((panels, 1)).iter().zip(&sbc.params) {
            let mut chart = ChartBuilder::on(panel)
                .margin(10)
                .caption(
                    format!(
                        "{}: χ² = {:.2}, df {}, p = {:.3}",
                        q.name, q.chi2, q.df, q.p_value
                    ),
                    (FONT, 14),
                )
                .x_label_area_size(30)
                .y_label_area_size(40)
                .build_cartesian_2d(0.0..bins as f64, 0.0..top)
                .map_err(err)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_desc(format!(
                    "rank bin ({} ranks each)",
                    (sbc.rank_draws + 1) / bins
                ))
                .y_desc("draws")
                .label_style((FONT, 12))
                .draw()
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, (e - half).max(0.0)), (bins as f64, e + half)],
                    RGBColor(200, 200, 200).mix(0.5).filled(),
                )))
                .map_err(err)?;
            chart
                .draw_series(q.counts.iter().enumerate().map(|(b, &c)| {
                    let mut r = Rectangle::new(
                        [(b as f64, 0.0), (b as f64 + 1.0, c as f64)],
                        colour(2).mix(0.7).filled(),
                    );
                    r.set_margin(0, 0, 2, 2);
                    r
                }))
                .map_err(err)?;
            chart
                .draw_series(LineSeries::new(
                    [(0.0, e), (bins as f64, e)],
                    BLACK.stroke_width(1),
                ))
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}
