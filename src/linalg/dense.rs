//! Dense factorizations in a fixed order of operations, so that the embeddings and the metrics
//! are the same bits natively and in WebAssembly (module `kernels` says why faer's are not):
//!
//! - [`symmetric_eigen`]: all eigenpairs of a symmetric matrix by Householder reduction to
//!   tridiagonal form and the implicit QL method (EISPACK's `tred2` and `tql2`, as in the public
//!   domain JAMA library). It solves Lanczos's Ritz problems (m x m, m up to a few hundred) and
//!   the small dense eigenproblems.
//! - [`svd`]: the thin SVD by one-sided (Hestenes) Jacobi rotations, the most accurate dense SVD
//!   for small matrices, and simple. It factors the small dense problems and the low-rank guard's
//!   W^T A.
//! - [`orthonormalize`]: Gram-Schmidt, each column twice ("twice is enough"), with or without
//!   column pivoting; its diagonal is |R_jj| of a QR factorization.
//!
//! **[decision]** These are unblocked O(n^3). Natively they are slower than faer's (measured with
//! random matrices: the eigensolver 12 ms against 4 ms at n = 150, 203 ms against 26 ms at 400;
//! the SVD, preconditioned by the eigenvectors of A^T A, 51 ms against 10 ms at 150), but the
//! problems they get are small: Ritz problems of a few hundred at most, and dense problems below
//! 160 (Lanczos needs room). So the eigensolver takes every symmetric problem below
//! [`EIGEN_LARGEST`] (600: the dense path of `linalg::top_eigen` reaches 8 p + 12 = 524 at
//! p = 64), the SVD every matrix whose smaller side is below [`SVD_LARGEST`] (400: the dense path
//! of `linalg::truncated_svd` reaches 4 p + 8 = 264). Larger ones go to faer; they are reached
//! only when Lanczos fails on a large matrix, or by a Ritz problem past 600 basis vectors (p > 30
//! and no convergence before), and only those results can differ in the last bits between the
//! command line and the browser.

use super::kernels::{axpy, column_mut, dot, mul, mul_tn, norm, project_out};
use super::{column, Error, Result};
use faer::{Mat, MatRef};

/// Symmetric problems of this size and more go to faer (module documentation).
pub(super) const EIGEN_LARGEST: usize = 600;
/// Matrices whose smaller side is this or more go to faer's SVD (module documentation).
pub(super) const SVD_LARGEST: usize = 400;

/// All eigenpairs of the symmetric (n, n) a (its lower triangle is read): eigenvalues
/// non-decreasing, eigenvectors the columns of the (n, n) matrix, in the same order.
pub(super) fn symmetric_eigen(a: MatRef<'_, f64>) -> Result<(Vec<f64>, Mat<f64>)> {
    let n = a.nrows();
    let finite = (0..n).all(|j| (j..n).all(|i| a[(i, j)].is_finite()));
    if !finite {
        return Err(Error::Unsupported { what: "eigendecomposition of a matrix with non-finite entries".into() });
    }
    if n == 0 {
        return Ok((Vec::new(), Mat::zeros(0, 0)));
    }
    // v[(k, j)] = V[k][j] of JAMA: column-major, so that every inner loop below runs down a column.
    let mut v = Mat::from_fn(n, n, |i, j| if i >= j { a[(i, j)] } else { a[(j, i)] });
    let mut d = vec![0.0; n]; // (n,) diagonal, then eigenvalues
    let mut e = vec![0.0; n]; // (n,) subdiagonal
    tred2(&mut v, &mut d, &mut e);
    tql2(&mut v, &mut d, &mut e)?;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&x, &y| d[x].total_cmp(&d[y]).then(x.cmp(&y)));
    let values = order.iter().map(|&i| d[i]).collect();
    let vectors = Mat::from_fn(n, n, |r, c| v[(r, order[c])]);
    Ok((values, vectors))
}

/// Householder reduction of the symmetric v to tridiagonal form (diagonal d, subdiagonal e[1..]),
/// with the orthogonal transformation accumulated in v.
fn tred2(v: &mut Mat<f64>, d: &mut [f64], e: &mut [f64]) {
    let n = d.len();
    for j in 0..n {
        d[j] = v[(n - 1, j)];
    }
    for i in (1..n).rev() {
        let scale: f64 = d[..i].iter().map(|x| x.abs()).sum();
        let mut h = 0.0;
        if scale == 0.0 {
            e[i] = d[i - 1];
            for j in 0..i {
                d[j] = v[(i - 1, j)];
                v[(i, j)] = 0.0;
                v[(j, i)] = 0.0;
            }
        } else {
            // The Householder vector.
            for x in &mut d[..i] {
                *x /= scale;
                h += *x * *x;
            }
            let mut f = d[i - 1];
            let mut g = h.sqrt();
            if f > 0.0 {
                g = -g;
            }
            e[i] = scale * g;
            h -= f * g;
            d[i - 1] = f - g;
            e[..i].fill(0.0);
            // The similarity transformation of the remaining columns.
            for j in 0..i {
                f = d[j];
                v[(j, i)] = f;
                let vj = &column(v.as_ref(), j)[j + 1..i];
                e[j] = e[j] + v[(j, j)] * f + dot(vj, &d[j + 1..i]);
                axpy(f, vj, &mut e[j + 1..i]);
            }
            f = 0.0;
            for j in 0..i {
                e[j] /= h;
                f += e[j] * d[j];
            }
            let hh = f / (h + h);
            for j in 0..i {
                e[j] -= hh * d[j];
            }
            for j in 0..i {
                let (f, g) = (d[j], e[j]);
                let vj = column_mut(v, j);
                for k in j..i {
                    vj[k] -= f * e[k] + g * d[k];
                }
                d[j] = v[(i - 1, j)];
                v[(i, j)] = 0.0;
            }
        }
        d[i] = h;
    }
    // Accumulate the transformations.
    for i in 0..n - 1 {
        v[(n - 1, i)] = v[(i, i)];
        v[(i, i)] = 1.0;
        let h = d[i + 1];
        if h != 0.0 {
            for k in 0..=i {
                d[k] = v[(k, i + 1)] / h;
            }
            for j in 0..=i {
                let g = dot(&column(v.as_ref(), i + 1)[..=i], &column(v.as_ref(), j)[..=i]);
                let vj = column_mut(v, j);
                for k in 0..=i {
                    vj[k] -= g * d[k];
                }
            }
        }
        for k in 0..=i {
            v[(k, i + 1)] = 0.0;
        }
    }
    for j in 0..n {
        d[j] = v[(n - 1, j)];
        v[(n - 1, j)] = 0.0;
    }
    v[(n - 1, n - 1)] = 1.0;
    e[0] = 0.0;
}

/// The implicit QL method on the tridiagonal (d, e), rotations accumulated in v.
fn tql2(v: &mut Mat<f64>, d: &mut [f64], e: &mut [f64]) -> Result<()> {
    let n = d.len();
    for i in 1..n {
        e[i - 1] = e[i];
    }
    e[n - 1] = 0.0;
    let (mut f, mut tst1) = (0.0f64, 0.0f64);
    let eps = f64::EPSILON;
    for l in 0..n {
        tst1 = tst1.max(d[l].abs() + e[l].abs());
        let mut m = l;
        while m < n && e[m].abs() > eps * tst1 {
            m += 1;
        }
        if m > l {
            let mut iter = 0;
            loop {
                iter += 1;
                if iter > 60 {
                    return Err(Error::Unsupported { what: "the tridiagonal QL iteration did not converge".into() });
                }
                // The implicit shift.
                let mut g = d[l];
                let mut p = (d[l + 1] - g) / (2.0 * e[l]);
                let mut r = libm::hypot(p, 1.0);
                if p < 0.0 {
                    r = -r;
                }
                d[l] = e[l] / (p + r);
                d[l + 1] = e[l] * (p + r);
                let dl1 = d[l + 1];
                let mut h = g - d[l];
                for x in &mut d[l + 2..] {
                    *x -= h;
                }
                f += h;
                // The implicit QL transformation.
                p = d[m];
                let (mut c, mut c2, mut c3) = (1.0f64, 1.0f64, 1.0f64);
                let el1 = e[l + 1];
                let (mut s, mut s2) = (0.0f64, 0.0f64);
                for i in (l..m).rev() {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[i];
                    h = c * p;
                    r = libm::hypot(p, e[i]);
                    e[i + 1] = s * r;
                    s = e[i] / r;
                    c = p / r;
                    p = c * d[i] - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    rotate(v, i, i + 1, c, s);
                }
                p = -s * s2 * c3 * el1 * e[l] / dl1;
                e[l] = s * p;
                d[l] = c * p;
                if e[l].abs() <= eps * tst1 {
                    break;
                }
            }
        }
        d[l] += f;
        e[l] = 0.0;
    }
    Ok(())
}

/// Columns (i, j) of v become (c v_i - s v_j, s v_i + c v_j).
fn rotate(v: &mut Mat<f64>, i: usize, j: usize, c: f64, s: f64) {
    let (lo, hi) = (i.min(j), i.max(j));
    let (left, right) = v.as_mut().split_at_col_mut(hi);
    let a = left.col_mut(lo).try_as_col_major_mut().expect("owned columns are contiguous").as_slice_mut();
    let b = right.col_mut(0).try_as_col_major_mut().expect("owned columns are contiguous").as_slice_mut();
    let (vi, vj) = if i < j { (a, b) } else { (b, a) };
    for (x, y) in vi.iter_mut().zip(vj.iter_mut()) {
        let (xi, yj) = (*x, *y);
        *x = c * xi - s * yj;
        *y = s * xi + c * yj;
    }
}

/// The thin SVD A = U diag(s) V^T of the (m, n) a: U (m, r), s (r,) non-increasing, V (n, r),
/// r = min(m, n). Columns of U for zero singular values complete it to an orthonormal set.
pub(super) fn svd(a: MatRef<'_, f64>) -> Result<(Mat<f64>, Vec<f64>, Mat<f64>)> {
    let (m, n) = (a.nrows(), a.ncols());
    if m < n {
        let (u, s, v) = svd(a.transpose().to_owned().as_ref())?;
        return Ok((v, s, u));
    }
    if !(0..n).all(|j| (0..m).all(|i| a[(i, j)].is_finite())) {
        return Err(Error::Unsupported { what: "SVD of a matrix with non-finite entries".into() });
    }
    // Preconditioning: start from the eigenvectors of A^T A (largest first), which leave the
    // columns of A V nearly orthogonal, so that two or three sweeps finish instead of ten.
    let mut v = match symmetric_eigen(mul_tn(a, a).as_ref()) {
        Ok((_, x)) => Mat::from_fn(n, n, |r, c| x[(r, n - 1 - c)]),
        Err(_) => Mat::<f64>::identity(n, n),
    }; // (n, n)
    let mut w = mul(a, v.as_ref()); // (m, n) becomes U diag(s)
    let mut converged = n < 2;
    for _sweep in 0..JACOBI_SWEEPS {
        if converged {
            break;
        }
        converged = true;
        for i in 0..n {
            for j in i + 1..n {
                let (alpha, beta, gamma) = dots(column(w.as_ref(), i), column(w.as_ref(), j));
                if gamma == 0.0 || gamma.abs() <= JACOBI_TOL * (alpha * beta).sqrt() {
                    continue;
                }
                converged = false;
                // The rotation that makes columns i and j orthogonal (the smaller root of
                // t^2 + 2 zeta t - 1 = 0).
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = if zeta >= 0.0 { 1.0 } else { -1.0 } / (zeta.abs() + (1.0 + zeta * zeta).sqrt());
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = c * t;
                rotate(&mut w, i, j, c, s);
                rotate(&mut v, i, j, c, s);
            }
        }
    }
    if !converged {
        return Err(Error::Unsupported { what: "the Jacobi SVD did not converge".into() });
    }
    let sv: Vec<f64> = (0..n).map(|j| norm(column(w.as_ref(), j))).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&x, &y| sv[y].total_cmp(&sv[x]).then(x.cmp(&y)));
    let s: Vec<f64> = order.iter().map(|&j| sv[j]).collect();
    let mut u = Mat::zeros(m, n); // (m, n)
    let mut zero = Vec::new();
    for (c, &j) in order.iter().enumerate() {
        if sv[j] > 0.0 {
            let uc = column_mut(&mut u, c);
            uc.copy_from_slice(column(w.as_ref(), j));
            uc.iter_mut().for_each(|x| *x /= sv[j]);
        } else {
            zero.push(c);
        }
    }
    complete(&mut u, &zero);
    let v = Mat::from_fn(n, n, |r, c| v[(r, order[c])]);
    Ok((u, s, v))
}

/// (<x, x>, <y, y>, <x, y>) in one pass, each by two interleaved partial sums.
fn dots(x: &[f64], y: &[f64]) -> (f64, f64, f64) {
    let (mut xx, mut yy, mut xy) = ([0.0f64; 2], [0.0f64; 2], [0.0f64; 2]);
    let (x2, y2) = (x.chunks_exact(2), y.chunks_exact(2));
    let (xr, yr) = (x2.remainder(), y2.remainder());
    for (a, b) in x2.zip(y2) {
        for k in 0..2 {
            xx[k] += a[k] * a[k];
            yy[k] += b[k] * b[k];
            xy[k] += a[k] * b[k];
        }
    }
    let (mut t_xx, mut t_yy, mut t_xy) = (xx[0] + xx[1], yy[0] + yy[1], xy[0] + xy[1]);
    if let (Some(a), Some(b)) = (xr.first(), yr.first()) {
        t_xx += a * a;
        t_yy += b * b;
        t_xy += a * b;
    }
    (t_xx, t_yy, t_xy)
}

/// Jacobi sweeps before giving up (quadratic convergence: small matrices take 6 to 10).
const JACOBI_SWEEPS: usize = 60;
/// Columns count as orthogonal when |<w_i, w_j>| <= this times ||w_i|| ||w_j||.
const JACOBI_TOL: f64 = 1e-15;

/// Fills the listed columns of u (zero; the others orthonormal) with unit vectors orthogonal to
/// every other column: the coordinate vector least in their span (smallest row of u),
/// orthogonalized twice. Columns still zero add nothing to the rows or the projection.
fn complete(u: &mut Mat<f64>, columns: &[usize]) {
    let m = u.nrows();
    for &c in columns {
        let row = |i: usize| (0..u.ncols()).map(|j| u[(i, j)] * u[(i, j)]).sum::<f64>();
        let i = (0..m).fold(0, |best, i| if row(i) < row(best) { i } else { best });
        let mut x = vec![0.0; m];
        x[i] = 1.0;
        project_out(u.as_ref(), &mut x);
        let len = norm(&x);
        x.iter_mut().for_each(|y| *y /= len);
        column_mut(u, c).copy_from_slice(&x);
    }
}

/// Gram-Schmidt, each column orthogonalized twice, of the (m, q) y: the orthonormal
/// columns in the order taken and the diagonal |R_jj| (the norm left after orthogonalization).
/// With `pivot`, each step takes the remaining column of largest remainder (as a column-pivoted
/// QR); without, the columns in order. A column whose remainder is at most `drop` is skipped
/// (not pivoted) or ends the factorization (pivoted).
pub(super) fn orthonormalize(y: MatRef<'_, f64>, pivot: bool, drop: f64) -> (Mat<f64>, Vec<f64>) {
    let (m, q) = (y.nrows(), y.ncols());
    let mut rest = y.to_owned(); // (m, q) remainders
    let mut out = Mat::zeros(m, q.min(m)); // (m, <= q)
    let mut taken = vec![false; q];
    let mut diag = Vec::new();
    while diag.len() < q.min(m) {
        let candidates = (0..q).filter(|&j| !taken[j]);
        let next = if pivot {
            candidates.map(|j| (norm(column(rest.as_ref(), j)), j)).fold(None, |best: Option<(f64, usize)>, c| {
                match best {
                    Some(b) if b.0 >= c.0 => Some(b),
                    _ => Some(c),
                }
            })
        } else {
            candidates.take(1).map(|j| (0.0, j)).next()
        };
        let Some((_, j)) = next else { break };
        taken[j] = true;
        let k = diag.len();
        let mut x = column(rest.as_ref(), j).to_vec();
        project_out(out.as_ref().get(.., ..k), &mut x);
        let len = norm(&x);
        if !(len > drop) {
            if pivot {
                break;
            }
            continue;
        }
        x.iter_mut().for_each(|z| *z /= len);
        column_mut(&mut out, k).copy_from_slice(&x);
        diag.push(len);
        if pivot {
            // The remainders of the others lose their component along the new column.
            for l in (0..q).filter(|&l| !taken[l]) {
                let r = column_mut(&mut rest, l);
                let c = dot(&x, r);
                axpy(-c, &x, r);
            }
        }
    }
    let k = diag.len();
    (out.get(.., ..k).to_owned(), diag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;

    fn gaussian(m: usize, n: usize, seed: u64) -> Mat<f64> {
        crate::linalg::gaussian(m, n, seed, Stream::Linalg)
    }

    fn off_identity(q: &Mat<f64>) -> f64 {
        (q.transpose() * q - Mat::<f64>::identity(q.ncols(), q.ncols())).norm_l2()
    }

    #[test]
    fn symmetric_eigen_matches_faer_and_factors_the_matrix() {
        for (n, seed) in [(1, 1), (2, 2), (7, 3), (60, 4), (150, 5)] {
            let g = gaussian(n, n, seed);
            let a = &g + g.transpose();
            let (values, x) = symmetric_eigen(a.as_ref()).unwrap();
            let faer = a.self_adjoint_eigen(faer::Side::Lower).unwrap();
            for i in 0..n {
                assert!((values[i] - faer.S()[i]).abs() < 1e-12 * a.norm_l2(), "n = {n}, value {i}");
            }
            assert!(values.windows(2).all(|w| w[0] <= w[1]));
            let lambda = Mat::from_fn(n, n, |i, j| if i == j { values[i] } else { 0.0 });
            assert!((&a * &x - &x * &lambda).norm_l2() < 1e-12 * a.norm_l2(), "n = {n}: A X = X L");
            assert!(off_identity(&x) < 1e-12, "n = {n}: orthonormal");
        }
    }

    #[test]
    fn symmetric_eigen_handles_repeats_and_zeros() {
        // A rank-2 projection-like matrix of size 40: eigenvalue 0 of multiplicity 38.
        let u = gaussian(40, 2, 6);
        let a = &u * u.transpose();
        let (values, x) = symmetric_eigen(a.as_ref()).unwrap();
        assert!(values[..38].iter().all(|v| v.abs() < 1e-12 * values[39]));
        assert!(off_identity(&x) < 1e-12);
        let (values, _) = symmetric_eigen(Mat::<f64>::zeros(5, 5).as_ref()).unwrap();
        assert_eq!(values, vec![0.0; 5]);
        let mut bad = Mat::<f64>::identity(3, 3);
        bad[(2, 1)] = f64::NAN;
        assert!(symmetric_eigen(bad.as_ref()).is_err());
    }

    #[test]
    fn svd_matches_faer_on_tall_wide_and_rank_deficient_matrices() {
        let low = &gaussian(30, 3, 9) * &gaussian(3, 20, 10);
        for a in [gaussian(50, 12, 7), gaussian(9, 40, 8), low, Mat::zeros(6, 4)] {
            let (u, s, v) = svd(a.as_ref()).unwrap();
            let r = a.nrows().min(a.ncols());
            assert_eq!((u.ncols(), s.len(), v.ncols()), (r, r, r));
            let faer = a.thin_svd().unwrap();
            let scale = a.norm_l2().max(1.0);
            for i in 0..r {
                assert!((s[i] - faer.S()[i]).abs() < 1e-12 * scale, "value {i}: {} vs {}", s[i], faer.S()[i]);
            }
            let sd = Mat::from_fn(r, r, |i, j| if i == j { s[i] } else { 0.0 });
            assert!((&u * &sd * v.transpose() - &a).norm_l2() < 1e-12 * scale, "U S V^T = A");
            assert!(off_identity(&u) < 1e-12 && off_identity(&v) < 1e-12, "orthonormal factors");
        }
    }

    #[test]
    fn pivoted_gram_schmidt_finds_the_rank() {
        let y = &gaussian(80, 3, 11) * &gaussian(3, 10, 12); // rank 3
        let (q, diag) = orthonormalize(y.as_ref(), true, 1e-10 * y.norm_l2());
        assert_eq!(diag.len(), 3);
        assert!(diag.windows(2).all(|w| w[0] >= w[1]), "pivoting takes the largest first");
        assert!(off_identity(&q) < 1e-13);
        assert!((&y - &q * (q.transpose() * &y)).norm_l2() < 1e-12 * y.norm_l2(), "Q spans the range");
        // Without pivoting: columns in order, a dependent one skipped.
        let mut z = gaussian(20, 3, 13);
        let c0 = z.col(0).to_owned();
        z.col_mut(1).copy_from(&c0);
        let (q, diag) = orthonormalize(z.as_ref(), false, 1e-10 * z.norm_l2());
        assert_eq!(diag.len(), 2);
        assert!((q.col(0).to_owned() - &c0 * faer::Scale(1.0 / c0.norm_l2())).norm_l2() < 1e-15);
    }
}
