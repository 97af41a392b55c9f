//! The only file that names wasm-bindgen or js-sys: a thin adapter from JavaScript values to the
//! core's types (ruff_wasm's pattern). One params object in (deserialized into the same
//! [`Params`] the command line uses), small JSON-compatible snapshots out, errors as `JsError`
//! carrying the core's message.

use crate::error::Error;
use crate::estimators::Method;
use crate::explorer::{ChartSize, LiveRun};
use crate::params::Params;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Installs the panic hook once, when the module starts.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("internal: could not serialise a result: {e}")))
}

fn js_err(e: Error) -> JsError {
    JsError::new(&e.to_string())
}

fn params_from(value: JsValue) -> Result<Params, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(Params::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("parameters: {e}")))
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// The default parameters (the paper's settings), so JavaScript never hard-codes them.
#[wasm_bindgen(js_name = defaultParams)]
pub fn default_params() -> Result<JsValue, JsError> {
    to_js(&Params::default())
}

/// The parameters of a named preset (`params::preset`: "paper-spike", "paper-ar1",
/// "orthogonal", "claime-wins", "concate-wins", "no-signal"), so the page's preset buttons
/// use the same table as the command line.
#[wasm_bindgen(js_name = presetParams)]
pub fn preset_params(name: &str) -> Result<JsValue, JsError> {
    let params = crate::params::preset(name).ok_or_else(|| JsError::new(&format!("preset: unknown name '{name}'")))?;
    to_js(&params)
}

/// Checks parameters; returns them normalised or throws the first rule they break.
#[wasm_bindgen(js_name = checkParams)]
pub fn check_params(params: JsValue) -> Result<JsValue, JsError> {
    let p = params_from(params)?.check().map_err(js_err)?;
    to_js(p.params())
}

/// One whole replicate, as `claime run --json` prints it.
#[wasm_bindgen(js_name = runOnce)]
pub fn run_once(params: JsValue, methods: &str) -> Result<JsValue, JsError> {
    let methods = Method::parse_list(methods).map_err(js_err)?;
    let report = crate::session::run(params_from(params)?, &methods, &mut now).map_err(js_err)?;
    to_js(&report)
}

/// Feature names of both modalities, for the inspector's search box.
#[derive(serde::Serialize)]
struct FeatureNames<'a> {
    codes: &'a [String],
    cuis: &'a [String],
}

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
        let valid = params_from(params)?.check().map_err(js_err)?;
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

// ---- Your own data (issue 7): records -> summary, merge across sites, fit, evaluate. ----

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
    inner: Option<crate::records::Summarizer>,
}

#[wasm_bindgen]
impl RecordsReader {
    /// `grouped`: rows of a patient are consecutive (constant memory); otherwise all are held.
    #[wasm_bindgen(constructor)]
    pub fn new(name: &str, grouped: bool) -> RecordsReader {
        use crate::records::{Grouping, RecordsOptions, Summarizer};
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
    merger: Option<crate::merge::Merger>,
    names: Vec<String>,
    summary: Option<crate::format::Summary>,
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
    evaluation: crate::evaluate::Evaluation,
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
        OwnData { merger: Some(crate::merge::Merger::default()), names: Vec::new(), summary: None, fits: Vec::new() }
    }

    fn merger(&mut self) -> Result<&mut crate::merge::Merger, JsError> {
        self.merger.as_mut().ok_or_else(|| JsError::new("data: already merged; start again"))
    }

    /// Adds a claime-summary JSON file.
    #[wasm_bindgen(js_name = addSummary)]
    pub fn add_summary(&mut self, name: &str, text: &str) -> Result<(), JsError> {
        let s = crate::format::Summary::from_json(text).map_err(|e| in_file(name, e))?;
        self.merger()?.add(name, &s).map_err(|e| in_file(name, e))?;
        self.names.push(name.to_string());
        Ok(())
    }

    /// Ends a records reader and adds its summary.
    #[wasm_bindgen(js_name = addRecords)]
    pub fn add_records(&mut self, reader: &mut RecordsReader) -> Result<JsValue, JsError> {
        let name = reader.name.clone();
        let s = reader.inner.take().ok_or_else(|| JsError::new("records: already finished"))?;
        let done = s.finish().map_err(|e| in_file(&name, e))?;
        self.merger()?.add(&name, &done.summary).map_err(|e| in_file(&name, e))?;
        self.names.push(name);
        to_js(&done.report)
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

    fn merged(&self) -> Result<&crate::format::Summary, JsError> {
        self.summary.as_ref().ok_or_else(|| JsError::new("data: nothing merged yet"))
    }

    /// Fits CLAIME (and Concate and CL when within counts are present) at rank p.
    pub fn fit(&mut self, p: usize, seed: u64, width: u32, height: u32) -> Result<JsValue, JsError> {
        let s = self.summary.as_ref().ok_or_else(|| JsError::new("data: nothing merged yet"))?;
        let dmin = s.stats.d1.min(s.stats.d2);
        if p == 0 || p > dmin {
            return Err(js_err(Error::param("p", p, format!("an integer in [1, {dmin}] (the smaller modality)"))));
        }
        let methods = if s.stats.within.is_some() {
            vec![Method::Claime, Method::Concate, Method::Cl]
        } else {
            vec![Method::Claime]
        };
        crate::evaluate::check_fit_budget(s.stats.d1, s.stats.d2, &methods, crate::params::DEFAULT_MEMORY_BUDGET)
            .map_err(js_err)?;
        let mut fits = Vec::new();
        for &m in &methods {
            fits.push((m, m.fit(&s.stats, p, seed).map_err(js_err)?));
        }
        let k = (3 * p).max(12).min(dmin);
        let singular_values = crate::views::claime_spectrum(&s.stats, k, seed).map_err(js_err)?;
        let spectrum_svg =
            crate::plot::spectrum::svg(&singular_values, p, width.max(200), height.max(150)).map_err(js_err)?;
        let f = &fits[0].1;
        let coord = |m: &faer::Mat<f64>, i: usize, j: usize| if j < m.ncols() { m[(i, j)] } else { 0.0 };
        let mut points = Vec::with_capacity(s.codes.len() + s.cuis.len());
        for (i, name) in s.codes.iter().enumerate() {
            points.push(Point { name: name.clone(), cui: false, x: coord(&f.v1, i, 0), y: coord(&f.v1, i, 1) });
        }
        for (i, name) in s.cuis.iter().enumerate() {
            points.push(Point { name: name.clone(), cui: true, x: coord(&f.v2, i, 0), y: coord(&f.v2, i, 1) });
        }
        let report = FitReport {
            methods: methods.iter().map(|m| m.name().to_string()).collect(),
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
        use crate::evaluate::{evaluate, parse_pairs, EvalOptions, FeatureIndex};
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
            .map(|(m, f)| top_k(m.name(), f.v1.as_ref(), f.v2.as_ref(), names, feature, k as usize))
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
        Ok(crate::export::projector_vectors_tsv(f.v1.as_ref(), f.v2.as_ref()))
    }

    /// The projector export's metadata.tsv (names and modality).
    #[wasm_bindgen(js_name = metadataTsv)]
    pub fn metadata_tsv(&self) -> Result<String, JsError> {
        let s = self.merged()?;
        Ok(crate::export::projector_metadata_tsv(&s.codes, &s.cuis))
    }
}

impl Default for OwnData {
    fn default() -> Self {
        OwnData::new()
    }
}

/// A trainer driven step by step (the "Training" section): simulates all n patients, fits the
/// matching SVD solution, then `step(k)` trains. `settings` is a `TrainParams` object (lambda,
/// lr, batch, ...; missing keys take defaults); `temperature` is tau (Infinity = the linear loss).
#[wasm_bindgen]
pub struct TrainerSession {
    live: crate::train::live::LiveTrainer,
}

#[wasm_bindgen]
impl TrainerSession {
    /// Builds the trainer named `trainer` ("claime-gd", "claime-sgd", "cl-gd", "claime-temp").
    #[wasm_bindgen(constructor)]
    pub fn new(params: JsValue, trainer: &str, settings: JsValue, temperature: f64) -> Result<TrainerSession, JsError> {
        let valid = params_from(params)?.check().map_err(js_err)?;
        let kind = crate::train::TrainerKind::parse(trainer)
            .ok_or_else(|| JsError::new(&format!("trainer: unknown name '{trainer}'")))?;
        let mut tp: crate::train::TrainParams = if settings.is_undefined() || settings.is_null() {
            crate::train::TrainParams::default()
        } else {
            serde_wasm_bindgen::from_value(settings).map_err(|e| JsError::new(&format!("training settings: {e}")))?
        };
        tp.temperature = temperature;
        let tp = tp.check().map_err(js_err)?;
        let live = crate::train::live::LiveTrainer::new(valid, kind, &tp).map_err(js_err)?;
        Ok(TrainerSession { live })
    }

    /// Takes `k` steps; returns {iteration, loss, error, distance_to_svd, svd_error}.
    pub fn step(&mut self, k: u32) -> Result<JsValue, JsError> {
        to_js(&self.live.step(k as usize))
    }

    /// The alignment view of the current embeddings as SVG (`width` x `height` pixels).
    pub fn alignment(&self, width: u32, height: u32) -> Result<String, JsError> {
        let (w, h) = (width.max(crate::plot::MIN_SIDE), height.max(crate::plot::MIN_SIDE));
        self.live.alignment_svg(crate::explorer::ALIGNMENT_POINTS, w, h).map_err(js_err)
    }

    /// Steps in one epoch.
    #[wasm_bindgen(js_name = stepsPerEpoch)]
    pub fn steps_per_epoch(&self) -> u32 {
        self.live.steps_per_epoch() as u32
    }
}

// ---- Experiments (issue 5): the paper's sweeps and the regime map, one task per call, so a
// pool of workers can share them. Task t gives the same numbers in any worker, in any order. ----

/// The spec of one paper experiment with the paper's base model (`Params::default()`) and the
/// given signal, p and seed: {experiment, noise, reps, methods, trainers, train, base, n_scale}.
#[wasm_bindgen(js_name = experimentSpec)]
#[allow(clippy::too_many_arguments)]
pub fn experiment_spec(
    experiment: &str,
    noise: &str,
    reps: usize,
    methods: &str,
    n_scale: f64,
    signal: f64,
    p: usize,
    seed: u64,
) -> Result<JsValue, JsError> {
    use crate::experiment::{Experiment, Spec};
    let (methods, trainers) = crate::train::parse_method_list(methods).map_err(js_err)?;
    let spec = Spec {
        experiment: Experiment::parse(experiment).map_err(js_err)?,
        noise: crate::params::NoiseKind::parse(noise).map_err(js_err)?,
        reps,
        methods,
        trainers,
        train: crate::train::TrainParams::default(),
        base: crate::params::Params { signal, p, seed, ..crate::params::Params::default() },
        n_scale,
    };
    spec.check().map_err(js_err)?;
    to_js(&spec)
}

/// Runs the tasks of one experiment spec (`experimentSpec`'s object, checked here).
#[wasm_bindgen]
pub struct ExperimentRunner {
    spec: crate::experiment::Spec,
}

/// Aggregated rows of an experiment, and the same as CSV.
#[derive(serde::Serialize)]
struct ExperimentTable {
    rows: Vec<crate::experiment::Row>,
    csv: String,
}

#[wasm_bindgen]
impl ExperimentRunner {
    /// Checks the spec.
    #[wasm_bindgen(constructor)]
    pub fn new(spec: JsValue) -> Result<ExperimentRunner, JsError> {
        let spec: crate::experiment::Spec =
            serde_wasm_bindgen::from_value(spec).map_err(|e| JsError::new(&format!("experiment spec: {e}")))?;
        spec.check().map_err(js_err)?;
        Ok(ExperimentRunner { spec })
    }

    /// Number of independent tasks.
    pub fn tasks(&self) -> u32 {
        self.spec.tasks() as u32
    }

    /// Runs task `t`: [{point, method, rep, error, literal}].
    #[wasm_bindgen(js_name = runTask)]
    pub fn run_task(&self, t: u32) -> Result<JsValue, JsError> {
        if t as usize >= self.spec.tasks() {
            return Err(js_err(Error::param("task", t, format!("an index below {}", self.spec.tasks()))));
        }
        to_js(&self.spec.run_task(t as usize).map_err(js_err)?)
    }

    /// Summarises the outcomes gathered so far (any subset, any order): {rows, csv}.
    pub fn aggregate(&self, outcomes: JsValue) -> Result<JsValue, JsError> {
        let outcomes: Vec<crate::experiment::Outcome> =
            serde_wasm_bindgen::from_value(outcomes).map_err(|e| JsError::new(&format!("outcomes: {e}")))?;
        let rows = self.spec.aggregate(&outcomes);
        let csv = crate::experiment::to_csv(&rows);
        to_js(&ExperimentTable { rows, csv })
    }

    /// The figure of some rows (mean line and 10-90% band per method) as SVG.
    pub fn figure(&self, rows: JsValue, width: u32, height: u32) -> Result<String, JsError> {
        let rows: Vec<crate::experiment::Row> =
            serde_wasm_bindgen::from_value(rows).map_err(|e| JsError::new(&format!("rows: {e}")))?;
        let (w, h) = (width.max(crate::plot::MIN_SIDE), height.max(crate::plot::MIN_SIDE));
        crate::experiment::figure(&self.spec, &rows, w, h).map_err(js_err)
    }
}

/// Runs the tasks of a regime map: {noise, signal: [a, b], level: [a, b], grid, reps, base}.
#[wasm_bindgen]
pub struct RegimeRunner {
    spec: crate::regime::RegimeSpec,
}

/// The regime map's cells, and the same as CSV.
#[derive(serde::Serialize)]
struct RegimeTable {
    cells: Vec<crate::regime::Cell>,
    csv: String,
}

#[wasm_bindgen]
impl RegimeRunner {
    /// Checks the spec; `base` may be partial (missing keys take the defaults).
    #[wasm_bindgen(constructor)]
    pub fn new(spec: JsValue) -> Result<RegimeRunner, JsError> {
        let spec: crate::regime::RegimeSpec =
            serde_wasm_bindgen::from_value(spec).map_err(|e| JsError::new(&format!("regime spec: {e}")))?;
        spec.check().map_err(js_err)?;
        Ok(RegimeRunner { spec })
    }

    /// Number of independent tasks (cells x replicates).
    pub fn tasks(&self) -> u32 {
        self.spec.tasks() as u32
    }

    /// Runs task `t`: [CLAIME, Concate, CL] projection distances.
    #[wasm_bindgen(js_name = runTask)]
    pub fn run_task(&self, t: u32) -> Result<Vec<f64>, JsError> {
        if t as usize >= self.spec.tasks() {
            return Err(js_err(Error::param("task", t, format!("an index below {}", self.spec.tasks()))));
        }
        self.spec.run_task(t as usize).map_err(js_err)
    }

    /// The cells from every task's errors (an array indexed by task): {cells, csv}.
    pub fn assemble(&self, errors: JsValue) -> Result<JsValue, JsError> {
        let errors: Vec<Vec<f64>> =
            serde_wasm_bindgen::from_value(errors).map_err(|e| JsError::new(&format!("errors: {e}")))?;
        let cells = self.spec.assemble(&errors).map_err(js_err)?;
        let csv = crate::regime::to_csv(&self.spec, &cells);
        to_js(&RegimeTable { cells, csv })
    }

    /// The map as SVG, from `assemble`'s cells.
    pub fn figure(&self, cells: JsValue, width: u32, height: u32) -> Result<String, JsError> {
        let cells: Vec<crate::regime::Cell> =
            serde_wasm_bindgen::from_value(cells).map_err(|e| JsError::new(&format!("cells: {e}")))?;
        let (w, h) = (width.max(crate::plot::MIN_SIDE), height.max(crate::plot::MIN_SIDE));
        crate::regime::figure(&self.spec, &cells, w, h).map_err(js_err)
    }
}

// ---- Fault injection (issue 8): a hidden debug hook for the tests of worker recovery. ----

/// Fails on purpose: "panic" panics (a wasm trap, as a bug would), "oom" allocates until the
/// memory runs out. Anything else is an ordinary error. Used only by tests and `?debug=`.
#[wasm_bindgen(js_name = debugFault)]
pub fn debug_fault(kind: &str) -> Result<(), JsError> {
    match kind {
        "panic" => panic!("debug fault: a forced panic"),
        "oom" => {
            let mut hold: Vec<Vec<u8>> = Vec::new();
            loop {
                let mut block = Vec::<u8>::with_capacity(256 << 20);
                block.resize(256 << 20, 1);
                hold.push(block);
            }
        }
        other => Err(JsError::new(&format!("debug fault: unknown kind '{other}' (expected panic or oom)"))),
    }
}
