//! Truncated SVD and top eigenpairs (our Lanczos with full reorthogonalization, module
//! `lanczos`), their dense counterparts, orthonormal bases, subspace distances and orthogonal
//! Procrustes.
//!
//! Small cohorts make spectra with repeated values (low rank, identical features): the `guard`
//! module detects them cheaply and factors them another exact way.
//!
//! **Same bits natively and in WebAssembly.** faer's kernels pick SIMD and FMA paths by CPU and
//! block by cache size, which changes the last bits of every product. So the products (module
//! `kernels`) and the dense factorizations (module `dense`) that the estimators and metrics use
//! are written here in a fixed order of operations. faer provides the matrix type, and the dense
//! factorizations of large matrices, reached only when Lanczos fails on one or a Ritz problem
//! grows past 600 (the limits are in module `dense`). The simulation's two small routines (a
//! cyclic Jacobi eigensolver for p x p matrices, a modified Gram-Schmidt; module `small`) are
//! here for the same reason.

use crate::error::{Error, Result};
use faer::{Mat, MatRef, Side};

mod dense;
mod guard;
pub(crate) mod kernels;
mod lanczos;
mod small;
mod views;

pub use small::{gram_schmidt, jacobi_eigen};
pub use views::{array_view, col_major, faer_ref, mat, to_array};

use kernels::{frobenius, mul, mul_nt, mul_tn};

/// A rank-k truncated SVD A ~ U diag(s) V^T.
#[derive(Debug, Clone)]
pub struct Svd {
    /// (m, k) left singular vectors.
    pub u: Mat<f64>,
    /// (k,) singular values, non-increasing.
    pub s: Vec<f64>,
    /// (n, k) right singular vectors.
    pub v: Mat<f64>,
}

/// Top-k eigenpairs of a symmetric matrix, eigenvalues non-increasing (largest algebraic).
#[derive(Debug, Clone)]
pub struct Eigen {
    /// (k,) eigenvalues.
    pub values: Vec<f64>,
    /// (n, k) eigenvectors.
    pub vectors: Mat<f64>,
}

/// Below this smaller dimension the dense factorization is used (Krylov needs room).
const DENSE_BELOW: usize = 160;
/// Sketch columns beyond the k wanted: a rank below k + this is treated as low (module `guard`).
const SKETCH_EXTRA: usize = 8;

/// The largest Krylov basis for k wanted pairs of an n x n operator; past it the dense
/// factorization takes over. (The paper-scale fits converge at 70-180, the 3500 x 1000 one at 90.)
fn max_krylov_dim(n: usize, k: usize) -> usize {
    n.min((20 * k).max(400))
}

/// Dense SVD, truncated to rank k: one-sided Jacobi (module `dense`) below 400 rows or columns,
/// faer's above (or if Jacobi does not converge).
pub fn dense_svd(a: MatRef<'_, f64>, k: usize) -> Result<Svd> {
    let k = k.min(a.nrows()).min(a.ncols());
    if a.nrows().min(a.ncols()) < dense::SVD_LARGEST {
        if let Ok((u, s, v)) = dense::svd(a) {
            return Ok(Svd { u: u.get(.., ..k).to_owned(), s: s[..k].to_vec(), v: v.get(.., ..k).to_owned() });
        }
    }
    let svd = a.thin_svd().map_err(|e| Error::Unsupported { what: format!("SVD failed to converge: {e:?}") })?;
    Ok(Svd {
        u: svd.U().get(.., ..k).to_owned(),
        s: (0..k).map(|i| svd.S()[i]).collect(),
        v: svd.V().get(.., ..k).to_owned(),
    })
}

/// All eigenpairs of a symmetric matrix, values non-decreasing: the QL method (module `dense`)
/// below 600, faer's above (or if QL does not converge).
fn symmetric_eigen(a: MatRef<'_, f64>) -> Result<(Vec<f64>, Mat<f64>)> {
    if a.nrows() < dense::EIGEN_LARGEST {
        if let Ok(found) = dense::symmetric_eigen(a) {
            return Ok(found);
        }
    }
    let evd = a
        .self_adjoint_eigen(Side::Lower)
        .map_err(|e| Error::Unsupported { what: format!("eigendecomposition failed: {e:?}") })?;
    Ok(((0..a.nrows()).map(|i| evd.S()[i]).collect(), evd.U().to_owned()))
}

/// Rank-k truncated SVD: the top k eigenpairs of A^T A (or A A^T, the smaller) by Lanczos
/// (module `lanczos`), the other side's vectors by one product with A. The dense SVD takes over
/// for small matrices, when Lanczos does not converge, or when a wanted value is below 1e-8 of
/// the largest (A^T A squares it into rounding). A matrix of numerical rank below k + 8 is
/// factored through its range sketch instead (module `guard`). Every Lanczos result is checked
/// ([`svd_is_sound`]).
pub fn truncated_svd(a: MatRef<'_, f64>, k: usize, seed: u64) -> Result<Svd> {
    let (m, n) = (a.nrows(), a.ncols());
    let k = k.min(m).min(n);
    if m.min(n) < DENSE_BELOW.max(4 * k + 8) {
        return dense_svd(a, k);
    }
    if let Some(w) = guard::low_rank_basis(a, k + SKETCH_EXTRA, k, seed) {
        // A = W (W^T A): the SVD of the small (r + k, n) W^T A, left vectors mapped by W.
        let svd = dense_svd(mul_tn(w.as_ref(), a).as_ref(), k)?;
        return Ok(Svd { u: mul(w.as_ref(), svd.u.as_ref()), s: svd.s, v: svd.v });
    }
    match lanczos_svd(a, k, seed) {
        Some(svd) if svd_is_sound(a, &svd) => Ok(svd),
        _ => dense_svd(a, k),
    }
}

/// The Lanczos SVD through the Gram matrix of the smaller side, or `None`.
fn lanczos_svd(a: MatRef<'_, f64>, k: usize, seed: u64) -> Option<Svd> {
    let wide = a.nrows() <= a.ncols(); // as kernels::gram_mul decides
    let side = a.nrows().min(a.ncols());
    let mut apply = |x: MatRef<'_, f64>| -> Mat<f64> { kernels::gram_mul(a, x) };
    let (values, vectors) = lanczos::top_eigenpairs(side, k, max_krylov_dim(side, k), seed, &mut apply)?;
    let s: Vec<f64> = values.iter().map(|&l| l.max(0.0).sqrt()).collect();
    if s.iter().any(|&x| !(x > 1e-8 * s[0])) {
        return None;
    }
    let other = if wide { mul_tn(a, vectors.as_ref()) } else { mul(a, vectors.as_ref()) }; // (other side, k)
    let other = Mat::from_fn(other.nrows(), k, |i, j| other[(i, j)] / s[j]);
    Some(if wide { Svd { u: vectors, s, v: other } } else { Svd { u: other, s, v: vectors } })
}

/// Whether (U, s, V) are singular triplets of `a`: values finite, non-negative and
/// non-increasing, U and V orthonormal to 1e-8, and ||A v_i - s_i u_i|| <= 1e-8 s_1. Costs k
/// products with A. (It cannot tell that no larger value was missed; a value returned twice,
/// as faer's Krylov-Schur once did, breaks orthonormality.)
pub fn svd_is_sound(a: MatRef<'_, f64>, svd: &Svd) -> bool {
    let k = svd.s.len();
    let ordered = svd.s.iter().all(|x| x.is_finite() && *x >= 0.0) && svd.s.windows(2).all(|w| w[0] >= w[1]);
    if !ordered || k == 0 {
        return ordered;
    }
    if !is_orthonormal(svd.u.as_ref()) || !is_orthonormal(svd.v.as_ref()) {
        return false;
    }
    columns_match(mul(a, svd.v.as_ref()).as_ref(), &svd.s, svd.u.as_ref(), 1e-8 * svd.s[0].max(f64::MIN_POSITIVE))
}

/// A (m, n) matrix of independent standard normals from `stream`'s generator for `seed` (tests).
#[cfg(test)]
pub(crate) fn gaussian(m: usize, n: usize, seed: u64, which: crate::rng::Stream) -> Mat<f64> {
    let mut rng = crate::rng::stream(seed, which);
    let mut nrm = crate::rng::Normal::new();
    Mat::from_fn(m, n, |_, _| nrm.sample(&mut rng))
}

/// Column j of a column-major matrix (an owned `Mat` or a column range of one), as a slice.
pub(crate) fn column(a: MatRef<'_, f64>, j: usize) -> &[f64] {
    a.col(j).try_as_col_major().expect("faer columns are contiguous").as_slice()
}

/// Whether Q^T Q = I to 1e-8 entry by entry.
fn is_orthonormal(q: MatRef<'_, f64>) -> bool {
    let g = mul_tn(q, q); // (k, k)
    let k = q.ncols();
    (0..k).all(|i| (0..k).all(|j| (g[(i, j)] - if i == j { 1.0 } else { 0.0 }).abs() <= 1e-8))
}

/// Whether every column j has ||left_j - values_j right_j|| <= tol (the residuals of
/// A v = s u or A x = lambda x).
fn columns_match(left: MatRef<'_, f64>, values: &[f64], right: MatRef<'_, f64>, tol: f64) -> bool {
    values.iter().enumerate().all(|(j, &v)| {
        let r: f64 = (0..left.nrows()).map(|i| (left[(i, j)] - v * right[(i, j)]).powi(2)).sum();
        r.sqrt() <= tol
    })
}

/// Dense: the k largest-algebraic eigenpairs of a symmetric matrix.
pub fn dense_top_eigen(a: MatRef<'_, f64>, k: usize) -> Result<Eigen> {
    let (values, vectors) = symmetric_eigen(a)?;
    let n = a.nrows();
    let k = k.min(n);
    // Values come non-decreasing: take the last k, reversed.
    let idx: Vec<usize> = (0..k).map(|i| n - 1 - i).collect();
    Ok(Eigen {
        values: idx.iter().map(|&i| values[i]).collect(),
        vectors: Mat::from_fn(n, k, |r, c| vectors[(r, idx[c])]),
    })
}

/// The k largest-algebraic eigenpairs of a symmetric matrix by Lanczos (module
/// `lanczos`), checked ([`eigen_is_sound`]); the dense solver takes over for small matrices or
/// when Lanczos does not converge. Matrices with repeated eigenvalues from twin rows are factored
/// through their quotient (module `guard`).
pub fn top_eigen(a: MatRef<'_, f64>, k: usize, seed: u64) -> Result<Eigen> {
    let n = a.nrows();
    let k = k.min(n);
    if n < DENSE_BELOW.max(8 * k + 12) {
        return dense_top_eigen(a, k);
    }
    let classes = guard::twin_classes(a);
    if classes.iter().map(|c| c.len() - 1).sum::<usize>() >= 2 {
        return guard::deflated_top_eigen(a, &classes, k, seed);
    }
    let mut apply = |x: MatRef<'_, f64>| -> Mat<f64> { mul(a, x) };
    if let Some((values, vectors)) = lanczos::top_eigenpairs(n, k, max_krylov_dim(n, k), seed, &mut apply) {
        let eig = Eigen { values, vectors };
        if eigen_is_sound(a, &eig) {
            return Ok(eig);
        }
    }
    dense_top_eigen(a, k)
}

/// Whether (values, vectors) are eigenpairs of the symmetric `a`: values finite and
/// non-increasing, vectors orthonormal to 1e-8, ||A x_i - lambda_i x_i|| <= 1e-8 max |lambda|.
pub fn eigen_is_sound(a: MatRef<'_, f64>, eig: &Eigen) -> bool {
    let k = eig.values.len();
    let ordered = eig.values.iter().all(|x| x.is_finite()) && eig.values.windows(2).all(|w| w[0] >= w[1]);
    if !ordered || k == 0 {
        return ordered;
    }
    if !is_orthonormal(eig.vectors.as_ref()) {
        return false;
    }
    let scale = eig.values.iter().map(|x| x.abs()).fold(f64::MIN_POSITIVE, f64::max);
    columns_match(mul(a, eig.vectors.as_ref()).as_ref(), &eig.values, eig.vectors.as_ref(), 1e-8 * scale)
}

/// Orthonormal basis of the column space of v (d, p) by Gram-Schmidt (a thin QR, module
/// `dense`), dropping columns whose R diagonal is at most 1e-10 ||v||_F. Returns (d, r), r <= p.
pub fn orthonormal_basis(v: MatRef<'_, f64>) -> Mat<f64> {
    let (d, p) = (v.nrows(), v.ncols());
    let scale = frobenius(v);
    if !(scale > 0.0) || d == 0 || p == 0 {
        return Mat::zeros(d, 0);
    }
    dense::orthonormalize(v, false, 1e-10 * scale).0
}

/// ||Q1 Q1^T - Q2 Q2^T||_F for orthonormal Q1 (d, r1), Q2 (d, r2). Equal to
/// sqrt(r1 + r2 - 2 ||Q1^T Q2||_F^2), but computed as sqrt(||(I - P2) Q1||^2 + ||(I - P1) Q2||^2)
/// from residuals, which keeps full accuracy for nearly equal subspaces (the first form cancels
/// down to about 1e-8).
pub fn projection_distance_orthonormal(q1: MatRef<'_, f64>, q2: MatRef<'_, f64>) -> f64 {
    let cross = mul_tn(q1, q2); // (r1, r2)
    let r1 = q1 - mul_nt(q2, cross.as_ref()); // (d, r1)
    let r2 = q2 - mul(q1, cross.as_ref()); // (d, r2)
    let (n1, n2) = (frobenius(r1.as_ref()), frobenius(r2.as_ref()));
    (n1 * n1 + n2 * n2).sqrt()
}

/// Subspace (projection) distance between the column spaces of a and b.
pub fn subspace_distance(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> f64 {
    projection_distance_orthonormal(orthonormal_basis(a).as_ref(), orthonormal_basis(b).as_ref())
}

/// Orthogonal Procrustes: the (p, p) orthogonal R minimising ||a R - b||_F, from the SVD of a^T b.
pub fn procrustes(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> Result<Mat<f64>> {
    let m = mul_tn(a, b); // (p, p)
    let svd = dense_svd(m.as_ref(), m.nrows().min(m.ncols()))?;
    Ok(mul_nt(svd.u.as_ref(), svd.v.as_ref()))
}
