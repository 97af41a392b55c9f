//! Adam (Kingma and Ba 2015) for the stochastic trainers, the step schedule, and the state the
//! two minibatch trainers (CLAIME-SGD, CLAIME-temp) share: embeddings started as CLAIME-GD's,
//! Adam per modality with its own rate, and the shuffled patient order.

use super::cohort::Cohort;
use super::linear::{init_pair, LinearLoss};
use super::params::{ValidTrainParams, DEFAULT_ADAM_LR};
use super::to_embedding;
use crate::error::Result;
use crate::rng::{stream, Stream};
use rand_chacha::ChaCha8Rng;

/// Adam's state for one parameter buffer.
#[derive(Debug, Clone)]
pub(crate) struct Adam {
    m: Vec<f64>,
    v: Vec<f64>,
    t: i32,
}

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;

impl Adam {
    pub(crate) fn new(len: usize) -> Self {
        Adam { m: vec![0.0; len], v: vec![0.0; len], t: 0 }
    }

    /// x -= lr m^ / (sqrt(v^) + eps), with eps relative to the gradient's scale (the losses'
    /// gradients span many orders of magnitude across settings, so an absolute eps would not fit).
    pub(crate) fn update(&mut self, x: &mut [f64], g: &[f64], lr: f64) {
        self.t += 1;
        let c1 = 1.0 - libm::pow(BETA1, self.t as f64);
        let c2 = 1.0 - libm::pow(BETA2, self.t as f64);
        let rms = (g.iter().map(|a| a * a).sum::<f64>() / g.len().max(1) as f64).sqrt();
        let eps = 1e-8 * rms + 1e-300;
        for i in 0..x.len() {
            self.m[i] = BETA1 * self.m[i] + (1.0 - BETA1) * g[i];
            self.v[i] = BETA2 * self.v[i] + (1.0 - BETA2) * g[i] * g[i];
            let mh = self.m[i] / c1;
            let vh = self.v[i] / c2;
            x[i] -= lr * mh / (libm::sqrt(vh) + eps);
        }
    }
}

/// Learning-rate factor 10^(-epoch / decay_epochs): the paper's "divided by 10 every 10 epochs",
/// made smooth so that it does not jump at epoch boundaries.
pub(crate) fn decay(epoch: f64, decay_epochs: f64) -> f64 {
    if decay_epochs.is_infinite() {
        1.0
    } else {
        libm::pow(10.0, -epoch / decay_epochs)
    }
}

/// A shuffled order of 0..n (Fisher-Yates).
pub(crate) fn permutation(n: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = crate::rng::index(rng, i + 1);
        order.swap(i, j);
    }
    order
}

/// The state of a minibatch Adam trainer: row-major V1 (d1, p), V2 (d2, p), Adam with its rate
/// per modality, the patient order of the current epoch and the steps taken.
#[derive(Debug, Clone)]
pub(crate) struct AdamState {
    pub(crate) p: usize,
    pub(crate) v1: Vec<f64>,
    pub(crate) v2: Vec<f64>,
    adam: [Adam; 2],
    lr: [f64; 2],
    /// Patients per minibatch (at most n).
    pub(crate) batch: usize,
    decay_epochs: f64,
    /// The Batches stream: the order, and sampled negatives.
    pub(crate) rng: ChaCha8Rng,
    order: Vec<usize>,
    cursor: usize,
    pub(crate) iterations: usize,
}

impl AdamState {
    /// CLAIME-GD's initial values; per modality the rate lr times the linear solution's typical
    /// entry sqrt(sigma_1 / (lambda d_M)); batches from the Batches stream. Returns the linear
    /// loss too (built on the way).
    pub(crate) fn start(cohort: &Cohort, p: usize, params: &ValidTrainParams, seed: u64) -> Result<(LinearLoss, Self)> {
        let loss = LinearLoss::new(cohort, params.lambda)?;
        let sigma1 = cohort.memo(super::linear::SIGMA1_KEY, seed, || loss.top_singular_value(cohort, seed));
        let (v1, v2) = init_pair(cohort.d1, cohort.d2, p, sigma1, params.lambda, seed);
        let lr = params.lr.unwrap_or(DEFAULT_ADAM_LR);
        let scale = |d: usize| lr * (sigma1 / (params.lambda * d as f64)).sqrt();
        let (d1, d2, n) = (cohort.d1, cohort.d2, cohort.len());
        let state = AdamState {
            p,
            v1,
            v2,
            adam: [Adam::new(d1 * p), Adam::new(d2 * p)],
            lr: [scale(d1), scale(d2)],
            batch: params.batch.min(n),
            decay_epochs: params.decay_epochs,
            rng: stream(seed, Stream::Batches),
            order: Vec::new(),
            cursor: n,
            iterations: 0,
        };
        Ok((loss, state))
    }

    /// Reshuffles the order of the n patients once the last epoch has used it up; true when it
    /// does (a new epoch begins).
    pub(crate) fn reshuffle_if_done(&mut self, n: usize) -> bool {
        if self.cursor < n {
            return false;
        }
        self.order = permutation(n, &mut self.rng);
        self.cursor = 0;
        true
    }

    /// The next minibatch of the order: `batch` patients or the rest of the epoch; with
    /// `join_single`, a last patient who would be left alone joins this batch.
    pub(crate) fn next_batch(&mut self, n: usize, join_single: bool) -> Vec<usize> {
        let mut end = (self.cursor + self.batch).min(n);
        if join_single && n - end == 1 {
            end = n;
        }
        let batch = self.order[self.cursor..end].to_vec();
        self.cursor = end;
        batch
    }

    /// One Adam step on V1 and V2 at the decayed rates, counted.
    pub(crate) fn update(&mut self, g1: &[f64], g2: &[f64], steps_per_epoch: usize) {
        let f = decay(self.iterations as f64 / steps_per_epoch as f64, self.decay_epochs);
        self.adam[0].update(&mut self.v1, g1, self.lr[0] * f);
        self.adam[1].update(&mut self.v2, g2, self.lr[1] * f);
        self.iterations += 1;
    }

    /// The current embeddings (V1, V2) as matrices.
    pub(crate) fn embeddings(&self) -> (ndarray::Array2<f64>, ndarray::Array2<f64>) {
        (to_embedding(&self.v1, self.p), to_embedding(&self.v2, self.p))
    }
}
