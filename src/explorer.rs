//! The explorer's live run: a [`Session`] streamed in chunks of patients, every method refit
//! after each chunk, the recovery-error history kept, and the views of model.md §6 rendered as
//! SVG (error against n, embedding alignment, spectrum of PMI_CLAIME, similarity heatmaps).
//! No wasm types here: the bindings wrap it, and native tests drive it directly.

use crate::data::export;
use crate::data::format::default_names;
use crate::error::{Error, Result};
use crate::estimators::{Fit, Method};
use crate::neighbours::{self, Names, NeighbourList};
use crate::params::ValidParams;
use crate::plot::{alignment, error_chart, heatmap, spectrum, Series};
use crate::session::{MethodReport, Report, Session};
use crate::stats::SummaryStats;
use crate::views::{alignment_view, claime_spectrum, similarity_heatmaps, Modality};
use serde::Serialize;
use std::collections::BTreeMap;

/// Largest number of points drawn in the alignment view.
pub const ALIGNMENT_POINTS: usize = 400;
/// Largest side of the similarity heatmaps.
pub const HEAT_SIDE: usize = 30;

/// Recovery error of each method after some patients.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HistoryPoint {
    /// Patients summarised.
    pub patients: usize,
    /// Projection distance (max over modalities) per method name.
    pub errors: BTreeMap<String, f64>,
}

/// A point of the alignment chart, for hover tooltips.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HoverPoint {
    /// Feature name.
    pub name: String,
    /// "code" or "cui".
    pub modality: Modality,
    /// (p,) true embedding.
    pub truth: Vec<f64>,
    /// (p,) estimate after scale matching and Procrustes.
    pub estimate: Vec<f64>,
    /// Pixel position of the estimate in the alignment SVG.
    pub x: i32,
    /// Pixel position (y, downwards).
    pub y: i32,
}

/// Every chart of one snapshot, as SVG strings.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Charts {
    /// Recovery error against n, one line per method.
    pub error: String,
    /// Embedding alignment of `alignment_method`.
    pub alignment: String,
    /// Method shown in the alignment and estimate heatmap.
    pub alignment_method: String,
    /// Hover data of the alignment chart's points.
    pub hover: Vec<HoverPoint>,
    /// Singular values of PMI_CLAIME.
    pub spectrum: String,
    /// (k,) the singular values plotted.
    pub singular_values: Vec<f64>,
    /// V*_1 V*_2^T on a subset of features.
    pub heat_truth: String,
    /// V^_1 V^_2^T of `alignment_method`, same subset, rescaled to the truth's norm.
    pub heat_estimate: String,
}

/// What the page receives after each chunk.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Snapshot {
    /// Metrics and timings of every method.
    pub report: Report,
    /// Error against patients so far.
    pub history: Vec<HistoryPoint>,
    /// The views.
    pub charts: Charts,
    /// Whether all n patients are in.
    pub done: bool,
}

/// Pixel sizes of the charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartSize {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl Default for ChartSize {
    fn default() -> Self {
        ChartSize { width: 640, height: 400 }
    }
}

/// A streaming replicate with its history and last fits.
#[derive(Debug, Clone)]
pub struct LiveRun {
    session: Session,
    methods: Vec<Method>,
    history: Vec<HistoryPoint>,
    fits: BTreeMap<Method, Fit>,
    names: (Vec<String>, Vec<String>),
    size: ChartSize,
}

impl LiveRun {
    /// A run of the given methods (C11/C22 are collected only when a method needs them).
    pub fn new(params: ValidParams, methods: Vec<Method>, size: ChartSize) -> Self {
        let within = methods.iter().any(|m| m.needs_within());
        let names = default_names(params.d1, params.d2);
        LiveRun {
            session: Session::new(params, within),
            methods,
            history: Vec::new(),
            fits: BTreeMap::new(),
            names,
            size,
        }
    }

    /// Simulates up to `count` more patients; returns the patients so far.
    pub fn advance(&mut self, count: usize) -> usize {
        self.session.advance(count)
    }

    /// Adds the statistics of other patients of this same run, simulated elsewhere (see
    /// [`Session::add_stats`]); the next snapshot refits them.
    pub fn add_stats(&mut self, stats: &SummaryStats) -> Result<()> {
        self.session.add_stats(stats)
    }

    /// Empties the statistics and moves the simulation to patient `first` (see
    /// [`Session::seek`]): how a helper worker simulates a stretch of a run.
    pub fn seek(&mut self, first: usize) -> Result<()> {
        self.session.seek(first)
    }

    /// The underlying session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Refits every method, records the errors and renders the charts with `view` in the
    /// alignment and estimate heatmap.
    pub fn snapshot(&mut self, view: Method, clock: &mut dyn FnMut() -> f64) -> Result<Snapshot> {
        let mut methods = BTreeMap::new();
        let mut timings = BTreeMap::new();
        let mut errors = BTreeMap::new();
        for &m in &self.methods {
            let t0 = clock();
            let fit = self.session.fit(m)?;
            timings.insert(m.name().to_string(), clock() - t0);
            let metrics = self.session.evaluate(&fit);
            errors.insert(m.name().to_string(), metrics.projection_distance);
            methods.insert(m.name().to_string(), MethodReport { metrics, spectrum: fit.spectrum.clone() });
            self.fits.insert(m, fit);
        }
        let patients = self.session.patients();
        if self.history.last().map(|h| h.patients) != Some(patients) {
            self.history.push(HistoryPoint { patients, errors });
        }
        let params = self.session.params();
        let report = Report {
            params: params.params().clone(),
            patients,
            methods,
            timings_ms: timings,
            no_recovery: (2.0 * params.p as f64).sqrt(),
        };
        let charts = self.charts(view)?;
        Ok(Snapshot { report, history: self.history.clone(), charts, done: self.session.done() })
    }

    /// The fits of the last snapshot when it covered all n patients of a run with parameters
    /// `params` (the live trainer's SVD solutions at these parameters, [`crate::train::live::Adopted`]);
    /// empty otherwise.
    pub fn final_fits(&self, params: &crate::params::Params) -> Vec<(Method, &Fit)> {
        let n = self.session.params().n;
        let complete = self.history.last().is_some_and(|h| h.patients == n) && self.session.patients() == n;
        if !complete || self.session.params().params() != params {
            return Vec::new();
        }
        self.fits.iter().map(|(m, f)| (*m, f)).collect()
    }

    /// Feature names (codes, CUIs), in row order of the embeddings.
    pub fn names(&self) -> (&[String], &[String]) {
        (&self.names.0, &self.names.1)
    }

    /// The neighbour inspector: the `k` nearest features to `name` by cosine in the truth and
    /// in each method's last fit (in the run's method order).
    pub fn neighbours(&self, name: &str, k: usize) -> Result<Vec<NeighbourList>> {
        let names = Names { codes: &self.names.0, cuis: &self.names.1 };
        let feature = names.find(name)?;
        let truth = self.session.truth();
        let mut lists = vec![neighbours::top_k(
            "truth",
            crate::linalg::mat(&truth.v1),
            crate::linalg::mat(&truth.v2),
            names,
            feature,
            k,
        )];
        for m in &self.methods {
            if let Some(f) = self.fits.get(m) {
                lists.push(neighbours::top_k(
                    m.name(),
                    crate::linalg::mat(&f.v1),
                    crate::linalg::mat(&f.v2),
                    names,
                    feature,
                    k,
                ));
            }
        }
        Ok(lists)
    }

    /// The Embedding Projector's vectors.tsv of a method's last fit (or of the truth, for
    /// "truth"); see [`crate::data::export`].
    pub fn vectors_tsv(&self, space: &str) -> Result<String> {
        if space == "truth" {
            let t = self.session.truth();
            return Ok(export::projector_vectors_tsv(crate::linalg::mat(&t.v1), crate::linalg::mat(&t.v2)));
        }
        let m = Method::parse(space)?;
        let f = self
            .fits
            .get(&m)
            .ok_or_else(|| Error::Unsupported { what: format!("method: {space} has not been fitted in this run") })?;
        Ok(export::projector_vectors_tsv(crate::linalg::mat(&f.v1), crate::linalg::mat(&f.v2)))
    }

    /// The Embedding Projector's metadata.tsv (header, then name and modality per feature).
    pub fn metadata_tsv(&self) -> String {
        export::projector_metadata_tsv(&self.names.0, &self.names.1)
    }

    /// Renders the charts from the last fits (no refit), e.g. when the user picks another method.
    pub fn charts(&self, view: Method) -> Result<Charts> {
        let view = if self.fits.contains_key(&view) { view } else { *self.methods.first().unwrap_or(&Method::Claime) };
        let fit = self
            .fits
            .get(&view)
            .ok_or_else(|| Error::Unsupported { what: "no fit yet: advance and snapshot first".into() })?;
        let truth = self.session.truth();
        let p = self.session.params().p;
        let (w, h) = (self.size.width, self.size.height);
        let series: Vec<Series> = self
            .methods
            .iter()
            .map(|m| Series {
                name: m.label().to_string(),
                points: self
                    .history
                    .iter()
                    .filter_map(|hp| hp.errors.get(m.name()).map(|e| (hp.patients as f64, *e)))
                    .collect(),
            })
            .collect();
        let error = error_chart::svg(&series, (2.0 * p as f64).sqrt(), w, h)?;
        let av = alignment_view(truth, fit, ALIGNMENT_POINTS)?;
        let (alignment, pixels) = alignment::svg_located(&av, w, h)?;
        let hover = av
            .points
            .iter()
            .zip(pixels)
            .map(|(q, (x, y))| HoverPoint {
                name: match q.modality {
                    Modality::Code => self.names.0[q.index].clone(),
                    Modality::Cui => self.names.1[q.index].clone(),
                },
                modality: q.modality,
                truth: q.truth_full.clone(),
                estimate: q.estimate_full.clone(),
                x,
                y,
            })
            .collect();
        let k = (3 * p).max(12).min(self.session.params().d1.min(self.session.params().d2));
        let singular_values = claime_spectrum(self.session.stats(), k, self.session.params().seed)?;
        let spectrum = spectrum::svg(&singular_values, p, w, h)?;
        let (ht, he) = similarity_heatmaps(truth, fit, HEAT_SIDE)?;
        let hs = (w / 2).max(crate::plot::MIN_SIDE);
        Ok(Charts {
            error,
            alignment,
            alignment_method: view.name().to_string(),
            hover,
            spectrum,
            singular_values,
            heat_truth: heatmap::svg(&ht, hs.max(300), h)?,
            heat_estimate: heatmap::svg(&he, hs.max(300), h)?,
        })
    }
}
