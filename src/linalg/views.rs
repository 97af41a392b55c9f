//! Zero-copy views between `ndarray` (the library's surface) and faer (the factorization
//! engine): both describe a matrix by a pointer, its dimensions and two strides counted in
//! elements, so a view of either is a view of the same memory, whatever the layout.

use faer::MatRef;
use ndarray::{Array2, ArrayView2, ShapeBuilder};

/// The faer view of a 2-D array: same memory, same strides (a row-major array gives a
/// row-major `MatRef`, a column-major one a column-major `MatRef`).
pub fn faer_ref(a: ArrayView2<'_, f64>) -> MatRef<'_, f64> {
    let (rows, cols) = a.dim();
    let s = a.strides();
    // SAFETY: the pointer, dimensions and strides are the array's own, so every (i, j) with
    // i < rows, j < cols addresses one of its elements, borrowed for the view's lifetime.
    unsafe { MatRef::from_raw_parts(a.as_ptr(), rows, cols, s[0], s[1]) }
}

/// [`faer_ref`] of an owned array: how the estimators, metrics and trainers read the embeddings
/// (column-major arrays, so faer sees contiguous columns, as its own matrices have).
pub fn mat(a: &Array2<f64>) -> MatRef<'_, f64> {
    faer_ref(a.view())
}

/// A (rows, cols) column-major array with entries `f(i, j)`, filled column by column: the layout
/// of the embeddings ([`crate::Fit`], [`crate::simulate::Truth`]).
pub fn col_major(rows: usize, cols: usize, mut f: impl FnMut(usize, usize) -> f64) -> Array2<f64> {
    let mut data = Vec::with_capacity(rows * cols);
    for j in 0..cols {
        for i in 0..rows {
            data.push(f(i, j));
        }
    }
    Array2::from_shape_vec((rows, cols).f(), data).expect("rows * cols entries")
}

/// A column-major array with a faer matrix's entries (a copy).
pub fn to_array(m: MatRef<'_, f64>) -> Array2<f64> {
    col_major(m.nrows(), m.ncols(), |i, j| m[(i, j)])
}

/// The `ndarray` view of a faer matrix: same memory, same strides.
///
/// # Panics
/// On a negative stride (a reversed faer view), which `ndarray` cannot take from a pointer to
/// the first element; no code here makes one.
pub fn array_view(m: MatRef<'_, f64>) -> ArrayView2<'_, f64> {
    let (rows, cols) = (m.nrows(), m.ncols());
    let stride = |s: isize| usize::try_from(s).expect("a faer view with non-negative strides");
    let (rs, cs) = (stride(m.row_stride()), stride(m.col_stride()));
    // SAFETY: as for `faer_ref`: the faer matrix's pointer, dimensions and strides address its
    // elements, which stay borrowed for the view's lifetime; the strides are non-negative.
    unsafe { ArrayView2::from_shape_ptr((rows, cols).strides((rs, cs)), m.as_ptr()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn views_share_memory_in_both_layouts() {
        let c = Array2::from_shape_fn((3, 5), |(i, j)| (10 * i + j) as f64);
        let f = Array2::from_shape_fn((3, 5).f(), |(i, j)| (10 * i + j) as f64);
        for a in [&c, &f] {
            let m = faer_ref(a.view());
            assert_eq!(m.as_ptr(), a.as_ptr());
            assert_eq!((m.nrows(), m.ncols()), a.dim());
            for ((i, j), x) in a.indexed_iter() {
                assert_eq!(m[(i, j)], *x);
            }
            let back = array_view(m);
            assert_eq!(back.as_ptr(), a.as_ptr());
            assert_eq!(back, a.view());
        }
        let owned = faer::Mat::from_fn(4, 2, |i, j| (i + 7 * j) as f64);
        let v = array_view(owned.as_ref());
        assert_eq!(v.as_ptr(), owned.as_ptr());
        assert_eq!(v[[3, 1]], 10.0);
    }
}
