//! Truncated factorizations against faer's dense reference (subspace distance < 1e-8), and the
//! small helpers against closed forms.

use claime::linalg::{
    dense_svd, dense_top_eigen, gram_schmidt, jacobi_eigen, procrustes, subspace_distance, top_eigen, truncated_svd,
};
use claime::rng::{stream, Normal, Stream};
use faer::Mat;

fn gaussian(m: usize, n: usize, seed: u64) -> Mat<f64> {
    let mut rng = stream(seed, Stream::Truth);
    let mut nrm = Normal::new();
    Mat::from_fn(m, n, |_, _| nrm.sample(&mut rng))
}

/// A planted rank-k matrix with singular values 10, 9, ... plus small noise.
fn planted(m: usize, n: usize, k: usize, seed: u64) -> Mat<f64> {
    let u = gram_schmidt(&gaussian(m, k, seed));
    let v = gram_schmidt(&gaussian(n, k, seed + 1));
    let s = Mat::from_fn(k, k, |i, j| if i == j { 10.0 - i as f64 } else { 0.0 });
    &u * &s * v.transpose() + gaussian(m, n, seed + 2) * 0.01
}

#[test]
fn truncated_svd_matches_dense() {
    for &(m, n, k) in &[(400, 300, 4), (300, 500, 6), (250, 250, 2), (50, 40, 4)] {
        let a = planted(m, n, k, 11);
        let t = truncated_svd(a.as_ref(), k, 1).unwrap();
        let d = dense_svd(a.as_ref(), k).unwrap();
        assert!(subspace_distance(t.u.as_ref(), d.u.as_ref()) < 1e-8, "U {m}x{n}");
        assert!(subspace_distance(t.v.as_ref(), d.v.as_ref()) < 1e-8, "V {m}x{n}");
        for i in 0..k {
            assert!((t.s[i] - d.s[i]).abs() < 1e-9 * d.s[0], "s[{i}]");
        }
    }
}

#[test]
fn top_eigen_finds_largest_algebraic_despite_large_negative_eigenvalues() {
    // Symmetric with eigenvalues +5, +4, +3, +2 and -20, -19, -18 planted, small noise elsewhere.
    let n = 400;
    let q = gram_schmidt(&gaussian(n, 7, 21));
    let vals = [5.0, 4.0, 3.0, 2.0, -20.0, -19.0, -18.0];
    let mut a = Mat::<f64>::zeros(n, n);
    for (j, &l) in vals.iter().enumerate() {
        for r in 0..n {
            for c in 0..n {
                a[(r, c)] += l * q[(r, j)] * q[(c, j)];
            }
        }
    }
    let g = gaussian(n, n, 22) * 0.001;
    let a = &a + (&g + g.transpose());
    let t = top_eigen(a.as_ref(), 4, 3).unwrap();
    let d = dense_top_eigen(a.as_ref(), 4).unwrap();
    assert!(subspace_distance(t.vectors.as_ref(), d.vectors.as_ref()) < 1e-8);
    for i in 0..4 {
        assert!((t.values[i] - d.values[i]).abs() < 1e-9, "{:?} vs {:?}", t.values, d.values);
        assert!(t.values[i] > 0.0);
    }
}

#[test]
fn jacobi_matches_dense_eigen() {
    let g = gaussian(6, 6, 5);
    let s = &g + g.transpose();
    let flat: Vec<f64> = (0..36).map(|i| s[(i / 6, i % 6)]).collect();
    let (vals, _) = jacobi_eigen(&flat, 6);
    let d = dense_top_eigen(s.as_ref(), 6).unwrap();
    for i in 0..6 {
        assert!((vals[i] - d.values[i]).abs() < 1e-12);
    }
}

#[test]
fn procrustes_undoes_a_rotation() {
    let a = gaussian(50, 3, 8);
    let r = gram_schmidt(&gaussian(3, 3, 9));
    let b = &a * &r;
    let rhat = procrustes(a.as_ref(), b.as_ref()).unwrap();
    assert!((&rhat - &r).norm_l2() < 1e-10);
}

#[test]
fn projection_distance_closed_forms() {
    let q = gram_schmidt(&gaussian(30, 4, 1));
    let same = subspace_distance(q.as_ref(), (&q * 3.0).as_ref());
    assert!(same < 1e-10);
    let first = Mat::from_fn(30, 2, |i, j| q[(i, j)]);
    let last = Mat::from_fn(30, 2, |i, j| q[(i, j + 2)]);
    // Orthogonal 2-D subspaces: sqrt(2 + 2) = 2.
    assert!((subspace_distance(first.as_ref(), last.as_ref()) - 2.0).abs() < 1e-10);
}
