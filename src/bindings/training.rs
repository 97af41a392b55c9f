//! The training section (issue 4): one trainer stepped from JavaScript.

use super::{js_err, params_from, to_js};
use wasm_bindgen::prelude::*;

/// Patients in the contrastive picture (`contrast`).
pub const CONTRAST_PATIENTS: usize = 12;

/// A trainer driven step by step (the "Training" section): simulates all n patients, fits the
/// matching SVD solution, then `step(k)` trains. `settings` is a `TrainParams` object (lambda,
/// lr, batch, ...; missing keys take defaults); `temperature` is tau (Infinity = the linear loss);
/// `references` (optional): SVD solutions already fitted at these parameters, as the explorer's
/// `references(params)` gives them ([{method, v1, v2}]), kept instead of fitting again.
#[wasm_bindgen]
pub struct TrainerSession {
    live: crate::train::live::LiveTrainer,
}

#[wasm_bindgen]
impl TrainerSession {
    /// Builds the trainer named `trainer` ("claime-gd", "claime-sgd", "cl-gd", "claime-temp").
    #[wasm_bindgen(constructor)]
    pub fn new(
        params: JsValue,
        trainer: &str,
        settings: JsValue,
        temperature: f64,
        references: JsValue,
    ) -> Result<TrainerSession, JsError> {
        let params = params_from(params)?;
        let kind = trainer_kind(trainer)?;
        let valid = params.check_for(kind.reference().needs_within()).map_err(js_err)?;
        let tp = train_params(settings, temperature)?;
        let adopted = super::references::from_js(&references, (valid.d1, valid.d2, valid.p))?;
        let live = crate::train::live::LiveTrainer::with_references(valid, kind, &tp, adopted).map_err(js_err)?;
        Ok(TrainerSession { live })
    }

    /// Replaces the trainer by `trainer` with `settings` and `temperature` (as in the
    /// constructor) on the same patients, without simulating them again: the states are those of
    /// a new session with these arguments and the same parameters. The SVD solution is kept when
    /// the reference method is the same, or taken from `references` (as in the constructor) when
    /// they hold it. On an error the current trainer stays.
    pub fn retrain(
        &mut self,
        trainer: &str,
        settings: JsValue,
        temperature: f64,
        references: JsValue,
    ) -> Result<(), JsError> {
        let kind = trainer_kind(trainer)?;
        let tp = train_params(settings, temperature)?;
        let vp = self.live.params();
        let adopted = super::references::from_js(&references, (vp.d1, vp.d2, vp.p))?;
        self.live.adopt(adopted).map_err(js_err)?;
        self.live.retrain(kind, &tp).map_err(js_err)
    }

    /// Where the current trainer's SVD solution came from: "fitted" (by this session) or
    /// "adopted" (from `references`).
    #[wasm_bindgen(js_name = referenceOrigin)]
    pub fn reference_origin(&self) -> String {
        self.live.reference_origin().name().to_string()
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

    /// The contrastive picture at temperature `tau` (Infinity: the linear limit): at most 12
    /// patients of the latest minibatch, {iteration, tau (null = infinity), m, batch, patients,
    /// sims, t2, weights}; null for a trainer without in-batch negatives.
    pub fn contrast(&self, tau: f64) -> Result<JsValue, JsError> {
        if !(tau > 0.0) {
            return Err(js_err(crate::error::Error::param(
                "tau",
                tau,
                "a temperature > 0 (Infinity: the linear loss)",
            )));
        }
        match self.live.contrast(CONTRAST_PATIENTS, tau) {
            Some(view) => to_js(&view),
            None => Ok(JsValue::NULL),
        }
    }

    /// Steps in one epoch.
    #[wasm_bindgen(js_name = stepsPerEpoch)]
    pub fn steps_per_epoch(&self) -> u32 {
        self.live.steps_per_epoch() as u32
    }
}

/// The trainer named `name`.
fn trainer_kind(name: &str) -> Result<crate::train::TrainerKind, JsError> {
    crate::train::TrainerKind::parse(name).ok_or_else(|| JsError::new(&format!("trainer: unknown name '{name}'")))
}

/// Checked training settings: a `TrainParams` object (missing keys take defaults) and tau.
fn train_params(settings: JsValue, temperature: f64) -> Result<crate::train::ValidTrainParams, JsError> {
    let mut tp: crate::train::TrainParams = if settings.is_undefined() || settings.is_null() {
        crate::train::TrainParams::default()
    } else {
        super::object_from(settings, &crate::train::TrainParams::KEYS, "training settings")?
    };
    tp.temperature = temperature;
    tp.check().map_err(js_err)
}
