//! The true embeddings of model.md §2: every noise structure's truth is centred (V*_M^T 1 = 0,
//! the paper's identifiability assumption); the orthogonal case's s U*_M and noise basis P_M are
//! orthonormal, orthogonal to each other and to the all-ones direction.

use claime::simulate::{ModalityNoise, Truth};
use claime::{NoiseKind, Params};
use ndarray::Array2;

const TOL: f64 = 1e-12;

fn column_sums(m: &Array2<f64>) -> Vec<f64> {
    m.sum_axis(ndarray::Axis(0)).to_vec()
}

fn gram(a: &Array2<f64>, b: &Array2<f64>) -> Vec<Vec<f64>> {
    a.t().dot(b).outer_iter().map(|row| row.to_vec()).collect()
}

#[test]
fn every_truth_is_centred() {
    for noise in [NoiseKind::Spike, NoiseKind::Ar1, NoiseKind::Orthogonal, NoiseKind::None] {
        for seed in [1, 2, 3] {
            let params =
                Params { d1: 40, d2: 31, p: 4, noise, signal: 2.0, seed, ..Params::default() }.check().unwrap();
            let truth = Truth::draw(&params);
            for (m, v) in [&truth.v1, &truth.v2].into_iter().enumerate() {
                for (j, s) in column_sums(v).into_iter().enumerate() {
                    assert!(s.abs() < TOL, "{noise:?} seed {seed}: modality {m} column {j} sums to {s}");
                }
            }
        }
    }
}

#[test]
fn orthogonal_truth_and_noise_basis_are_orthonormal_and_orthogonal() {
    let s = 2.5;
    let params = Params { d1: 9, d2: 30, p: 4, noise: NoiseKind::Orthogonal, signal: s, seed: 11, ..Params::default() }
        .check()
        .unwrap();
    let truth = Truth::draw(&params);
    for (m, (v, noise)) in [(&truth.v1, &truth.noise[0]), (&truth.v2, &truth.noise[1])].into_iter().enumerate() {
        let ModalityNoise::Orthogonal { basis, .. } = noise else { panic!("orthogonal noise expected") };
        let basis = &Array2::from_shape_fn((basis.nrows(), basis.ncols()), |(i, j)| basis[(i, j)]);
        for (name, g, diag) in [("V*^T V*", gram(v, v), s * s), ("P^T P", gram(basis, basis), 1.0)] {
            for (i, row) in g.iter().enumerate() {
                for (j, x) in row.iter().enumerate() {
                    let want = if i == j { diag } else { 0.0 };
                    assert!((x - want).abs() < 1e-10, "modality {m}: {name}[{i}][{j}] = {x}, expected {want}");
                }
            }
        }
        assert!(gram(v, basis).iter().flatten().all(|x| x.abs() < 1e-10), "modality {m}: V* orthogonal to P");
        assert!(column_sums(basis).iter().all(|x| x.abs() < TOL), "modality {m}: P orthogonal to 1");
    }
}
