//! SVD solutions passed from the explorer's worker to the training worker (the live trainer's
//! references, `train::live::Adopted`), in one JavaScript form: an array of
//! `{method, v1, v2}`, `method` a method's name and `v1`, `v2` the (d1, p) and (d2, p)
//! embeddings as column-major `Float64Array`s.

use crate::estimators::{Fit, Method};
use wasm_bindgen::prelude::*;

/// The JavaScript form of `fits`.
pub(crate) fn to_js(fits: &[(Method, &Fit)]) -> JsValue {
    let out = js_sys::Array::new();
    for (method, fit) in fits {
        let entry = js_sys::Object::new();
        let column_major = |v: &ndarray::Array2<f64>| -> js_sys::Float64Array {
            let data: Vec<f64> = v.t().iter().copied().collect(); // row-major of the transpose
            js_sys::Float64Array::from(data.as_slice())
        };
        let _ = js_sys::Reflect::set(&entry, &"method".into(), &method.name().into());
        let _ = js_sys::Reflect::set(&entry, &"v1".into(), &column_major(&fit.v1));
        let _ = js_sys::Reflect::set(&entry, &"v2".into(), &column_major(&fit.v2));
        out.push(&entry);
    }
    out.into()
}

/// The references in `value` (undefined or null: none) for embeddings of d1 and d2 features in
/// p dimensions; an error names the entry and field that is not as described above.
#[cfg(feature = "full")]
pub(crate) fn from_js(
    value: &JsValue,
    (d1, d2, p): (usize, usize, usize),
) -> Result<Vec<crate::train::live::Adopted>, JsError> {
    use ndarray::{Array2, ShapeBuilder};
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    let list: js_sys::Array =
        value.clone().dyn_into().map_err(|_| JsError::new("references: expected an array of {method, v1, v2}"))?;
    let mut out = Vec::with_capacity(list.length() as usize);
    for (i, entry) in list.iter().enumerate() {
        let field = |key: &str| js_sys::Reflect::get(&entry, &key.into()).unwrap_or(JsValue::UNDEFINED);
        let name = field("method").as_string().unwrap_or_default();
        let method = Method::parse(&name).map_err(|e| JsError::new(&format!("references[{i}].method: {e}")))?;
        let matrix = |key: &str, d: usize| -> Result<Array2<f64>, JsError> {
            let what = format!("references[{i}].{key}");
            let array: js_sys::Float64Array =
                field(key).dyn_into().map_err(|_| JsError::new(&format!("{what}: expected a Float64Array")))?;
            let data = array.to_vec();
            if data.len() != d * p {
                return Err(JsError::new(&format!("{what}: {} entries, expected {d} x {p} = {}", data.len(), d * p)));
            }
            Array2::from_shape_vec((d, p).f(), data).map_err(|e| JsError::new(&format!("{what}: {e}")))
        };
        out.push(crate::train::live::Adopted { method, v1: matrix("v1", d1)?, v2: matrix("v2", d2)? });
    }
    Ok(out)
}
