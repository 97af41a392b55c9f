//! Outcomes summarised per grid point and method (mean, median, 10th and 90th percentiles),
//! as CSV and as the paper-style figure.

use super::{Outcome, Spec};
use crate::error::Result;
use crate::tasks::{mean, quantile};
use serde::{Deserialize, Serialize};

/// One CSV row: a grid point and method summarised over replicates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Experiment name.
    pub experiment: String,
    /// Noise structure.
    pub noise: String,
    /// Name of the varied quantity.
    pub x_name: String,
    /// Its value.
    pub x: f64,
    /// Method name.
    pub method: String,
    /// Replicates summarised.
    pub reps: usize,
    /// Mean projection distance.
    pub mean: f64,
    /// Median.
    pub median: f64,
    /// 10th percentile.
    pub p10: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Mean of the literal error.
    pub literal_mean: f64,
    /// Median of the literal error.
    pub literal_median: f64,
}

impl Spec {
    /// Summarises outcomes (in any order) into one row per grid point and method.
    pub fn aggregate(&self, outcomes: &[Outcome]) -> Vec<Row> {
        let (x_name, grid) = self.grid();
        let names = self.method_names();
        let mut rows = Vec::new();
        for (pi, g) in grid.iter().enumerate() {
            for (mi, name) in names.iter().enumerate() {
                let mut sel: Vec<&Outcome> = outcomes.iter().filter(|o| o.point == pi && o.method == mi).collect();
                if sel.is_empty() {
                    continue;
                }
                sel.sort_by_key(|o| o.rep);
                let errors: Vec<f64> = sel.iter().map(|o| o.error).collect();
                let literal: Vec<f64> = sel.iter().map(|o| o.literal).collect();
                rows.push(Row {
                    experiment: self.experiment.name().into(),
                    noise: self.noise.name().into(),
                    x_name: x_name.into(),
                    x: g.x,
                    method: (*name).into(),
                    reps: errors.len(),
                    mean: mean(&errors),
                    median: quantile(&errors, 0.5),
                    p10: quantile(&errors, 0.1),
                    p90: quantile(&errors, 0.9),
                    literal_mean: mean(&literal),
                    literal_median: quantile(&literal, 0.5),
                });
            }
        }
        rows
    }
}

/// The rows as CSV with a header.
pub fn to_csv(rows: &[Row]) -> String {
    let mut out =
        String::from("experiment,noise,x_name,x,method,reps,mean,median,p10,p90,literal_mean,literal_median\n");
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            r.experiment,
            r.noise,
            r.x_name,
            r.x,
            r.method,
            r.reps,
            r.mean,
            r.median,
            r.p10,
            r.p90,
            r.literal_mean,
            r.literal_median
        ));
    }
    out
}

/// The paper-style figure of an experiment's rows (one band per method).
pub fn figure(spec: &Spec, rows: &[Row], width: u32, height: u32) -> Result<String> {
    let (x_name, _) = spec.grid();
    let bands: Vec<crate::plot::sweep::Band> = spec
        .method_names()
        .into_iter()
        .zip(spec.method_labels())
        .map(|(name, label)| crate::plot::sweep::Band {
            name: label.to_string(),
            points: rows.iter().filter(|r| r.method == name).map(|r| (r.x, r.mean, r.p10, r.p90)).collect(),
        })
        .filter(|b| !b.points.is_empty())
        .collect();
    // The trainers' budget is part of what the figure shows (their errors depend on it).
    let training = match (spec.trainers.is_empty(), spec.train.tol > 0.0) {
        (true, _) => String::new(),
        (false, false) => format!(", trainers {} epochs", spec.train.epochs),
        (false, true) => format!(", trainers at most {} epochs, tol {}", spec.train.epochs, spec.train.tol),
    };
    let heading = format!(
        "Experiment {} ({} noise, {} replicate{}{training})",
        spec.experiment.name(),
        spec.noise.name(),
        spec.reps,
        if spec.reps == 1 { "" } else { "s" }
    );
    crate::plot::sweep::svg(&heading, x_name, &bands, (2.0 * spec.base.p as f64).sqrt(), width, height)
}
