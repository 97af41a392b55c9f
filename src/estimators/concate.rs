//! Concate (paper eq. 2.5): concatenate the modalities, C = X^T X - diag(N) (d x d),
//! PMI(w,w') = log(C(w,w') C(.,.) / (C(w,.) C(w',.))) with entries where C(w,w') = 0 set to 0
//! (\[decision\], model.md §4); top-p eigenpairs (largest algebraic), V^ = U L^{1/2} with negative
//! eigenvalues clipped to 0; V^_M are the rows of modality M.

use super::{concatenated_c, embed_from_eigen, symmetric_row_sums, Fit};
use crate::error::{Error, Result};
use crate::linalg::top_eigen;
use crate::stats::SummaryStats;
use faer::Mat;

/// (d, d) log-PMI of the concatenated co-occurrence.
pub fn pmi(stats: &SummaryStats) -> Result<Mat<f64>> {
    let mut c = concatenated_c(stats, "Concate")?;
    let d = c.nrows();
    let rows = symmetric_row_sums(&c);
    let total: f64 = rows.iter().sum();
    if !(total > 0.0) {
        return Err(Error::Unsupported { what: "Concate needs at least one same-patient pair".into() });
    }
    // The PMI is symmetric, bit for bit (C is, and rows[i] rows[j] = rows[j] rows[i]): each log
    // is taken once, on the upper triangle, and mirrored by tiles as in `concatenated_c`.
    const TILE: usize = 32;
    for j0 in (0..d).step_by(TILE) {
        for i0 in (0..=j0).step_by(TILE) {
            for j in j0..(j0 + TILE).min(d) {
                for i in i0..(i0 + TILE).min(j + 1) {
                    let x = c[(i, j)];
                    let y = if x > 0.0 { libm::log(x * total / (rows[i] * rows[j])) } else { 0.0 };
                    c[(i, j)] = y;
                    c[(j, i)] = y;
                }
            }
        }
    }
    Ok(c)
}

/// Fits Concate.
pub fn fit(stats: &SummaryStats, p: usize, seed: u64) -> Result<Fit> {
    let m = pmi(stats)?;
    let e = top_eigen(m.as_ref(), p, seed)?;
    let (v1, v2) = embed_from_eigen(&e, stats.d1);
    let zero = |n: &[f64]| n.iter().filter(|x| **x <= 0.0).count();
    Ok(Fit { v1, v2, spectrum: e.values, zero_rows: (zero(&stats.n1), zero(&stats.n2)) })
}
