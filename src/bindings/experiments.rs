//! Experiments (issue 5): the paper's sweeps and the regime map, one task per call, so a pool
//! of workers can share them. Task t gives the same numbers in any worker, in any order.

use super::{js_err, to_js};
use crate::error::Error;
use wasm_bindgen::prelude::*;

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

/// The default experiment spec (`experiment::Spec::default()`: what `claime experiment` runs
/// without flags), so the page never hard-codes the study's settings.
#[wasm_bindgen(js_name = defaultExperimentSpec)]
pub fn default_experiment_spec() -> Result<JsValue, JsError> {
    to_js(&crate::experiment::Spec::default())
}

/// The default regime map (`regime::RegimeSpec::default()`, the command line's too).
#[wasm_bindgen(js_name = defaultRegimeSpec)]
pub fn default_regime_spec() -> Result<JsValue, JsError> {
    to_js(&crate::regime::RegimeSpec::default())
}

/// Runs the tasks of one experiment spec (`experimentSpec`'s object, checked here), or of
/// several experiments with that spec's other settings as one job (`experiments`: "all" or a
/// list such as "n,d"; absent: the spec's own experiment), their shared grid points computed
/// once, as `claime experiment --exp all` does (`experiment::Plan`).
#[wasm_bindgen]
pub struct ExperimentRunner {
    plan: crate::experiment::Plan,
}

/// Aggregated rows of one experiment, and the same as CSV.
#[derive(serde::Serialize)]
struct ExperimentTable {
    experiment: &'static str,
    rows: Vec<crate::experiment::Row>,
    csv: String,
}

#[wasm_bindgen]
impl ExperimentRunner {
    /// Checks the spec and the list of experiments.
    #[wasm_bindgen(constructor)]
    pub fn new(spec: JsValue, experiments: Option<String>) -> Result<ExperimentRunner, JsError> {
        use crate::experiment::{Experiment, Plan};
        let spec: crate::experiment::Spec = super::value_from(spec, "experiment spec")?;
        let list = match experiments.as_deref() {
            None | Some("") => vec![spec.experiment],
            Some(list) => Experiment::parse_list(list).map_err(js_err)?,
        };
        Ok(ExperimentRunner { plan: Plan::new(&spec, &list).map_err(js_err)? })
    }

    /// Number of independent tasks.
    pub fn tasks(&self) -> u32 {
        self.plan.tasks() as u32
    }

    /// The experiments run, in order ("n", "d", "noise").
    pub fn experiments(&self) -> Vec<String> {
        self.plan.specs().iter().map(|s| s.experiment.name().to_string()).collect()
    }

    /// Runs task `t`: [{point, method, rep, error, literal}].
    #[wasm_bindgen(js_name = runTask)]
    pub fn run_task(&self, t: u32) -> Result<JsValue, JsError> {
        if t as usize >= self.plan.tasks() {
            return Err(js_err(Error::param("task", t, format!("an index below {}", self.plan.tasks()))));
        }
        to_js(&self.plan.run_task(t as usize).map_err(js_err)?)
    }

    /// Summarises the results gathered so far: `results[t]` is task t's outcomes (`runTask`'s
    /// answer), null or missing while it has not run. One {experiment, rows, csv} per experiment.
    pub fn aggregate(&self, results: JsValue) -> Result<JsValue, JsError> {
        let results: Vec<Option<Vec<crate::experiment::Outcome>>> = super::value_from(results, "results")?;
        let tables: Vec<ExperimentTable> = (self.plan.specs().iter())
            .zip(self.plan.aggregate(&results))
            .map(|(s, rows)| {
                let csv = crate::experiment::to_csv(&rows);
                ExperimentTable { experiment: s.experiment.name(), rows, csv }
            })
            .collect();
        to_js(&tables)
    }

    /// The figure of experiment `index`'s rows (mean line and 10-90% band per method) as SVG.
    pub fn figure(&self, index: u32, rows: JsValue, width: u32, height: u32) -> Result<String, JsError> {
        let spec = (self.plan.specs().get(index as usize)).ok_or_else(|| {
            js_err(Error::param("index", index, format!("an index below {}", self.plan.specs().len())))
        })?;
        let rows: Vec<crate::experiment::Row> = super::value_from(rows, "rows")?;
        let (w, h) = (width.max(crate::plot::MIN_SIDE), height.max(crate::plot::MIN_SIDE));
        crate::experiment::figure(spec, &rows, w, h).map_err(js_err)
    }
}

/// Runs the tasks of a regime map: {noise, signal: [a, b], level: [a, b], grid, reps, base}.
#[wasm_bindgen]
pub struct RegimeRunner {
    spec: crate::regime::RegimeSpec,
}

/// The regime map's cells, the same as CSV, the cells where CLAIME wins
/// (`regime::Cell::claime_wins`) and those where it is ahead by less.
#[derive(serde::Serialize)]
struct RegimeTable {
    cells: Vec<crate::regime::Cell>,
    csv: String,
    wins: usize,
    ahead: usize,
}

#[wasm_bindgen]
impl RegimeRunner {
    /// Checks the spec; `base` may be partial (missing keys take the defaults).
    #[wasm_bindgen(constructor)]
    pub fn new(spec: JsValue) -> Result<RegimeRunner, JsError> {
        let spec: crate::regime::RegimeSpec = super::value_from(spec, "regime spec")?;
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
        let errors: Vec<Vec<f64>> = super::value_from(errors, "errors")?;
        let cells = self.spec.assemble(&errors).map_err(js_err)?;
        let csv = crate::regime::to_csv(&self.spec, &cells);
        let (wins, ahead) = crate::regime::tally(&cells);
        to_js(&RegimeTable { cells, csv, wins, ahead })
    }

    /// The map as SVG, from `assemble`'s cells.
    pub fn figure(&self, cells: JsValue, width: u32, height: u32) -> Result<String, JsError> {
        let cells: Vec<crate::regime::Cell> = super::value_from(cells, "cells")?;
        let (w, h) = (width.max(crate::plot::MIN_SIDE), height.max(crate::plot::MIN_SIDE));
        crate::regime::figure(&self.spec, &cells, w, h).map_err(js_err)
    }
}
