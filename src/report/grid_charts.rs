//! Charts of multi-factor experiments (plotters, SVG): a heat map of a
//! value over a two-factor grid, and small multiples (one scatter panel per
//! factor) for other designs.
//!
//! Heat-map colours: for effects a diverging scale, white at 0 and full blue
//! (negative) or red (positive) at `max |v|`; for levels a sequential scale
//! from white at the lowest value to full blue at the highest. Every cell is
//! labelled with its value, so the colour is never the only reading.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::charts::{AxisStyle, ChartError, FONT, WIDTH, decimals, err, label, range};

const NEGATIVE: RGBColor = RGBColor(31, 100, 200);
const POSITIVE: RGBColor = RGBColor(205, 30, 40);

/// What a chart shows and how its values read.
pub struct GridValues<'a> {
    pub title: &'a str,
    /// `true`: values are differences (diverging colours around zero).
    pub diverging: bool,
    /// Text of one value inside a cell ("+1.2", "63.4%").
    pub cell: &'a dyn Fn(f64) -> String,
    pub y_style: AxisStyle,
}

/// Colour of `v` on the scale of [`GridValues::diverging`] over `lo..hi`.
pub fn cell_colour(v: f64, lo: f64, hi: f64, diverging: bool) -> RGBColor {
    if !v.is_finite() {
        return RGBColor(200, 200, 200);
    }
    let mix = |c: RGBColor, t: f64| {
        let t = t.clamp(0.0, 1.0);
        let ch = |x: u8| (255.0 - t * (255.0 - f64::from(x))).round() as u8;
        RGBColor(ch(c.0), ch(c.1), ch(c.2))
    };
    if diverging {
        let m = lo.abs().max(hi.abs());
        if m == 0.0 {
            return WHITE;
        }
        mix(if v < 0.0 { NEGATIVE } else { POSITIVE }, v.abs() / m)
    } else if hi > lo {
        mix(NEGATIVE, (v - lo) / (hi - lo))
    } else {
        mix(NEGATIVE, 0.5)
    }
}

/// A heat map: `values[i][j]` at row level `rows.1[i]` (y) and column level
/// `cols.1[j]` (x); `rows.0` and `cols.0` name the factors.
pub fn heat_map(
    v: &GridValues<'_>,
    rows: (&str, &[f64]),
    cols: (&str, &[f64]),
    values: &[Vec<f64>],
) -> Result<String, ChartError> {
    let (nr, nc) = (rows.1.len(), cols.1.len());
    if nr == 0 || nc == 0 || values.len() != nr || values.iter().any(|r| r.len() != nc) {
        return Err(ChartError(format!(
            "a {nr} x {nc} grid needs {nr} rows of {nc} values"
        )));
    }
    let finite = values.iter().flatten().copied().filter(|x| x.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    // A level as the user wrote it: the shortest decimal that reads back as
    // the same number (0.25, 1.5, 2). Cell k spans [2k, 2k + 2] of its axis,
    // so labels sit at the odd centres 2k + 1.
    let level = |l: &[f64], c: i32| match usize::try_from(c) {
        Ok(c) if c % 2 == 1 => l.get(c / 2).map(|x| format!("{x}")).unwrap_or_default(),
        _ => String::new(),
    };
    let centres = |n: usize| (0..n as i32).map(|k| 2 * k + 1).collect::<Vec<_>>();
    let height = (130 + 44 * nr as u32).clamp(260, 620);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        // Cell (i, j) is [2j, 2j + 2] x [2i, 2i + 2] of a 0..2nc x 0..2nr
        // plane, so the n cells of an axis fill it exactly (a segmented
        // 0..n coordinate has n + 1 segments and left an empty one at the
        // right and top; the doubled integer plane keeps a one-level axis
        // from being a zero-width range).
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .caption(v.title, (FONT, 19))
            .x_label_area_size(44)
            .y_label_area_size(72)
            .build_cartesian_2d(
                (0..2 * nc as i32).with_key_points(centres(nc)),
                (0..2 * nr as i32).with_key_points(centres(nr)),
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(cols.0)
            .y_desc(rows.0)
            .x_label_formatter(&|x| level(cols.1, *x))
            .y_label_formatter(&|y| level(rows.1, *y))
            .label_style((FONT, 14))
            .draw()
            .map_err(err)?;
        let font_px = if nc > 8 { 11 } else { 14 };
        for (i, row) in values.iter().enumerate() {
            for (j, &x) in row.iter().enumerate() {
                let (x0, y0) = (2 * j as i32, 2 * i as i32);
                let corners = [(x0, y0), (x0 + 2, y0 + 2)];
                let fill = cell_colour(x, lo, hi, v.diverging);
                chart
                    .draw_series(std::iter::once(Rectangle::new(corners, fill.filled())))
                    .map_err(err)?;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        corners,
                        WHITE.stroke_width(2),
                    )))
                    .map_err(err)?;
                let dark = (u32::from(fill.0) + u32::from(fill.1) + u32::from(fill.2)) < 330;
                let text = if x.is_finite() {
                    (v.cell)(x)
                } else {
                    "n/a".into()
                };
                let style = TextStyle::from((FONT, font_px).into_font())
                    .color(if dark { &WHITE } else { &BLACK })
                    .pos(Pos::new(HPos::Center, VPos::Center));
                chart
                    .draw_series(std::iter::once(Text::new(text, (x0 + 1, y0 + 1), style)))
                    .map_err(err)?;
            }
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Small multiples: one panel per factor, `values[p]` of each point `p`
/// against the factor's value `factors[j].1[p]`.
pub fn small_multiples(
    v: &GridValues<'_>,
    factors: &[(&str, Vec<f64>)],
    values: &[f64],
) -> Result<String, ChartError> {
    let k = factors.len();
    if k == 0 || factors.iter().any(|f| f.1.len() != values.len()) {
        return Err(ChartError("every factor needs one value per point".into()));
    }
    let cols = k.min(2);
    let rows = k.div_ceil(cols);
    let panel_h = 280u32;
    let (y0, y1) = range(values.iter().copied(), v.diverging);
    let yd = decimals(y0, y1, 6, v.y_style);
    let mut svg = String::new();
    {
        let height = 40 + panel_h * rows as u32;
        let root = SVGBackend::with_string(&mut svg, (WIDTH * cols as u32 / 2 + 320, height))
            .into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let root = root.titled(v.title, (FONT, 19)).map_err(err)?;
        let panels = root.split_evenly((rows, cols));
        for ((name, xs), area) in factors.iter().zip(panels) {
            let (x0, x1) = match range(xs.iter().copied(), false) {
                (a, b) if b > a => (a, b),
                (a, _) => (a - 1.0, a + 1.0),
            };
            let xd = decimals(x0, x1, 5, AxisStyle::PLAIN);
            let mut chart = ChartBuilder::on(&area)
                .margin(10)
                .x_label_area_size(38)
                .y_label_area_size(60)
                .build_cartesian_2d(x0..x1, y0..y1)
                .map_err(err)?;
            chart
                .configure_mesh()
                .light_line_style(RGBColor(235, 235, 235))
                .x_desc(*name)
                .x_labels(5)
                .y_labels(6)
                .x_label_formatter(&|x| label(*x, xd, AxisStyle::PLAIN))
                .y_label_formatter(&|y| label(*y, yd, v.y_style))
                .label_style((FONT, 13))
                .draw()
                .map_err(err)?;
            if v.diverging {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x0, 0.0), (x1, 0.0)],
                        BLACK.stroke_width(1),
                    )))
                    .map_err(err)?;
            }
            chart
                .draw_series(
                    xs.iter()
                        .zip(values)
                        .filter(|(_, y)| y.is_finite())
                        .map(|(x, y)| Circle::new((*x, *y), 3, NEGATIVE.mix(0.75).filled())),
                )
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The diverging scale is white at zero, darkest at the largest
    /// magnitude and keeps the sign's hue.
    #[test]
    fn diverging_scale_is_centred_on_zero() {
        assert_eq!(cell_colour(0.0, -2.0, 1.0, true), WHITE);
        assert_eq!(cell_colour(-2.0, -2.0, 1.0, true), NEGATIVE);
        let half = cell_colour(1.0, -2.0, 1.0, true);
        assert!(half.0 > half.2, "positive values are red: {half:?}");
        assert!(half.1 > POSITIVE.1, "half as large is paler: {half:?}");
    }

    #[test]
    fn every_cell_is_labelled() {
        let v = GridValues {
            title: "t",
            diverging: true,
            cell: &|x| format!("<{x}>"),
            y_style: AxisStyle::PLAIN,
        };
        let vals = vec![vec![1.0, -2.0, 3.5], vec![0.25, f64::NAN, 7.0]];
        let svg = heat_map(&v, ("a", &[1.0, 2.0]), ("b", &[0.0, 0.5, 1.0]), &vals).unwrap();
        for x in [
            "&lt;1&gt;",
            "&lt;-2&gt;",
            "&lt;3.5&gt;",
            "&lt;0.25&gt;",
            "&lt;7&gt;",
            "n/a",
        ] {
            assert!(svg.contains(x), "{x} missing");
        }
        assert!(heat_map(&v, ("a", &[1.0]), ("b", &[0.0]), &vals).is_err());
    }
}
