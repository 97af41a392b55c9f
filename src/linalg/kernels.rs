//! Matrix products, dot products and norms in a fixed order of operations, so that the same
//! inputs give the same bits natively and in WebAssembly.
//!
//! Why by hand: faer picks its kernels at run time (AVX2 and FMA natively, simd128 in wasm) and
//! blocks its matrix products by the cache sizes it detects, so its sums are added in a
//! different order, and rounded differently, on each machine. These loops have one order,
//! written here: Rust neither fuses a multiply and an add nor reassociates a sum, so the compiler
//! may vectorise them (it does, natively and with simd128) but not change their results.
//!
//! Every matrix is column-major with contiguous columns (an owned `Mat` or a column range of
//! one); a transpose is asked for by the function's name, not by a transposed view.

use super::column;
use faer::{Mat, MatRef};

/// <a, b> by four interleaved partial sums, added in a fixed order at the end (one running sum
/// could not be vectorised: the compiler may not reorder it).
#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = a4.remainder().iter().zip(b4.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in a4.zip(b4) {
        for k in 0..4 {
            acc[k] += x[k] * y[k];
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// ||x||_2.
#[inline]
pub(crate) fn norm(x: &[f64]) -> f64 {
    dot(x, x).sqrt()
}

/// y += alpha x.
#[inline]
pub(crate) fn axpy(alpha: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
}

/// The Frobenius norm of a, column by column.
pub(crate) fn frobenius(a: MatRef<'_, f64>) -> f64 {
    (0..a.ncols()).map(|j| dot(column(a, j), column(a, j))).sum::<f64>().sqrt()
}

/// Column j of an owned matrix, mutable.
pub(crate) fn column_mut(a: &mut Mat<f64>, j: usize) -> &mut [f64] {
    a.col_mut(j).try_as_col_major_mut().expect("owned columns are contiguous").as_slice_mut()
}

/// out = sum over l of coef(l) a_l (a's columns), added in order of l; four columns per pass
/// over `out` (the same sums as one axpy per column, in the same order).
fn combine_into(a: MatRef<'_, f64>, coef: impl Fn(usize) -> f64, out: &mut [f64]) {
    combine_range(a, 0, a.ncols(), &coef, out);
}

/// [`combine_into`] over the columns `from..to` of a only: the sum over those l of coef(l) a_l
/// added to `out`. Consecutive ranges give the same bits as one call over their union: every form
/// adds one column at a time, in order.
fn combine_range(a: MatRef<'_, f64>, from: usize, to: usize, coef: &impl Fn(usize) -> f64, out: &mut [f64]) {
    let mut l = from;
    while l + 4 <= to {
        let (c0, c1, c2, c3) = (coef(l), coef(l + 1), coef(l + 2), coef(l + 3));
        let (a0, a1, a2, a3) = (column(a, l), column(a, l + 1), column(a, l + 2), column(a, l + 3));
        for (i, o) in out.iter_mut().enumerate() {
            *o = *o + c0 * a0[i] + c1 * a1[i] + c2 * a2[i] + c3 * a3[i];
        }
        l += 4;
    }
    for l in l..to {
        axpy(coef(l), column(a, l), out);
    }
}

/// Columns of A per pass of [`mul`] and [`mul_nt`] over all outputs (a multiple of four): with
/// several outputs, each stretch of A is read once while it is in cache, not once per output.
const STRETCH: usize = 32;

/// A B, (m, k) times (k, n): column j of the product is the sum of A's columns weighted by
/// column j of B.
pub(crate) fn mul(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> Mat<f64> {
    assert_eq!(a.ncols(), b.nrows(), "inner dimensions of A B");
    weighted_columns(a, b.ncols(), |l, j| b[(l, j)])
}

/// The (m, outputs) matrix whose column j is the sum over l of weight(l, j) a_l, each stretch of
/// [`STRETCH`] columns of A going to every output before the next.
fn weighted_columns(a: MatRef<'_, f64>, outputs: usize, weight: impl Fn(usize, usize) -> f64) -> Mat<f64> {
    let mut out = Mat::zeros(a.nrows(), outputs); // (m, outputs)
    for from in (0..a.ncols()).step_by(STRETCH) {
        let to = (from + STRETCH).min(a.ncols());
        for j in 0..outputs {
            combine_range(a, from, to, &|l| weight(l, j), column_mut(&mut out, j));
        }
    }
    out
}

/// A^T B, (m, k)^T times (m, n): entry (i, j) is <a_i, b_j>, each column of A read once.
pub(crate) fn mul_tn(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> Mat<f64> {
    assert_eq!(a.nrows(), b.nrows(), "inner dimensions of A^T B");
    let mut out = Mat::zeros(a.ncols(), b.ncols()); // (k, n)
    for i in 0..a.ncols() {
        let ai = column(a, i);
        for j in 0..b.ncols() {
            out[(i, j)] = dot(ai, column(b, j));
        }
    }
    out
}

/// A B^T, (m, k) times (n, k)^T: column j is the sum of A's columns weighted by row j of B.
pub(crate) fn mul_nt(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> Mat<f64> {
    assert_eq!(a.ncols(), b.ncols(), "inner dimensions of A B^T");
    weighted_columns(a, b.nrows(), |l, j| b[(j, l)])
}

/// x -= Q (Q^T x), twice (classical Gram-Schmidt: all of Q^T x first, then the subtraction;
/// "twice is enough" for orthogonality to rounding).
pub(crate) fn project_out(q: MatRef<'_, f64>, x: &mut [f64]) {
    let mut c = vec![0.0; q.ncols()]; // (columns of Q,) Q^T x
    for _ in 0..2 {
        for (ci, i) in c.iter_mut().zip(0..) {
            *ci = dot(column(q, i), x);
        }
        for (&ci, i) in c.iter().zip(0..) {
            axpy(-ci, column(q, i), x);
        }
    }
}

/// Rows per block of [`gram_mul`]'s one pass over a tall A: a block of 32 rows of 1000 columns
/// (256 KiB) stays in a core's L2 cache between its two uses. (On the 3500 x 1000 benchmark: 16
/// rows took 0.94 s, 32 rows 0.39 s, 64 rows 0.41-0.44 s, 128 rows 0.48 s.)
const GRAM_ROWS: usize = 32;

/// A A^T X for a wide or square (m, n) A (m <= n), or A^T A X for a tall one, X having a column
/// per vector:
/// the Gram product of the smaller side, reading A once instead of twice. Lanczos on the Gram
/// matrix is bound by reading A (28 MB at the real-data size, per step).
/// - Wide or square: A A^T x = sum over columns j of <a_j, x> a_j, column by column in order:
///   each column is used twice while in the L1 cache, and A is read once, in order.
/// - Tall: by blocks R of [`GRAM_ROWS`] rows, y_R = A_R x and then z += A_R^T y_R (entry j adds
///   <a_j[R], y_R>), the blocks in order. Short strided pieces of each column: slower than the
///   wide form (CLAIME builds its PMI wide, `estimators::claime::pmi_svd`).
pub(crate) fn gram_mul(a: MatRef<'_, f64>, x: MatRef<'_, f64>) -> Mat<f64> {
    let (m, n) = (a.nrows(), a.ncols());
    let side = m.min(n);
    assert_eq!(x.nrows(), side, "rows of X: the smaller side of A");
    let mut out = Mat::zeros(side, x.ncols()); // (smaller side, columns of X)
    for c in 0..x.ncols() {
        let xc = column(x, c);
        let oc = column_mut(&mut out, c);
        if m <= n {
            for j in 0..n {
                let aj = column(a, j);
                axpy(dot(aj, xc), aj, oc);
            }
        } else {
            let mut y = [0.0f64; GRAM_ROWS]; // (rows of the block,) A_R x
            for r0 in (0..m).step_by(GRAM_ROWS) {
                let r1 = (r0 + GRAM_ROWS).min(m);
                let yr = &mut y[..r1 - r0];
                yr.fill(0.0);
                combine_into(a.get(r0..r1, ..), |j| xc[j], yr);
                for (j, o) in oc.iter_mut().enumerate() {
                    *o += dot(&column(a, j)[r0..r1], yr);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;

    fn gaussian(m: usize, n: usize, seed: u64) -> Mat<f64> {
        crate::linalg::gaussian(m, n, seed, Stream::Linalg)
    }

    #[test]
    fn products_agree_with_faer_to_rounding() {
        let (a, b, c) = (gaussian(37, 9, 1), gaussian(9, 13, 2), gaussian(37, 13, 3));
        let close = |x: &Mat<f64>, y: &Mat<f64>| (x - y).norm_l2() <= 1e-13 * y.norm_l2();
        assert!(close(&mul(a.as_ref(), b.as_ref()), &(&a * &b)));
        assert!(close(&mul_tn(a.as_ref(), c.as_ref()), &(a.transpose() * &c)));
        assert!(close(&mul_nt(c.as_ref(), b.as_ref()), &(&c * b.transpose())));
        assert!((frobenius(a.as_ref()) - a.norm_l2()).abs() <= 1e-13 * a.norm_l2());
        // The Gram products of both shapes, with a last row block shorter than the others.
        let (tall, x) = (gaussian(2 * GRAM_ROWS + 5, 9, 6), gaussian(9, 2, 7));
        assert!(close(&gram_mul(tall.as_ref(), x.as_ref()), &(tall.transpose() * (&tall * &x))));
        let (wide, y) = (gaussian(9, 31, 8), gaussian(9, 2, 9));
        assert!(close(&gram_mul(wide.as_ref(), y.as_ref()), &(&wide * (wide.transpose() * &y))));
    }

    #[test]
    fn four_columns_per_pass_add_in_the_order_of_one_axpy_per_column() {
        let (a, x) = (gaussian(23, 11, 4), gaussian(11, 1, 5));
        let mut one_by_one = vec![0.0; 23];
        for l in 0..11 {
            axpy(x[(l, 0)], column(a.as_ref(), l), &mut one_by_one);
        }
        let got = mul(a.as_ref(), x.as_ref());
        assert!(column(got.as_ref(), 0).iter().zip(&one_by_one).all(|(g, w)| g.to_bits() == w.to_bits()));
        // Across stretches of A too (71 columns: three stretches, the last one short).
        let (a, x) = (gaussian(23, 71, 10), gaussian(71, 3, 11));
        let got = mul(a.as_ref(), x.as_ref());
        for j in 0..3 {
            let mut one_by_one = vec![0.0; 23];
            for l in 0..71 {
                axpy(x[(l, j)], column(a.as_ref(), l), &mut one_by_one);
            }
            assert!(column(got.as_ref(), j).iter().zip(&one_by_one).all(|(g, w)| g.to_bits() == w.to_bits()));
        }
    }
}
