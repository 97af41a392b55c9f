//! Concate (paper eq. 2.5): concatenate the modalities, C = X^T X - diag(N) (d x d),
//! PMI(w,w') = log(C(w,w') C(.,.) / (C(w,.) C(w',.))) with entries where C(w,w') = 0 set to 0
//! ([decision], model.md §4); top-p eigenpairs (largest algebraic), V^ = U L^{1/2} with negative
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
    for j in 0..d {
        for i in 0..d {
            let x = c[(i, j)];
            c[(i, j)] = if x > 0.0 { libm::log(x * total / (rows[i] * rows[j])) } else { 0.0 };
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
