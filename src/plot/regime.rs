//! The regime map: cells over (signal scale, noise level) coloured by CLAIME's error minus the
//! best baseline's (blue: CLAIME ahead, vermillion: a baseline ahead), with the boundary of the
//! cells where CLAIME wins beyond replicate noise (`regime::Cell::claime_wins`) drawn as a thick
//! black line between cells.

use super::heatmap::diverging;
use super::{check_finite, draw_err, number_axes, tick2, title};
use crate::error::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

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
    let limit = m.values.iter().fold(0.0f64, |a, v| a.max(v.abs())).max(1e-12);
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
