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

/// Pixels between the bracket and the gap label, and around the label.
const LABEL_PAD: f64 = 8.0;
/// Left and right label areas and margins of the plot (pixels), as `draw` builds it.
const Y_LABEL_AREA: f64 = 64.0;
const X_LABEL_AREA: f64 = 50.0;
const MARGIN_TOP: f64 = 8.0;
const MARGIN_RIGHT: f64 = 12.0;

/// Where the gap label goes, in data coordinates: beside the bracket at `x` = p + 0.5, on the
/// `right` (towards the noise bulk) when it fits there, and at height `y`, high enough that the
/// label's box `[x_lo, x_hi] × [y - half_height, y + half_height]` clears every bar it spans
/// (the label used to sit at the bracket's middle and cover bars p + 1 and p + 2 when the gap
/// was small). `ymax` is the y range the chart needs to hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct GapLayout {
    pub x: f64,
    pub right: bool,
    pub x_lo: f64,
    pub x_hi: f64,
    pub y: f64,
    pub half_height: f64,
    pub ymax: f64,
}

/// Half the width of a bar (x units; bars are centred on 1..=k).
fn bar_half(k: usize) -> f64 {
    0.35_f64.min(0.5 - 0.5 / (k as f64 + 1.0))
}

/// The gap label's place for `values` (checked), `p`, a plot of `plot_px` (width, height) pixels
/// including its label areas, and a label of `text_px` (width, height) pixels.
pub fn gap_layout(values: &[f64], p: usize, plot_px: (f64, f64), text_px: (f64, f64)) -> Option<GapLayout> {
    let (a, b) = (*values.get(p - 1)?, *values.get(p)?);
    let k = values.len();
    let top = values.iter().cloned().fold(0.0, f64::max);
    let (x0, x1) = (0.4, k as f64 + 0.6);
    let width = (plot_px.0 - Y_LABEL_AREA - MARGIN_RIGHT).max(1.0);
    let height = (plot_px.1 - X_LABEL_AREA - MARGIN_TOP).max(1.0);
    let per_px = (x1 - x0) / width;
    let x = p as f64 + 0.5;
    let (near, far) = (LABEL_PAD * per_px, (LABEL_PAD + text_px.0) * per_px);
    let right = x + far <= x1;
    let (x_lo, x_hi) = if right { (x + near, x + far) } else { (x - far, x - near) };
    let half = bar_half(k);
    let covered = (1..=k)
        .filter(|&i| (i as f64 + half) > x_lo && (i as f64 - half) < x_hi)
        .map(|i| values[i - 1])
        .fold(0.0, f64::max);
    // Half the label's height plus padding, as a fraction of the y range.
    let c = (text_px.1 / 2.0 + LABEL_PAD / 2.0) / height;
    let base = if top > 0.0 { top * 1.12 } else { 1.0 };
    let ymax = base.max(covered / (1.0 - 2.0 * c).max(0.5));
    let y = ((a + b) / 2.0).max(covered + c * ymax);
    Some(GapLayout { x, right, x_lo, x_hi, y, half_height: c * ymax, ymax })
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
    let label = gap_label(values, p);
    let (w, h) = plot.dim_in_pixel();
    let layout = label.as_ref().and_then(|l| {
        let text = (super::text_width(l) as f64, LABEL_FONT.1 as f64);
        gap_layout(values, p, (w as f64, h as f64), text)
    });
    let ymax = match &layout {
        Some(g) => g.ymax,
        None if top > 0.0 => top * 1.12,
        None => 1.0,
    };
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(MARGIN_TOP as u32)
        .margin_right(MARGIN_RIGHT as u32)
        .x_label_area_size(X_LABEL_AREA as u32)
        .y_label_area_size(Y_LABEL_AREA as u32)
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
    let half = bar_half(k);
    chart
        .draw_series(values.iter().enumerate().map(|(i, &v)| {
            let x = (i + 1) as f64;
            let c = if i < p { signal } else { GREY };
            Rectangle::new([(x - half, 0.0), (x + half, v)], c.filled())
        }))
        .map_err(&err)?;
    if let (Some(label), Some(g)) = (label, layout) {
        // A vertical bracket at x = p + 0.5 from s_{p+1} up to s_p, with the ratio beside it,
        // above the bars it spans.
        let (x, a, b) = (g.x, values[p - 1], values[p]);
        let ink = BLACK.stroke_width(1);
        let tick = |y: f64| PathElement::new(vec![(x - 0.12, y), (x + 0.12, y)], ink);
        chart.draw_series([PathElement::new(vec![(x, b), (x, a)], ink), tick(a), tick(b)]).map_err(&err)?;
        let anchor = if g.right { HPos::Left } else { HPos::Right };
        let style = TextStyle::from(LABEL_FONT.into_font()).color(&BLACK).pos(Pos::new(anchor, VPos::Center));
        let dx = if g.right { LABEL_PAD as i32 } else { -(LABEL_PAD as i32) };
        if g.y > (a + b) / 2.0 {
            // Lifted above the bars: a leader from the bracket's top to the label.
            chart
                .draw_series([PathElement::new(vec![(x, a.max(b)), (x, g.y)], BLACK.mix(0.5).stroke_width(1))])
                .map_err(&err)?;
        }
        chart.plotting_area().draw(&(EmptyElement::at((x, g.y)) + Text::new(label, (dx, 0), style))).map_err(&err)?;
    }
    Ok(())
}

/// The chart as an SVG string of `width` x `height` pixels.
pub fn svg(values: &[f64], p: usize, width: u32, height: u32) -> Result<String> {
    check(values, p)?;
    super::render_svg(width, height, |root| draw(root, values, p))
}
