//! The regime map: cells over (signal scale, noise level) coloured by CLAIME's error minus the
//! best baseline's (blue: CLAIME ahead, vermillion: a baseline ahead), with the boundary of the
//! cells where CLAIME wins beyond replicate noise (`regime::Cell::claime_wins`) drawn as a thick
//! black line between cells. Beside the map: a colour bar with its values (-L, 0, +L, L the
//! largest |value|, the colours' limit) and a legend for the outline.

use super::heatmap::diverging;
use super::{check_finite, draw_err, number_axes, tick2, title, LABEL_FONT, TICK_FONT};
use crate::error::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Width of the column beside the map holding the colour bar and the outline's legend (pixels).
pub const KEY_WIDTH: u32 = 150;
/// The colour bar's heading.
pub const BAR_LABEL: &str = "CLAIME - best";
/// What the colour bar's ends mean.
pub const BAR_ENDS: [&str; 2] = ["baseline ahead", "CLAIME ahead"];
/// The outline's legend, two lines.
pub const OUTLINE_LABEL: [&str; 2] = ["CLAIME wins:", "95% CI below 0"];

/// The map's data: `values` is (levels.len(), signals.len()) row-major, level-major.
#[derive(Debug, Clone, PartialEq)]
pub struct RegimeMap {
    /// Signal scales (x), increasing and evenly spaced.
    pub signals: Vec<f64>,
    /// Noise levels (y), increasing and evenly spaced.
    pub levels: Vec<f64>,
    /// Name of the level (c, rho, tau2).
    pub level_name: String,
    /// CLAIME minus the best baseline per cell.
    pub values: Vec<f64>,
    /// Whether CLAIME wins in each cell (same layout): the outlined region.
    pub wins: Vec<bool>,
}

fn check(m: &RegimeMap) -> Result<()> {
    if m.signals.len() < 2 || m.levels.len() < 2 {
        return Err(Error::param("map", "fewer than 2 points per axis", "a grid of at least 2 x 2"));
    }
    if m.values.len() != m.signals.len() * m.levels.len() {
        return Err(Error::param("map.values", m.values.len(), format!("{} values", m.signals.len() * m.levels.len())));
    }
    if m.wins.len() != m.values.len() {
        return Err(Error::param("map.wins", m.wins.len(), format!("{} flags, one per value", m.values.len())));
    }
    check_finite("map.values", m.values.iter().copied())
}

/// Draws the map into `area`.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, m: &RegimeMap) -> Result<()> {
    check(m)?;
    let err = draw_err("regime map");
    let body = title(area, "CLAIME minus best baseline (blue: CLAIME ahead; outlined: it wins)")?;
    let (ns, nl) = (m.signals.len(), m.levels.len());
    let limit = colour_limit(m);
    let (w, _) = body.dim_in_pixel();
    let (body, side) = body.split_horizontally(w.saturating_sub(KEY_WIDTH).max(w / 2));
    draw_key(&side, limit)?;
    let (ds, dl) = ((m.signals[1] - m.signals[0]) / 2.0, (m.levels[1] - m.levels[0]) / 2.0);
    let xr = (m.signals[0] - ds)..(m.signals[ns - 1] + ds);
    let yr = (m.levels[0] - dl)..(m.levels[nl - 1] + dl);
    let mut chart = ChartBuilder::on(&body)
        .margin_top(8)
        .margin_right(16)
        .x_label_area_size(50)
        .y_label_area_size(64)
        .build_cartesian_2d(xr, yr)
        .map_err(&err)?;
    let mut mesh = chart.configure_mesh();
    mesh.disable_mesh().x_desc("signal scale s").y_desc(format!("noise level {}", m.level_name));
    number_axes(&mut mesh, &tick2, &tick2).draw().map_err(&err)?;
    let at = |i: usize, j: usize| m.values[j * ns + i];
    chart
        .draw_series((0..nl).flat_map(|j| (0..ns).map(move |i| (i, j))).map(|(i, j)| {
            let (x, y) = (m.signals[i], m.levels[j]);
            Rectangle::new([(x - ds, y - dl), (x + ds, y + dl)], diverging(at(i, j) / limit).filled())
        }))
        .map_err(&err)?;
    let edges = boundary(m).into_iter().map(|(a, b)| vec![a, b]);
    chart.draw_series(edges.map(|e| PathElement::new(e, BLACK.stroke_width(3)))).map_err(&err)?;
    Ok(())
}

/// The colours' limit: the largest |value| (a value of -limit is full blue, +limit full
/// vermillion).
pub fn colour_limit(m: &RegimeMap) -> f64 {
    m.values.iter().fold(0.0f64, |a, v| a.max(v.abs())).max(1e-12)
}

/// The colour bar (from +limit at the top to -limit at the bottom, with those values and 0
/// written beside it) and, below it, the outline's legend.
fn draw_key<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, limit: f64) -> Result<()> {
    let err = draw_err("regime map key");
    let (_, h) = area.dim_in_pixel();
    let (x0, x1) = (10, 30);
    let (top, bottom) = (66, (h as i32 - 110).max(128));
    let steps = 48;
    for k in 0..steps {
        let (ya, yb) = (top + (bottom - top) * k / steps, top + (bottom - top) * (k + 1) / steps);
        let t = 1.0 - 2.0 * (k as f64 + 0.5) / steps as f64; // +1 at the top, -1 at the bottom
                                                             // One pixel of overlap, so no seam shows between the steps.
        let yb = if k + 1 < steps { yb + 1 } else { yb };
        area.draw(&Rectangle::new([(x0, ya), (x1, yb)], diverging(t).filled())).map_err(&err)?;
    }
    area.draw(&Rectangle::new([(x0, top), (x1, bottom)], BLACK.mix(0.5).stroke_width(1))).map_err(&err)?;
    let head = TextStyle::from(LABEL_FONT.into_font()).color(&BLACK).pos(Pos::new(HPos::Left, VPos::Bottom));
    area.draw_text(BAR_LABEL, &head, (x0 - 4, top - 24)).map_err(&err)?;
    let tick = TextStyle::from(TICK_FONT.into_font()).color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
    let mid = (top + bottom) / 2;
    for (y, v) in [(top, limit), (mid, 0.0), (bottom, -limit)] {
        area.draw(&PathElement::new(vec![(x1, y), (x1 + 4, y)], BLACK.stroke_width(1))).map_err(&err)?;
        let text = if v > 0.0 { format!("+{}", tick2(&v)) } else { tick2(&v) };
        area.draw_text(&text, &tick, (x1 + 7, y)).map_err(&err)?;
    }
    let grey = BLACK.mix(0.75);
    let small = TextStyle::from(TICK_FONT.into_font()).color(&grey).pos(Pos::new(HPos::Left, VPos::Center));
    area.draw_text(BAR_ENDS[0], &small, (x0 - 4, top - 12)).map_err(&err)?;
    area.draw_text(BAR_ENDS[1], &small, (x0 - 4, bottom + 12)).map_err(&err)?;
    let y = bottom + 44;
    area.draw(&Rectangle::new([(x0, y - 9), (x1, y + 9)], diverging(-0.6).filled())).map_err(&err)?;
    area.draw(&Rectangle::new([(x0, y - 9), (x1, y + 9)], BLACK.stroke_width(3))).map_err(&err)?;
    let label = TextStyle::from(TICK_FONT.into_font()).color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
    area.draw_text(OUTLINE_LABEL[0], &label, (x1 + 7, y - 8)).map_err(&err)?;
    area.draw_text(OUTLINE_LABEL[1], &label, (x1 + 7, y + 8)).map_err(&err)?;
    Ok(())
}

/// The boundary of the region where CLAIME wins: the shared edge of every pair of neighbouring
/// cells of which exactly one is a win, as ((x, y), (x, y)) segments in data coordinates.
pub fn boundary(m: &RegimeMap) -> Vec<((f64, f64), (f64, f64))> {
    let (ns, nl) = (m.signals.len(), m.levels.len());
    let (ds, dl) = ((m.signals[1] - m.signals[0]) / 2.0, (m.levels[1] - m.levels[0]) / 2.0);
    let win = |i: usize, j: usize| m.wins[j * ns + i];
    let mut edges = Vec::new();
    for j in 0..nl {
        for i in 0..ns {
            let (x, y) = (m.signals[i], m.levels[j]);
            if i + 1 < ns && win(i, j) != win(i + 1, j) {
                edges.push(((x + ds, y - dl), (x + ds, y + dl)));
            }
            if j + 1 < nl && win(i, j) != win(i, j + 1) {
                edges.push(((x - ds, y + dl), (x + ds, y + dl)));
            }
        }
    }
    edges
}

/// The map as an SVG string.
pub fn svg(m: &RegimeMap, width: u32, height: u32) -> Result<String> {
    check(m)?;
    super::render_svg(width, height, |root| draw(root, m))
}
