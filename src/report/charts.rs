//! SVG charts (plotters, SVG backend only): effect bars with 95% intervals,
//! time paths with bands, sweep curves. Each returns the SVG text or a
//! message saying why the chart could not be drawn.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use crate::scenario::{Effect, Interval};

/// Series colours: baseline grey, then one per counterfactual arm.
const PALETTE: [RGBColor; 7] = [
    RGBColor(90, 90, 90),
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(140, 86, 75),
];

pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

const FONT: &str = "sans-serif";
const WIDTH: u32 = 560;

/// How values of a metric are shown on an axis.
pub type Fmt<'a> = &'a dyn Fn(f64) -> String;

fn err(e: impl std::fmt::Display) -> String {
    format!("chart could not be drawn: {e}")
}

/// Padded range covering `vals` (and 0 when `with_zero`).
fn range(vals: impl Iterator<Item = f64>, with_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = vals
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if with_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if !lo.is_finite() || !hi.is_finite() {
        return (-1.0, 1.0);
    }
    let pad = if hi > lo {
        0.08 * (hi - lo)
    } else {
        lo.abs().max(1e-3) * 0.1
    };
    (lo - pad, hi + pad)
}

/// Horizontal bars: one per intervention, the estimate with its 95% interval.
pub fn effect_bars(title: &str, effects: &[&Effect], fmt: Fmt) -> Result<String, String> {
    let k = effects.len();
    let height = 70 + 44 * k as u32;
    let label_w = effects
        .iter()
        .map(|e| e.intervention.len())
        .max()
        .unwrap_or(4) as u32
        * 7
        + 16;
    let (x0, x1) = range(
        effects
            .iter()
            .flat_map(|e| [e.ci_low, e.ci_high, e.estimate]),
        true,
    );
    let names: Vec<String> = effects.iter().map(|e| e.intervention.clone()).collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .caption(title, (FONT, 19))
            .x_label_area_size(30)
            .y_label_area_size(label_w.min(240))
            .build_cartesian_2d(x0..x1, (0..k as i32).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(RGBColor(235, 235, 235))
            .x_labels(6)
            .x_label_formatter(&|v| fmt(*v))
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => usize::try_from(*i)
                    .ok()
                    .and_then(|i| names.get(k.checked_sub(i + 1)?))
                    .cloned()
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .label_style((FONT, 15))
            .draw()
            .map_err(err)?;
        for (i, e) in effects.iter().enumerate() {
            let c = colour(i + 1);
            let y = (k - 1 - i) as i32;
            let mut bar = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(y)),
                    (e.estimate, SegmentValue::Exact(y + 1)),
                ],
                c.mix(0.55).filled(),
            );
            bar.set_margin(10, 10, 0, 0);
            chart.draw_series(std::iter::once(bar)).map_err(err)?;
            if e.ci_low.is_finite() {
                chart
                    .draw_series(std::iter::once(ErrorBar::new_horizontal(
                        SegmentValue::CenterOf(y),
                        e.ci_low,
                        e.estimate,
                        e.ci_high,
                        BLACK.stroke_width(2),
                        12,
                    )))
                    .map_err(err)?;
            }
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![
                    (0.0, SegmentValue::Exact(0)),
                    (0.0, SegmentValue::Exact(k as i32)),
                ],
                BLACK.stroke_width(1),
            )))
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// A named series of intervals over x.
pub struct Band<'a> {
    pub name: &'a str,
    pub colour: RGBColor,
    pub points: Vec<(f64, Interval)>,
}

/// Lines of means with shaded 95% bands; `zero_line` marks y = 0.
pub fn band_chart(
    title: &str,
    x_desc: &str,
    bands: &[Band],
    fmt: Fmt,
    zero_line: bool,
) -> Result<String, String> {
    let xs = bands.iter().flat_map(|b| b.points.iter().map(|p| p.0));
    let (x0, x1) = match range(xs, false) {
        (a, b) if b > a => (a, b),
        (a, _) => (a - 1.0, a + 1.0),
    };
    let ys = bands.iter().flat_map(|b| {
        b.points
            .iter()
            .flat_map(|(_, i)| [i.ci_low, i.ci_high, i.mean])
    });
    let (y0, y1) = range(ys, zero_line);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 360)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .caption(title, (FONT, 19))
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(RGBColor(235, 235, 235))
            .x_desc(x_desc)
            .y_label_formatter(&|v| fmt(*v))
            .label_style((FONT, 15))
            .draw()
            .map_err(err)?;
        if zero_line {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x0, 0.0), (x1, 0.0)],
                    BLACK.stroke_width(1),
                )))
                .map_err(err)?;
        }
        for b in bands {
            draw_band(&mut chart, b)?;
        }
        if bands.len() > 1 {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(WHITE.mix(0.85))
                .border_style(RGBColor(200, 200, 200))
                .label_font((FONT, 14))
                .draw()
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

fn draw_band(chart: &mut Chart, b: &Band) -> Result<(), String> {
    let finite: Vec<&(f64, Interval)> = b
        .points
        .iter()
        .filter(|(_, i)| i.ci_low.is_finite())
        .collect();
    if finite.len() > 1 {
        let poly: Vec<(f64, f64)> = finite
            .iter()
            .map(|(x, i)| (*x, i.ci_high))
            .chain(finite.iter().rev().map(|(x, i)| (*x, i.ci_low)))
            .collect();
        chart
            .draw_series(std::iter::once(Polygon::new(
                poly,
                b.colour.mix(0.18).filled(),
            )))
            .map_err(err)?;
    }
    let line: Vec<(f64, f64)> = b.points.iter().map(|(x, i)| (*x, i.mean)).collect();
    let c = b.colour;
    chart
        .draw_series(LineSeries::new(line.clone(), c.stroke_width(2)))
        .map_err(err)?
        .label(b.name)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(3)));
    if line.len() <= 12 {
        chart
            .draw_series(line.into_iter().map(|p| Circle::new(p, 3, c.filled())))
            .map_err(err)?;
    }
    Ok(())
}
