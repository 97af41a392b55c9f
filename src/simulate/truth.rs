//! True embeddings and each modality's fixed noise (model.md §2, paper §5's Cases 1 and 2 and
//! Corollary 3.1's orthogonal noise), drawn from the `Truth` random stream.

use crate::linalg::{gram_schmidt, jacobi_eigen, to_array};
use crate::params::{NoiseKind, ValidParams};
use crate::rng::{stream, Normal, Stream};
use faer::Mat;
use ndarray::Array2;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The noise of one modality, fixed for a replicate.
#[derive(Debug, Clone)]
pub enum ModalityNoise {
    /// Sigma = 0.
    None,
    /// The first `k` features get N(0, sd^2) noise, the others none.
    Spike { k: usize, sd: f64 },
    /// eps_w = scale_w * z_w with z an AR(1) chain of correlation rho; scale_w = sigma_w / sqrt(2).
    Ar1 { scale: Vec<f64>, rho: f64 },
    /// eps = basis (sd z), z ~ N(0, I_p). basis: (d_M, p), orthonormal, orthogonal to the truth.
    Orthogonal { basis: Mat<f64>, sd: f64 },
}

/// True embeddings and the fixed noise of one replicate.
#[derive(Debug, Clone)]
pub struct Truth {
    /// (d1, p): true code embeddings V*_1, column-major ([`crate::linalg::mat`] views it in faer).
    pub v1: Array2<f64>,
    /// (d2, p): true CUI embeddings V*_2, column-major.
    pub v2: Array2<f64>,
    /// Noise of codes and of CUIs.
    pub noise: [ModalityNoise; 2],
}

/// (d, p) matrix of i.i.d. N(0, 1) entries, filled column by column.
fn gaussian(d: usize, p: usize, rng: &mut ChaCha8Rng, nrm: &mut Normal) -> Mat<f64> {
    let mut m = Mat::zeros(d, p);
    for j in 0..p {
        for i in 0..d {
            m[(i, j)] = nrm.sample(rng);
        }
    }
    m
}

/// Centres every column, then rescales so the largest singular value is `scale`.
fn centre_and_scale(v: &mut Mat<f64>, scale: f64) {
    let (d, p) = (v.nrows(), v.ncols());
    for j in 0..p {
        let mean = (0..d).map(|i| v[(i, j)]).sum::<f64>() / d as f64;
        for i in 0..d {
            v[(i, j)] -= mean;
        }
    }
    // Largest singular value = sqrt of the largest eigenvalue of the p x p Gram matrix.
    let mut g = vec![0.0; p * p];
    for a in 0..p {
        for b in 0..p {
            g[a * p + b] = (0..d).map(|i| v[(i, a)] * v[(i, b)]).sum();
        }
    }
    let (vals, _) = jacobi_eigen(&g, p);
    let top = vals[0].max(0.0).sqrt();
    let f = if top > 0.0 { scale / top } else { 0.0 };
    for j in 0..p {
        for i in 0..d {
            v[(i, j)] *= f;
        }
    }
}

impl Truth {
    /// Draws the true embeddings and the fixed noise parts from the `Truth` stream.
    pub fn draw(params: &ValidParams) -> Truth {
        let mut rng = stream(params.seed, Stream::Truth);
        let mut nrm = Normal::new();
        let p = params.p;
        let mut v = [Mat::zeros(0, 0), Mat::zeros(0, 0)];
        let mut bases = [Mat::zeros(0, 0), Mat::zeros(0, 0)];
        for (m, d) in [params.d1, params.d2].into_iter().enumerate() {
            if params.noise == NoiseKind::Orthogonal {
                // U* and P from one Gram-Schmidt after the all-ones direction: orthonormal,
                // orthogonal to each other, and centred (U*^T 1 = 0 = P^T 1, model.md §2, the
                // paper's identifiability assumption; params.rs asks 2p + 1 <= d for room).
                let g = gaussian(d, 2 * p, &mut rng, &mut nrm);
                let q = gram_schmidt(&Mat::from_fn(d, 2 * p + 1, |i, j| if j == 0 { 1.0 } else { g[(i, j - 1)] }));
                v[m] = Mat::from_fn(d, p, |i, j| params.signal * q[(i, 1 + j)]);
                bases[m] = Mat::from_fn(d, p, |i, j| q[(i, 1 + p + j)]);
            } else {
                let mut g = gaussian(d, p, &mut rng, &mut nrm);
                centre_and_scale(&mut g, params.signal);
                v[m] = g;
            }
        }
        let [b1, b2] = bases;
        let noise = match params.noise {
            NoiseKind::None => [ModalityNoise::None, ModalityNoise::None],
            NoiseKind::Spike => {
                let sd = (1.0 / params.c).sqrt();
                let k = p / 2;
                [ModalityNoise::Spike { k: k.min(params.d1), sd }, ModalityNoise::Spike { k: k.min(params.d2), sd }]
            }
            NoiseKind::Ar1 => {
                let mut scales = [params.d1, params.d2]
                    .map(|d| (0..d).map(|_| rng.gen::<f64>() / std::f64::consts::SQRT_2).collect::<Vec<_>>());
                let s2 = std::mem::take(&mut scales[1]);
                let s1 = std::mem::take(&mut scales[0]);
                [ModalityNoise::Ar1 { scale: s1, rho: params.rho }, ModalityNoise::Ar1 { scale: s2, rho: params.rho }]
            }
            NoiseKind::Orthogonal => [
                ModalityNoise::Orthogonal { basis: b1, sd: params.tau2.sqrt() },
                ModalityNoise::Orthogonal { basis: b2, sd: (params.tau2 / 2.0).sqrt() },
            ],
        };
        let [v1, v2] = v.map(|m| to_array(m.as_ref()));
        Truth { v1, v2, noise }
    }
}
