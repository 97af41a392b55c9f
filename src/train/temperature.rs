//! The temperature (CLIP-like) loss of model.md §5 (paper Remark 2.1) on minibatches with
//! in-batch negatives: for a batch B,
//!
//! L_tau(B) = tau sum_{i in B} w_i [ -s_ii/tau + log sum_{j in B, j != i} T1_i T2_j exp(s_ij/tau) ]
//!            + (lambda/2) ||V1 V2^T||_F^2,      w_i = T1_i T2_i / sum_{k in B} T1_k T2_k,
//!
//! with s_ij = <a_i, b_j> the normalised patient representations. dL/ds_ii = -w_i and
//! dL/ds_ij = w_i p_ij (j != i), p_i = softmax_j(s_ij / tau + log T2_j): tau sets how much the
//! hardest negatives count. As tau -> inf, p_ij -> T2_j / sum_{j' != i} T2_j' and (after dropping
//! the constant tau sum_i w_i log sum_{j != i} T1_i T2_j) the loss becomes the linear one, with
//! negatives weighted per anchor (equal to eq. 2.3 when all T are equal); tau = inf trains that
//! limit. Log-sum-exp is shifted by its maximum; `libm` gives the same bits natively and in wasm.
//! Optimiser: Adam as for CLAIME-SGD.

use super::cohort::Cohort;
use super::contrast::{representations, ContrastBlock};
use super::optim::AdamState;
use super::params::ValidTrainParams;
use super::{add_reg_grad, dot, gram, Trainer};
use crate::error::Result;
use std::sync::Arc;

/// The batch loss L_tau(B) and its gradients at row-major V1 (d1, k), V2 (d2, k); `r` are the
/// inverse CLAIME weights; `tau` may be infinite. The batch needs at least two patients.
pub fn batch_loss_grad(
    r: &[Vec<f64>; 2],
    c: &Cohort,
    batch: &[usize],
    v1: &[f64],
    v2: &[f64],
    k: usize,
    lambda: f64,
    tau: f64,
) -> (f64, Vec<f64>, Vec<f64>) {
    let m = batch.len();
    let (t1, t2) = (&c.bags[0].total, &c.bags[1].total);
    // a_i, b_j (m, k): normalised representations.
    let (a, b) = representations(r, c, batch, v1, v2, k);
    let wsum: f64 = batch.iter().map(|&i| t1[i] * t2[i]).sum();
    let mut ga = vec![0.0; m * k];
    let mut gb = vec![0.0; m * k];
    let mut value = 0.0;
    let mut z = vec![0.0; m];
    for (bi, &i) in batch.iter().enumerate() {
        let wi = t1[i] * t2[i] / wsum;
        let ai = &a[bi * k..(bi + 1) * k];
        for (bj, zj) in z.iter_mut().enumerate() {
            *zj = dot(ai, &b[bj * k..(bj + 1) * k]); // s_ij
        }
        let sii = z[bi];
        // Weights p_ij over j != i, and the anchor's loss.
        let mut neg_term;
        if tau.is_infinite() {
            let tsum: f64 = batch.iter().enumerate().filter(|&(bj, _)| bj != bi).map(|(_, &j)| t2[j]).sum();
            neg_term = 0.0;
            for (bj, &j) in batch.iter().enumerate() {
                z[bj] = if bj == bi { 0.0 } else { t2[j] / tsum };
                neg_term += z[bj] * dot(ai, &b[bj * k..(bj + 1) * k]);
            }
        } else {
            let mut max = f64::NEG_INFINITY;
            for (bj, &j) in batch.iter().enumerate() {
                if bj != bi {
                    z[bj] = z[bj] / tau + libm::log(t2[j]);
                    max = max.max(z[bj]);
                }
            }
            let mut total = 0.0;
            for bj in 0..m {
                if bj != bi {
                    z[bj] = libm::exp(z[bj] - max);
                    total += z[bj];
                }
            }
            neg_term = tau * (libm::log(t1[i]) + max + libm::log(total));
            for (bj, zj) in z.iter_mut().enumerate() {
                *zj = if bj == bi { 0.0 } else { *zj / total };
            }
        }
        value += wi * (neg_term - sii);
        // W_ii = -w_i, W_ij = w_i p_ij: ga_i = sum_j W_ij b_j, gb_j += W_ij a_i.
        for bj in 0..m {
            let wij = if bj == bi { -wi } else { wi * z[bj] };
            if wij == 0.0 {
                continue;
            }
            for q in 0..k {
                ga[bi * k + q] += wij * b[bj * k + q];
                gb[bj * k + q] += wij * a[bi * k + q];
            }
        }
    }
    let (mut g1, mut g2) = (vec![0.0; v1.len()], vec![0.0; v2.len()]);
    for (bi, &i) in batch.iter().enumerate() {
        for (mm, g, d, t) in [(0usize, &mut g1, &ga, t1), (1, &mut g2, &gb, t2)] {
            let (idx, cnt) = c.bags[mm].patient(i);
            for (&w, &x) in idx.iter().zip(cnt) {
                let f = x * r[mm][w as usize] / t[i];
                for q in 0..k {
                    g[w as usize * k + q] += f * d[bi * k + q];
                }
            }
        }
    }
    let (gr1, gr2) = (gram(v1, k), gram(v2, k));
    add_reg_grad(&mut g1, v1, &gr2, k, lambda);
    add_reg_grad(&mut g2, v2, &gr1, k, lambda);
    (value + 0.5 * lambda * dot(&gr1, &gr2), g1, g2)
}

/// Minibatch Adam on the temperature loss.
#[derive(Debug, Clone)]
pub struct ClaimeTemp {
    cohort: Arc<Cohort>,
    r: [Vec<f64>; 2],
    lambda: f64,
    tau: f64,
    state: AdamState,
    /// Batch losses of the current and the previous epoch.
    recent: Vec<f64>,
    previous: Vec<f64>,
    /// The latest minibatch (empty before the first step).
    last_batch: Vec<usize>,
}

impl ClaimeTemp {
    /// Same initial values as CLAIME-GD; batches from the Batches stream. A final batch of one
    /// patient (no negatives) joins the one before it.
    pub fn new(cohort: Arc<Cohort>, p: usize, params: &ValidTrainParams, seed: u64) -> Result<Self> {
        let (lin, state) = AdamState::start(&cohort, p, params, seed)?;
        Ok(ClaimeTemp {
            r: lin.r,
            lambda: params.lambda,
            tau: params.temperature,
            state,
            recent: Vec::new(),
            previous: Vec::new(),
            last_batch: Vec::new(),
            cohort,
        })
    }

    /// The batch loss and gradients of these patients at the current embeddings.
    fn batch_loss_grad(&self, batch: &[usize]) -> (f64, Vec<f64>, Vec<f64>) {
        let s = &self.state;
        batch_loss_grad(&self.r, &self.cohort, batch, &s.v1, &s.v2, s.p, self.lambda, self.tau)
    }

    /// The temperature.
    pub fn temperature(&self) -> f64 {
        self.tau
    }
}

impl Trainer for ClaimeTemp {
    fn step(&mut self) {
        let n = self.cohort.len();
        if self.state.reshuffle_if_done(n) {
            self.previous = std::mem::take(&mut self.recent);
        }
        let batch = self.state.next_batch(n, true);
        let (value, g1, g2) = self.batch_loss_grad(&batch);
        self.last_batch = batch;
        self.recent.push(value);
        let steps = self.steps_per_epoch();
        self.state.update(&g1, &g2, steps);
    }

    /// Mean batch loss over the last full epoch (the current one before the first finishes; the
    /// loss of the first batch before any step).
    fn loss(&self) -> f64 {
        let src = if self.recent.len() >= self.steps_per_epoch() || self.previous.is_empty() {
            &self.recent
        } else {
            &self.previous
        };
        if src.is_empty() {
            let end = self.state.batch.min(self.cohort.len());
            let first: Vec<usize> = (0..end).collect();
            return self.batch_loss_grad(&first).0;
        }
        src.iter().sum::<f64>() / src.len() as f64
    }

    fn embeddings(&self) -> (ndarray::Array2<f64>, ndarray::Array2<f64>) {
        self.state.embeddings()
    }

    fn contrast(&self, m: usize) -> Option<(ContrastBlock, usize)> {
        let first: Vec<usize>;
        let batch = if self.last_batch.is_empty() {
            first = (0..self.state.batch.min(self.cohort.len())).collect();
            &first
        } else {
            &self.last_batch
        };
        let shown = &batch[..m.min(batch.len())];
        let s = &self.state;
        Some((ContrastBlock::of(&self.r, &self.cohort, shown, &s.v1, &s.v2, s.p), batch.len()))
    }

    fn iterations(&self) -> usize {
        self.state.iterations
    }

    fn steps_per_epoch(&self) -> usize {
        let n = self.cohort.len();
        let full = n / self.state.batch;
        let rem = n % self.state.batch;
        full + usize::from(rem >= 2) // a remainder of one joins the last batch
    }
}
