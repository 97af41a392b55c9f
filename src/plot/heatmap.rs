//! A heatmap of a (rows, cols) matrix ([`Heat`]) on a diverging colour map symmetric around 0
//! (blue for negative, white at 0, vermillion for positive; Okabe-Ito ends), with a colour bar.
//! The truth V*_1 V*_2^T and the estimate V^_1 V^_2^T side by side are two calls with the
//! shared `limit` from [`crate::views::similarity_heatmaps`].

use super::{check_finite, draw_err, text_width, title, LABEL_FONT, OKABE_ITO, TICK_FONT};
use crate::error::{Error, Result};
use crate::views::{evenly_spaced, Heat};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Most cells drawn (one `<rect>` each).
pub const MAX_CELLS: usize = 40_000;
/// Width of the colour-bar strip in pixels.
const BAR_STRIP: u32 = 96;

/// Colour of t in [-1, 1]: blue (-1), near-white (0), vermillion (+1); clamped.
pub fn diverging(t: f64) -> RGBColor {
    let t = if t.is_finite() { t.clamp(-1.0, 1.0) } else { 0.0 };
    let end = if t < 0.0 { OKABE_ITO[5] } else { OKABE_ITO[6] };
    let mix = |w: u8, e: u8| (w as f64 + t.abs() * (e as f64 - w as f64)).round() as u8;
    RGBColor(mix(247, end.0), mix(247, end.1), mix(247, end.2))
}

/// Checks the shape, the values and the colour limit.
fn check(heat: &Heat) -> Result<()> {
    let (rows, cols) = heat.values.dim();
    if rows == 0 || cols == 0 {
        return Err(Error::param("heat.values", format!("{rows} x {cols}"), "at least 1 x 1"));
    }
    if rows.saturating_mul(cols) > MAX_CELLS {
        return Err(Error::param("heat.values", format!("{rows} x {cols}"), format!("at most {MAX_CELLS} cells")));
    }
    for (name, idx, n) in [("heat.row_index", &heat.row_index, rows), ("heat.col_index", &heat.col_index, cols)] {
        if !idx.is_empty() && idx.len() != n {
            return Err(Error::param(
                name,
                format!("{} entries", idx.len()),
                format!("{n} (one per row/column) or none"),
            ));
        }
    }
    check_finite("heat.values", heat.values.iter().copied())?;
    if !(heat.limit.is_finite() && heat.limit >= 0.0) {
        return Err(Error::param("heat.limit", heat.limit, "a finite limit >= 0 (0 = max |value|)"));
    }
    Ok(())
}

/// Number format for colour-bar labels.
fn fmt(v: f64) -> String {
    if v != 0.0 && (v.abs() < 0.01 || v.abs() >= 1e4) {
        format!("{v:.1e}")
    } else {
        format!("{v:.2}")
    }
}

/// Draws the heatmap into `area`.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, heat: &Heat) -> Result<()> {
    check(heat)?;
    let err = draw_err("heatmap");
    let body = title(area, &heat.title)?;
    let (w, _) = body.dim_in_pixel();
    let (plot, bar) = body.split_horizontally(w.saturating_sub(BAR_STRIP));
    let (rows, cols) = (heat.rows() as f64, heat.cols() as f64);
    let limit = if heat.limit > 0.0 { heat.limit } else { heat.values.iter().fold(0.0_f64, |a, v| a.max(v.abs())) };
    let scale = if limit > 0.0 { 1.0 / limit } else { 0.0 };
    let ylab = heat.row_index.iter().chain(&heat.col_index).map(|i| text_width(&i.to_string())).max().unwrap_or(8);
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(8)
        .margin_right(8)
        .x_label_area_size(48)
        .y_label_area_size(ylab + 40)
        .build_cartesian_2d(0.0..cols, 0.0..rows)
        .map_err(&err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .x_desc(heat.col_label.as_str())
        .y_desc(heat.row_label.as_str())
        .axis_desc_style(LABEL_FONT)
        .draw()
        .map_err(&err)?;
    // Row i is drawn at the top: y from rows - i - 1 to rows - i.
    chart
        .draw_series((0..heat.rows()).flat_map(|i| {
            (0..heat.cols()).map(move |j| {
                let y = rows - i as f64;
                Rectangle::new(
                    [(j as f64, y - 1.0), (j as f64 + 1.0, y)],
                    diverging(heat.values[[i, j]] * scale).filled(),
                )
            })
        }))
        .map_err(&err)?;
    // Tick labels at cell centres (feature indices), in pixels relative to `plot`.
    let base = plot.get_base_pixel();
    let rel = |c: (i32, i32)| (c.0 - base.0, c.1 - base.1);
    let name = |idx: &Vec<usize>, k: usize| idx.get(k).copied().unwrap_or(k).to_string();
    let tick = TextStyle::from(TICK_FONT.into_font()).color(&BLACK);
    for j in evenly_spaced(heat.cols(), 6) {
        let (x, y) = rel(chart.backend_coord(&(j as f64 + 0.5, 0.0)));
        plot.draw_text(&name(&heat.col_index, j), &tick.pos(Pos::new(HPos::Center, VPos::Top)), (x, y + 6))
            .map_err(&err)?;
    }
    for i in evenly_spaced(heat.rows(), 6) {
        let (x, y) = rel(chart.backend_coord(&(0.0, rows - i as f64 - 0.5)));
        plot.draw_text(&name(&heat.row_index, i), &tick.pos(Pos::new(HPos::Right, VPos::Center)), (x - 6, y))
            .map_err(&err)?;
    }
    // Colour bar aligned with the plotting area.
    let (top, bottom) = (rel(chart.backend_coord(&(0.0, rows))).1, rel(chart.backend_coord(&(0.0, 0.0))).1);
    let steps = 64;
    let (x0, x1) = (10, 28);
    for s in 0..steps {
        let ya = top + (bottom - top) * s / steps;
        let yb = top + (bottom - top) * (s + 1) / steps;
        let t = 1.0 - 2.0 * (s as f64 + 0.5) / steps as f64;
        bar.draw(&Rectangle::new([(x0, ya), (x1, yb)], diverging(t).filled())).map_err(&err)?;
    }
    bar.draw(&Rectangle::new([(x0, top), (x1, bottom)], BLACK.stroke_width(1))).map_err(&err)?;
    let style = tick.pos(Pos::new(HPos::Left, VPos::Center));
    for (v, y) in [(limit, top), (0.0, (top + bottom) / 2), (-limit, bottom)] {
        bar.draw_text(&fmt(v), &style, (x1 + 6, y)).map_err(&err)?;
    }
    Ok(())
}

/// The heatmap as an SVG string of `width` x `height` pixels.
pub fn svg(heat: &Heat, width: u32, height: u32) -> Result<String> {
    check(heat)?;
    super::render_svg(width, height, |root| draw(root, heat))
}
