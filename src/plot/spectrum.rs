//! Singular values of PMI_CLAIME (top k, from [`crate::views::claime_spectrum`]) as bars:
//! bars 1..p (the signal CLAIME keeps, paper Proposition 2.1) in colour, the noise bulk in
//! grey, and the p-th gap s_p / s_{p+1} annotated between bars p and p + 1.

use super::{check_finite, draw_err, legend_beside, title, Glyph, GREY, LABEL_FONT, SERIES_COLOURS, TICK_FONT};
use crate::error::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Chart title.
pub const TITLE: &str = "Singular values of PMI_CLAIME";
/// Legend label of bars 1..p.
pub const SIGNAL_LABEL: &str = "kept: 1..p";
/// Legend label of the other bars.
pub const NOISE_LABEL: &str = "noise bulk";

/// Checks the values (finite, >= 0, non-empty) and 1 <= p <= their number.
fn check(values: &[f64], p: usize) -> Result<()> {
    if values.is_empty() {
        return Err(Error::param("values", "an empty list", "at least one singular value"));
    }
    check_finite("values", values.iter().copied())?;
    if let Some(i) = values.iter().position(|v| *v < 0.0) {
        return Err(Error::param(&format!("values[{i}]"), values[i], "a singular value >= 0"));
    }
    if p == 0 || p > values.len() {
        return Err(Error::param("p", p, format!("1 to {} (the number of values)", values.len())));
    }
    Ok(())
}

/// "gap s_p / s_p+1 = 3.2x", or the difference when s_{p+1} = 0.
pub fn gap_label(values: &[f64], p: usize) -> Option<String> {
    let (a, b) = (*values.get(p - 1)?, *values.get(p)?);
    Some(if b > 0.0 {
        format!("gap s{p} / s{} = {:.2}x", p + 1, a / b)
    } else {
        format!("gap s{p} - s{} = {a:.3}", p + 1)
    })
}

/// Draws the chart into `area`.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, values: &[f64], p: usize) -> Result<()> {
    check(values, p)?;
    let err = draw_err("spectrum");
    let body = title(area, TITLE)?;
    let signal = SERIES_COLOURS[0];
    let plot = legend_beside(
        &body,
        &[(Glyph::Swatch(signal), SIGNAL_LABEL.into()), (Glyph::Swatch(GREY), NOISE_LABEL.into())],
    )?;
    let k = values.len();
    let top = values.iter().cloned().fold(0.0, f64::max);
    let ymax = if top > 0.0 { top * 1.12 } else { 1.0 };
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(8)
        .margin_right(12)
        .x_label_area_size(50)
        .y_label_area_size(64)
        .build_cartesian_2d(0.4..k as f64 + 0.6, 0.0..ymax)
        .map_err(&err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .x_desc("index i")
        .y_desc("singular value s_i")
        .axis_desc_style(LABEL_FONT)
        .label_style(TICK_FONT)
        .x_labels(k.min(20))
        .x_label_formatter(&|v| {
            if (v - v.round()).abs() < 1e-9 && *v >= 1.0 {
                format!("{}", v.round())
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|v| super::tick(*v, 2))
        .draw()
        .map_err(&err)?;
    let half = 0.35_f64.min(0.5 - 0.5 / (k as f64 + 1.0));
    chart
        .draw_series(values.iter().enumerate().map(|(i, &v)| {
            let x = (i + 1) as f64;
            let c = if i < p { signal } else { GREY };
            Rectangle::new([(x - half, 0.0), (x + half, v)], c.filled())
        }))
        .map_err(&err)?;
    if let Some(label) = gap_label(values, p) {
        // A vertical bracket at x = p + 0.5 from s_{p+1} up to s_p, with the ratio beside it.
        let (x, a, b) = (p as f64 + 0.5, values[p - 1], values[p]);
        let ink = BLACK.stroke_width(1);
        let tick = |y: f64| PathElement::new(vec![(x - 0.12, y), (x + 0.12, y)], ink);
        chart.draw_series([PathElement::new(vec![(x, b), (x, a)], ink), tick(a), tick(b)]).map_err(&err)?;
        let right = (p as f64) < k as f64 * 0.6;
        let anchor = if right { HPos::Left } else { HPos::Right };
        let style = TextStyle::from(LABEL_FONT.into_font()).color(&BLACK).pos(Pos::new(anchor, VPos::Center));
        let dx = if right { 8 } else { -8 };
        chart
            .plotting_area()
            .draw(&(EmptyElement::at((x, (a + b) / 2.0)) + Text::new(label, (dx, 0), style)))
            .map_err(&err)?;
    }
    Ok(())
}

/// The chart as an SVG string of `width` x `height` pixels.
pub fn svg(values: &[f64], p: usize, width: u32, height: u32) -> Result<String> {
    check(values, p)?;
    super::render_svg(width, height, |root| draw(root, values, p))
}
