//! CL (paper Proposition 2.2): with the cross-patient counts Dm = N N^T - X^T X (d x d),
//!
//! PMI_CL(w,w') = [C(.,.)^2 / (C(w,.) C(w',.))] [C(w,w')/C(.,.) - Dm(w,w')/Dm(.,.)],
//!
//! Dm normalised by Dm(.,.) (\[decision\]: the printed normaliser is a typo, model.md §4);
//! top-p eigenpairs as for Concate. Features with C(w,.) = 0 get zero rows.

use super::{concatenated_c, embed_from_eigen, symmetric_row_sums, Fit};
use crate::error::{Error, Result};
use crate::linalg::top_eigen;
use crate::stats::SummaryStats;
use faer::Mat;

/// (d, d) contrastive PMI of the concatenated data.
pub fn pmi(stats: &SummaryStats) -> Result<Mat<f64>> {
    let mut c = concatenated_c(stats, "CL")?;
    let d = c.nrows();
    let n: Vec<f64> = stats.n1.iter().chain(stats.n2.iter()).cloned().collect();
    let rows = symmetric_row_sums(&c);
    let ctot: f64 = rows.iter().sum();
    let ntot: f64 = n.iter().sum();
    // Dm(.,.) = (sum N)^2 - sum(X^T X) = (sum N)^2 - C(.,.) - sum N.
    let dmtot = ntot * ntot - ctot - ntot;
    if !(ctot > 0.0) || !(dmtot > 0.0) {
        return Err(Error::Unsupported { what: "CL needs same-patient and cross-patient pairs".into() });
    }
    for j in 0..d {
        for i in 0..d {
            if rows[i] <= 0.0 || rows[j] <= 0.0 {
                c[(i, j)] = 0.0;
                continue;
            }
            let cij = c[(i, j)];
            let xtx = cij + if i == j { n[i] } else { 0.0 };
            let dm = n[i] * n[j] - xtx;
            c[(i, j)] = (ctot * ctot / (rows[i] * rows[j])) * (cij / ctot - dm / dmtot);
        }
    }
    Ok(c)
}

/// Fits CL.
pub fn fit(stats: &SummaryStats, p: usize, seed: u64) -> Result<Fit> {
    let m = pmi(stats)?;
    let e = top_eigen(m.as_ref(), p, seed)?;
    let (v1, v2) = embed_from_eigen(&e, stats.d1);
    let (d1, d2) = (stats.d1, stats.d2);
    let within = stats.within.as_ref();
    let row_zero = |i: usize| -> bool {
        let w = within.map(|w| (0..d1).map(|j| crate::stats::upper_at(&w.c11, i, j)).sum::<f64>()).unwrap_or(0.0);
        w + (0..d2).map(|j| stats.d12[[i, j]]).sum::<f64>() <= 0.0
    };
    let zc = (0..d1).filter(|&i| row_zero(i)).count();
    let zu = stats.n2.iter().filter(|x| **x <= 0.0).count();
    Ok(Fit { v1, v2, spectrum: e.values, zero_rows: (zc, zu) })
}
