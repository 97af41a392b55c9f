//! A sweep figure (the paper's Figure 1 panels): for each method, the mean projection distance
//! against the varied quantity as a line with markers, and the band between the 10th and 90th
//! percentiles over replicates (drawn where some point has a spread, i.e. with two or more
//! replicates, and named in the legend), with the no-recovery level sqrt(2p) dashed and labelled.

use super::{check_finite, draw_err, legend_beside, number_axes, series_entries, series_style, title, Glyph, GREY};
use crate::error::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

/// Fill opacity of a method's 10-90% band (its edges are drawn too, thin, at 0.6).
pub const BAND_OPACITY: f64 = 0.3;
/// Legend label of the band (shown when some point has a spread).
pub const BAND_LABEL: &str = "10-90% of replicates";
/// Label of the dashed no-recovery line (followed by " = 2.83").
pub const NO_RECOVERY_LABEL: &str = "no recovery, sqrt(2p)";

/// Whether any point has p90 > p10: with one replicate the band is a line and is not drawn.
pub fn has_spread(bands: &[Band]) -> bool {
    bands.iter().any(|b| b.points.iter().any(|p| p.3 > p.2))
}

/// One method's summary along the grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Band {
    /// Method name (legend).
    pub name: String,
    /// (x, mean, p10, p90) per grid point, x increasing.
    pub points: Vec<(f64, f64, f64, f64)>,
}

fn check(bands: &[Band], no_recovery: f64) -> Result<((f64, f64), f64)> {
    if bands.is_empty() || bands.iter().any(|b| b.points.is_empty()) {
        return Err(Error::param("bands", "an empty series", "at least one point per method"));
    }
    if !(no_recovery.is_finite() && no_recovery > 0.0) {
        return Err(Error::param("no_recovery", no_recovery, "a finite level > 0"));
    }
    let (mut x0, mut x1, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, no_recovery);
    for (k, b) in bands.iter().enumerate() {
        check_finite(&format!("bands[{k}] ({})", b.name), b.points.iter().flat_map(|p| [p.0, p.1, p.2, p.3]))?;
        for p in &b.points {
            x0 = x0.min(p.0);
            x1 = x1.max(p.0);
            y1 = y1.max(p.3);
        }
    }
    let pad = if x1 > x0 { 0.04 * (x1 - x0) } else { 0.5 * x0.abs().max(1.0) };
    Ok(((x0 - pad, x1 + pad), y1 * 1.1))
}

/// Draws the figure into `area`; `x_name` labels the x axis.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    heading: &str,
    x_name: &str,
    bands: &[Band],
    no_recovery: f64,
) -> Result<()> {
    let ((lo, hi), ymax) = check(bands, no_recovery)?;
    let err = draw_err("sweep figure");
    let whole = bands.iter().all(|b| b.points.iter().all(|p| p.0.fract() == 0.0));
    let body = title(area, heading)?;
    let spread = has_spread(bands);
    let mut entries = series_entries(bands.iter().map(|b| b.name.as_str()));
    if spread {
        // The band's look over white, in grey: it stands for every method's band.
        let over_white = |v: u8| (255.0 - 2.0 * BAND_OPACITY * (255.0 - v as f64)).round() as u8;
        let swatch = RGBColor(over_white(GREY.0), over_white(GREY.1), over_white(GREY.2));
        entries.push((Glyph::Swatch(swatch), BAND_LABEL.to_string()));
    }
    let plot = legend_beside(&body, &entries)?;
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(8)
        .margin_right(12)
        .x_label_area_size(50)
        .y_label_area_size(64)
        .build_cartesian_2d(lo..hi, 0.0..ymax)
        .map_err(&err)?;
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(WHITE.mix(0.0)).bold_line_style(BLACK.mix(0.08));
    mesh.x_desc(x_name).y_desc("projection distance (mean, 10-90% band)");
    // A grid of whole numbers (n, d) as counts (200, 1k, 20k), of levels (c, rho) with two
    // decimals.
    let x_ticks = |v: &f64| if whole { super::compact_count(*v) } else { super::tick(*v, 2) };
    number_axes(&mut mesh, &x_ticks, &|v| super::tick(*v, 1)).draw().map_err(&err)?;
    super::no_recovery_line(&mut chart, (lo, hi), no_recovery, NO_RECOVERY_LABEL, "sweep figure")?;
    for (k, b) in bands.iter().enumerate() {
        let (c, m) = series_style(k);
        if spread {
            let mut poly: Vec<(f64, f64)> = b.points.iter().map(|p| (p.0, p.3)).collect();
            poly.extend(b.points.iter().rev().map(|p| (p.0, p.2)));
            chart.draw_series(std::iter::once(Polygon::new(poly, c.mix(BAND_OPACITY).filled()))).map_err(&err)?;
            for edge in
                [b.points.iter().map(|p| (p.0, p.2)).collect::<Vec<_>>(), b.points.iter().map(|p| (p.0, p.3)).collect()]
            {
                chart.draw_series(std::iter::once(PathElement::new(edge, c.mix(0.6).stroke_width(1)))).map_err(&err)?;
            }
        }
        chart.draw_series(LineSeries::new(b.points.iter().map(|p| (p.0, p.1)), c.stroke_width(2))).map_err(&err)?;
        for p in &b.points {
            super::draw_marker(chart.plotting_area(), m, (p.0, p.1), 4, c, true).map_err(&err)?;
        }
    }
    Ok(())
}

/// The figure as an SVG string.
pub fn svg(heading: &str, x_name: &str, bands: &[Band], no_recovery: f64, width: u32, height: u32) -> Result<String> {
    check(bands, no_recovery)?;
    super::render_svg(width, height, |root| draw(root, heading, x_name, bands, no_recovery))
}
