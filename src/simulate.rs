//! The generative model of model.md §2 (paper eq. 2.1): true embeddings, patient noise, and a
//! patient sampler that streams patients into summary statistics without ever holding an
//! n x d count matrix.
//!
//! For each patient: c ~ N(0, I_p); per modality M, logits l = V*_M c + eps^(M),
//! pi = softmax(l), T ~ Poisson(mean_T) drawn again while T < 2, x ~ Multinomial(T, pi).

use crate::linalg::{gram_schmidt, jacobi_eigen};
use crate::params::{NoiseKind, ValidParams};
use crate::rng::{patient_rng, stream, Normal, Poisson, Stream};
use crate::stats::{PairStaging, SummaryStats};
use faer::Mat;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_xoshiro::Xoshiro256PlusPlus;

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
    /// (d1, p): true code embeddings V*_1.
    pub v1: Mat<f64>,
    /// (d2, p): true CUI embeddings V*_2.
    pub v2: Mat<f64>,
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
                // U* (first p columns) and P (next p) from one Gram-Schmidt: orthonormal, orthogonal.
                let q = gram_schmidt(&gaussian(d, 2 * p, &mut rng, &mut nrm));
                v[m] = Mat::from_fn(d, p, |i, j| params.signal * q[(i, j)]);
                bases[m] = Mat::from_fn(d, p, |i, j| q[(i, p + j)]);
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
        let [v1, v2] = v;
        Truth { v1, v2, noise }
    }
}

/// exp(x) for x <= 0, to within a few ulps: x = k ln2 + r (Cody-Waite, |r| <= ln2 / 2), exp(r) by
/// its degree-13 Taylor polynomial (truncation error < 1e-17), times 2^k built from the bits.
/// Written here because the softmax takes 10^8 exponentials at the paper's scale and `libm::exp`
/// was a third of the simulation's instructions; branch-free, so the compiler vectorises it, and
/// plain IEEE arithmetic, so it gives the same bits natively and in WebAssembly.
#[inline(always)]
pub fn exp_nonpositive(x: f64) -> f64 {
    const LN2_HI: f64 = 6.931_471_803_691_238_164_9e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    // 1.5 * 2^52: adding it rounds to an integer held in the low bits of the mantissa.
    const SHIFTER: f64 = 6_755_399_441_055_744.0;
    let x = x.max(-700.0);
    // k = round(x / ln 2) with float operations and bit arithmetic only, so the loop vectorises
    // (an f64-to-i64 conversion does not on baseline x86-64).
    let t = x * std::f64::consts::LOG2_E + SHIFTER;
    let k = t - SHIFTER;
    let ki = t.to_bits().wrapping_sub(SHIFTER.to_bits());
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let mut p = 1.0 / 6_227_020_800.0;
    for c in [
        1.0 / 479_001_600.0,
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = p * r + c;
    }
    p * f64::from_bits(ki.wrapping_add(1023) << 52)
}

/// Adds scale_w z_w to logits_w for the AR(1) path z_0 = eta_0, z_w = rho z_{w-1} + innov eta_w.
/// The recursion is one long chain of dependent multiply-adds; it is run four steps at a time
/// (z_{w+k} = rho^(k+1) z_{w-1} + s_k, with s_k the block's own partial recursion), so the chain
/// that carries over from block to block is a quarter as long and the rest overlaps. Same
/// arithmetic natively and in WebAssembly.
#[inline(always)]
fn ar1_into(eta: &[f64], rho: f64, innov: f64, scale: &[f64], logits: &mut [f64]) {
    let d = eta.len();
    let (r2, r3) = (rho * rho, rho * rho * rho);
    let r4 = r2 * r2;
    let mut z = eta[0];
    logits[0] += scale[0] * z;
    let mut w = 1;
    while w + 4 <= d {
        let u = [innov * eta[w], innov * eta[w + 1], innov * eta[w + 2], innov * eta[w + 3]];
        let s1 = rho * u[0] + u[1];
        let s2 = rho * s1 + u[2];
        let s3 = rho * s2 + u[3];
        let zs = [rho * z + u[0], r2 * z + s1, r3 * z + s2, r4 * z + s3];
        for k in 0..4 {
            logits[w + k] += scale[w + k] * zs[k];
        }
        z = zs[3];
        w += 4;
    }
    while w < d {
        z = rho * z + innov * eta[w];
        logits[w] += scale[w] * z;
        w += 1;
    }
}

/// cum_w = total + weights_0 + ... + weights_w (a running sum), four at a time: each block's
/// own prefix sums do not depend on the running total, so only one addition per block is on the
/// chain carried from block to block. `total` ends as the grand total.
#[inline(always)]
fn cumulate(weights: &[f64], cum: &mut [f64], total: &mut f64) {
    let mut chunks = weights.chunks_exact(4);
    let mut out = cum.chunks_exact_mut(4);
    for (w, c) in (&mut chunks).zip(&mut out) {
        let p1 = w[0] + w[1];
        let p2 = p1 + w[2];
        let p3 = p2 + w[3];
        let t = *total;
        c[0] = t + w[0];
        c[1] = t + p1;
        c[2] = t + p2;
        c[3] = t + p3;
        *total = t + p3;
    }
    for (w, c) in chunks.remainder().iter().zip(out.into_remainder()) {
        *total += w;
        *c = *total;
    }
}

/// One patient's tokens in one modality, as (feature index, count) sorted by index.
pub type Bag = Vec<(u32, u32)>;

/// Streams patients from the `Patients` random stream. Drawing in chunks of any size gives the
/// same patients as drawing them all at once.
#[derive(Debug, Clone)]
pub struct PatientSampler {
    rng: Xoshiro256PlusPlus,
    nrm: Normal,
    lengths: Poisson,
    p: usize,
    drawn: usize,
    c: Vec<f64>,        // (p,)
    logits: Vec<f64>,   // (d_M,) scratch
    cum: Vec<f64>,      // (d_M,) scratch: cumulative softmax weights
    tokens: Vec<u32>,   // (T,) scratch
    uniforms: Vec<f64>, // (T,) scratch
    z: Vec<f64>,        // (p,) scratch for orthogonal noise
}

impl PatientSampler {
    /// A sampler at patient 0.
    pub fn new(params: &ValidParams) -> Self {
        let dmax = params.d1.max(params.d2);
        PatientSampler {
            rng: patient_rng(params.seed),
            nrm: Normal::new(),
            lengths: Poisson::new(params.mean_t),
            p: params.p,
            drawn: 0,
            c: vec![0.0; params.p],
            logits: vec![0.0; dmax],
            cum: vec![0.0; dmax],
            tokens: Vec::new(),
            uniforms: Vec::new(),
            z: vec![0.0; params.p],
        }
    }

    /// Patients drawn so far.
    pub fn drawn(&self) -> usize {
        self.drawn
    }

    /// Draws one patient into `bags` (codes, CUIs).
    pub fn next_patient(&mut self, truth: &Truth, bags: &mut [Bag; 2]) {
        for k in 0..self.p {
            self.c[k] = self.nrm.sample(&mut self.rng);
        }
        self.modality(&truth.v1, &truth.noise[0], &mut bags[0]);
        self.modality(&truth.v2, &truth.noise[1], &mut bags[1]);
        self.drawn += 1;
    }

    /// Draws `count` patients and adds them to `stats`.
    pub fn draw_into(&mut self, truth: &Truth, count: usize, stats: &mut SummaryStats) {
        clear_upper_vector_state();
        let mut bags: [Bag; 2] = [Vec::new(), Vec::new()];
        let mut staging = PairStaging::new(stats);
        for _ in 0..count {
            self.next_patient(truth, &mut bags);
            staging.add_patient(stats, &bags[0], &bags[1]);
        }
        staging.flush(stats);
    }

    fn modality(&mut self, v: &Mat<f64>, noise: &ModalityNoise, bag: &mut Bag) {
        let d = v.nrows();
        let logits = &mut self.logits[..d];
        // Signal: l = V c, accumulated column by column.
        for k in 0..self.p {
            let ck = self.c[k];
            let col = v.col(k).try_as_col_major().expect("faer columns are contiguous").as_slice();
            if k == 0 {
                for (l, x) in logits.iter_mut().zip(col) {
                    *l = x * ck;
                }
            } else {
                for (l, x) in logits.iter_mut().zip(col) {
                    *l += x * ck;
                }
            }
        }
        match noise {
            ModalityNoise::None => {}
            ModalityNoise::Spike { k, sd } => {
                for l in logits.iter_mut().take(*k) {
                    *l += sd * self.nrm.sample(&mut self.rng);
                }
            }
            ModalityNoise::Ar1 { scale, rho } => {
                let innov = (1.0 - rho * rho).sqrt();
                // Draw the d innovations in one tight loop, then run the recursion
                // z_0 = eta_0, z_w = rho z_{w-1} + innov eta_w.
                let eta = &mut self.cum[..d];
                self.nrm.fill(&mut self.rng, eta);
                ar1_into(eta, *rho, innov, scale, logits);
            }
            ModalityNoise::Orthogonal { basis, sd } => {
                for k in 0..self.p {
                    self.z[k] = sd * self.nrm.sample(&mut self.rng);
                }
                for k in 0..self.p {
                    let zk = self.z[k];
                    let col = basis.col(k);
                    for (i, l) in logits.iter_mut().enumerate() {
                        *l += col[i] * zk;
                    }
                }
            }
        }
        // Softmax weights, cumulated for inverse-CDF draws.
        let max = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let cum = &mut self.cum[..d];
        let mut total = 0.0;
        for l in logits.iter_mut() {
            *l = exp_nonpositive(*l - max);
        }
        cumulate(logits, cum, &mut total);
        let t = loop {
            let t = self.lengths.sample(&mut self.rng);
            if t >= 2 {
                break t as usize;
            }
        };
        // Sorted uniforms, then one merge pass along the cumulative weights: O(d + T log T) with
        // predictable branches, and the tokens come out sorted.
        self.uniforms.clear();
        for _ in 0..t {
            self.uniforms.push(self.rng.gen::<f64>() * total);
        }
        self.uniforms.sort_unstable_by(f64::total_cmp);
        self.tokens.clear();
        let mut idx = 0usize;
        for &u in &self.uniforms {
            while idx + 1 < d && cum[idx] <= u {
                idx += 1;
            }
            self.tokens.push(idx as u32);
        }
        bag.clear();
        for &tok in &self.tokens {
            match bag.last_mut() {
                Some((w, n)) if *w == tok => *n += 1,
                _ => bag.push((tok, 1)),
            }
        }
    }
}

/// Clears the upper halves of the x86 YMM registers. faer's AVX kernels can leave them dirty,
/// and the SSE code of the simulation then pays a state-transition penalty on every vector
/// instruction: measured, a replicate's simulation ran in 1.8 s on a fresh process and 3.6 s
/// after a first fit, until this call was added at the top of [`PatientSampler::draw_into`].
/// Harmless elsewhere (a no-op off x86-64 or without AVX).
pub fn clear_upper_vector_state() {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx")]
        unsafe fn zeroupper() {
            std::arch::x86_64::_mm256_zeroupper();
        }
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: the CPU supports AVX (checked just above); vzeroupper only clears bits 128
            // and up of the vector registers, which no non-AVX code of this crate uses.
            unsafe { zeroupper() }
        }
    }
}

/// Simulates a whole cohort and returns its truth and summary statistics.
pub fn simulate(params: &ValidParams, with_within: bool) -> (Truth, SummaryStats) {
    let truth = Truth::draw(params);
    let mut stats = SummaryStats::new(params.d1, params.d2, with_within);
    let mut sampler = PatientSampler::new(params);
    sampler.draw_into(&truth, params.n, &mut stats);
    (truth, stats)
}

#[cfg(test)]
mod tests {
    use super::{ar1_into, cumulate, exp_nonpositive};

    #[test]
    fn blocked_ar1_and_running_sum_match_the_plain_recursions() {
        // Lengths 1..=13 cover every remainder of the four-step blocks.
        for d in 1..=13usize {
            let eta: Vec<f64> = (0..d).map(|i| ((i * 7919) % 13) as f64 / 6.5 - 1.0).collect();
            let scale: Vec<f64> = (0..d).map(|i| 0.3 + 0.05 * i as f64).collect();
            let (rho, innov) = (0.8, (1.0f64 - 0.64).sqrt());
            let mut got = vec![1.0; d];
            ar1_into(&eta, rho, innov, &scale, &mut got);
            let mut z = eta[0];
            for w in 0..d {
                if w > 0 {
                    z = rho * z + innov * eta[w];
                }
                let want = 1.0 + scale[w] * z;
                assert!((got[w] - want).abs() < 1e-14, "d={d} w={w}: {} vs {want}", got[w]);
            }
            let weights: Vec<f64> = eta.iter().map(|x| x.abs() + 0.1).collect();
            let (mut cum, mut total) = (vec![0.0; d], 0.5);
            cumulate(&weights, &mut cum, &mut total);
            let mut run = 0.5;
            for w in 0..d {
                run += weights[w];
                assert!((cum[w] - run).abs() < 1e-13, "d={d} w={w}");
            }
            assert!((total - run).abs() < 1e-13);
        }
    }

    #[test]
    fn fast_exp_matches_libm() {
        let mut worst = 0.0f64;
        for i in 0..200_000 {
            let x = -(i as f64) * 0.0035 - 1e-9 * (i % 7) as f64;
            let (a, b) = (exp_nonpositive(x), libm::exp(x));
            worst = worst.max(((a - b) / b).abs());
        }
        assert!(worst < 4e-16, "worst relative error {worst}");
        assert_eq!(exp_nonpositive(0.0), 1.0);
        assert!(exp_nonpositive(-1e9) > 0.0 && exp_nonpositive(-1e9) < 1e-300);
    }
}
