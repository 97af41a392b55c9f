//! The only module that names wasm-bindgen or js-sys: a thin adapter from JavaScript values to
//! the core's types (ruff_wasm's pattern). One params object in (deserialized into the same
//! [`Params`] the command line uses), small JSON-compatible snapshots out, errors as `JsError`
//! carrying the core's message.
//!
//! Two wasm modules are built from it (scripts/build-wasm.mjs): the full one (feature `full`,
//! the default: training, your own data, experiments) and the explorer's, without them
//! (`--no-default-features`), so the page's first run downloads and compiles less.

#[cfg(feature = "full")]
mod experiments;
mod explorer;
#[cfg(feature = "full")]
mod omop;
#[cfg(feature = "full")]
mod owndata;
mod references;
#[cfg(feature = "full")]
mod training;

use crate::error::Error;
use crate::estimators::Method;
use crate::params::Params;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Installs the panic hook once, when the module starts.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("internal: could not serialise a result: {e}")))
}

pub(crate) fn js_err(e: Error) -> JsError {
    JsError::new(&e.to_string())
}

/// The parameters of a JavaScript object (undefined or null: the defaults). Its keys are checked
/// first (`params::check_keys`): serde-wasm-bindgen reads only the known ones, so an unknown key
/// would otherwise be ignored.
pub(crate) fn params_from(value: JsValue) -> Result<Params, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(Params::default());
    }
    object_from(value, &Params::KEYS, "parameters")
}

/// A `#[serde(default)]` struct with fields `keys` from a JavaScript object: unknown keys are
/// refused first ([`check_keys_of`]); a value of the wrong type is refused with the field it is
/// in (found by reading each field alone) and its kind, never a dump of the value
/// ([`readable_error`]).
pub(crate) fn object_from<T: serde::de::DeserializeOwned>(
    value: JsValue,
    keys: &[&str],
    what: &str,
) -> Result<T, JsError> {
    check_keys_of(&value, keys, what)?;
    serde_wasm_bindgen::from_value(value.clone()).map_err(|e| {
        for key in keys {
            let field = js_sys::Reflect::get(&value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
            if field.is_undefined() {
                continue;
            }
            let alone = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&alone, &JsValue::from_str(key), &field);
            if let Err(e) = serde_wasm_bindgen::from_value::<T>(alone.into()) {
                return JsError::new(&format!("{what}: '{key}': {}", readable_error(&e.to_string(), &field)));
            }
        }
        JsError::new(&format!("{what}: {}", readable_error(&e.to_string(), &value)))
    })
}

/// Any deserialisable value from JavaScript, its error made readable ([`readable_error`]).
#[cfg(feature = "full")]
pub(crate) fn value_from<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value.clone())
        .map_err(|e| JsError::new(&format!("{what}: {}", readable_error(&e.to_string(), &value))))
}

/// serde-wasm-bindgen's message for a value serde cannot describe quotes all of it
/// (`invalid type: JsValue([1e-320, [...], ...]), expected f64`), at any length: that quote
/// becomes the value's kind (`an array`, `an object`, ...), and the message is cut at 300
/// characters, without the "Error: " it starts with.
pub(crate) fn readable_error(message: &str, value: &JsValue) -> String {
    // (Its Display is the JavaScript Error's toString, which starts with "Error: ".)
    let mut out = message.strip_prefix("Error: ").unwrap_or(message).to_string();
    if let Some(start) = out.find("JsValue(") {
        let end = out.rfind("), expected").or_else(|| out.rfind(')')).filter(|&e| e > start);
        if let Some(end) = end {
            out.replace_range(start..=end, js_kind(value));
        }
    }
    if out.chars().count() > 300 {
        out = out.chars().take(297).collect::<String>() + "...";
    }
    out
}

/// What kind of JavaScript value this is, as a phrase for an error message.
fn js_kind(value: &JsValue) -> &'static str {
    // The first test that holds names the kind, in this order (arrays and functions are objects
    // too).
    let kinds: [(fn(&JsValue) -> bool, &'static str); 9] = [
        (js_sys::Array::is_array, "an array"),
        (JsValue::is_function, "a function"),
        (JsValue::is_null, "null"),
        (JsValue::is_object, "an object"),
        (JsValue::is_string, "a string"),
        (|v| v.as_bool().is_some(), "a boolean"),
        (JsValue::is_bigint, "a BigInt"),
        (JsValue::is_symbol, "a symbol"),
        (|v| v.as_f64().is_some(), "a number"),
    ];
    kinds.iter().find(|(is, _)| is(value)).map_or("a value", |(_, kind)| *kind)
}

/// Refuses a JavaScript object with a key outside `allowed` (`params::check_object_keys`):
/// serde-wasm-bindgen reads only a struct's own keys, so an unknown one would be ignored.
pub(crate) fn check_keys_of(value: &JsValue, allowed: &[&str], what: &str) -> Result<(), JsError> {
    if value.is_object() {
        let keys: Vec<String> = js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>())
            .iter()
            .filter_map(|k| k.as_string())
            .collect();
        crate::params::check_object_keys(&keys, allowed, what).map_err(js_err)?;
    }
    Ok(())
}

thread_local! {
    /// The global scope's `performance` (a worker's or the window's, or Node's), read once.
    static PERFORMANCE: Option<web_sys::Performance> =
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
            .ok()
            .filter(|p| p.is_object())
            .map(|p| p.unchecked_into());
}

/// The clock of the stage timings (ms): `performance.now()`, monotonic and finer than a
/// millisecond (0.1 ms in Chromium without cross-origin isolation); `Date.now()`, which counts
/// whole milliseconds and follows the wall clock, where there is no `performance`.
pub(crate) fn now() -> f64 {
    PERFORMANCE.with(|p| p.as_ref().map_or_else(js_sys::Date::now, |p| p.now()))
}

/// Patients per block of the patient stream (`rng::PATIENT_BLOCK`): the explorer cuts the
/// stretches it gives its simulation helpers at multiples of it.
#[wasm_bindgen(js_name = patientBlock)]
pub fn patient_block() -> u32 {
    crate::rng::PATIENT_BLOCK as u32
}

/// The default parameters (the paper's settings), so JavaScript never hard-codes them.
#[wasm_bindgen(js_name = defaultParams)]
pub fn default_params() -> Result<JsValue, JsError> {
    to_js(&Params::default())
}

/// The parameters of a named preset (`params::preset`: "paper-spike", "claime-recovers",
/// "paper-ar1", "orthogonal", "claime-wins", "concate-wins", "no-signal"), so the page's preset buttons
/// use the same table as the command line.
#[wasm_bindgen(js_name = presetParams)]
pub fn preset_params(name: &str) -> Result<JsValue, JsError> {
    let params = crate::params::preset(name).ok_or_else(|| JsError::new(&format!("preset: unknown name '{name}'")))?;
    to_js(&params)
}

/// Checks parameters; returns them normalised or throws the first rule they break (the memory
/// estimate counting every method; `Explorer` and `TrainerSession` count only theirs).
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
pub(crate) struct FeatureNames<'a> {
    pub(crate) codes: &'a [String],
    pub(crate) cuis: &'a [String],
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
