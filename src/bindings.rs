//! The only file that names wasm-bindgen or js-sys: a thin adapter from JavaScript values to the
//! core's types (ruff_wasm's pattern). One params object in (deserialized into the same
//! [`Params`] the command line uses), small JSON-compatible snapshots out, errors as `JsError`
//! carrying the core's message.

use crate::error::Error;
use crate::estimators::Method;
use crate::params::Params;
use crate::explorer::{ChartSize, LiveRun};
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
}
