//! Recovery metrics of model.md §6.
//!
//! - projection distance per modality, dist_M = ||Q^ Q^^T - Q* Q*^T||_F, and their max
//!   (range [0, sqrt(2p)]; sqrt(2p) means nothing recovered);
//! - the paper's literal formula max_M ||V^_M V^_M^T - V*_M V*_M^T||_F (not scale invariant);
//! - correlation between the entries of V^_1 V^_2^T and V*_1 V*_2^T;
//! - cross-modal retrieval@k (k = 10): mean overlap of each code's true and estimated top-k CUIs;
//! - relatedness AUC: per pair kind (code-code, code-CUI, CUI-CUI), a pool of random pairs, the
//!   top q = 5% of the pool by true cosine are the positives, the whole pool the random negatives;
//!   the AUC of the estimated cosine; reported per kind and as their mean.

use crate::linalg::kernels::{frobenius, mul_nt, mul_tn};
use crate::linalg::{orthonormal_basis, projection_distance_orthonormal};
use crate::rng::{stream, Stream};
use faer::{Mat, MatRef};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// k of retrieval@k.
pub const RETRIEVAL_K: usize = 10;
/// Fraction of a pair pool taken as related (positives) by the relatedness AUC.
pub const RELATED_TOP: f64 = 0.05;
/// Size of the random pair pool per kind.
pub const PAIR_POOL: usize = 20_000;

/// Every metric of one fit against the truth.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// max of the two modalities' projection distances.
    pub projection_distance: f64,
    /// projection distance of the codes' subspace.
    pub projection_distance_codes: f64,
    /// projection distance of the CUIs' subspace.
    pub projection_distance_cuis: f64,
    /// the paper's literal formula (not invariant to scale; cannot reach 0).
    pub literal_error: f64,
    /// correlation of the entries of V^_1 V^_2^T and V*_1 V*_2^T.
    pub similarity_correlation: f64,
    /// mean overlap of true and estimated top-10 CUIs of each code.
    pub retrieval_at_10: f64,
    /// mean of the three per-kind relatedness AUCs.
    pub relatedness_auc: f64,
    /// relatedness AUC of code-code pairs.
    pub relatedness_auc_code_code: f64,
    /// relatedness AUC of code-CUI pairs.
    pub relatedness_auc_code_cui: f64,
    /// relatedness AUC of CUI-CUI pairs.
    pub relatedness_auc_cui_cui: f64,
}

/// Projection distance between the column spaces of an estimate and the truth.
pub fn projection_distance(est: MatRef<'_, f64>, truth: MatRef<'_, f64>) -> f64 {
    projection_distance_orthonormal(orthonormal_basis(est).as_ref(), orthonormal_basis(truth).as_ref())
}

/// ||A A^T - B B^T||_F without forming d x d matrices:
/// ||A^T A||_F^2 + ||B^T B||_F^2 - 2 ||A^T B||_F^2.
pub fn literal_distance(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> f64 {
    let squared = |m: Mat<f64>| frobenius(m.as_ref()).powi(2);
    let ata = squared(mul_tn(a, a));
    let btb = squared(mul_tn(b, b));
    let atb = squared(mul_tn(a, b));
    (ata + btb - 2.0 * atb).max(0.0).sqrt()
}

/// Pearson correlation of the entries of A1 A2^T and B1 B2^T (0 when either is constant).
pub fn similarity_correlation(
    a1: MatRef<'_, f64>,
    a2: MatRef<'_, f64>,
    b1: MatRef<'_, f64>,
    b2: MatRef<'_, f64>,
) -> f64 {
    let x = mul_nt(a1, a2); // (d1, d2)
    let y = mul_nt(b1, b2); // (d1, d2)
    let n = (x.nrows() * x.ncols()) as f64;
    let (mut sx, mut sy) = (0.0, 0.0);
    for j in 0..x.ncols() {
        for i in 0..x.nrows() {
            sx += x[(i, j)];
            sy += y[(i, j)];
        }
    }
    let (mx, my) = (sx / n, sy / n);
    let (mut cxy, mut cxx, mut cyy) = (0.0, 0.0, 0.0);
    for j in 0..x.ncols() {
        for i in 0..x.nrows() {
            let (dx, dy) = (x[(i, j)] - mx, y[(i, j)] - my);
            cxy += dx * dy;
            cxx += dx * dx;
            cyy += dy * dy;
        }
    }
    if cxx > 0.0 && cyy > 0.0 {
        cxy / (cxx * cyy).sqrt()
    } else {
        0.0
    }
}

/// Rows scaled to unit norm (zero rows stay zero).
pub fn unit_rows(v: MatRef<'_, f64>) -> Mat<f64> {
    let norms: Vec<f64> =
        (0..v.nrows()).map(|i| (0..v.ncols()).map(|j| v[(i, j)].powi(2)).sum::<f64>().sqrt()).collect();
    Mat::from_fn(v.nrows(), v.ncols(), |i, j| if norms[i] > 0.0 { v[(i, j)] / norms[i] } else { 0.0 })
}

fn top_k(scores: &[f64], k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    let k = k.min(idx.len());
    if k == 0 {
        return Vec::new();
    }
    idx.select_nth_unstable_by(k - 1, |&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    idx.truncate(k);
    idx
}

/// Mean over codes of |top-k CUIs by true cosine ∩ top-k by estimated cosine| / k.
pub fn retrieval_at_k(
    est1: MatRef<'_, f64>,
    est2: MatRef<'_, f64>,
    tr1: MatRef<'_, f64>,
    tr2: MatRef<'_, f64>,
    k: usize,
) -> f64 {
    let (e1, e2, t1, t2) = (unit_rows(est1), unit_rows(est2), unit_rows(tr1), unit_rows(tr2));
    let es = mul_nt(e1.as_ref(), e2.as_ref()); // (d1, d2)
    let ts = mul_nt(t1.as_ref(), t2.as_ref()); // (d1, d2)
    let (d1, d2) = (es.nrows(), es.ncols());
    let k = k.min(d2);
    if d1 == 0 || k == 0 {
        return 0.0;
    }
    let mut total = 0.0;
    let (mut erow, mut trow) = (vec![0.0; d2], vec![0.0; d2]);
    for i in 0..d1 {
        for j in 0..d2 {
            erow[j] = es[(i, j)];
            trow[j] = ts[(i, j)];
        }
        let a = top_k(&erow, k);
        let b = top_k(&trow, k);
        total += a.iter().filter(|x| b.contains(x)).count() as f64 / k as f64;
    }
    total / d1 as f64
}

/// AUC = P(score of a positive > score of a negative) + P(tie)/2, by ranks (O((m+n) log(m+n))).
pub fn auc(pos: &[f64], neg: &[f64]) -> f64 {
    if pos.is_empty() || neg.is_empty() {
        return f64::NAN;
    }
    let mut all: Vec<(f64, bool)> = pos.iter().map(|&x| (x, true)).chain(neg.iter().map(|&x| (x, false))).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let mid = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += all[i..=j].iter().filter(|x| x.1).count() as f64 * mid;
        i = j + 1;
    }
    let (m, n) = (pos.len() as f64, neg.len() as f64);
    (rank_sum - m * (m + 1.0) / 2.0) / (m * n)
}

fn cos(a: &Mat<f64>, i: usize, b: &Mat<f64>, j: usize) -> f64 {
    (0..a.ncols()).map(|k| a[(i, k)] * b[(j, k)]).sum()
}

/// Relatedness AUC of one pair kind: rows of (est_a, est_b) and (tr_a, tr_b) are unit-norm.
fn kind_auc(est: (&Mat<f64>, &Mat<f64>), tr: (&Mat<f64>, &Mat<f64>), same: bool, rng: &mut impl Rng) -> f64 {
    let (na, nb) = (tr.0.nrows(), tr.1.nrows());
    if na == 0 || nb == 0 || (same && na < 2) {
        return f64::NAN;
    }
    let pool: Vec<(usize, usize)> = (0..PAIR_POOL)
        .map(|_| loop {
            let i = crate::rng::index(rng, na);
            let j = crate::rng::index(rng, nb);
            if !same || i != j {
                break (i, j);
            }
        })
        .collect();
    let true_cos: Vec<f64> = pool.iter().map(|&(i, j)| cos(tr.0, i, tr.1, j)).collect();
    let est_cos: Vec<f64> = pool.iter().map(|&(i, j)| cos(est.0, i, est.1, j)).collect();
    let mut sorted = true_cos.clone();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let cut = sorted[((PAIR_POOL as f64 * RELATED_TOP) as usize).max(1) - 1];
    let pos: Vec<f64> = (0..PAIR_POOL).filter(|&k| true_cos[k] >= cut).map(|k| est_cos[k]).collect();
    auc(&pos, &est_cos)
}

/// Every metric of an estimate (v1 (d1, p), v2 (d2, p)) against the truth.
pub fn evaluate(
    v1: MatRef<'_, f64>,
    v2: MatRef<'_, f64>,
    t1: MatRef<'_, f64>,
    t2: MatRef<'_, f64>,
    seed: u64,
) -> Metrics {
    let dc = projection_distance(v1, t1);
    let du = projection_distance(v2, t2);
    let lit = literal_distance(v1, t1).max(literal_distance(v2, t2));
    let (e1, e2, u1, u2) = (unit_rows(v1), unit_rows(v2), unit_rows(t1), unit_rows(t2));
    let mut rng = stream(seed, Stream::Metrics);
    let cc = kind_auc((&e1, &e1), (&u1, &u1), true, &mut rng);
    let cu = kind_auc((&e1, &e2), (&u1, &u2), false, &mut rng);
    let uu = kind_auc((&e2, &e2), (&u2, &u2), true, &mut rng);
    Metrics {
        projection_distance: dc.max(du),
        projection_distance_codes: dc,
        projection_distance_cuis: du,
        literal_error: lit,
        similarity_correlation: similarity_correlation(v1, v2, t1, t2),
        retrieval_at_10: retrieval_at_k(v1, v2, t1, t2, RETRIEVAL_K),
        relatedness_auc: (cc + cu + uu) / 3.0,
        relatedness_auc_code_code: cc,
        relatedness_auc_code_cui: cu,
        relatedness_auc_cui_cui: uu,
    }
}
