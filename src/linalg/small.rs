//! The simulation's two small routines: a cyclic Jacobi eigensolver for p x p matrices and a
//! modified Gram-Schmidt for the (d, 2p) basis of the orthogonal case. They stay beside the
//! estimators' `dense::symmetric_eigen` (Householder and QL) and `dense::orthonormalize`
//! because those give other bits (other algorithms, another order of operations, division where
//! these multiply by a reciprocal), and every simulated number depends on these: docs/decisions.md.

use faer::Mat;

/// Cyclic Jacobi eigensolver for a small symmetric (p, p) row-major matrix. Returns eigenvalues
/// non-increasing and eigenvectors as the columns of a row-major (p, p) matrix.
pub fn jacobi_eigen(a: &[f64], p: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = a.to_vec();
    let mut v = vec![0.0; p * p];
    for i in 0..p {
        v[i * p + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..p)
            .flat_map(|i| (0..p).map(move |j| (i, j)))
            .filter(|(i, j)| i != j)
            .map(|(i, j)| a[i * p + j].powi(2))
            .sum();
        let total: f64 = a.iter().map(|x| x * x).sum();
        if off <= 1e-30 * total.max(1e-300) {
            break;
        }
        for i in 0..p {
            for j in i + 1..p {
                let aij = a[i * p + j];
                if aij == 0.0 {
                    continue;
                }
                let theta = (a[j * p + j] - a[i * p + i]) / (2.0 * aij);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..p {
                    let (aki, akj) = (a[k * p + i], a[k * p + j]);
                    a[k * p + i] = c * aki - s * akj;
                    a[k * p + j] = s * aki + c * akj;
                }
                for k in 0..p {
                    let (aik, ajk) = (a[i * p + k], a[j * p + k]);
                    a[i * p + k] = c * aik - s * ajk;
                    a[j * p + k] = s * aik + c * ajk;
                }
                for k in 0..p {
                    let (vki, vkj) = (v[k * p + i], v[k * p + j]);
                    v[k * p + i] = c * vki - s * vkj;
                    v[k * p + j] = s * vki + c * vkj;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..p).collect();
    order.sort_by(|&x, &y| a[y * p + y].total_cmp(&a[x * p + x]));
    let vals = order.iter().map(|&i| a[i * p + i]).collect();
    let mut vecs = vec![0.0; p * p];
    for (c, &i) in order.iter().enumerate() {
        for k in 0..p {
            vecs[k * p + c] = v[k * p + i];
        }
    }
    (vals, vecs)
}

/// Modified Gram-Schmidt (applied twice for stability): orthonormal columns spanning those of
/// a (d, k); a dependent column becomes zero.
pub fn gram_schmidt(a: &Mat<f64>) -> Mat<f64> {
    let (d, k) = (a.nrows(), a.ncols());
    let mut q = a.clone();
    for j in 0..k {
        for _pass in 0..2 {
            for i in 0..j {
                let dot: f64 = (0..d).map(|r| q[(r, i)] * q[(r, j)]).sum();
                for r in 0..d {
                    q[(r, j)] -= dot * q[(r, i)];
                }
            }
        }
        let norm = (0..d).map(|r| q[(r, j)] * q[(r, j)]).sum::<f64>().sqrt();
        let f = if norm > 1e-12 { 1.0 / norm } else { 0.0 };
        for r in 0..d {
            q[(r, j)] *= f;
        }
    }
    q
}
