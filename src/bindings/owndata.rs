//! Your own data (issue 7): records -> summary, merge across sites, fit, evaluate.

use super::{js_err, to_js, FeatureNames};
use crate::data::fit::{OwnFit, OwnFits};
use crate::error::Error;
use crate::estimators::Method;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Prefixes a summary's format error with the file name, as `claime merge` does.
fn in_file(name: &str, e: Error) -> JsError {
    match e {
        Error::Format { field, message } => js_err(Error::Format { field: format!("{name}: {field}"), message }),
        other => {
            let text = other.to_string();
            if text.contains(name) {
                JsError::new(&text)
            } else {
                JsError::new(&format!("{name}: {text}"))
            }
        }
    }
}

/// Streams one records file (CSV/TSV) into a summary, chunk by chunk.
#[wasm_bindgen]
pub struct RecordsReader {
    name: String,
    inner: Option<crate::data::records::Summarizer>,
}

#[wasm_bindgen]
impl RecordsReader {
    /// `grouped`: rows of a patient are consecutive (constant memory); otherwise all are held.
    #[wasm_bindgen(constructor)]
    pub fn new(name: &str, grouped: bool) -> RecordsReader {
        use crate::data::records::{Grouping, RecordsOptions, Summarizer};
        let grouping = if grouped { Grouping::Grouped } else { Grouping::Ungrouped };
        let opts = RecordsOptions { grouping, ..RecordsOptions::default() };
        RecordsReader { name: name.to_string(), inner: Some(Summarizer::new(name, opts)) }
    }

    /// Feeds the next bytes (lines may straddle chunks).
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), JsError> {
        let s = self.inner.as_mut().ok_or_else(|| JsError::new("records: already finished"))?;
        s.feed(chunk).map_err(|e| in_file(&self.name, e))
    }

    /// Whether the last error came from rows not grouped by patient (read again ungrouped).
    #[wasm_bindgen(js_name = notGrouped)]
    pub fn not_grouped(&self) -> bool {
        self.inner.as_ref().is_some_and(|s| s.not_grouped().is_some())
    }

    /// Counters so far: {bytes, lines, rows, patients, codes, cuis}.
    pub fn progress(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.as_ref().map(|s| s.progress()).unwrap_or_default())
    }
}

/// Several sites' summaries (or records) merged, then fitted and evaluated.
#[wasm_bindgen]
pub struct OwnData {
    merger: Option<crate::data::merge::Merger>,
    names: Vec<String>,
    summary: Option<crate::data::format::Summary>,
    fits: Vec<(Method, crate::estimators::Fit)>,
}

#[derive(Serialize)]
struct Point {
    name: String,
    cui: bool,
    x: f64,
    y: f64,
}

#[derive(Serialize)]
struct FitReport {
    methods: Vec<String>,
    singular_values: Vec<f64>,
    spectrum_svg: String,
    points: Vec<Point>,
    p: usize,
}

#[derive(Serialize)]
struct EvalReport {
    evaluation: crate::data::evaluate::Evaluation,
    csv: String,
}

#[derive(Serialize)]
struct DataInfo {
    files: Vec<String>,
    patients: f64,
    codes: usize,
    cuis: usize,
    within: bool,
    notes: Vec<String>,
}

#[wasm_bindgen]
impl OwnData {
    #[wasm_bindgen(constructor)]
    pub fn new() -> OwnData {
        OwnData {
            merger: Some(crate::data::merge::Merger::default()),
            names: Vec::new(),
            summary: None,
            fits: Vec::new(),
        }
    }

    fn merger(&mut self) -> Result<&mut crate::data::merge::Merger, JsError> {
        self.merger.as_mut().ok_or_else(|| JsError::new("data: already merged; start again"))
    }

    /// Adds a claime-summary JSON file; one whose fit would be over the budget is refused
    /// before its matrices are allocated.
    #[wasm_bindgen(js_name = addSummary)]
    pub fn add_summary(&mut self, name: &str, text: &str) -> Result<(), JsError> {
        use crate::data::fit::check_summary_fit;
        let budget = crate::params::DEFAULT_MEMORY_BUDGET;
        let check = |d1, d2, within| check_summary_fit(d1, d2, within, budget);
        let s = crate::data::format::Summary::from_json_checked(text, &check).map_err(|e| in_file(name, e))?;
        self.merger()?.add(name, &s).map_err(|e| in_file(name, e))?;
        self.names.push(name.to_string());
        Ok(())
    }

    /// Ends a records reader and adds its summary (refused, before it is copied into the merge,
    /// when its fit would be over the budget).
    #[wasm_bindgen(js_name = addRecords)]
    pub fn add_records(&mut self, reader: &mut RecordsReader) -> Result<JsValue, JsError> {
        let name = reader.name.clone();
        let s = reader.inner.take().ok_or_else(|| JsError::new("records: already finished"))?;
        let done = s.finish().map_err(|e| in_file(&name, e))?;
        let (st, budget) = (&done.summary.stats, crate::params::DEFAULT_MEMORY_BUDGET);
        crate::data::fit::check_summary_fit(st.d1, st.d2, st.within.is_some(), budget)
            .map_err(|e| in_file(&name, e))?;
        self.merger()?.add(&name, &done.summary).map_err(|e| in_file(&name, e))?;
        self.names.push(name);
        to_js(&done.report)
    }

    /// Adds the summary of a finished OMOP reader as one site named `name` (refused when its
    /// fit would be over the budget).
    #[wasm_bindgen(js_name = addOmop)]
    pub fn add_omop(&mut self, name: &str, reader: &super::omop::OmopReader) -> Result<(), JsError> {
        let (summary, _) = reader.done.as_ref().ok_or_else(|| JsError::new("omop: finish first"))?;
        let (st, budget) = (&summary.stats, crate::params::DEFAULT_MEMORY_BUDGET);
        crate::data::fit::check_summary_fit(st.d1, st.d2, st.within.is_some(), budget).map_err(|e| in_file(name, e))?;
        self.merger()?.add(name, summary).map_err(|e| in_file(name, e))?;
        self.names.push(name.to_string());
        Ok(())
    }

    /// Merges what was added: {files, patients, codes, cuis, within, notes}.
    pub fn finish(&mut self) -> Result<JsValue, JsError> {
        let merged =
            self.merger.take().ok_or_else(|| JsError::new("data: already merged"))?.finish().map_err(js_err)?;
        let s = &merged.summary;
        let info = DataInfo {
            files: self.names.clone(),
            patients: s.stats.patients,
            codes: s.codes.len(),
            cuis: s.cuis.len(),
            within: s.stats.within.is_some(),
            notes: merged.notes.clone(),
        };
        self.summary = Some(merged.summary);
        to_js(&info)
    }

    /// The merged summary as claime-summary JSON.
    #[wasm_bindgen(js_name = summaryJson)]
    pub fn summary_json(&self) -> Result<String, JsError> {
        Ok(self.merged()?.to_json())
    }

    fn merged(&self) -> Result<&crate::data::format::Summary, JsError> {
        self.summary.as_ref().ok_or_else(|| JsError::new("data: nothing merged yet"))
    }

    /// Fits CLAIME (and Concate and CL when within counts are present) at rank p.
    pub fn fit(&mut self, p: usize, seed: u64, width: u32, height: u32) -> Result<JsValue, JsError> {
        let s = self.summary.as_ref().ok_or_else(|| JsError::new("data: nothing merged yet"))?;
        // CLAIME and the spectrum from one rank-k SVD; Concate and CL as usual.
        let own = OwnFit::new(s, p, None);
        own.check(s, crate::params::DEFAULT_MEMORY_BUDGET).map_err(js_err)?;
        let OwnFits { fits, singular_values } = own.fit(s, seed, true).map_err(js_err)?;
        let spectrum_svg =
            crate::plot::spectrum::svg(&singular_values, p, width.max(200), height.max(150)).map_err(js_err)?;
        let f = &fits[0].1;
        let coord = |m: &ndarray::Array2<f64>, i: usize, j: usize| if j < m.ncols() { m[[i, j]] } else { 0.0 };
        let mut points = Vec::with_capacity(s.codes.len() + s.cuis.len());
        for (i, name) in s.codes.iter().enumerate() {
            points.push(Point { name: name.clone(), cui: false, x: coord(&f.v1, i, 0), y: coord(&f.v1, i, 1) });
        }
        for (i, name) in s.cuis.iter().enumerate() {
            points.push(Point { name: name.clone(), cui: true, x: coord(&f.v2, i, 0), y: coord(&f.v2, i, 1) });
        }
        let report = FitReport {
            methods: own.methods.iter().map(|m| m.name().to_string()).collect(),
            singular_values,
            spectrum_svg,
            points,
            p,
        };
        self.fits = fits;
        to_js(&report)
    }

    /// Evaluates the fits against a pairs file: {evaluation: {methods, rows}, csv}.
    pub fn evaluate(&self, name: &str, text: &str, negatives: usize, seed: u64) -> Result<JsValue, JsError> {
        use crate::data::evaluate::{evaluate, EvalOptions};
        use crate::data::pairs::{parse_pairs, FeatureIndex};
        let s = self.merged()?;
        if self.fits.is_empty() {
            return Err(JsError::new("data: fit before evaluating"));
        }
        let index = FeatureIndex::new(s);
        let pf = parse_pairs(name, text, &|n| index.contains(n)).map_err(|e| in_file(name, e))?;
        let refs: Vec<_> = self.fits.iter().map(|(m, f)| (*m, f)).collect();
        let evaluation = evaluate(s, &pf, &refs, &EvalOptions { negatives: negatives.max(1), seed }).map_err(js_err)?;
        let csv = evaluation.to_csv();
        to_js(&EvalReport { evaluation, csv })
    }

    /// The neighbour inspector on the fitted methods: [{space, neighbours}].
    pub fn neighbours(&self, name: &str, k: u32) -> Result<JsValue, JsError> {
        use crate::neighbours::{top_k, Names};
        let s = self.merged()?;
        if self.fits.is_empty() {
            return Err(JsError::new("data: fit before inspecting neighbours"));
        }
        let names = Names { codes: &s.codes, cuis: &s.cuis };
        let feature = names.find(name).map_err(js_err)?;
        let lists: Vec<_> = self
            .fits
            .iter()
            .map(|(m, f)| {
                top_k(m.name(), crate::linalg::mat(&f.v1), crate::linalg::mat(&f.v2), names, feature, k as usize)
            })
            .collect();
        to_js(&lists)
    }

    /// Feature names of the merged summary: {codes: [...], cuis: [...]}.
    #[wasm_bindgen(js_name = featureNames)]
    pub fn feature_names(&self) -> Result<JsValue, JsError> {
        let s = self.merged()?;
        to_js(&FeatureNames { codes: &s.codes, cuis: &s.cuis })
    }

    /// The projector export of a fitted method: vectors.tsv.
    #[wasm_bindgen(js_name = vectorsTsv)]
    pub fn vectors_tsv(&self, method: &str) -> Result<String, JsError> {
        let m = Method::parse(method).map_err(js_err)?;
        let (_, f) = self
            .fits
            .iter()
            .find(|(x, _)| *x == m)
            .ok_or_else(|| JsError::new(&format!("data: {method} was not fitted")))?;
        Ok(crate::data::export::projector_vectors_tsv(crate::linalg::mat(&f.v1), crate::linalg::mat(&f.v2)))
    }

    /// The projector export's metadata.tsv (names and modality).
    #[wasm_bindgen(js_name = metadataTsv)]
    pub fn metadata_tsv(&self) -> Result<String, JsError> {
        let s = self.merged()?;
        Ok(crate::data::export::projector_metadata_tsv(&s.codes, &s.cuis))
    }
}

impl Default for OwnData {
    fn default() -> Self {
        OwnData::new()
    }
}
