//! Trainer settings: an unchecked [`TrainParams`] and a [`ValidTrainParams`] that only
//! [`TrainParams::check`] makes. Names are the command-line flags without dashes.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Default relative step of the full-batch GD trainers (a fraction of 1 / sigma_1(PMI)).
pub const DEFAULT_GD_LR: f64 = 0.5;
/// Default relative step of the Adam trainers (a fraction of the linear solution's typical entry).
pub const DEFAULT_ADAM_LR: f64 = 0.05;

/// Unchecked trainer settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainParams {
    /// Regulariser lambda of (lambda/2) ||V1 V2^T||_F^2 (paper: 1).
    pub lambda: f64,
    /// Relative learning rate; None = each trainer's default (0.5 for GD, 0.05 for Adam).
    pub lr: Option<f64>,
    /// Patients per minibatch (stochastic trainers).
    pub batch: usize,
    /// Sampled negatives per patient (`claime-sgd`; the paper's 10).
    pub negatives: usize,
    /// Temperature tau of `claime-temp`; infinity = the linear loss.
    pub temperature: f64,
    /// Epochs to train (command line); with `tol`, the most epochs.
    pub epochs: usize,
    /// Stop early once an epoch changes the loss by less than this (the paper's rule, with
    /// 1e-6); 0 trains every epoch (command line).
    pub tol: f64,
    /// The Adam trainers' learning rate falls tenfold every this many epochs (paper: 10; default 40).
    pub decay_epochs: f64,
}

impl TrainParams {
    /// The keys of a settings object: the field names, as JSON and the page write them.
    pub const KEYS: [&'static str; 8] =
        ["lambda", "lr", "batch", "negatives", "temperature", "epochs", "tol", "decay_epochs"];
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            lambda: 1.0,
            lr: None,
            batch: 256,
            negatives: 10,
            temperature: 1.0,
            epochs: 100,
            tol: 0.0,
            decay_epochs: 40.0,
        }
    }
}

/// Checked trainer settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidTrainParams(TrainParams);

impl std::ops::Deref for ValidTrainParams {
    type Target = TrainParams;
    fn deref(&self) -> &TrainParams {
        &self.0
    }
}

impl TrainParams {
    /// Checks every rule, naming the first bad setting.
    pub fn check(self) -> Result<ValidTrainParams> {
        if !(self.lambda > 0.0 && self.lambda <= 1e6) {
            return Err(Error::param("lambda", self.lambda, "a number in (0, 1e6]"));
        }
        if let Some(lr) = self.lr {
            if !(lr > 0.0 && lr <= 1.9) {
                return Err(Error::param("lr", lr, "a number in (0, 1.9] (relative to the problem's scale)"));
            }
        }
        if !(2..=1_000_000).contains(&self.batch) {
            return Err(Error::param("batch", self.batch, "an integer in [2, 1000000]"));
        }
        if !(1..=1000).contains(&self.negatives) {
            return Err(Error::param("negatives", self.negatives, "an integer in [1, 1000]"));
        }
        if !(self.temperature > 0.0 && (self.temperature.is_finite() || self.temperature == f64::INFINITY))
            || (self.temperature.is_finite() && self.temperature < 1e-3)
        {
            return Err(Error::param(
                "temperature",
                self.temperature,
                "a number in [0.001, inf] (inf = the linear loss)",
            ));
        }
        if !(1..=1_000_000).contains(&self.epochs) {
            return Err(Error::param("epochs", self.epochs, "an integer in [1, 1000000]"));
        }
        if !(self.tol >= 0.0 && self.tol.is_finite()) {
            return Err(Error::param("tol", self.tol, "a number >= 0 (0: no early stop)"));
        }
        if !(self.decay_epochs > 0.0 && self.decay_epochs.is_finite() || self.decay_epochs == f64::INFINITY) {
            return Err(Error::param("decay_epochs", self.decay_epochs, "a positive number or inf (no decay)"));
        }
        Ok(ValidTrainParams(self))
    }
}

impl ValidTrainParams {
    /// The settings as given.
    pub fn params(&self) -> &TrainParams {
        &self.0
    }
}
