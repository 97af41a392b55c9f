//! The 2-D embedding alignment ([`AlignmentView`], model.md §6): each feature's true position
//! (hollow marker) and its estimated position after scale matching and Procrustes (filled
//! marker), joined by a thin grey segment; codes are blue circles, CUIs vermillion triangles.
//! Both axes have the same scale, so distances on screen are distances in the embedding. The
//! SVG's runs of like markers and segments are merged into single paths (`compact`): a tenth of
//! the elements, for a page that redraws the view at every frame of the training animation.

use super::{check_finite, draw_err, legend_beside, number_axes, tick2, title, Glyph, Marker, GREY, OKABE_ITO};
use crate::error::{Error, Result};
use crate::views::{AlignmentView, Modality};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Chart title.
pub const TITLE: &str = "True and estimated embeddings (after Procrustes)";
/// Colour and marker of codes.
pub const CODE_STYLE: (RGBColor, Marker) = (OKABE_ITO[5], Marker::Circle);
/// Colour and marker of CUIs.
pub const CUI_STYLE: (RGBColor, Marker) = (OKABE_ITO[6], Marker::Triangle);

const LEGEND: [&str; 5] = ["code, true", "code, estimate", "CUI, true", "CUI, estimate", "truth to estimate"];
// Chart margins and label areas (pixels), used to make both axes share one scale.
const TOP: u32 = 8;
const RIGHT: u32 = 12;
const BOTTOM_LABELS: u32 = 50;
const LEFT_LABELS: u32 = 64;

/// Checks that there are points and every coordinate is finite.
fn check(view: &AlignmentView) -> Result<()> {
    if view.points.is_empty() {
        return Err(Error::param("view.points", "an empty list", "at least one feature"));
    }
    check_finite("view.points.truth", view.points.iter().flat_map(|q| [q.truth.0, q.truth.1]))?;
    check_finite("view.points.estimate", view.points.iter().flat_map(|q| [q.estimate.0, q.estimate.1]))
}

/// Ranges with the same units per pixel on both axes for an (iw, ih)-pixel plotting area.
fn square_ranges(view: &AlignmentView, iw: f64, ih: f64) -> ((f64, f64), (f64, f64)) {
    let all = view.points.iter().flat_map(|q| [q.truth, q.estimate]);
    let (mut x0, mut x1, mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    for (x, y) in all {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let u = ((x1 - x0) / iw).max((y1 - y0) / ih) * 1.1;
    let u = if u > 0.0 { u } else { 2.0 / iw.min(ih) };
    ((cx - u * iw / 2.0, cx + u * iw / 2.0), (cy - u * ih / 2.0, cy + u * ih / 2.0))
}

/// Draws the chart into `area`.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, view: &AlignmentView) -> Result<()> {
    draw_located(area, view).map(|_| ())
}

/// Draws the chart and returns each point's estimated-position pixel (x, y) in the backend's
/// coordinates, in the order of `view.points`, so a page can find the point under the pointer.
pub fn draw_located<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    view: &AlignmentView,
) -> Result<Vec<(i32, i32)>> {
    check(view)?;
    let err = draw_err("alignment chart");
    let body = title(area, TITLE)?;
    let ((cc, cm), (uc, um)) = (CODE_STYLE, CUI_STYLE);
    let glyphs = [
        Glyph::Mark(cm, cc, false),
        Glyph::Mark(cm, cc, true),
        Glyph::Mark(um, uc, false),
        Glyph::Mark(um, uc, true),
        Glyph::Line(GREY),
    ];
    let entries: Vec<(Glyph, String)> = glyphs.into_iter().zip(LEGEND.map(String::from)).collect();
    let plot = legend_beside(&body, &entries)?;
    let (pw, ph) = plot.dim_in_pixel();
    let iw = pw.saturating_sub(RIGHT + LEFT_LABELS).max(1) as f64;
    let ih = ph.saturating_sub(TOP + BOTTOM_LABELS).max(1) as f64;
    let ((x0, x1), (y0, y1)) = square_ranges(view, iw, ih);
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(TOP)
        .margin_right(RIGHT)
        .x_label_area_size(BOTTOM_LABELS)
        .y_label_area_size(LEFT_LABELS)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(&err)?;
    let pct = |f: f64| format!("{:.0}%", 100.0 * f);
    let (xd, yd) = (
        format!("truth's principal axis 1 ({} of variance)", pct(view.explained.0)),
        format!("principal axis 2 ({})", pct(view.explained.1)),
    );
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(WHITE.mix(0.0)).bold_line_style(BLACK.mix(0.08)).x_desc(xd).y_desc(yd);
    number_axes(&mut mesh, &tick2, &tick2).draw().map_err(&err)?;
    let r = if view.points.len() > 200 { 3 } else { 4 };
    let segment = GREY.mix(0.7).stroke_width(1);
    chart
        .draw_series(view.points.iter().map(|q| PathElement::new(vec![q.truth, q.estimate], segment)))
        .map_err(&err)?;
    let style = |m: Modality| if m == Modality::Code { CODE_STYLE } else { CUI_STYLE };
    for filled in [false, true] {
        for q in &view.points {
            let (c, m) = style(q.modality);
            super::draw_marker(chart.plotting_area(), m, if filled { q.estimate } else { q.truth }, r, c, filled)
                .map_err(&err)?;
        }
    }
    Ok(view.points.iter().map(|q| chart.backend_coord(&q.estimate)).collect())
}

/// The chart as an SVG string plus each point's estimated-position pixel (see [`draw_located`]).
pub fn svg_located(view: &AlignmentView, width: u32, height: u32) -> Result<(String, Vec<(i32, i32)>)> {
    check(view)?;
    let mut located = Vec::new();
    let svg = super::render_svg(width, height, |root| {
        located = draw_located(root, view)?;
        Ok(())
    })?;
    Ok((super::compact::merge_shapes(&svg), located))
}

/// The chart as an SVG string of `width` x `height` pixels.
pub fn svg(view: &AlignmentView, width: u32, height: u32) -> Result<String> {
    check(view)?;
    Ok(super::compact::merge_shapes(&super::render_svg(width, height, |root| draw(root, view))?))
}
