//! The explorer's live run (issue 3) and its neighbour inspector and projector exports.

use super::{js_err, now, params_from, to_js, FeatureNames};
use crate::estimators::Method;
use wasm_bindgen::prelude::*;

use crate::explorer::{ChartSize, LiveRun};

/// A replicate that streams in: advance by chunks of patients, snapshot after each.
#[wasm_bindgen]
pub struct Explorer {
    run: LiveRun,
}

#[wasm_bindgen]
impl Explorer {
    /// Validates the parameters and draws the truth. `methods` is a comma-separated list;
    /// charts are `width` x `height` pixels (0 = the default 640 x 400).
    #[wasm_bindgen(constructor)]
    pub fn new(params: JsValue, methods: &str, width: u32, height: u32) -> Result<Explorer, JsError> {
        let methods = Method::parse_list(methods).map_err(js_err)?;
        let valid =
            params_from(params)?.check_for(crate::estimators::Method::any_needs_within(&methods)).map_err(js_err)?;
        let size = if width == 0 || height == 0 { ChartSize::default() } else { ChartSize { width, height } };
        Ok(Explorer { run: LiveRun::new(valid, methods, size) })
    }

    /// Simulates up to `count` more patients; returns the patients so far.
    pub fn advance(&mut self, count: u32) -> u32 {
        self.run.advance(count as usize) as u32
    }

    /// Patients so far.
    pub fn patients(&self) -> u32 {
        self.run.session().patients() as u32
    }

    /// Total patients n.
    pub fn total(&self) -> u32 {
        self.run.session().params().n as u32
    }

    /// Whether all n patients are in.
    pub fn done(&self) -> bool {
        self.run.session().done()
    }

    /// The summary statistics so far as one flat buffer (`SummaryStats::to_flat`), for the
    /// worker that refits while this one simulates.
    #[wasm_bindgen(js_name = exportStats)]
    pub fn export_stats(&self) -> Vec<f64> {
        self.run.session().stats().to_flat()
    }

    /// Adds the statistics of other patients of this same run, from another worker's
    /// `exportStats`; returns the patients now held. The next snapshot refits them.
    #[wasm_bindgen(js_name = addStats)]
    pub fn add_stats(&mut self, buffer: &[f64]) -> Result<u32, JsError> {
        let stats = crate::stats::SummaryStats::from_flat(buffer).map_err(js_err)?;
        self.run.add_stats(&stats).map_err(js_err)?;
        Ok(self.run.session().patients() as u32)
    }

    /// Empties the statistics and moves the simulation to patient `first`: `advance` then
    /// simulates patients `first` onwards, and `exportStats` returns theirs alone.
    pub fn seek(&mut self, first: u32) -> Result<(), JsError> {
        self.run.seek(first as usize).map_err(js_err)
    }

    /// Refits every method and returns the snapshot (report, history, charts); `view` is the
    /// method shown in the alignment view.
    pub fn snapshot(&mut self, view: &str) -> Result<JsValue, JsError> {
        let view = Method::parse(view).map_err(js_err)?;
        let snap = self.run.snapshot(view, &mut now).map_err(js_err)?;
        to_js(&snap)
    }

    /// Re-renders the charts for another method without refitting.
    pub fn charts(&self, view: &str) -> Result<JsValue, JsError> {
        let view = Method::parse(view).map_err(js_err)?;
        to_js(&self.run.charts(view).map_err(js_err)?)
    }

    /// The neighbour inspector: [{space, neighbours: [{name, modality, cosine}]}] for the truth
    /// and each fitted method.
    pub fn neighbours(&self, name: &str, k: u32) -> Result<JsValue, JsError> {
        to_js(&self.run.neighbours(name, k as usize).map_err(js_err)?)
    }

    /// The fits of the finished run, when its parameters are `params`, as the live trainer's
    /// SVD solutions (`TrainerSession`'s `references`: [{method, v1, v2}], column-major
    /// Float64Arrays); an empty array when the run is not finished or had other parameters.
    pub fn references(&self, params: JsValue) -> Result<JsValue, JsError> {
        let params = params_from(params)?;
        Ok(super::references::to_js(&self.run.final_fits(&params)))
    }

    /// Feature names: {codes: [...], cuis: [...]}.
    #[wasm_bindgen(js_name = featureNames)]
    pub fn feature_names(&self) -> Result<JsValue, JsError> {
        let (codes, cuis) = self.run.names();
        to_js(&FeatureNames { codes, cuis })
    }

    /// The Embedding Projector's vectors.tsv of a method's last fit, or of "truth".
    #[wasm_bindgen(js_name = vectorsTsv)]
    pub fn vectors_tsv(&self, method: &str) -> Result<String, JsError> {
        self.run.vectors_tsv(method).map_err(js_err)
    }

    /// The Embedding Projector's metadata.tsv (header `name\tmodality`, one row per feature).
    #[wasm_bindgen(js_name = metadataTsv)]
    pub fn metadata_tsv(&self) -> String {
        self.run.metadata_tsv()
    }
}
