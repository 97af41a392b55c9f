//! CLAIME-GD: full-batch gradient descent on the linear CLAIME loss (model.md §5, eq. 2.3)
//!
//! L(V1, V2) = - sum_i T1_i T2_i s_ii / D  +  sum_{i != j} T1_i T2_j s_ij / C  +  (lambda/2) ||V1 V2^T||_F^2,
//!
//! D = sum_i T1_i T2_i, C = sum_{i != j} T1_i T2_j, s_ij = <a_i, b_j>, with the unnormalised
//! patient representations A_i = T1_i a_i = sum_w x_iw r_1(w) v_w, B_j = T2_j b_j (r = 1 / g).
//! The cross-patient sum is exact in O(nnz p) by
//! sum_{i != j} <A_i, B_j> = <sum_i A_i, sum_j B_j> - sum_i <A_i, B_i>.
//!
//! Summed over patients, L = -<V1 V2^T, K> + (lambda/2) ||V1 V2^T||^2 with K = PMI_CLAIME
//! exactly, so dL/dV1 = -K V2 + lambda V1 (V2^T V2), and the minimiser is V1 V2^T = the rank-p
//! truncation of K / lambda. Near it the curvature is at most 2 sigma_1(K) (independent of
//! lambda), so plain GD with step lr / sigma_1(K), lr in (0, 1), is stable; sigma_1 is estimated
//! by power iteration through the same bag passes.

use super::cohort::Cohort;
use super::params::{ValidTrainParams, DEFAULT_GD_LR};
use super::{add_reg_grad, dot, gram, init_rng, small_random, to_embedding, Trainer};
use crate::error::{Error, Result};
use crate::rng::{stream, Normal, Stream};
use std::sync::Arc;

/// The linear CLAIME loss on a cohort: weights and normalisers.
#[derive(Debug, Clone)]
pub struct LinearLoss {
    /// Inverse weights r_M(w) = 1 / g_M(w) of codes and CUIs.
    pub r: [Vec<f64>; 2],
    /// D = sum_i T1_i T2_i.
    pub pos_total: f64,
    /// C = sum_{i != j} T1_i T2_j.
    pub neg_total: f64,
    /// lambda.
    pub lambda: f64,
    /// Per-nonzero x_iw r_M(w) of codes and CUIs.
    coef: [Vec<f64>; 2],
}

/// Per-nonzero coefficients x_iw r(w) of one modality's bags (fixed for a cohort).
pub(crate) fn coefficients(bags: &super::Bags, r: &[f64]) -> Vec<f64> {
    bags.index.iter().zip(&bags.count).map(|(&w, &c)| c * r[w as usize]).collect()
}

/// A_i = sum_w coef_iw v_w for every patient into `out` (n, k), row-major V (d, k).
pub(crate) fn represent(bags: &super::Bags, coef: &[f64], v: &[f64], k: usize, out: &mut [f64]) {
    match k {
        1 => represent_k::<1>(bags, coef, v, out),
        2 => represent_k::<2>(bags, coef, v, out),
        3 => represent_k::<3>(bags, coef, v, out),
        4 => represent_k::<4>(bags, coef, v, out),
        8 => represent_k::<8>(bags, coef, v, out),
        _ => {
            for (i, a) in out.chunks_exact_mut(k).enumerate() {
                a.fill(0.0);
                let (lo, hi) = (bags.offsets[i], bags.offsets[i + 1]);
                for (&w, &f) in bags.index[lo..hi].iter().zip(&coef[lo..hi]) {
                    let row = &v[w as usize * k..(w as usize + 1) * k];
                    a.iter_mut().zip(row).for_each(|(x, y)| *x += f * y);
                }
            }
        }
    }
}

/// The hot loop with the width known at compile time (no bounds checks inside a row).
fn represent_k<const K: usize>(bags: &super::Bags, coef: &[f64], v: &[f64], out: &mut [f64]) {
    let rows: &[[f64; K]] = as_rows(v);
    for (i, a) in out.chunks_exact_mut(K).enumerate() {
        let (lo, hi) = (bags.offsets[i], bags.offsets[i + 1]);
        let mut acc = [0.0; K];
        for (&w, &f) in bags.index[lo..hi].iter().zip(&coef[lo..hi]) {
            let row = &rows[w as usize];
            for q in 0..K {
                acc[q] += f * row[q];
            }
        }
        a.copy_from_slice(&acc);
    }
}

/// A row-major (d, K) buffer as rows.
fn as_rows<const K: usize>(v: &[f64]) -> &[[f64; K]] {
    let (rows, rest) = v.as_chunks::<K>();
    debug_assert!(rest.is_empty());
    rows
}

/// grad[w] += coef_iw dA_i for every patient, dA (n, k).
pub(crate) fn scatter(bags: &super::Bags, coef: &[f64], da: &[f64], k: usize, grad: &mut [f64]) {
    match k {
        1 => scatter_k::<1>(bags, coef, da, grad),
        2 => scatter_k::<2>(bags, coef, da, grad),
        3 => scatter_k::<3>(bags, coef, da, grad),
        4 => scatter_k::<4>(bags, coef, da, grad),
        8 => scatter_k::<8>(bags, coef, da, grad),
        _ => {
            for (i, d) in da.chunks_exact(k).enumerate() {
                let (lo, hi) = (bags.offsets[i], bags.offsets[i + 1]);
                for (&w, &f) in bags.index[lo..hi].iter().zip(&coef[lo..hi]) {
                    let g = &mut grad[w as usize * k..(w as usize + 1) * k];
                    g.iter_mut().zip(d).for_each(|(x, y)| *x += f * y);
                }
            }
        }
    }
}

fn scatter_k<const K: usize>(bags: &super::Bags, coef: &[f64], da: &[f64], grad: &mut [f64]) {
    let (rows, _) = grad.as_chunks_mut::<K>();
    for (i, d) in da.chunks_exact(K).enumerate() {
        let d: [f64; K] = d.try_into().expect("row of width K");
        let (lo, hi) = (bags.offsets[i], bags.offsets[i + 1]);
        for (&w, &f) in bags.index[lo..hi].iter().zip(&coef[lo..hi]) {
            let g = &mut rows[w as usize];
            for q in 0..K {
                g[q] += f * d[q];
            }
        }
    }
}

fn sum_rows(a: &[f64], k: usize) -> Vec<f64> {
    let mut s = vec![0.0; k];
    for row in a.chunks_exact(k) {
        for q in 0..k {
            s[q] += row[q];
        }
    }
    s
}

/// Scratch buffers of one pass.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    a: Vec<f64>,
    b: Vec<f64>,
}

impl LinearLoss {
    /// The loss on a cohort with regulariser lambda.
    pub fn new(cohort: &Cohort, lambda: f64) -> Result<Self> {
        let (pos_total, neg_total) = cohort.claime_totals();
        if !(pos_total > 0.0 && neg_total > 0.0) {
            return Err(Error::Unsupported {
                what: "the linear loss needs same-patient and cross-patient pairs".into(),
            });
        }
        let r = cohort.claime_weights();
        let coef = [coefficients(&cohort.bags[0], &r[0]), coefficients(&cohort.bags[1], &r[1])];
        Ok(LinearLoss { r, pos_total, neg_total, lambda, coef })
    }

    /// (positive sum sum_i <A_i, B_i>, cross-patient sum sum_{i != j} <A_i, B_j>) by the O(nnz p)
    /// identity; also leaves A, B in the scratch.
    fn sums(&self, c: &Cohort, v1: &[f64], v2: &[f64], k: usize, s: &mut Scratch) -> (f64, f64) {
        let n = c.len();
        s.a.resize(n * k, 0.0);
        s.b.resize(n * k, 0.0);
        represent(&c.bags[0], &self.coef[0], v1, k, &mut s.a);
        represent(&c.bags[1], &self.coef[1], v2, k, &mut s.b);
        let pos = dot(&s.a, &s.b);
        let cross = dot(&sum_rows(&s.a, k), &sum_rows(&s.b, k)) - pos;
        (pos, cross)
    }

    /// sum_{i != j} T1_i T2_j s_ij, exact in O(nnz p).
    pub fn cross_patient_term(&self, c: &Cohort, v1: &[f64], v2: &[f64], k: usize) -> f64 {
        self.sums(c, v1, v2, k, &mut Scratch::default()).1
    }

    /// The loss at row-major V1 (d1, k), V2 (d2, k).
    pub fn loss(&self, c: &Cohort, v1: &[f64], v2: &[f64], k: usize) -> f64 {
        let (pos, cross) = self.sums(c, v1, v2, k, &mut Scratch::default());
        self.value((pos, cross), v1, v2, k)
    }

    /// The loss at V1, V2 from the sums [`LinearLoss::sums`] gave there.
    fn value(&self, (pos, cross): (f64, f64), v1: &[f64], v2: &[f64], k: usize) -> f64 {
        -pos / self.pos_total + cross / self.neg_total + 0.5 * self.lambda * dot(&gram(v1, k), &gram(v2, k))
    }

    /// The data term's gradients (-K V2, -K^T V1) into g1, g2 (overwritten); returns the data term.
    pub(crate) fn data_grad(
        &self,
        c: &Cohort,
        v1: &[f64],
        v2: &[f64],
        k: usize,
        g1: &mut [f64],
        g2: &mut [f64],
        s: &mut Scratch,
    ) -> f64 {
        let sums = self.sums(c, v1, v2, k, s);
        self.backward(c, k, sums, g1, g2, s)
    }

    /// The second half of [`LinearLoss::data_grad`]: the gradients from the sums and the
    /// representations A, B that [`LinearLoss::sums`] left in `s` (consumed: they become dA, dB).
    fn backward(
        &self,
        c: &Cohort,
        k: usize,
        (pos, cross): (f64, f64),
        g1: &mut [f64],
        g2: &mut [f64],
        s: &mut Scratch,
    ) -> f64 {
        let (sa, sb) = (sum_rows(&s.a, k), sum_rows(&s.b, k));
        let (dp, dn) = (1.0 / self.pos_total, 1.0 / self.neg_total);
        // dL/dA_i = -B_i / D + (SB - B_i) / C and symmetrically; reuse A, B as dB, dA in place.
        for (a, b) in s.a.chunks_exact_mut(k).zip(s.b.chunks_exact_mut(k)) {
            for q in 0..k {
                let (x, y) = (a[q], b[q]);
                a[q] = -y * dp + (sb[q] - y) * dn; // dA
                b[q] = -x * dp + (sa[q] - x) * dn; // dB
            }
        }
        g1.fill(0.0);
        g2.fill(0.0);
        scatter(&c.bags[0], &self.coef[0], &s.a, k, g1);
        scatter(&c.bags[1], &self.coef[1], &s.b, k, g2);
        -pos * dp + cross * dn
    }

    /// The loss and its gradients at V1 (d1, k), V2 (d2, k), row-major.
    pub fn loss_grad(&self, c: &Cohort, v1: &[f64], v2: &[f64], k: usize) -> (f64, Vec<f64>, Vec<f64>) {
        let (mut g1, mut g2) = (vec![0.0; v1.len()], vec![0.0; v2.len()]);
        let data = self.data_grad(c, v1, v2, k, &mut g1, &mut g2, &mut Scratch::default());
        let (gr1, gr2) = (gram(v1, k), gram(v2, k));
        add_reg_grad(&mut g1, v1, &gr2, k, self.lambda);
        add_reg_grad(&mut g2, v2, &gr1, k, self.lambda);
        (data + 0.5 * self.lambda * dot(&gr1, &gr2), g1, g2)
    }

    /// sigma_1(K) by 50 steps of power iteration on K^T K (start vector from the Linalg stream).
    pub fn top_singular_value(&self, c: &Cohort, seed: u64) -> f64 {
        let (d1, d2) = (c.d1, c.d2);
        let mut rng = stream(seed, Stream::Linalg);
        let mut nrm = Normal::new();
        let mut x: Vec<f64> = (0..d2).map(|_| nrm.sample(&mut rng)).collect();
        let mut y = vec![0.0; d1];
        let (mut g1, mut g2) = (vec![0.0; d1], vec![0.0; d2]);
        let mut s = Scratch::default();
        let mut sigma = 0.0;
        for _ in 0..50 {
            normalise(&mut x);
            self.data_grad(c, &y, &x, 1, &mut g1, &mut g2, &mut s); // g1 = -K x
            y.iter_mut().zip(&g1).for_each(|(a, b)| *a = -b);
            normalise(&mut y);
            self.data_grad(c, &y, &x, 1, &mut g1, &mut g2, &mut s); // g2 = -K^T y
            x.iter_mut().zip(&g2).for_each(|(a, b)| *a = -b);
            sigma = dot(&x, &x).sqrt();
        }
        sigma
    }
}

/// The key of sigma_1(PMI_CLAIME) in [`Cohort::memo`] (every CLAIME trainer's scale).
pub(crate) const SIGMA1_KEY: &str = "sigma_1(PMI_CLAIME)";

/// Scales to unit norm (a zero vector stays zero).
pub(crate) fn normalise(x: &mut [f64]) {
    let n = dot(x, x).sqrt();
    if n > 0.0 {
        x.iter_mut().for_each(|a| *a /= n);
    }
}

/// Full-batch gradient descent on the linear loss. Each step ends with the forward pass (the
/// representations A, B and their sums) at the new V1, V2, which gives the loss there and is
/// the next step's start: one pass over the bags less per step-and-loss than computing the
/// loss apart, with the same bits.
#[derive(Debug, Clone)]
pub struct ClaimeGd {
    cohort: Arc<Cohort>,
    loss: LinearLoss,
    p: usize,
    /// (d1, p) row-major V1.
    v1: Vec<f64>,
    /// (d2, p) row-major V2.
    v2: Vec<f64>,
    step_size: f64,
    sigma1: f64,
    iterations: usize,
    g1: Vec<f64>,
    g2: Vec<f64>,
    /// A, B at the current V1, V2, with their sums `ahead`, and the loss there.
    scratch: Scratch,
    ahead: (f64, f64),
    current: f64,
}

impl ClaimeGd {
    /// Initial values N(0, (0.01 s_M)^2), s_M = sqrt(sigma_1 / (lambda d_M)) the typical entry of
    /// the solution, from the Init stream (V1 then V2).
    pub fn new(cohort: Arc<Cohort>, p: usize, params: &ValidTrainParams, seed: u64) -> Result<Self> {
        let loss = LinearLoss::new(&cohort, params.lambda)?;
        let sigma1 = cohort.memo(SIGMA1_KEY, seed, || loss.top_singular_value(&cohort, seed));
        let (v1, v2, lr) = gd_start(&cohort, p, params, sigma1, seed, "the cross-modal PMI")?;
        let (d1, d2) = (cohort.d1, cohort.d2);
        let mut scratch = Scratch::default();
        let ahead = loss.sums(&cohort, &v1, &v2, p, &mut scratch);
        let current = loss.value(ahead, &v1, &v2, p);
        Ok(ClaimeGd {
            cohort,
            loss,
            p,
            v1,
            v2,
            step_size: lr / sigma1,
            sigma1,
            iterations: 0,
            g1: vec![0.0; d1 * p],
            g2: vec![0.0; d2 * p],
            scratch,
            ahead,
            current,
        })
    }

    /// The estimated sigma_1 of PMI_CLAIME that sets the step.
    pub fn sigma1(&self) -> f64 {
        self.sigma1
    }

    /// The loss object.
    pub fn objective(&self) -> &LinearLoss {
        &self.loss
    }
}

/// Small random (V1, V2) from the Init stream: entries N(0, (0.01 s_M)^2), s_M = sqrt(sigma / (lambda d_M)).
pub(crate) fn init_pair(d1: usize, d2: usize, p: usize, sigma: f64, lambda: f64, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let (mut rng, mut nrm) = init_rng(seed);
    let v1 = small_random(d1, p, 0.01 * (sigma / (lambda * d1 as f64)).sqrt(), &mut rng, &mut nrm);
    let v2 = small_random(d2, p, 0.01 * (sigma / (lambda * d2 as f64)).sqrt(), &mut rng, &mut nrm);
    (v1, v2)
}

/// The start of a full-batch GD trainer whose PMI has top singular value `sigma1`: refuses a zero
/// PMI (named by `pmi` in the message), else returns the initial (V1, V2) of [`init_pair`] and
/// the relative step (default [`DEFAULT_GD_LR`]).
pub(crate) fn gd_start(
    cohort: &Cohort,
    p: usize,
    params: &ValidTrainParams,
    sigma1: f64,
    seed: u64,
    pmi: &str,
) -> Result<(Vec<f64>, Vec<f64>, f64)> {
    if !(sigma1 > 0.0) {
        return Err(Error::Unsupported { what: format!("{pmi} is zero: nothing to train") });
    }
    let (v1, v2) = init_pair(cohort.d1, cohort.d2, p, sigma1, params.lambda, seed);
    Ok((v1, v2, params.lr.unwrap_or(DEFAULT_GD_LR)))
}

impl Trainer for ClaimeGd {
    fn step(&mut self) {
        let k = self.p;
        self.loss.backward(&self.cohort, k, self.ahead, &mut self.g1, &mut self.g2, &mut self.scratch);
        let (gr1, gr2) = (gram(&self.v1, k), gram(&self.v2, k));
        add_reg_grad(&mut self.g1, &self.v1, &gr2, k, self.loss.lambda);
        add_reg_grad(&mut self.g2, &self.v2, &gr1, k, self.loss.lambda);
        let eta = self.step_size;
        self.v1.iter_mut().zip(&self.g1).for_each(|(x, g)| *x -= eta * g);
        self.v2.iter_mut().zip(&self.g2).for_each(|(x, g)| *x -= eta * g);
        self.iterations += 1;
        self.ahead = self.loss.sums(&self.cohort, &self.v1, &self.v2, k, &mut self.scratch);
        self.current = self.loss.value(self.ahead, &self.v1, &self.v2, k);
    }

    fn loss(&self) -> f64 {
        self.current
    }

    fn embeddings(&self) -> (ndarray::Array2<f64>, ndarray::Array2<f64>) {
        (to_embedding(&self.v1, self.p), to_embedding(&self.v2, self.p))
    }

    fn iterations(&self) -> usize {
        self.iterations
    }

    fn steps_per_epoch(&self) -> usize {
        1
    }
}
