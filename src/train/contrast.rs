//! The contrastive picture of the temperature loss (model.md §5, paper Remark 2.1): for a few
//! patients of one minibatch, the similarities s_ij = <a_i, b_j> of patient i's codes with
//! patient j's CUIs (the positives on the diagonal), and each row's weights on its negatives,
//!
//! ```text
//! p_ij = T2_j exp(s_ij / tau) / sum_{j' != i} T2_j' exp(s_ij' / tau)    (j != i; p_ii = 0),
//! ```
//!
//! the softmax that `temperature::batch_loss_grad` puts on the in-batch negatives (its gradient
//! is dL/ds_ij = w_i p_ij), here over the shown patients as if they were the whole batch. A small
//! tau puts the weight on the hardest negative (the largest s_ij); as tau -> inf,
//! p_ij -> T2_j / sum_{j' != i} T2_j', which no longer depends on the similarities: the linear
//! loss's weighting (uniform when every T2 is the same).

use super::cohort::Cohort;
use serde::Serialize;

/// Representations of `patients` at row-major V1 (d1, k), V2 (d2, k): a (m, k) from the codes,
/// b (m, k) from the CUIs, a_i = (1/T1_i) sum_w x_iw r1(w) v1_w (model.md §5); `r` are the
/// inverse CLAIME weights.
pub fn representations(
    r: &[Vec<f64>; 2],
    c: &Cohort,
    patients: &[usize],
    v1: &[f64],
    v2: &[f64],
    k: usize,
) -> (Vec<f64>, Vec<f64>) {
    let m = patients.len();
    let (t1, t2) = (&c.bags[0].total, &c.bags[1].total);
    let mut a = vec![0.0; m * k];
    let mut b = vec![0.0; m * k];
    for (bi, &i) in patients.iter().enumerate() {
        for (mm, v, out, t) in [(0usize, v1, &mut a, t1), (1, v2, &mut b, t2)] {
            let (idx, cnt) = c.bags[mm].patient(i);
            let row = &mut out[bi * k..(bi + 1) * k];
            for (&w, &x) in idx.iter().zip(cnt) {
                let f = x * r[mm][w as usize] / t[i];
                for q in 0..k {
                    row[q] += f * v[w as usize * k + q];
                }
            }
        }
    }
    (a, b)
}

/// A block of one minibatch: which patients, their similarities and CUI token counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContrastBlock {
    /// (m,) the patients (indices into the cohort), in batch order.
    pub patients: Vec<usize>,
    /// (m, m) row-major s_ij = <a_i, b_j>: row i = patient i's codes, column j = patient j's CUIs.
    pub sims: Vec<f64>,
    /// (m,) T2_j, each patient's CUI tokens.
    pub t2: Vec<f64>,
}

impl ContrastBlock {
    /// The block of `patients` at the given embeddings.
    pub fn of(r: &[Vec<f64>; 2], c: &Cohort, patients: &[usize], v1: &[f64], v2: &[f64], k: usize) -> Self {
        let m = patients.len();
        let (a, b) = representations(r, c, patients, v1, v2, k);
        let mut sims = vec![0.0; m * m];
        for i in 0..m {
            for j in 0..m {
                sims[i * m + j] = super::dot(&a[i * k..(i + 1) * k], &b[j * k..(j + 1) * k]);
            }
        }
        ContrastBlock { patients: patients.to_vec(), sims, t2: patients.iter().map(|&i| c.bags[1].total[i]).collect() }
    }
}

/// (m, m) row-major weights p_ij of the module doc at temperature `tau` (> 0, may be infinite)
/// over `sims` (m, m) and CUI tokens `t2` (m,); the diagonal is 0 and each row sums to 1 (m >= 2).
/// The softmax is shifted by its maximum, as in the loss.
pub fn weights(sims: &[f64], t2: &[f64], tau: f64) -> Vec<f64> {
    let m = t2.len();
    assert_eq!(sims.len(), m * m, "contrast::weights: sims must be m x m");
    let mut out = vec![0.0; m * m];
    for i in 0..m {
        let row = &mut out[i * m..(i + 1) * m];
        if tau.is_infinite() {
            let total: f64 = (0..m).filter(|&j| j != i).map(|j| t2[j]).sum();
            for j in (0..m).filter(|&j| j != i) {
                row[j] = t2[j] / total;
            }
            continue;
        }
        let z = |j: usize| sims[i * m + j] / tau + libm::log(t2[j]);
        let max = (0..m).filter(|&j| j != i).map(z).fold(f64::NEG_INFINITY, f64::max);
        let mut total = 0.0;
        for j in (0..m).filter(|&j| j != i) {
            row[j] = libm::exp(z(j) - max);
            total += row[j];
        }
        for v in row.iter_mut() {
            *v /= total;
        }
    }
    out
}

/// The picture the page draws: a block and its weights at one temperature.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContrastView {
    /// Steps the trainer had taken.
    pub iteration: usize,
    /// The temperature of `weights`; None = infinity.
    pub tau: Option<f64>,
    /// Patients shown (m).
    pub m: usize,
    /// Patients in the minibatch they come from.
    pub batch: usize,
    /// The block: patients, (m, m) similarities, (m,) CUI tokens.
    #[serde(flatten)]
    pub block: ContrastBlock,
    /// (m, m) row-major weights on the negatives (diagonal 0).
    pub weights: Vec<f64>,
}

impl ContrastView {
    /// The view of `block` at `tau` (infinite: the linear limit).
    pub fn new(block: ContrastBlock, batch: usize, iteration: usize, tau: f64) -> Self {
        let weights = weights(&block.sims, &block.t2, tau);
        ContrastView { iteration, tau: tau.is_finite().then_some(tau), m: block.t2.len(), batch, block, weights }
    }
}

#[cfg(test)]
mod tests {
    use super::weights;

    /// A 4 x 4 block with distinct similarities and unequal token counts.
    fn planted() -> (Vec<f64>, Vec<f64>) {
        let sims = vec![
            0.9, 0.5, 0.1, -0.2, //
            0.3, 1.0, 0.2, 0.0, //
            -0.1, 0.4, 0.8, 0.6, //
            0.2, -0.3, 0.7, 1.1,
        ];
        (sims, vec![40.0, 55.0, 48.0, 62.0])
    }

    fn row(w: &[f64], m: usize, i: usize) -> &[f64] {
        &w[i * m..(i + 1) * m]
    }

    #[test]
    fn rows_sum_to_one_with_a_zero_diagonal() {
        let (sims, t2) = planted();
        for tau in [0.01, 0.3, 1.0, 10.0, f64::INFINITY] {
            let w = weights(&sims, &t2, tau);
            for i in 0..4 {
                let r = row(&w, 4, i);
                assert_eq!(r[i], 0.0);
                assert!((r.iter().sum::<f64>() - 1.0).abs() < 1e-12, "tau {tau}, row {i}: {r:?}");
                assert!(r.iter().all(|v| (0.0..=1.0).contains(v)));
            }
        }
    }

    #[test]
    fn closed_form_at_tau_one() {
        // Row 0: p_0j = T2_j e^{s_0j} / sum_{j != 0} T2_j e^{s_0j}.
        let (sims, t2) = planted();
        let w = weights(&sims, &t2, 1.0);
        let e = [0.0, 55.0 * 0.5f64.exp(), 48.0 * 0.1f64.exp(), 62.0 * (-0.2f64).exp()];
        let total: f64 = e.iter().sum();
        for j in 1..4 {
            assert!((w[j] - e[j] / total).abs() < 1e-12, "p_0{j}");
        }
    }

    #[test]
    fn infinite_tau_weighs_negatives_by_tokens_alone() {
        let (sims, t2) = planted();
        let w = weights(&sims, &t2, f64::INFINITY);
        let total: f64 = 55.0 + 48.0 + 62.0;
        assert!((w[1] - 55.0 / total).abs() < 1e-15 && (w[3] - 62.0 / total).abs() < 1e-15);
        // A large finite tau comes close to that limit.
        let big = weights(&sims, &t2, 1e6);
        assert!(big.iter().zip(&w).all(|(a, b)| (a - b).abs() < 1e-6));
        // Equal token counts: uniform, 1 / (m - 1) on each negative.
        let w = weights(&sims, &[50.0; 4], f64::INFINITY);
        for i in 0..4 {
            for j in (0..4).filter(|&j| j != i) {
                assert!((w[i * 4 + j] - 1.0 / 3.0).abs() < 1e-15);
            }
        }
    }

    #[test]
    fn tiny_tau_puts_all_weight_on_the_hardest_negative() {
        let (sims, t2) = planted();
        let w = weights(&sims, &t2, 1e-4);
        // Hardest negatives (largest off-diagonal s_ij): row 0 -> 1, row 1 -> 0, row 2 -> 3, row 3 -> 2.
        for (i, j) in [(0, 1), (1, 0), (2, 3), (3, 2)] {
            assert!(w[i * 4 + j] > 1.0 - 1e-12, "row {i}: {:?}", row(&w, 4, i));
        }
        // The weight on the hardest negative grows as tau falls.
        let hard = |tau: f64| weights(&sims, &t2, tau)[1];
        assert!(hard(0.05) > hard(0.5) && hard(0.5) > hard(5.0));
    }
}
