//! The explorer's charts as SVG strings, one module per chart, each generic over plotters'
//! `DrawingBackend` (`draw`) with an SVG convenience (`svg`, an `SVGBackend` writing into a
//! `String`), so the WebAssembly worker and native tests share the same code.
//!
//! - [`error_chart`]: recovery error against the number of patients, one line per method;
//! - [`alignment`]: true and estimated 2-D embeddings after Procrustes (from [`crate::views`]);
//! - [`spectrum`]: singular values of PMI_CLAIME with the p-th gap;
//! - [`heatmap`]: a matrix on a diverging colour map symmetric around 0.
//!
//! Every renderer checks its input first (lengths, NaN/inf, empty series) and returns an
//! [`Error`] naming the bad input; it never panics on data.
//!
//! **Text in a Web Worker.** On `wasm32`, plotters measures text through `window.document`,
//! which a worker lacks (it would panic). These charts therefore never ask plotters to measure
//! text: no `caption`/`titled`, no built-in series legend, no right-hand axis labels. Titles and
//! legends are drawn here with anchored `<text>` and widths estimated from character counts.
//! Keep it that way when adding charts (tests/plots.rs renders through a backend that refuses
//! to measure text).
//!
//! Colours are the Okabe-Ito palette, and every series also gets its own marker shape.

pub mod alignment;
mod compact;
pub mod error_chart;
pub mod heatmap;
pub mod regime;
pub mod spectrum;
pub mod sweep;

use crate::error::{Error, Result};
use plotters::chart::MeshStyle;
use plotters::coord::CoordTranslate;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::{Deserialize, Serialize};

/// One named line of (x, y) points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Shown in the legend (a method name).
    pub name: String,
    /// (x, y) points, drawn in the given order.
    pub points: Vec<(f64, f64)>,
}

/// Okabe-Ito: black, orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple.
pub const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0, 0, 0),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 158, 115),
    RGBColor(240, 228, 66),
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
];

/// Series colours in order of use (Okabe-Ito, yellow last: it is faint on white).
pub const SERIES_COLOURS: [RGBColor; 8] =
    [OKABE_ITO[5], OKABE_ITO[6], OKABE_ITO[3], OKABE_ITO[7], OKABE_ITO[1], OKABE_ITO[2], OKABE_ITO[0], OKABE_ITO[4]];

/// Grey for context (reference lines, the noise bulk, truth-to-estimate segments).
pub const GREY: RGBColor = RGBColor(150, 150, 150);

/// Marker shapes; series i uses `MARKERS[i % 4]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// `<circle>`.
    Circle,
    /// Upward triangle (`<polygon>` filled, `<polyline>` hollow).
    Triangle,
    /// `<rect>`.
    Square,
    /// Diamond (`<polygon>` filled, `<polyline>` hollow).
    Diamond,
}

/// Marker of series i.
pub const MARKERS: [Marker; 4] = [Marker::Circle, Marker::Triangle, Marker::Square, Marker::Diamond];

/// Colour and marker of series i.
pub fn series_style(i: usize) -> (RGBColor, Marker) {
    (SERIES_COLOURS[i % SERIES_COLOURS.len()], MARKERS[i % MARKERS.len()])
}

/// Draws a marker of radius `r` pixels at `at` (in the area's coordinates), filled or hollow.
pub fn draw_marker<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    m: Marker,
    at: CT::From,
    r: i32,
    colour: RGBColor,
    filled: bool,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>>
where
    CT::From: Clone,
{
    let style = if filled { colour.filled() } else { colour.stroke_width(1) };
    let poly = match m {
        Marker::Circle => return area.draw(&Circle::new(at, r, style)),
        Marker::Square => {
            return area.draw(&(EmptyElement::at(at) + Rectangle::new([(1 - r, 1 - r), (r - 1, r - 1)], style)))
        }
        Marker::Triangle => vec![(0, -r - 1), (r + 1, r), (-r - 1, r)],
        Marker::Diamond => vec![(0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)],
    };
    if filled {
        area.draw(&(EmptyElement::at(at) + Polygon::new(poly, style)))
    } else {
        let mut closed = poly.clone();
        closed.push(poly[0]);
        area.draw(&(EmptyElement::at(at) + PathElement::new(closed, style)))
    }
}

/// Maps a plotters drawing error to the crate error, naming the chart.
pub(crate) fn draw_err<E: std::error::Error + Send + Sync>(
    chart: &'static str,
) -> impl Fn(DrawingAreaErrorKind<E>) -> Error {
    move |e| Error::Unsupported { what: format!("drawing the {chart} failed: {e}") }
}

pub(crate) use crate::error::check_finite;

/// Title font (plotters' size; the SVG font-size is this / 1.24).
pub(crate) const TITLE_FONT: (&str, u32) = ("sans-serif", 20);
/// Axis descriptions, legend and annotations.
pub(crate) const LABEL_FONT: (&str, u32) = ("sans-serif", 16);
/// Tick labels.
pub(crate) const TICK_FONT: (&str, u32) = ("sans-serif", 14);

/// Rough pixel width of `text` in `LABEL_FONT` (about 0.6 em per character; no measuring).
pub(crate) fn text_width(text: &str) -> u32 {
    (text.chars().count() as f64 * 0.6 * LABEL_FONT.1 as f64 / 1.24).ceil() as u32
}

/// Draws a centred title in a 34-pixel band and returns the area below it.
pub(crate) fn title<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str) -> Result<DrawingArea<DB, Shift>> {
    let (top, rest) = area.split_vertically(34);
    let w = top.dim_in_pixel().0 as i32;
    let style = TextStyle::from(TITLE_FONT.into_font()).color(&BLACK).pos(Pos::new(HPos::Center, VPos::Center));
    top.draw_text(text, &style, (w / 2, 18)).map_err(draw_err("title"))?;
    Ok(rest)
}

/// What a legend entry shows before its label.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Glyph {
    /// A marker, filled or hollow.
    Mark(Marker, RGBColor, bool),
    /// A short line with a filled marker on it.
    LineMark(Marker, RGBColor),
    /// A short thin line.
    Line(RGBColor),
    /// A filled square swatch.
    Swatch(RGBColor),
}

/// Legend width for these labels (glyph, gap, text, padding).
pub(crate) fn legend_width(labels: &[&str]) -> u32 {
    labels.iter().map(|l| text_width(l)).max().unwrap_or(0) + 48
}

/// Draws a legend column at the top of `area` (pixel coordinates), one 22-pixel row per entry.
pub(crate) fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    top: i32,
    entries: &[(Glyph, String)],
) -> Result<()> {
    let style = TextStyle::from(LABEL_FONT.into_font()).color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
    let err = draw_err("legend");
    for (k, (glyph, label)) in entries.iter().enumerate() {
        let y = top + 11 + 22 * k as i32;
        let (x0, x1, xm) = (8, 30, 19);
        match *glyph {
            Glyph::Mark(m, c, filled) => draw_marker(area, m, (xm, y), 4, c, filled).map_err(&err)?,
            Glyph::LineMark(m, c) => {
                area.draw(&PathElement::new(vec![(x0, y), (x1, y)], c.stroke_width(2))).map_err(&err)?;
                draw_marker(area, m, (xm, y), 4, c, true).map_err(&err)?;
            }
            Glyph::Line(c) => area.draw(&PathElement::new(vec![(x0, y), (x1, y)], c.stroke_width(1))).map_err(&err)?,
            Glyph::Swatch(c) => {
                area.draw(&Rectangle::new([(x0 + 4, y - 6), (x1 - 4, y + 6)], c.filled())).map_err(&err)?
            }
        }
        area.draw_text(label, &style, (x1 + 8, y)).map_err(&err)?;
    }
    Ok(())
}

/// Splits `body` into the plot and, to its right, a legend column as wide as its labels need (at
/// most a third of the width); draws the legend `entries` there and returns the plot area.
pub(crate) fn legend_beside<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    entries: &[(Glyph, String)],
) -> Result<DrawingArea<DB, Shift>> {
    let labels: Vec<&str> = entries.iter().map(|(_, label)| label.as_str()).collect();
    let (w, _) = body.dim_in_pixel();
    let (plot, side) = body.split_horizontally(w - legend_width(&labels).min(w / 3));
    legend(&side, 40, entries)?;
    Ok(plot)
}

/// Legend entries of named series, each a line with its marker in the series' style.
pub(crate) fn series_entries<'a>(names: impl Iterator<Item = &'a str>) -> Vec<(Glyph, String)> {
    names
        .enumerate()
        .map(|(k, name)| {
            let (c, m) = series_style(k);
            (Glyph::LineMark(m, c), name.to_string())
        })
        .collect()
}

/// Tick label with two decimals (see [`tick`]), as an axis formatter.
pub(crate) fn tick2(v: &f64) -> String {
    tick(*v, 2)
}

/// The axis styles of a chart on numbers: descriptions in `LABEL_FONT`, tick labels in
/// `TICK_FONT` written by `x_ticks` and `y_ticks` (such as [`tick2`]).
pub(crate) fn number_axes<'m, 'a, 'b, X, Y, DB>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
    x_ticks: &'b dyn Fn(&f64) -> String,
    y_ticks: &'b dyn Fn(&f64) -> String,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
    DB: DrawingBackend,
{
    mesh.axis_desc_style(LABEL_FONT).label_style(TICK_FONT).x_label_formatter(x_ticks).y_label_formatter(y_ticks)
}

/// The no-recovery level sqrt(2p) as a dashed grey line across x in [lo, hi], with `label`
/// and the level's value ("... = 2.83") at its right end; `chart_name` names the chart in a
/// drawing error. The error chart and the sweep figures draw it alike.
pub(crate) fn no_recovery_line<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    (lo, hi): (f64, f64),
    level: f64,
    label: &str,
    chart_name: &'static str,
) -> Result<()>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let err = draw_err(chart_name);
    chart
        .draw_series(DashedLineSeries::new(vec![(lo, level), (hi, level)], 8, 5, GREY.stroke_width(2)))
        .map_err(&err)?;
    let ink = BLACK.mix(0.75);
    let style = TextStyle::from(LABEL_FONT.into_font()).color(&ink).pos(Pos::new(HPos::Right, VPos::Bottom));
    let text = format!("{label} = {level:.2}");
    chart.plotting_area().draw(&(EmptyElement::at((hi, level)) + Text::new(text, (-6, -4), style))).map_err(&err)?;
    Ok(())
}

/// Smallest accepted chart side in pixels.
pub const MIN_SIDE: u32 = 200;
/// Largest accepted chart side in pixels.
pub const MAX_SIDE: u32 = 4000;

/// Renders `draw` into an SVG string of `width` x `height` pixels on a white background.
pub(crate) fn render_svg(
    width: u32,
    height: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<()>,
) -> Result<String> {
    for (name, v) in [("width", width), ("height", height)] {
        if !(MIN_SIDE..=MAX_SIDE).contains(&v) {
            return Err(Error::param(name, v, format!("{MIN_SIDE} to {MAX_SIDE} pixels")));
        }
    }
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err("background"))?;
        draw(&root)?;
        root.present().map_err(draw_err("SVG"))?;
    }
    Ok(out)
}

/// A tick label with `decimals` decimals, without a minus sign on zero: a tick computed as a
/// tiny negative value (or -0) reads "0.00", not "-0.00".
pub fn tick(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => s,
    }
}

/// "1k", "25k", "1.5M": a compact patient count for tick labels.
pub fn compact_count(n: f64) -> String {
    let (v, unit) = match n.abs() {
        a if a >= 1e6 => (n / 1e6, "M"),
        a if a >= 1e3 => (n / 1e3, "k"),
        _ => (n, ""),
    };
    let s = format!("{v:.1}");
    let s = s.strip_suffix(".0").unwrap_or(&s);
    format!("{s}{unit}")
}
