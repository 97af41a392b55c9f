//! Gradient-descent trainers for the losses of model.md §5, each with [`Trainer::step`] and
//! deterministic under the seed (initial values from the `Init` stream, minibatches and sampled
//! negatives from the `Batches` stream, exponentials and logarithms from `libm`).
//!
//! | name | loss | data per step | optimiser | lands on |
//! |---|---|---|---|---|
//! | `claime-gd` | linear CLAIME loss (eq. 2.3), exact cross-patient term | all patients | GD, step lr / sigma_1(PMI) | CLAIME-SVD |
//! | `claime-sgd` | the same, k sampled negatives per patient | a minibatch | Adam | CLAIME-SVD (in expectation) |
//! | `cl-gd` | the concatenated loss (within-modality positives) | all patients | GD, step lr / (2 sigma_1(PMI_CL)) | CL |
//! | `claime-temp` | the temperature loss L_tau, in-batch negatives | a minibatch | Adam | open question (tau = inf: linear) |
//!
//! The linear loss equals -<V1 V2^T, PMI_CLAIME> + (lambda/2) ||V1 V2^T||_F^2 exactly (the sums
//! over patients collapse to the summary statistics), so its minimiser is V1 V2^T = the rank-p
//! truncation of PMI_CLAIME / lambda (Proposition 2.1); likewise the concatenated loss is
//! -<V V^T, PMI_CL> + (lambda/2) ||V V^T||_F^2. See docs/decisions.md, "Trainers".

pub mod cohort;
pub mod concat;
pub mod contrast;
pub mod linear;
pub mod live;
mod optim;
pub mod params;
pub mod report;
pub mod sampled;
pub mod temperature;

pub use cohort::{Bags, Cohort};
pub use params::{TrainParams, ValidTrainParams};
pub use report::{run_trainers, TrainerReport};

use crate::error::{Error, Result};
use crate::estimators::Method;
use crate::rng::{stream, Normal, Stream};
use ndarray::Array2;
use std::sync::Arc;

/// A gradient-descent trainer.
pub trait Trainer {
    /// One optimisation step: a full pass (full-batch trainers) or one minibatch.
    fn step(&mut self);
    /// The loss at the current parameters (exact for the linear and concatenated losses; for the
    /// temperature loss, the mean of the minibatch losses of the last epoch).
    fn loss(&self) -> f64;
    /// The current embeddings (V1 (d1, p), V2 (d2, p)).
    fn embeddings(&self) -> (Array2<f64>, Array2<f64>);
    /// Steps taken so far.
    fn iterations(&self) -> usize;
    /// Steps in one epoch (one pass over the patients).
    fn steps_per_epoch(&self) -> usize;
    /// The contrastive picture's block: the first `m` patients of the latest minibatch (the
    /// first one before any step), with their similarities at the current embeddings, and the
    /// size of that minibatch; None for a trainer without in-batch negatives.
    fn contrast(&self, _m: usize) -> Option<(contrast::ContrastBlock, usize)> {
        None
    }
    /// Runs one epoch.
    fn epoch(&mut self) {
        for _ in 0..self.steps_per_epoch() {
            self.step();
        }
    }
}

/// Trains for `params.epochs` epochs, or fewer: with `params.tol` > 0, stops after the first
/// epoch that changes the loss by less than it (the paper's rule, model.md §5, with 1e-6).
/// Returns the epochs trained. The check costs one loss evaluation per epoch.
pub fn train_epochs(trainer: &mut dyn Trainer, params: &ValidTrainParams) -> usize {
    let mut before = (params.tol > 0.0).then(|| trainer.loss());
    for epoch in 1..=params.epochs {
        trainer.epoch();
        if let Some(previous) = before {
            let now = trainer.loss();
            if (now - previous).abs() < params.tol {
                return epoch;
            }
            before = Some(now);
        }
    }
    params.epochs
}

/// The trainers, by command-line name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrainerKind {
    /// Full-batch GD on the linear CLAIME loss with the exact cross-patient term.
    ClaimeGd,
    /// Minibatch Adam on the linear CLAIME loss with k sampled negatives per patient.
    ClaimeSgd,
    /// Full-batch GD on the concatenated (CL) loss.
    ClGd,
    /// Minibatch Adam on the temperature loss with in-batch negatives.
    ClaimeTemp,
}

impl TrainerKind {
    /// Every trainer with its name.
    pub const ALL: [(TrainerKind, &'static str); 4] = [
        (TrainerKind::ClaimeGd, "claime-gd"),
        (TrainerKind::ClaimeSgd, "claime-sgd"),
        (TrainerKind::ClGd, "cl-gd"),
        (TrainerKind::ClaimeTemp, "claime-temp"),
    ];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        TrainerKind::ALL.iter().find(|(k, _)| *k == self).map(|(_, s)| *s).unwrap_or("claime-gd")
    }

    /// The name for legends: CLAIME-GD and CL-GD as in the paper; CLAIME-SGD and CLAIME-temp
    /// (the temperature loss) for this project's minibatch trainers.
    pub fn label(self) -> &'static str {
        match self {
            TrainerKind::ClaimeGd => "CLAIME-GD",
            TrainerKind::ClaimeSgd => "CLAIME-SGD",
            TrainerKind::ClGd => "CL-GD",
            TrainerKind::ClaimeTemp => "CLAIME-temp",
        }
    }

    /// Parses a name (None if it is not a trainer's).
    pub fn parse(s: &str) -> Option<Self> {
        TrainerKind::ALL.iter().find(|(_, n)| *n == s.trim()).map(|(k, _)| *k)
    }

    /// The SVD estimator whose solution the trainer should reach.
    pub fn reference(self) -> Method {
        match self {
            TrainerKind::ClGd => Method::Cl,
            _ => Method::Claime,
        }
    }

    /// Builds the trainer on a cohort with embedding dimension p.
    pub fn build(
        self,
        cohort: Arc<Cohort>,
        p: usize,
        params: &ValidTrainParams,
        seed: u64,
    ) -> Result<Box<dyn Trainer>> {
        if cohort.len() < 2 {
            return Err(Error::Unsupported { what: format!("{} needs at least two patients", self.name()) });
        }
        Ok(match self {
            TrainerKind::ClaimeGd => Box::new(linear::ClaimeGd::new(cohort, p, params, seed)?),
            TrainerKind::ClaimeSgd => Box::new(sampled::ClaimeSgd::new(cohort, p, params, seed)?),
            TrainerKind::ClGd => Box::new(concat::ClGd::new(cohort, p, params, seed)?),
            TrainerKind::ClaimeTemp => Box::new(temperature::ClaimeTemp::new(cohort, p, params, seed)?),
        })
    }
}

/// Splits a comma-separated method list into SVD methods and trainers, without duplicates.
pub fn parse_method_list(s: &str) -> Result<(Vec<Method>, Vec<TrainerKind>)> {
    let (mut svd, mut tr) = (Vec::new(), Vec::new());
    for part in s.split(',').map(str::trim).filter(|x| !x.is_empty()) {
        if let Some(k) = TrainerKind::parse(part) {
            if !tr.contains(&k) {
                tr.push(k);
            }
        } else {
            let m = Method::parse(part).map_err(|_| {
                Error::param(
                    "methods",
                    format!("'{part}'"),
                    "claime, concate, cl, claime-gd, claime-sgd, cl-gd or claime-temp",
                )
            })?;
            if !svd.contains(&m) {
                svd.push(m);
            }
        }
    }
    if svd.is_empty() && tr.is_empty() {
        return Err(Error::param("methods", "an empty list", "at least one method"));
    }
    Ok((svd, tr))
}

/// (d, p) row-major matrix of N(0, scale^2) entries from `rng`.
pub(crate) fn small_random(
    d: usize,
    p: usize,
    scale: f64,
    rng: &mut rand_chacha::ChaCha8Rng,
    nrm: &mut Normal,
) -> Vec<f64> {
    (0..d * p).map(|_| scale * nrm.sample(rng)).collect()
}

/// The Init stream of a seed.
pub(crate) fn init_rng(seed: u64) -> (rand_chacha::ChaCha8Rng, Normal) {
    (stream(seed, Stream::Init), Normal::new())
}

/// (p, p) row-major Gram matrix V^T V of a (d, p) row-major V.
pub(crate) fn gram(v: &[f64], p: usize) -> Vec<f64> {
    let mut g = vec![0.0; p * p];
    for row in v.chunks_exact(p) {
        for a in 0..p {
            let x = row[a];
            for b in 0..p {
                g[a * p + b] += x * row[b];
            }
        }
    }
    g
}

/// grad += lambda V G for row-major V (d, p) and G (p, p).
pub(crate) fn add_reg_grad(grad: &mut [f64], v: &[f64], g: &[f64], p: usize, lambda: f64) {
    for (gr, row) in grad.chunks_exact_mut(p).zip(v.chunks_exact(p)) {
        for b in 0..p {
            let mut s = 0.0;
            for a in 0..p {
                s += row[a] * g[a * p + b];
            }
            gr[b] += lambda * s;
        }
    }
}

/// <A, B> of two same-shape buffers.
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// A trainer's row-major (d, p) buffer as an embedding: a column-major array, as in
/// [`crate::Fit`].
pub fn to_embedding(v: &[f64], p: usize) -> Array2<f64> {
    let d = if p == 0 { 0 } else { v.len() / p };
    crate::linalg::col_major(d, p, |i, j| v[i * p + j])
}
