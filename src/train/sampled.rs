//! CLAIME-SGD: the linear loss on patient minibatches with k sampled negatives per patient (the
//! paper's training, k = 10), for comparison with the exact full-batch CLAIME-GD.
//!
//! For a batch B and negatives N(i) drawn uniformly from the other patients, the unbiased estimate
//!
//! L^ = -(n/|B|) sum_{i in B} <A_i, B_i> / D + (n/|B|) ((n-1)/k) sum_{i in B} sum_{j in N(i)} <A_i, B_j> / C
//!      + (lambda/2) ||V1 V2^T||_F^2
//!
//! has the full loss as expectation (A_i = T1_i a_i, B_j = T2_j b_j), so its expected gradient is
//! the full gradient and the minimiser is the same. Optimiser: Adam with step
//! lr 10^(-epoch / decay_epochs) times the linear solution's typical entry sqrt(sigma_1 / (lambda d_M)).

use super::cohort::Cohort;
use super::linear::LinearLoss;
use super::optim::AdamState;
use super::params::ValidTrainParams;
use super::{add_reg_grad, dot, gram, Trainer};
use crate::error::Result;
use std::sync::Arc;

/// A_i = sum_w x_iw r(w) v_w of one patient.
fn rep(bags: &super::Bags, r: &[f64], v: &[f64], k: usize, i: usize, out: &mut [f64]) {
    out.fill(0.0);
    let (idx, cnt) = bags.patient(i);
    for (&w, &c) in idx.iter().zip(cnt) {
        let f = c * r[w as usize];
        for q in 0..k {
            out[q] += f * v[w as usize * k + q];
        }
    }
}

/// grad[w] += x_iw r(w) d for patient i.
fn scat(bags: &super::Bags, r: &[f64], d: &[f64], k: usize, i: usize, grad: &mut [f64]) {
    let (idx, cnt) = bags.patient(i);
    for (&w, &c) in idx.iter().zip(cnt) {
        let f = c * r[w as usize];
        for q in 0..k {
            grad[w as usize * k + q] += f * d[q];
        }
    }
}

/// The minibatch estimate L^ and its gradients for a batch and its negatives
/// (`negatives[b * k_neg..(b + 1) * k_neg]` are those of `batch[b]`).
pub fn batch_loss_grad(
    loss: &LinearLoss,
    c: &Cohort,
    batch: &[usize],
    negatives: &[usize],
    v1: &[f64],
    v2: &[f64],
    k: usize,
) -> (f64, Vec<f64>, Vec<f64>) {
    let n = c.len() as f64;
    let kn = negatives.len() / batch.len().max(1);
    let cp = n / (batch.len() as f64 * loss.pos_total);
    let cn = n * (n - 1.0) / (batch.len() as f64 * kn.max(1) as f64 * loss.neg_total);
    let (mut g1, mut g2) = (vec![0.0; v1.len()], vec![0.0; v2.len()]);
    let (mut a, mut b, mut bj, mut da, mut d) = (vec![0.0; k], vec![0.0; k], vec![0.0; k], vec![0.0; k], vec![0.0; k]);
    let mut value = 0.0;
    for (bi, &i) in batch.iter().enumerate() {
        rep(&c.bags[0], &loss.r[0], v1, k, i, &mut a);
        rep(&c.bags[1], &loss.r[1], v2, k, i, &mut b);
        value -= cp * dot(&a, &b);
        for q in 0..k {
            da[q] = -cp * b[q];
            d[q] = -cp * a[q];
        }
        scat(&c.bags[1], &loss.r[1], &d, k, i, &mut g2);
        for &j in &negatives[bi * kn..(bi + 1) * kn] {
            rep(&c.bags[1], &loss.r[1], v2, k, j, &mut bj);
            value += cn * dot(&a, &bj);
            for q in 0..k {
                da[q] += cn * bj[q];
                d[q] = cn * a[q];
            }
            scat(&c.bags[1], &loss.r[1], &d, k, j, &mut g2);
        }
        scat(&c.bags[0], &loss.r[0], &da, k, i, &mut g1);
    }
    let (gr1, gr2) = (gram(v1, k), gram(v2, k));
    add_reg_grad(&mut g1, v1, &gr2, k, loss.lambda);
    add_reg_grad(&mut g2, v2, &gr1, k, loss.lambda);
    (value + 0.5 * loss.lambda * dot(&gr1, &gr2), g1, g2)
}

/// Minibatch Adam on the linear loss with sampled negatives.
#[derive(Debug, Clone)]
pub struct ClaimeSgd {
    cohort: Arc<Cohort>,
    loss: LinearLoss,
    state: AdamState,
    negatives: usize,
}

impl ClaimeSgd {
    /// Same initial values as CLAIME-GD; batches and negatives from the Batches stream.
    pub fn new(cohort: Arc<Cohort>, p: usize, params: &ValidTrainParams, seed: u64) -> Result<Self> {
        let (loss, state) = AdamState::start(&cohort, p, params, seed)?;
        Ok(ClaimeSgd { cohort, loss, state, negatives: params.negatives })
    }
}

impl Trainer for ClaimeSgd {
    fn step(&mut self) {
        let n = self.cohort.len();
        self.state.reshuffle_if_done(n);
        let batch = self.state.next_batch(n, false);
        let mut negs = Vec::with_capacity(batch.len() * self.negatives);
        for &i in &batch {
            for _ in 0..self.negatives {
                let j = loop {
                    let j = crate::rng::index(&mut self.state.rng, n);
                    if j != i {
                        break j;
                    }
                };
                negs.push(j);
            }
        }
        let s = &self.state;
        let (_, g1, g2) = batch_loss_grad(&self.loss, &self.cohort, &batch, &negs, &s.v1, &s.v2, s.p);
        let steps = self.steps_per_epoch();
        self.state.update(&g1, &g2, steps);
    }

    fn loss(&self) -> f64 {
        self.loss.loss(&self.cohort, &self.state.v1, &self.state.v2, self.state.p)
    }

    fn embeddings(&self) -> (ndarray::Array2<f64>, ndarray::Array2<f64>) {
        self.state.embeddings()
    }

    fn iterations(&self) -> usize {
        self.state.iterations
    }

    fn steps_per_epoch(&self) -> usize {
        self.cohort.len().div_ceil(self.state.batch)
    }
}
