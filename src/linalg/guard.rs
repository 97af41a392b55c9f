//! What keeps the Lanczos solver (module `lanczos`) away from the inputs it cannot factor.
//!
//! Small cohorts make spectra with exactly repeated values. n patients give a PMI_CLAIME of rank
//! <= n + 1, so a zero singular value of multiplicity d - n - 1 is wanted once k > n + 1; and
//! features that occur only in the same one patient have identical profiles ("twins"), whose rows
//! of the Concate and CL PMI agree off their own pair, giving one eigenvalue A_ii - A_ij per extra
//! twin (46 copies of the third largest in magnitude with 3 patients and d = 400). A
//! single-vector Krylov space holds one copy of a repeated eigenvalue, and the SVD through
//! A^T A cannot resolve values near zero. (faer's Krylov-Schur, used before, hung on such inputs:
//! its reorthogonalization loop never ended once restarts brought back copies of an eigenvector.)
//! Two guards:
//!
//! - [`low_rank_basis`]: a Gaussian sketch Y = A Omega of q columns has the rank of A when that
//!   is below q; with a column-pivoted QR of Y, a rank below k + 8 sends the factorization
//!   through the small projection A = W W^T A, where W (orthonormal, rank + k columns) spans the
//!   range; its k extra columns carry the zero values that can be wanted.
//! - [`twin_classes`] and [`deflated_top_eigen`]: twins found by exact comparison (counts are
//!   integers, so twins get bit-identical PMI entries); each class G of c twins gives the exact
//!   eigenvalue A_ii - A_ij on the c - 1 zero-sum vectors of G, and the rest of the spectrum is
//!   that of the quotient B = P^T A P, with P the class indicators / sqrt(c) and the other unit
//!   vectors. B is factored by [`super::top_eigen`] and the two lists are merged.
//!
//! Both cost about one pass over A (a matrix product with q columns, a hash per row) and change
//! nothing for matrices of full numerical rank without twins.

use super::kernels::{frobenius, mul};
use super::{dense, top_eigen, Eigen};
use crate::error::Result;
use crate::rng::{stream, Normal, Stream};
use faer::{Mat, MatRef};
use std::collections::HashMap;

/// A pivoted-QR diagonal of the sketch below this fraction of ||Y||_F counts as numerically zero
/// (rounding noise of the product is about 1e-15 of it).
const RANK_TOL: f64 = 1e-10;

/// For a (m, n) of numerical rank r below `limit`, an orthonormal (m, r + extra) basis W whose
/// first r columns span the range of a (to [`RANK_TOL`]) and whose others are orthogonal to it,
/// from a Gaussian sketch with `limit` + `extra` columns. `None` when the rank is `limit` or more.
pub(super) fn low_rank_basis(a: MatRef<'_, f64>, limit: usize, extra: usize, seed: u64) -> Option<Mat<f64>> {
    let (m, n) = (a.nrows(), a.ncols());
    let q = (limit + extra).min(m).min(n);
    let mut rng = stream(seed, Stream::Linalg);
    let mut nrm = Normal::new();
    let omega = Mat::from_fn(n, q, |_, _| nrm.sample(&mut rng));
    let y = mul(a, omega.as_ref()); // (m, q)
    let scale = frobenius(y.as_ref());
    if scale == 0.0 {
        // A = 0: any orthonormal columns will do.
        return Some(Mat::from_fn(m, extra.min(m), |i, j| if i == j { 1.0 } else { 0.0 }));
    }
    // A column-pivoted QR of the sketch: its leading columns span the range, up to the rank.
    let (basis, _) = dense::orthonormalize(y.as_ref(), true, RANK_TOL * scale);
    let rank = basis.ncols();
    if rank >= limit {
        return None;
    }
    // The extra columns: Gaussian vectors orthogonalized against the range and each other.
    let width = (rank + extra).min(q).max(rank);
    let fresh = Mat::from_fn(m, width - rank, |_, _| nrm.sample(&mut rng)); // (m, width - rank)
    let (w, _) = dense::orthonormalize(concat_columns(basis.as_ref(), fresh.as_ref()).as_ref(), false, 0.0);
    // (A Gaussian column in the span of the others has probability zero; then Lanczos and its
    // checks take over.)
    (w.ncols() == width).then_some(w)
}

/// [a b], side by side.
fn concat_columns(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> Mat<f64> {
    Mat::from_fn(a.nrows(), a.ncols() + b.ncols(), |i, j| if j < a.ncols() { a[(i, j)] } else { b[(i, j - a.ncols())] })
}

/// The bits of x with -0 as +0, so that equal values hash equally.
fn key(x: f64) -> u64 {
    if x == 0.0 {
        0
    } else {
        x.to_bits()
    }
}

/// splitmix64's finalizer: a well-mixed hash of one entry.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Whether rows i and j of the symmetric a are twins: equal diagonal entries, a_ij = a_ji, and
/// equal entries in every other column.
fn twins(a: MatRef<'_, f64>, i: usize, j: usize) -> bool {
    a[(i, i)] == a[(j, j)]
        && a[(i, j)] == a[(j, i)]
        && (0..a.ncols()).all(|l| l == i || l == j || a[(i, l)] == a[(j, l)])
}

/// The classes (of two or more) of twin rows of the symmetric (n, n) a. Twinship is an
/// equivalence, so each class is checked against its first member; a row's key (its diagonal
/// and an order-free hash of its other entries, equal for twins) keeps the comparisons few.
pub(super) fn twin_classes(a: MatRef<'_, f64>) -> Vec<Vec<usize>> {
    let n = a.nrows();
    let mut buckets: HashMap<(u64, u64), Vec<usize>> = HashMap::new();
    for i in 0..n {
        let h = (0..n).filter(|&l| l != i).fold(0_u64, |h, l| h.wrapping_add(mix(key(a[(i, l)]))));
        buckets.entry((key(a[(i, i)]), h)).or_default().push(i);
    }
    let mut classes = Vec::new();
    for mut rows in buckets.into_values().filter(|b| b.len() > 1) {
        while rows.len() > 1 {
            let first = rows[0];
            let (class, rest): (Vec<usize>, Vec<usize>) = rows.iter().partition(|&&j| j == first || twins(a, first, j));
            if class.len() > 1 {
                classes.push(class);
            }
            rows = rest;
        }
    }
    classes.sort();
    classes
}

/// The k largest-algebraic eigenpairs of the symmetric (n, n) a with the given twin classes: the
/// exact twin eigenpairs and those of the quotient B (module docs), merged.
pub(super) fn deflated_top_eigen(a: MatRef<'_, f64>, classes: &[Vec<usize>], k: usize, seed: u64) -> Result<Eigen> {
    let n = a.nrows();
    // Columns of P: one per class (its members), then one per other row.
    let mut in_class = vec![false; n];
    for c in classes {
        c.iter().for_each(|&i| in_class[i] = true);
    }
    let mut groups: Vec<Vec<usize>> = classes.to_vec();
    groups.extend((0..n).filter(|&i| !in_class[i]).map(|i| vec![i]));
    let size = |g: &[usize]| g.len() as f64;
    // Entries of A are constant across twins, so B_gh = sqrt(c_g c_h) a(g0, h0) off the diagonal
    // and B_gg = a(g0, g0) + (c_g - 1) a(g0, g1).
    let b = Mat::from_fn(groups.len(), groups.len(), |r, c| {
        let (g, h) = (&groups[r], &groups[c]);
        if r != c {
            (size(g) * size(h)).sqrt() * a[(g[0], h[0])]
        } else if g.len() > 1 {
            a[(g[0], g[0])] + (size(g) - 1.0) * a[(g[0], g[1])]
        } else {
            a[(g[0], g[0])]
        }
    });
    // B is smaller than A, so the recursion ends.
    let eb = top_eigen(b.as_ref(), k, seed)?;
    // Candidates: (value, vector as (row, weight) pairs).
    let mut cands: Vec<(f64, Vec<(usize, f64)>)> = (0..eb.values.len())
        .map(|j| {
            let v = groups.iter().enumerate().flat_map(|(r, g)| {
                let w = eb.vectors[(r, j)] / size(g).sqrt();
                g.iter().map(move |&i| (i, w))
            });
            (eb.values[j], v.collect())
        })
        .collect();
    for g in classes {
        let value = a[(g[0], g[0])] - a[(g[0], g[1])];
        // Helmert basis of the zero-sum vectors on g: (e_1 + ... + e_t - t e_(t+1)) / sqrt(t (t + 1)).
        for t in 1..g.len().min(k + 1) {
            let s = 1.0 / ((t * (t + 1)) as f64).sqrt();
            let v = g[..t].iter().map(|&i| (i, s)).chain(std::iter::once((g[t], -(t as f64) * s)));
            cands.push((value, v.collect()));
        }
    }
    cands.sort_by(|x, y| y.0.total_cmp(&x.0));
    cands.truncate(k);
    let mut vectors = Mat::zeros(n, cands.len());
    for (j, (_, v)) in cands.iter().enumerate() {
        for &(i, w) in v {
            vectors[(i, j)] = w;
        }
    }
    Ok(Eigen { values: cands.iter().map(|c| c.0).collect(), vectors })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::{dense_top_eigen, gram_schmidt};

    fn gaussian(m: usize, n: usize, seed: u64) -> Mat<f64> {
        crate::linalg::gaussian(m, n, seed, Stream::Truth)
    }

    /// A symmetric (n, n) matrix whose entries depend only on the rows' types off the diagonal:
    /// rows of one type are twins.
    fn typed(n: usize, ty: impl Fn(usize) -> usize, seed: u64) -> Mat<f64> {
        let g = gaussian(n, n, seed);
        let s = &g + g.transpose();
        Mat::from_fn(n, n, |i, j| if i == j { 3.0 * s[(ty(i), ty(i))] } else { s[(ty(i), ty(j))] })
    }

    #[test]
    fn twin_classes_are_the_planted_ones() {
        // Rows 0..5 share type 0 and rows 5..8 type 1; the others have their own types.
        let a = typed(
            200,
            |i| match i {
                0..5 => 0,
                5..8 => 1,
                _ => i,
            },
            3,
        );
        assert_eq!(twin_classes(a.as_ref()), vec![vec![0, 1, 2, 3, 4], vec![5, 6, 7]]);
        let g = gaussian(200, 200, 4);
        assert!(twin_classes((&g + g.transpose()).as_ref()).is_empty(), "a generic matrix has no twins");
        // Equal rows off the pair but different diagonals are not twins.
        let mut b = a.clone();
        b[(1, 1)] += 1.0;
        assert_eq!(twin_classes(b.as_ref()), vec![vec![0, 2, 3, 4], vec![5, 6, 7]]);
    }

    #[test]
    fn deflation_matches_the_dense_eigendecomposition() {
        let a = typed(
            300,
            |i| match i {
                0..40 => 0,
                40..70 => 1,
                _ => i % 120,
            },
            5,
        );
        let classes = twin_classes(a.as_ref());
        for k in [1, 5, 20] {
            let t = deflated_top_eigen(a.as_ref(), &classes, k, 1).unwrap();
            let d = dense_top_eigen(a.as_ref(), k).unwrap();
            let scale = a.norm_l2();
            for i in 0..k {
                assert!((t.values[i] - d.values[i]).abs() < 1e-10 * scale, "k = {k}: {:?} vs {:?}", t.values, d.values);
            }
            let lambda = Mat::from_fn(k, k, |i, j| if i == j { t.values[i] } else { 0.0 });
            assert!((&a * &t.vectors - &t.vectors * &lambda).norm_l2() < 1e-10 * scale, "k = {k}: A V = V L");
            let gram = t.vectors.transpose() * &t.vectors - Mat::<f64>::identity(k, k);
            assert!(gram.norm_l2() < 1e-12, "k = {k}: orthonormal");
        }
    }

    #[test]
    fn low_rank_basis_spans_a_low_rank_range_and_leaves_full_rank_alone() {
        let (m, n, r, extra) = (300, 250, 3, 4);
        let a = &gaussian(m, r, 6) * &gaussian(r, n, 7);
        let w = low_rank_basis(a.as_ref(), 72, extra, 1).expect("rank 3 is low");
        assert_eq!(w.ncols(), r + extra);
        assert!((w.transpose() * &w - Mat::<f64>::identity(r + extra, r + extra)).norm_l2() < 1e-12);
        assert!((&a - &w * (w.transpose() * &a)).norm_l2() < 1e-12 * a.norm_l2(), "W spans the range");
        let zero = low_rank_basis(Mat::<f64>::zeros(m, n).as_ref(), 72, extra, 1).expect("zero is low");
        assert_eq!(zero.ncols(), extra);
        // A planted rank-4 matrix with small noise (as the tests of the Krylov path use) has full
        // numerical rank: the guard keeps out of the way.
        let u = gram_schmidt(&gaussian(m, 4, 8));
        let v = gram_schmidt(&gaussian(n, 4, 9));
        let noisy = &u * v.transpose() * 10.0 + gaussian(m, n, 10) * 0.01;
        assert!(low_rank_basis(noisy.as_ref(), 72, extra, 1).is_none());
    }
}
