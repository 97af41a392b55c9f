//! The estimators of model.md §4, one per file, one signature:
//! `fn fit(stats: &SummaryStats, p: usize, seed: u64) -> Result<Fit>`.

pub mod cl;
pub mod claime;
pub mod concate;

use crate::error::{Error, Result};
use crate::linalg::col_major;
use crate::stats::{row_major, SummaryStats};
use faer::Mat;
use ndarray::Array2;
use serde::{Deserialize, Serialize};

/// The SVD/eigen estimators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Cross-modal PMI, rank-p SVD (Proposition 2.1).
    Claime,
    /// Concatenated log-PMI, top-p eigenpairs (eq. 2.5).
    Concate,
    /// Concatenated contrastive PMI, top-p eigenpairs (Proposition 2.2).
    Cl,
}

impl Method {
    /// Every method with its name.
    pub const ALL: [(Method, &'static str); 3] =
        [(Method::Claime, "claime"), (Method::Concate, "concate"), (Method::Cl, "cl")];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        Method::ALL.iter().find(|(m, _)| *m == self).map(|(_, s)| *s).unwrap_or("claime")
    }

    /// The paper's name, for legends: CLAIME, Concate, CL.
    pub fn label(self) -> &'static str {
        match self {
            Method::Claime => "CLAIME",
            Method::Concate => "Concate",
            Method::Cl => "CL",
        }
    }

    /// Parses a name, naming the allowed values on error.
    pub fn parse(s: &str) -> Result<Self> {
        Method::ALL
            .iter()
            .find(|(_, n)| *n == s.trim())
            .map(|(m, _)| *m)
            .ok_or_else(|| Error::param("methods", format!("'{s}'"), "claime, concate or cl"))
    }

    /// Parses a comma-separated list, without duplicates.
    pub fn parse_list(s: &str) -> Result<Vec<Method>> {
        let mut out = Vec::new();
        for part in s.split(',').filter(|x| !x.trim().is_empty()) {
            let m = Method::parse(part)?;
            if !out.contains(&m) {
                out.push(m);
            }
        }
        if out.is_empty() {
            return Err(Error::param("methods", "an empty list", "at least one of claime, concate, cl"));
        }
        Ok(out)
    }

    /// Whether the method needs the within-modality counts C11, C22.
    pub fn needs_within(self) -> bool {
        !matches!(self, Method::Claime)
    }

    /// Whether any of `methods` needs the within-modality counts: what the memory estimates
    /// ([`crate::params::Params::check_for`]) take.
    pub fn any_needs_within(methods: &[Method]) -> bool {
        methods.iter().any(|m| m.needs_within())
    }

    /// Fits the method to summary statistics.
    pub fn fit(self, stats: &SummaryStats, p: usize, seed: u64) -> Result<Fit> {
        match self {
            Method::Claime => claime::fit(stats, p, seed),
            Method::Concate => concate::fit(stats, p, seed),
            Method::Cl => cl::fit(stats, p, seed),
        }
    }
}

/// Estimated embeddings of one method.
#[derive(Debug, Clone)]
pub struct Fit {
    /// (d1, p) estimated code embeddings, column-major ([`crate::linalg::mat`] views it in faer).
    pub v1: Array2<f64>,
    /// (d2, p) estimated CUI embeddings, column-major.
    pub v2: Array2<f64>,
    /// (p,) the leading singular values (CLAIME) or eigenvalues (Concate, CL) used.
    pub spectrum: Vec<f64>,
    /// Features with no usable counts, given zero rows (codes, CUIs).
    pub zero_rows: (usize, usize),
}

/// Builds the concatenated same-patient co-occurrence C = X^T X - diag(N) (d, d) from the
/// statistics, or explains that C11/C22 are missing.
pub(crate) fn concatenated_c(stats: &SummaryStats, method: &str) -> Result<Mat<f64>> {
    let within = stats.within.as_ref().ok_or_else(|| Error::Unsupported {
        what: format!("{method} needs within-modality counts (code_code and cui_cui), which this summary lacks"),
    })?;
    let (d1, d2) = (stats.d1, stats.d2);
    let d = d1 + d2;
    let (c11, c22, d12) = (row_major(&within.c11), row_major(&within.c22), row_major(&stats.d12));
    // Entry (i, j) of the upper triangle (i <= j), from the row-major blocks of the statistics.
    let upper = |i: usize, j: usize| -> f64 {
        match (i < d1, j < d1) {
            (true, true) => c11[i * d1 + j],
            (true, false) => d12[i * d2 + (j - d1)],
            _ => c22[(i - d1) * d2 + (j - d1)],
        }
    };
    // Filled by tiles, each written and mirrored while it is in the cache (C is column-major:
    // a plain mirror would write every entry of the lower triangle a whole column apart).
    const TILE: usize = 32;
    let mut c = Mat::zeros(d, d);
    for j0 in (0..d).step_by(TILE) {
        for i0 in (0..=j0).step_by(TILE) {
            for j in j0..(j0 + TILE).min(d) {
                for i in i0..(i0 + TILE).min(j + 1) {
                    let x = upper(i, j);
                    c[(i, j)] = x;
                    c[(j, i)] = x;
                }
            }
        }
    }
    Ok(c)
}

/// The row sums of a symmetric (d, d) matrix, summed down its contiguous columns (equal by
/// symmetry; the same order on every platform).
pub(crate) fn symmetric_row_sums(c: &Mat<f64>) -> Vec<f64> {
    (0..c.ncols()).map(|j| crate::linalg::column(c.as_ref(), j).iter().sum()).collect()
}

/// V = U diag(sqrt(max(lambda, 0))) from top eigenpairs of a (d, d) matrix, split by modality.
pub(crate) fn embed_from_eigen(e: &crate::linalg::Eigen, d1: usize) -> (Array2<f64>, Array2<f64>) {
    let (d, k) = (e.vectors.nrows(), e.vectors.ncols());
    let entry = |i: usize, j: usize| e.vectors[(i, j)] * e.values[j].max(0.0).sqrt();
    (col_major(d1, k, entry), col_major(d - d1, k, |i, j| entry(d1 + i, j)))
}
