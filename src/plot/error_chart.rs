//! Recovery error against the number of patients n: one line with point markers per method,
//! and a dashed reference at the no-recovery level sqrt(2p) of the projection distance
//! (model.md §6). The x axis is logarithmic when every n > 0 and they span a factor of 10.

use super::{check_finite, draw_err, legend_beside, number_axes, series_entries, series_style, title, Series};
use crate::error::{Error, Result};
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Chart title.
pub const TITLE: &str = "Recovery error against number of patients";
/// Label of the dashed reference line.
pub const NO_RECOVERY_LABEL: &str = "no recovery sqrt(2p)";

/// Checks the series and the reference level; returns (x range, y max).
fn check(series: &[Series], no_recovery: f64) -> Result<((f64, f64), f64)> {
    if series.is_empty() {
        return Err(Error::param("series", "an empty list", "at least one method's series"));
    }
    if !(no_recovery.is_finite() && no_recovery > 0.0) {
        return Err(Error::param("no_recovery", no_recovery, "a finite level > 0 (sqrt(2p))"));
    }
    let (mut x0, mut x1, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, no_recovery);
    for (k, s) in series.iter().enumerate() {
        if s.points.is_empty() {
            return Err(Error::param(
                &format!("series[{k}] ({}).points", s.name),
                "no points",
                "at least one (n, error) point",
            ));
        }
        check_finite(&format!("series[{k}] ({}).points.x", s.name), s.points.iter().map(|p| p.0))?;
        check_finite(&format!("series[{k}] ({}).points.y", s.name), s.points.iter().map(|p| p.1))?;
        for (i, &(x, y)) in s.points.iter().enumerate() {
            if x < 0.0 || y < 0.0 {
                return Err(Error::param(
                    &format!("series[{k}] ({}).points[{i}]", s.name),
                    format!("({x}, {y})"),
                    "n >= 0 and error >= 0",
                ));
            }
            x0 = x0.min(x);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
    }
    Ok(((x0, x1), y1 * 1.12))
}

/// Draws the chart into `area`.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, series: &[Series], no_recovery: f64) -> Result<()> {
    let ((x0, x1), ymax) = check(series, no_recovery)?;
    let body = title(area, TITLE)?;
    let plot = legend_beside(&body, &series_entries(series.iter().map(|s| s.name.as_str())))?;
    if x0 > 0.0 && x1 / x0 >= 10.0 {
        let (lo, hi) = (x0 / 1.25, x1 * 1.25);
        let x = (lo..hi).log_scale().with_key_points(log_ticks(lo, hi));
        body_with(&plot, x, (lo, hi), series, no_recovery, ymax)
    } else {
        let pad = if x1 > x0 { 0.05 * (x1 - x0) } else { 0.5 * x0.max(1.0) };
        let (lo, hi) = ((x0 - pad).max(0.0), x1 + pad);
        body_with(&plot, lo..hi, (lo, hi), series, no_recovery, ymax)
    }
}

/// Tick values of a logarithmic axis over lo..hi (0 < lo < hi): 1, 2 and 5 times the powers of
/// ten, or only the powers of ten when that would make more than seven ticks. (plotters' own
/// ticks for a span of one or two decades are every multiple of the power of ten, whose labels
/// run into each other at the top of each decade.)
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let first = lo.log10().floor() as i32;
    let last = hi.log10().ceil() as i32;
    let within = |steps: &[f64]| -> Vec<f64> {
        (first..=last)
            .flat_map(|e| steps.iter().map(move |s| s * 10f64.powi(e)))
            .filter(|v| *v >= lo && *v <= hi)
            .collect()
    };
    let ticks = within(&[1.0, 2.0, 5.0]);
    if ticks.len() > 7 {
        within(&[1.0])
    } else {
        ticks
    }
}

/// The axes and lines over an x coordinate (linear or logarithmic) spanning lo..hi.
fn body_with<DB: DrawingBackend, X>(
    area: &DrawingArea<DB, Shift>,
    x: X,
    (lo, hi): (f64, f64),
    series: &[Series],
    no_recovery: f64,
    ymax: f64,
) -> Result<()>
where
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
{
    let err = draw_err("error chart");
    let mut chart = ChartBuilder::on(area)
        .margin_top(8)
        .margin_right(12)
        .x_label_area_size(50)
        .y_label_area_size(64)
        .build_cartesian_2d(x, 0.0..ymax)
        .map_err(&err)?;
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(WHITE.mix(0.0)).bold_line_style(BLACK.mix(0.08)).x_labels(6);
    mesh.x_desc("patients n").y_desc("projection distance");
    number_axes(&mut mesh, &|v| super::compact_count(*v), &|v| super::tick(*v, 1)).draw().map_err(&err)?;
    super::no_recovery_line(&mut chart, (lo, hi), no_recovery, NO_RECOVERY_LABEL, "error chart")?;
    for (k, s) in series.iter().enumerate() {
        let (c, m) = series_style(k);
        chart.draw_series(LineSeries::new(s.points.iter().copied(), c.stroke_width(2))).map_err(&err)?;
        for &p in &s.points {
            super::draw_marker(chart.plotting_area(), m, p, 4, c, true).map_err(&err)?;
        }
    }
    Ok(())
}

/// The chart as an SVG string of `width` x `height` pixels.
pub fn svg(series: &[Series], no_recovery: f64, width: u32, height: u32) -> Result<String> {
    check(series, no_recovery)?;
    super::render_svg(width, height, |root| draw(root, series, no_recovery))
}

#[cfg(test)]
mod tests {
    use super::log_ticks;

    #[test]
    fn log_ticks_are_one_two_five_or_powers_of_ten() {
        // The explorer's default run: n from 1,250 to 20,000, padded by 1.25 either side.
        assert_eq!(log_ticks(1000.0, 25000.0), [1000.0, 2000.0, 5000.0, 10000.0, 20000.0]);
        assert_eq!(log_ticks(5000.0 / 1.25, 100000.0 * 1.25), [5000.0, 10000.0, 20000.0, 50000.0, 100000.0]);
        // Five decades: 1-2-5 would give 15 ticks, so only the powers of ten.
        assert_eq!(log_ticks(400.0, 1.25e7), [1e3, 1e4, 1e5, 1e6, 1e7]);
    }
}
