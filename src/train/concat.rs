//! CL-GD: full-batch gradient descent on the concatenated contrastive loss (model.md §5, "CL-GD").
//!
//! The modalities are concatenated (d = d1 + d2 features, codes first, one V (d, p)); patient i
//! has T_i = T1_i + T2_i tokens and A_i = sum_w x_iw r(w) v_w with r(w) = C(.,.) / C(w,.). The
//! positives are all same-patient pairs of distinct positions (within-modality pairs included),
//! the negatives all cross-patient pairs:
//!
//! L(V) = - sum_i (||A_i||^2 - sum_w x_iw r(w)^2 ||v_w||^2) / C(.,.)
//!        + (||sum_i A_i||^2 - sum_i ||A_i||^2) / Dm(.,.)  +  (lambda/2) ||V V^T||_F^2,
//!
//! C(.,.) = sum_i T_i (T_i - 1), Dm(.,.) = (sum_i T_i)^2 - sum_i T_i^2. Summed over patients,
//! L = -<V V^T, PMI_CL> + (lambda/2) ||V V^T||^2 exactly, so the minimiser is V V^T = the top-p
//! eigenpairs of PMI_CL / lambda with negative eigenvalues dropped, which is the CL estimator.
//! GD step lr / (2 sigma_1(PMI_CL)) (the gradient carries a factor 2).

use super::cohort::Cohort;
use super::linear::{gd_start, normalise};
use super::params::ValidTrainParams;
use super::{add_reg_grad, dot, gram, to_embedding, Trainer};
use crate::error::{Error, Result};
use crate::rng::{stream, Normal, Stream};
use std::sync::Arc;

/// The concatenated loss on a cohort.
#[derive(Debug, Clone)]
pub struct ConcatLoss {
    /// (d,) inverse weights r(w) = C(.,.) / C(w,.), codes then CUIs.
    pub r: Vec<f64>,
    /// (d,) N(w) r(w)^2: the weight of the removed same-position pairs.
    self_weight: Vec<f64>,
    /// C(.,.) = sum_i T_i (T_i - 1).
    pub pos_total: f64,
    /// Dm(.,.) = (sum T)^2 - sum T^2.
    pub neg_total: f64,
    /// lambda.
    pub lambda: f64,
    d1: usize,
    /// Per-nonzero x_iw r(w) of codes and of CUIs.
    coef: [Vec<f64>; 2],
}

impl ConcatLoss {
    /// The loss on a cohort with regulariser lambda.
    pub fn new(c: &Cohort, lambda: f64) -> Result<Self> {
        let r = c.cl_weights();
        let mut self_weight = vec![0.0; c.d1 + c.d2];
        let (mut pos, mut sum, mut sq) = (0.0, 0.0, 0.0);
        for i in 0..c.len() {
            let t = c.bags[0].total[i] + c.bags[1].total[i];
            pos += t * (t - 1.0);
            sum += t;
            sq += t * t;
            for (m, shift) in [(0usize, 0usize), (1, c.d1)] {
                let (idx, cnt) = c.bags[m].patient(i);
                for (&w, &x) in idx.iter().zip(cnt) {
                    self_weight[shift + w as usize] += x;
                }
            }
        }
        for (s, r) in self_weight.iter_mut().zip(&r) {
            *s *= r * r;
        }
        let neg = sum * sum - sq;
        if !(pos > 0.0 && neg > 0.0) {
            return Err(Error::Unsupported {
                what: "the concatenated loss needs same-patient and cross-patient pairs".into(),
            });
        }
        let coef =
            [super::linear::coefficients(&c.bags[0], &r[..c.d1]), super::linear::coefficients(&c.bags[1], &r[c.d1..])];
        Ok(ConcatLoss { r, self_weight, pos_total: pos, neg_total: neg, lambda, d1: c.d1, coef })
    }

    /// A_i (n, k) over both modalities of row-major V (d, k).
    fn represent(&self, c: &Cohort, v: &[f64], k: usize, a: &mut Vec<f64>) {
        let n = c.len();
        a.resize(n * k, 0.0);
        super::linear::represent(&c.bags[0], &self.coef[0], &v[..self.d1 * k], k, a);
        let mut b = vec![0.0; n * k];
        super::linear::represent(&c.bags[1], &self.coef[1], &v[self.d1 * k..], k, &mut b);
        a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
    }

    fn terms(&self, v: &[f64], k: usize, a: &[f64]) -> (f64, f64, Vec<f64>) {
        let mut sa = vec![0.0; k];
        for row in a.chunks_exact(k) {
            sa.iter_mut().zip(row).for_each(|(s, x)| *s += x);
        }
        let sumsq = dot(a, a);
        let q: f64 = v.chunks_exact(k).zip(&self.self_weight).map(|(row, s)| s * dot(row, row)).sum();
        (sumsq - q, dot(&sa, &sa) - sumsq, sa)
    }

    /// The loss at row-major V (d, k).
    pub fn loss(&self, c: &Cohort, v: &[f64], k: usize) -> f64 {
        let mut a = Vec::new();
        let terms = self.forward(c, v, k, &mut a);
        self.value(&terms, v, k)
    }

    /// The forward pass at V: the representations A into `a`, and their terms
    /// (positive sum, cross-patient sum, column sums of A).
    fn forward(&self, c: &Cohort, v: &[f64], k: usize, a: &mut Vec<f64>) -> (f64, f64, Vec<f64>) {
        self.represent(c, v, k, a);
        self.terms(v, k, a)
    }

    /// The loss at V from the terms [`ConcatLoss::forward`] gave there.
    fn value(&self, (pos, cross, _): &(f64, f64, Vec<f64>), v: &[f64], k: usize) -> f64 {
        let g = gram(v, k);
        -pos / self.pos_total + cross / self.neg_total + 0.5 * self.lambda * dot(&g, &g)
    }

    /// The data term's gradient -2 PMI_CL V into g (overwritten); returns the data term.
    fn data_grad(&self, c: &Cohort, v: &[f64], k: usize, g: &mut [f64], a: &mut Vec<f64>) -> f64 {
        let terms = self.forward(c, v, k, a);
        self.backward(c, v, k, &terms, g, a)
    }

    /// The second half of [`ConcatLoss::data_grad`]: the gradient from the forward pass's terms
    /// and the representations it left in `a` (consumed: they become dA).
    fn backward(
        &self,
        c: &Cohort,
        v: &[f64],
        k: usize,
        terms: &(f64, f64, Vec<f64>),
        g: &mut [f64],
        a: &mut [f64],
    ) -> f64 {
        let (pos, cross, sa) = (terms.0, terms.1, &terms.2);
        let (dp, dn) = (1.0 / self.pos_total, 1.0 / self.neg_total);
        for row in a.chunks_exact_mut(k) {
            for q in 0..k {
                row[q] = -2.0 * row[q] * dp + 2.0 * (sa[q] - row[q]) * dn;
            }
        }
        g.fill(0.0);
        let d1k = self.d1 * k;
        let (g1, g2) = g.split_at_mut(d1k);
        super::linear::scatter(&c.bags[0], &self.coef[0], a, k, g1);
        super::linear::scatter(&c.bags[1], &self.coef[1], a, k, g2);
        for ((gr, row), s) in g.chunks_exact_mut(k).zip(v.chunks_exact(k)).zip(&self.self_weight) {
            for q in 0..k {
                gr[q] += 2.0 * s * row[q] * dp;
            }
        }
        -pos * dp + cross * dn
    }

    /// The loss and its gradient at row-major V (d, k).
    pub fn loss_grad(&self, c: &Cohort, v: &[f64], k: usize) -> (f64, Vec<f64>) {
        let mut g = vec![0.0; v.len()];
        let data = self.data_grad(c, v, k, &mut g, &mut Vec::new());
        let gr = gram(v, k);
        add_reg_grad(&mut g, v, &gr, k, 2.0 * self.lambda);
        (data + 0.5 * self.lambda * dot(&gr, &gr), g)
    }

    /// The largest |eigenvalue| of PMI_CL by 100 steps of power iteration (Linalg stream).
    pub fn top_eigenvalue(&self, c: &Cohort, seed: u64) -> f64 {
        let d = c.d1 + c.d2;
        let mut rng = stream(seed, Stream::Linalg);
        let mut nrm = Normal::new();
        let mut x: Vec<f64> = (0..d).map(|_| nrm.sample(&mut rng)).collect();
        let mut g = vec![0.0; d];
        let mut a = Vec::new();
        let mut lam = 0.0;
        for _ in 0..100 {
            normalise(&mut x);
            self.data_grad(c, &x, 1, &mut g, &mut a); // g = -2 K x
            x.iter_mut().zip(&g).for_each(|(xi, gi)| *xi = -0.5 * gi);
            lam = dot(&x, &x).sqrt();
        }
        lam
    }
}

/// Full-batch gradient descent on the concatenated loss. As for CLAIME-GD, each step ends with
/// the forward pass at the new V, which gives the loss there and starts the next step.
#[derive(Debug, Clone)]
pub struct ClGd {
    cohort: Arc<Cohort>,
    loss: ConcatLoss,
    p: usize,
    /// (d1 + d2, p) row-major V, codes first.
    v: Vec<f64>,
    step_size: f64,
    iterations: usize,
    g: Vec<f64>,
    /// A at the current V, with its terms `ahead`, and the loss there.
    a: Vec<f64>,
    ahead: (f64, f64, Vec<f64>),
    current: f64,
}

impl ClGd {
    /// Initial values N(0, (0.01 s_M)^2), s_M = sqrt(sigma_1 / (lambda d_M)), Init stream (codes then CUIs).
    pub fn new(cohort: Arc<Cohort>, p: usize, params: &ValidTrainParams, seed: u64) -> Result<Self> {
        let loss = ConcatLoss::new(&cohort, params.lambda)?;
        let sigma1 = cohort.memo("lambda_1(PMI_CL)", seed, || loss.top_eigenvalue(&cohort, seed));
        let (mut v, v2, lr) = gd_start(&cohort, p, params, sigma1, seed, "PMI_CL")?;
        v.extend(v2);
        let len = v.len();
        let mut a = Vec::new();
        let ahead = loss.forward(&cohort, &v, p, &mut a);
        let current = loss.value(&ahead, &v, p);
        let step_size = lr / (2.0 * sigma1);
        Ok(ClGd { cohort, loss, p, v, step_size, iterations: 0, g: vec![0.0; len], a, ahead, current })
    }
}

impl Trainer for ClGd {
    fn step(&mut self) {
        let k = self.p;
        self.loss.backward(&self.cohort, &self.v, k, &self.ahead, &mut self.g, &mut self.a);
        let gr = gram(&self.v, k);
        add_reg_grad(&mut self.g, &self.v, &gr, k, 2.0 * self.loss.lambda);
        let eta = self.step_size;
        self.v.iter_mut().zip(&self.g).for_each(|(x, g)| *x -= eta * g);
        self.iterations += 1;
        self.ahead = self.loss.forward(&self.cohort, &self.v, k, &mut self.a);
        self.current = self.loss.value(&self.ahead, &self.v, k);
    }

    fn loss(&self) -> f64 {
        self.current
    }

    fn embeddings(&self) -> (ndarray::Array2<f64>, ndarray::Array2<f64>) {
        let d1p = self.cohort.d1 * self.p;
        (to_embedding(&self.v[..d1p], self.p), to_embedding(&self.v[d1p..], self.p))
    }

    fn iterations(&self) -> usize {
        self.iterations
    }

    fn steps_per_epoch(&self) -> usize {
        1
    }
}
