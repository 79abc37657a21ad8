//! SVG charts (plotters, SVG backend only): effect bars with 95% intervals,
//! time paths with bands, sweep curves. Each returns the SVG text or a
//! message saying why the chart could not be drawn.

use plotters::coord::ranged1d::{Ranged, SegmentValue};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::scenario::{Effect, Interval};

/// Series colours: baseline near-black, then one clearly different hue per
/// counterfactual arm (orange, blue, green, purple, red, brown).
const PALETTE: [RGBColor; 7] = [
    RGBColor(40, 40, 40),
    RGBColor(230, 120, 0),
    RGBColor(31, 100, 200),
    RGBColor(30, 150, 60),
    RGBColor(150, 70, 190),
    RGBColor(205, 30, 40),
    RGBColor(140, 86, 75),
];

pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

pub(crate) const FONT: &str = "sans-serif";
pub(crate) const WIDTH: u32 = 560;

/// How an axis shows values: multiplied by `factor`, a `+` on positive
/// values when `signed`, then `suffix` (e.g. shares as `+1.5` points).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AxisStyle {
    pub factor: f64,
    pub signed: bool,
    pub suffix: &'static str,
}

impl AxisStyle {
    pub const PLAIN: AxisStyle = AxisStyle {
        factor: 1.0,
        signed: false,
        suffix: "",
    };
}

/// Labels per axis: plotters places at most this many ticks.
const TICKS: usize = 8;

/// Tick positions plotters draws for `lo..hi` with `n` labels.
pub fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    RangedCoordf64::from(lo..hi).key_points(n)
}

/// The fewest decimals (0 to 8) that give every tick of `lo..hi` a
/// distinct label: adaptive, so small effects do not all read `+0.1`.
pub fn decimals(lo: f64, hi: f64, n: usize, style: AxisStyle) -> usize {
    let t = ticks(lo, hi, n);
    (0..=8)
        .find(|&d| {
            let l: Vec<String> = t.iter().map(|&v| label(v, d, style)).collect();
            (1..l.len()).all(|i| !l[..i].contains(&l[i]))
        })
        .unwrap_or(8)
}

/// One tick label with `d` decimals; a value that rounds to zero reads `0`
/// (never `-0.0` or `+0.0`).
pub fn label(v: f64, d: usize, style: AxisStyle) -> String {
    let x = v * style.factor;
    let s = format!("{x:.d$}");
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        return format!("0{}", style.suffix);
    }
    let sign = if style.signed && x > 0.0 { "+" } else { "" };
    format!("{sign}{s}{}", style.suffix)
}

/// Labels of the ticks plotters draws on `lo..hi`, as the charts show them.
#[cfg(test)]
fn tick_labels(lo: f64, hi: f64, n: usize, style: AxisStyle) -> Vec<String> {
    let d = decimals(lo, hi, n, style);
    ticks(lo, hi, n)
        .iter()
        .map(|&v| label(v, d, style))
        .collect()
}

/// A chart that plotters could not draw; the report shows the message in
/// the chart's place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("chart could not be drawn: {0}")]
pub struct ChartError(pub String);

pub(crate) fn err(e: impl std::fmt::Display) -> ChartError {
    ChartError(e.to_string())
}

/// Padded range covering `vals` (and 0 when `with_zero`).
pub(crate) fn range(vals: impl Iterator<Item = f64>, with_zero: bool) -> (f64, f64) {
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
pub fn effect_bars(
    title: &str,
    effects: &[&Effect],
    style: AxisStyle,
) -> Result<String, ChartError> {
    let k = effects.len();
    let height = 110 + 48 * k as u32;
    let label_w = effects
        .iter()
        .map(|e| e.intervention.len())
        .max()
        .unwrap_or(4) as u32
        * 7
        + 16;
    let (x0, x1) = range(
        effects.iter().flat_map(|e| {
            let (tl, th) = e.total().unwrap_or((e.estimate, e.estimate));
            [e.ci_low, e.ci_high, e.estimate, tl, th]
        }),
        true,
    );
    let names: Vec<String> = effects.iter().map(|e| e.intervention.clone()).collect();
    let xd = decimals(x0, x1, 6, style);
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
            .x_label_formatter(&|v| label(*v, xd, style))
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
            if let Some((lo, hi)) = e.total() {
                let mut total = Rectangle::new(
                    [
                        (lo, SegmentValue::Exact(y)),
                        (hi, SegmentValue::Exact(y + 1)),
                    ],
                    RGBColor(120, 120, 120).mix(0.22).filled(),
                );
                total.set_margin(4, 4, 0, 0);
                chart.draw_series(std::iter::once(total)).map_err(err)?;
            }
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

/// One horizontal bar: a value with an optional interval (NaN = none).
pub struct BarRow {
    pub label: String,
    pub value: f64,
    pub low: f64,
    pub high: f64,
    pub colour: RGBColor,
}

/// Horizontal bars, top to bottom in the order given (sensitivity indices).
pub fn bars(title: &str, x_desc: &str, rows: &[BarRow]) -> Result<String, ChartError> {
    let k = rows.len();
    let height = 80 + 30 * k as u32;
    let label_w = rows.iter().map(|r| r.label.len()).max().unwrap_or(4) as u32 * 7 + 16;
    let (x0, x1) = range(rows.iter().flat_map(|r| [r.value, r.low, r.high]), true);
    let xd = decimals(x0, x1, 6, AxisStyle::PLAIN);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .caption(title, (FONT, 17))
            .x_label_area_size(40)
            .y_label_area_size(label_w.min(260))
            .build_cartesian_2d(x0..x1, (0..k as i32).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(RGBColor(235, 235, 235))
            .x_labels(6)
            .x_desc(x_desc)
            .x_label_formatter(&|v| label(*v, xd, AxisStyle::PLAIN))
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => usize::try_from(*i)
                    .ok()
                    .and_then(|i| rows.get(k.checked_sub(i + 1)?))
                    .map(|r| r.label.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .label_style((FONT, 13))
            .draw()
            .map_err(err)?;
        for (i, r) in rows.iter().enumerate() {
            let y = (k - 1 - i) as i32;
            let v = if r.value.is_finite() { r.value } else { 0.0 };
            let mut bar = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(y)),
                    (v, SegmentValue::Exact(y + 1)),
                ],
                r.colour.mix(0.6).filled(),
            );
            bar.set_margin(5, 5, 0, 0);
            chart.draw_series(std::iter::once(bar)).map_err(err)?;
            if r.low.is_finite() && r.high.is_finite() {
                chart
                    .draw_series(std::iter::once(ErrorBar::new_horizontal(
                        SegmentValue::CenterOf(y),
                        r.low,
                        v,
                        r.high,
                        BLACK.stroke_width(1),
                        8,
                    )))
                    .map_err(err)?;
            }
        }
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
    y_style: AxisStyle,
    zero_line: bool,
) -> Result<String, ChartError> {
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
    let xd = decimals(x0, x1, TICKS, AxisStyle::PLAIN);
    let yd = decimals(y0, y1, TICKS, y_style);
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
            .x_labels(TICKS)
            .y_labels(TICKS)
            .x_label_formatter(&|v| label(*v, xd, AxisStyle::PLAIN))
            .y_label_formatter(&|v| label(*v, yd, y_style))
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

fn draw_band(chart: &mut Chart, b: &Band) -> Result<(), ChartError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const POINTS: AxisStyle = AxisStyle {
        factor: 100.0,
        signed: true,
        suffix: "",
    };

    /// Tick labels are distinct and never "-0" over many ranges, including
    /// the tiny effect ranges that used to read +0.1, +0.1, ... .
    #[test]
    fn tick_labels_never_repeat() {
        let mut cases = vec![
            (-0.0004, 0.0011),
            (-0.00003, 0.00002),
            (0.0, 1.0),
            (0.28, 10.72),
        ];
        for i in 0..200 {
            let lo = -((i as f64) * 0.37).sin().abs() * 10f64.powi(-(i % 7));
            let hi = lo + ((i as f64) * 0.91).cos().abs().max(0.01) * 10f64.powi(-(i % 5));
            cases.push((lo, hi));
        }
        for (lo, hi) in cases {
            for style in [POINTS, AxisStyle::PLAIN] {
                for n in [6, TICKS] {
                    let l = tick_labels(lo, hi, n, style);
                    for (i, a) in l.iter().enumerate() {
                        assert!(!l[..i].contains(a), "{lo}..{hi}: {l:?}");
                        let v: f64 = a.parse().unwrap_or(f64::NAN);
                        assert!(v.is_finite(), "{l:?}");
                        assert!(v != 0.0 || a == "0", "signed zero in {l:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn whole_years_read_as_integers() {
        let l = tick_labels(0.28, 10.72, TICKS, AxisStyle::PLAIN);
        assert!(l.iter().all(|s| !s.contains('.')), "{l:?}");
    }

    #[test]
    fn zero_reads_plainly() {
        assert_eq!(label(-0.0000001, 1, POINTS), "0");
        assert_eq!(label(0.0, 2, AxisStyle::PLAIN), "0");
        assert_eq!(label(0.015, 1, POINTS), "+1.5");
    }
}
