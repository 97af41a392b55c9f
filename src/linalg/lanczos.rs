//! Lanczos with full reorthogonalization and Rayleigh-Ritz: the top k eigenpairs (largest
//! algebraic) of a symmetric operator known only through its products with blocks of vectors.
//!
//! Why by hand: faer's Krylov-Schur solvers (`matrix_free::eigen`) hang or return wrong pairs
//! when wanted values are repeated or clustered (module `guard`; on the 3500 x 1000 benchmark
//! PMI, top singular values 205.1, 204.3, 203.0, 202.1, 200.9, it returned the 3rd twice), and
//! then the dense factorization had to take over (0.9 s natively, 5 s in the browser). No
//! maintained crate offers a robust partial eigensolver that builds for wasm32; this one is
//! robust by construction:
//!
//! - **Full reorthogonalization** (classical Gram-Schmidt against the whole basis, twice, and a
//!   third time on heavy cancellation): the basis Q stays orthonormal to rounding, so no
//!   spurious copies of converged values appear (faer's failure).
//! - **Rayleigh-Ritz on H = Q^T A Q**, kept column by column from the exact products A Q (not a
//!   tridiagonal recursion), so nothing depends on the Krylov structure: when a new vector is
//!   (nearly) in the span of Q (an invariant subspace: low rank), it is replaced by a random one
//!   and the iteration goes on.
//! - **Exact residuals**: a Ritz pair (theta, x = Q y) is accepted when ||A Q y - theta Q y|| <=
//!   [`CONVERGED`] max |theta|, computed from the stored products, for each of the k wanted pairs.
//!
//! **[decision] One vector per block** ([`BLOCK`]). The code takes blocks of any width, and a
//! block of b vectors would also reach b copies of an exactly repeated eigenvalue, but
//! convergence goes with the polynomial degree (basis size / b): on the paper-scale Concate PMI
//! (1000 x 1000) b = 1 converged at m = 112 in 18 ms, b = 4 at m = 240 in 68 ms; on the 3500 x 1000
//! CLAIME PMI (through its Gram matrix) b = 1 took 0.35 s, b = 4 and 8 about 0.5 s. Exact repeats
//! among the wanted values come from twin features and low rank, which module `guard` factors
//! before Lanczos runs. Like ARPACK, a wanted eigenvector almost orthogonal to the random start
//! could in principle be found late; the residual checks catch wrong pairs, not missed ones.
//!
//! Costs per step: one product with the operator and 4 n m b flops of reorthogonalization (m =
//! basis size). The Ritz problem (dense m x m) is solved at basis sizes 25 % apart. The result is
//! `None` when the basis reaches `max_dim` without convergence, and the caller falls back to a
//! dense factorization.

use super::column;
use super::kernels::{self, dot, norm};
use crate::rng::{stream, Normal, Stream};
use faer::{Mat, MatMut, MatRef};

/// A Ritz pair is converged when its residual is below this times the largest |Ritz value|.
/// **[decision]** 1e-10, the default of the Spectra library's symmetric solvers: the metrics
/// move by about 1e-11 relative against 1e-12 (measured on the explorer's first snapshot), and
/// the matrix-vector products, most of a snapshot's time in the browser, fall by a fifth
/// (Concate and CL at d = 1000, 1250 patients: 112 products instead of 140).
const CONVERGED: f64 = 1e-10;
/// Without full convergence at the largest basis, a residual below this is still accepted.
const ACCEPTABLE: f64 = 1e-8;
/// A new basis vector that keeps less than this fraction of its norm after projection is
/// treated as lying in the span of the basis (breakdown) and replaced.
const BREAKDOWN: f64 = 1e-8;

/// Vectors per block (see the module documentation).
const BLOCK: usize = 1;

/// The top k eigenpairs (values non-increasing, (n, k) orthonormal vectors) of the symmetric
/// n x n operator `apply` (which maps an (n, b) block X to A X), with a Krylov basis of at most
/// `max_dim` vectors. `None` without convergence.
pub(super) fn top_eigenpairs(
    n: usize,
    k: usize,
    max_dim: usize,
    seed: u64,
    apply: &mut dyn FnMut(MatRef<'_, f64>) -> Mat<f64>,
) -> Option<(Vec<f64>, Mat<f64>)> {
    let k = k.min(n);
    if k == 0 {
        return Some((Vec::new(), Mat::zeros(n, 0)));
    }
    let max_dim = max_dim.min(n).max(k);
    let b = BLOCK.min(max_dim);
    let mut rng = stream(seed, Stream::Linalg);
    let mut nrm = Normal::new();
    let mut random = |rows: usize, cols: usize| Mat::from_fn(rows, cols, |_, _| nrm.sample(&mut rng));

    let mut q = Mat::<f64>::zeros(n, max_dim); // (n, max_dim) orthonormal basis, first m columns used
    let mut aq = Mat::<f64>::zeros(n, max_dim); // (n, max_dim) A Q
    let mut h = Mat::<f64>::zeros(max_dim, max_dim); // (max_dim, max_dim) Q^T A Q
    let mut m = 0;
    let mut next = random(n, b); // (n, b) the next block before orthonormalization
    let mut check_at = (4 * b).max(2 * k + b).min(max_dim);
    loop {
        let added = orthonormalize_into(&mut q, m, next.as_ref(), &mut random);
        if added == 0 {
            // The basis spans the whole space (m = n): the Ritz pairs are exact.
            return ritz(q.as_ref(), aq.as_ref(), h.as_ref(), m, k, f64::INFINITY);
        }
        let block = q.get(.., m..m + added);
        let product = apply(block); // (n, added)
        aq.get_mut(.., m..m + added).copy_from(&product);
        let m1 = m + added;
        // H[.., m..m1] = Q[.., ..m1]^T (A Q)[.., m..m1], and its mirror in the rows.
        for j in 0..added {
            let aqj = column(product.as_ref(), j);
            for i in 0..m1 {
                let x = dot(column(q.as_ref(), i), aqj);
                h[(i, m + j)] = x;
                h[(m + j, i)] = x;
            }
        }
        m = m1;
        if m >= check_at || m >= max_dim {
            let tol = if m >= max_dim { ACCEPTABLE } else { CONVERGED };
            if let Some(found) = ritz(q.as_ref(), aq.as_ref(), h.as_ref(), m, k, tol) {
                return Some(found);
            }
            if m >= max_dim {
                return None;
            }
            check_at = (m + m / 4).max(m + b).min(max_dim);
        }
        next = product;
        let b_next = b.min(max_dim - m);
        if b_next < next.ncols() {
            next = next.get(.., ..b_next).to_owned();
        }
    }
}

/// Appends the columns of `x` to the basis `q` (which has m orthonormal columns), orthonormalized
/// against it and each other; a column that (nearly) lies in the span is replaced by a random
/// one. Returns how many columns were added (fewer only when the space is exhausted).
fn orthonormalize_into(
    q: &mut Mat<f64>,
    m: usize,
    x: MatRef<'_, f64>,
    random: &mut dyn FnMut(usize, usize) -> Mat<f64>,
) -> usize {
    let n = q.nrows();
    let want = x.ncols().min(q.ncols() - m);
    let mut w = x.get(.., ..want).to_owned(); // (n, want)
    let before: Vec<f64> = (0..want).map(|j| norm(column(w.as_ref(), j))).collect();
    project_out(q.as_ref().get(.., ..m), w.as_mut());
    let mut added = 0;
    for (j, &norm0) in before.iter().enumerate() {
        // (n, 1), projected against the columns of this block already added (orthogonal to the
        // rest of Q).
        let mut col = w.get(.., j..j + 1).to_owned();
        project_out(q.as_ref().get(.., m..m + added), col.as_mut());
        let mut len = norm(column(col.as_ref(), 0));
        if len < 0.1 * norm0 && len > BREAKDOWN * norm0 {
            // Heavy cancellation: once more against the whole basis ("twice is enough" needs it).
            project_out(q.as_ref().get(.., ..m + added), col.as_mut());
            len = norm(column(col.as_ref(), 0));
        }
        let mut tries = 0;
        let mut reference = norm0;
        while !(len > BREAKDOWN * reference && len > 0.0) {
            // In the span of the basis: a random direction instead, if any is left.
            tries += 1;
            if m + added >= n || tries > 3 {
                return added;
            }
            col = random(n, 1);
            reference = norm(column(col.as_ref(), 0));
            project_out(q.as_ref().get(.., ..m + added), col.as_mut());
            len = norm(column(col.as_ref(), 0));
        }
        col *= faer::Scale(1.0 / len);
        q.col_mut(m + added).copy_from(col.col(0));
        added += 1;
    }
    added
}

/// w -= Q (Q^T w), twice, column by column of w (`kernels::project_out`). The Krylov basis's
/// products are written by hand (this, `kernels::mul` for Q Y and `kernels::dot`) because faer
/// ran the ones with a few columns (Q c, Q Y) through its matrix-matrix kernel, which is scalar
/// code in WebAssembly; these loops vectorise there and natively, and their fixed order gives the
/// same bits on both. Measured in the explorer's wasm: the snapshot profile's share of faer's
/// matrix kernels fell from 54 % to 46 % (the hand-written loops included); natively no change.
fn project_out(q: MatRef<'_, f64>, mut w: MatMut<'_, f64>) {
    for j in 0..w.ncols() {
        let wj = w.as_mut().col_mut(j).try_as_col_major_mut().expect("owned columns are contiguous").as_slice_mut();
        kernels::project_out(q, wj);
    }
}

/// The top k Ritz pairs of the first m basis vectors, if each residual is at most `tol` times
/// the largest |Ritz value|.
fn ritz(
    q: MatRef<'_, f64>,
    aq: MatRef<'_, f64>,
    h: MatRef<'_, f64>,
    m: usize,
    k: usize,
    tol: f64,
) -> Option<(Vec<f64>, Mat<f64>)> {
    let k = k.min(m);
    let (s, u) = super::symmetric_eigen(h.get(..m, ..m)).ok()?;
    // Eigenvalues come non-decreasing: the top k are the last k, reversed.
    let scale = (0..m).map(|i| s[i].abs()).fold(0.0, f64::max);
    let y = Mat::from_fn(m, k, |r, c| u[(r, m - 1 - c)]); // (m, k)
    let values: Vec<f64> = (0..k).map(|c| s[m - 1 - c]).collect();
    let x = kernels::mul(q.get(.., ..m), y.as_ref()); // (n, k) Ritz vectors
    let ax = kernels::mul(aq.get(.., ..m), y.as_ref()); // (n, k)
    if tol.is_finite() && !super::columns_match(ax.as_ref(), &values, x.as_ref(), tol * scale) {
        return None;
    }
    Some((values, x))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Q diag(values) Q^T for a random orthogonal Q (n, n), with Q.
    fn planted(values: &[f64], seed: u64) -> (Mat<f64>, Mat<f64>) {
        let n = values.len();
        let g = crate::linalg::gaussian(n, n, seed, Stream::Linalg);
        let q = g.qr().compute_thin_Q();
        let a = &q * Mat::from_fn(n, n, |i, j| if i == j { values[i] } else { 0.0 }) * q.transpose();
        (a, q)
    }

    fn run(a: &Mat<f64>, k: usize, max_dim: usize) -> Option<(Vec<f64>, Mat<f64>)> {
        let mut apply = |x: MatRef<'_, f64>| -> Mat<f64> { a * x };
        top_eigenpairs(a.nrows(), k, max_dim, 5, &mut apply)
    }

    #[test]
    fn clustered_top_values_come_out_in_order_with_small_residuals() {
        // Four wanted values 1e-3 apart above a bulk, and large negative values that must not
        // be taken for the largest algebraic ones.
        let n = 300;
        let values: Vec<f64> = (0..n)
            .map(|i| match i {
                0..=3 => 10.0 - 1e-3 * i as f64,
                4..=9 => -50.0 - i as f64,
                _ => 9.0 * (i as f64 / n as f64),
            })
            .collect();
        let (a, _) = planted(&values, 1);
        let (got, x) = run(&a, 4, n).expect("converges");
        for (i, g) in got.iter().enumerate() {
            assert!((g - values[i]).abs() < 1e-10, "value {i}: {g} vs {}", values[i]);
        }
        let r = &a * &x - &x * Mat::from_fn(4, 4, |i, j| if i == j { got[i] } else { 0.0 });
        assert!(r.norm_l2() < 1e-9, "residual {}", r.norm_l2());
        let gram = x.transpose() * &x - Mat::<f64>::identity(4, 4);
        assert!(gram.norm_l2() < 1e-12, "orthonormality {}", gram.norm_l2());
    }

    #[test]
    fn an_invariant_start_is_replaced_and_zero_values_are_found() {
        // Rank 2: the Krylov space is invariant after two steps; the wanted 3rd and 4th values
        // are zeros, reached through random replacement vectors.
        let n = 200;
        let values: Vec<f64> = (0..n).map(|i| [5.0, 3.0].get(i).copied().unwrap_or(0.0)).collect();
        let (a, _) = planted(&values, 2);
        let (got, x) = run(&a, 4, n).expect("converges");
        assert!((got[0] - 5.0).abs() < 1e-12 && (got[1] - 3.0).abs() < 1e-12, "{got:?}");
        assert!(got[2].abs() < 1e-12 && got[3].abs() < 1e-12, "{got:?}");
        let gram = x.transpose() * &x - Mat::<f64>::identity(4, 4);
        assert!(gram.norm_l2() < 1e-12, "orthonormality {}", gram.norm_l2());
    }

    #[test]
    fn no_convergence_within_the_basis_limit_is_reported() {
        // A flat bulk right under the wanted values: 8 basis vectors cannot resolve them.
        let n = 400;
        let values: Vec<f64> = (0..n).map(|i| 1.0 - 1e-4 * i as f64).collect();
        let (a, _) = planted(&values, 3);
        assert!(run(&a, 4, 8).is_none());
        // With the whole space it is exact.
        let (got, _) = run(&a, 4, n).expect("converges");
        assert!((got[3] - values[3]).abs() < 1e-12);
    }
}
