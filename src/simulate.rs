//! The generative model of model.md §2 (paper eq. 2.1): true embeddings, patient noise, and a
//! patient sampler that streams patients into summary statistics without ever holding an
//! n x d count matrix.
//!
//! For each patient: c ~ N(0, I_p); per modality M, logits l = V*_M c + eps^(M),
//! pi = softmax(l), T ~ Poisson(mean_T) drawn again while T < 2, x ~ Multinomial(T, pi).

use crate::linalg::{gram_schmidt, jacobi_eigen};
use crate::params::{NoiseKind, ValidParams};
use crate::rng::{patient_rng, stream, Normal, Poisson, Stream, PATIENT_BLOCK};
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
/// its degree-13 Taylor polynomial (truncation error < 1e-17) evaluated as 1 + r q(r), q by
/// Estrin's scheme (the exponentials took a sixth of the simulation's time in Horner's form, one
/// chain of thirteen dependent steps), times 2^k built from the bits.
/// Written here because the softmax takes 10^8 exponentials at the paper's scale and `libm::exp`
/// was a third of the simulation's instructions; branch-free, so the compiler vectorises it, and
/// plain IEEE arithmetic, so it gives the same bits natively and in WebAssembly.
#[inline(always)]
pub fn exp_nonpositive(x: f64) -> f64 {
    const LN2_HI: f64 = 6.931_471_803_691_238_164_9e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    // 1.5 * 2^52: adding it rounds to an integer held in the low bits of the mantissa.
    const SHIFTER: f64 = 6_755_399_441_055_744.0;
    // Not f64::max: WebAssembly's f64.max differs on NaN, so that becomes a call to fmax there
    // and the loop does not vectorise. The same value for every x (NaN too).
    let x = if x > -700.0 { x } else { -700.0 };
    // k = round(x / ln 2) with float operations and bit arithmetic only, so the loop vectorises
    // (an f64-to-i64 conversion does not on baseline x86-64).
    let t = x * std::f64::consts::LOG2_E + SHIFTER;
    let k = t - SHIFTER;
    let ki = t.to_bits().wrapping_sub(SHIFTER.to_bits());
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // exp(r) = 1 + r q(r), q(r) = sum r^i / (i + 1)! (i <= 12) by Estrin's scheme: pairs, then
    // pairs of pairs, so the longest chain of dependent operations is six steps instead of
    // Horner's thirteen; the last step, 1 + r q, keeps Horner's accuracy.
    const Q: [f64; 13] = [
        1.0,
        0.5,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5_040.0,
        1.0 / 40_320.0,
        1.0 / 362_880.0,
        1.0 / 3_628_800.0,
        1.0 / 39_916_800.0,
        1.0 / 479_001_600.0,
        1.0 / 6_227_020_800.0,
    ];
    let (r2, pair) = (r * r, |i: usize| Q[i] + Q[i + 1] * r);
    let r4 = r2 * r2;
    let low = (pair(0) + pair(2) * r2) + (pair(4) + pair(6) * r2) * r4;
    let high = (pair(8) + pair(10) * r2) + Q[12] * r4;
    let p = 1.0 + r * (low + high * (r4 * r4));
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

/// One patient's tokens in one modality, as (feature index, count) sorted by index.
pub type Bag = Vec<(u32, u32)>;

/// Streams patients from the `Patients` random stream, block by block ([`PATIENT_BLOCK`]
/// patients per generator). Drawing in chunks of any size, or from a sampler moved ahead by
/// [`PatientSampler::seek`], gives the same patients as drawing them all at once.
#[derive(Debug, Clone)]
pub struct PatientSampler {
    seed: u64,
    rng: Xoshiro256PlusPlus, // the generator of the block being drawn
    nrm: Normal,
    lengths: Poisson,
    p: usize,
    drawn: usize,
    c: Vec<f64>,      // (p,)
    logits: Vec<f64>, // (d_M,) scratch
    eta: Vec<f64>,    // (d_M,) scratch: AR(1) innovations
    tokens: TokenSampler,
    z: Vec<f64>, // (p,) scratch for orthogonal noise
}

impl PatientSampler {
    /// A sampler at patient 0.
    pub fn new(params: &ValidParams) -> Self {
        let dmax = params.d1.max(params.d2);
        PatientSampler {
            seed: params.seed,
            rng: patient_rng(params.seed, 0),
            nrm: Normal::new(),
            lengths: Poisson::new(params.mean_t),
            p: params.p,
            drawn: 0,
            c: vec![0.0; params.p],
            logits: vec![0.0; dmax],
            eta: vec![0.0; dmax],
            tokens: TokenSampler::new(dmax),
            z: vec![0.0; params.p],
        }
    }

    /// The number of the next patient: the patients drawn so far, unless [`PatientSampler::seek`]
    /// moved the sampler.
    pub fn drawn(&self) -> usize {
        self.drawn
    }

    /// Moves to patient `first`, ahead of or behind the patients drawn so far: the next patient
    /// drawn is patient `first`. Costs the patients from the start of its block up to it (none
    /// when `first` is a multiple of [`PATIENT_BLOCK`]).
    pub fn seek(&mut self, truth: &Truth, first: usize) {
        let start = first - first % PATIENT_BLOCK;
        self.rng = patient_rng(self.seed, (start / PATIENT_BLOCK) as u64);
        self.drawn = start;
        let mut bags: [Bag; 2] = [Vec::new(), Vec::new()];
        while self.drawn < first {
            self.next_patient(truth, &mut bags);
        }
    }

    /// Draws one patient into `bags` (codes, CUIs).
    pub fn next_patient(&mut self, truth: &Truth, bags: &mut [Bag; 2]) {
        if self.drawn % PATIENT_BLOCK == 0 && self.drawn > 0 {
            self.rng = patient_rng(self.seed, (self.drawn / PATIENT_BLOCK) as u64);
        }
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

    /// One modality of one patient. On x86-64 CPUs with AVX2 (detected once, at run time), the
    /// same code compiled for AVX2, whose vector loops (logits, block maxima, the envelope's
    /// exponentials) take twice the lanes: the same operations on the same values in the same
    /// order (no fused multiply-add: AVX2 alone does not enable it), so the same bits, tested.
    fn modality(&mut self, v: &Mat<f64>, noise: &ModalityNoise, bag: &mut Bag) {
        #[cfg(target_arch = "x86_64")]
        if has_avx2() {
            // SAFETY: the CPU supports AVX2 (checked just above).
            return unsafe { self.modality_avx2(v, noise, bag) };
        }
        self.modality_body(v, noise, bag)
    }

    /// [`PatientSampler::modality`] compiled for AVX2; callers check that the CPU has it.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline(never)]
    unsafe fn modality_avx2(&mut self, v: &Mat<f64>, noise: &ModalityNoise, bag: &mut Bag) {
        self.modality_body(v, noise, bag)
    }

    /// [`PatientSampler::modality`]'s work, with everything it calls inlined.
    #[inline(always)]
    fn modality_body(&mut self, v: &Mat<f64>, noise: &ModalityNoise, bag: &mut Bag) {
        // The generator as a local, put back at the end: the same draws, with its state in
        // registers. Through `self.rng`, the loops stored and reloaded it at every draw (the
        // compiler could not rule out their writes to the scratch vectors reaching it).
        let mut rng = self.rng.clone();
        let d = v.nrows();
        let logits = &mut self.logits[..d];
        // Signal: l = V c, accumulated column by column in that order, four columns per pass
        // over the logits (the same additions, in the same order, as one column per pass).
        let col = |k: usize| crate::linalg::column(v.as_ref(), k);
        let mut k = 0;
        while k + 4 <= self.p {
            let (a, b, c, e) = (col(k), col(k + 1), col(k + 2), col(k + 3));
            let [ca, cb, cc, ce] = [self.c[k], self.c[k + 1], self.c[k + 2], self.c[k + 3]];
            let rows = logits.iter_mut().zip(a).zip(b).zip(c).zip(e);
            if k == 0 {
                for ((((l, a), b), c), e) in rows {
                    *l = a * ca + b * cb + c * cc + e * ce;
                }
            } else {
                for ((((l, a), b), c), e) in rows {
                    *l = *l + a * ca + b * cb + c * cc + e * ce;
                }
            }
            k += 4;
        }
        for k in k..self.p {
            let ck = self.c[k];
            if k == 0 {
                for (l, x) in logits.iter_mut().zip(col(k)) {
                    *l = x * ck;
                }
            } else {
                for (l, x) in logits.iter_mut().zip(col(k)) {
                    *l += x * ck;
                }
            }
        }
        match noise {
            ModalityNoise::None => {}
            ModalityNoise::Spike { k, sd } => {
                for l in logits.iter_mut().take(*k) {
                    *l += sd * self.nrm.sample(&mut rng);
                }
            }
            ModalityNoise::Ar1 { scale, rho } => {
                let innov = (1.0 - rho * rho).sqrt();
                // Draw the d innovations in one tight loop, then run the recursion
                // z_0 = eta_0, z_w = rho z_{w-1} + innov eta_w.
                let eta = &mut self.eta[..d];
                self.nrm.fill(&mut rng, eta);
                ar1_into(eta, *rho, innov, scale, logits);
            }
            ModalityNoise::Orthogonal { basis, sd } => {
                for k in 0..self.p {
                    self.z[k] = sd * self.nrm.sample(&mut rng);
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
        let t = loop {
            let t = self.lengths.sample(&mut rng);
            if t >= 2 {
                break t as usize;
            }
        };
        self.tokens.draw(&mut rng, logits, t, bag);
        self.rng = rng;
    }
}

/// Features per block of the token sampler's envelope (a power of two: the offset in a block
/// is three random bits).
const BLOCK: usize = 8;
// The block maxima in `TokenSampler::draw` are written out for blocks of eight.
const _: () = assert!(BLOCK == 8);

/// Draws the T tokens of one patient and modality, i.i.d. from softmax(logits), by rejection
/// from a blocked envelope: features are grouped in blocks of eight, and block b's envelope
/// gives each of its features the weight exp(M_b), M_b the block's largest logit (a last,
/// shorter block is padded with features of weight zero). A proposal picks a block with
/// probability proportional to its envelope (inversion of the cumulative envelope by vector
/// comparisons, without data-dependent branches: `find_block`), a position in it
/// uniformly, and is accepted with probability exp(l_w - M_b). Accepted tokens are exact,
/// independent draws from the softmax, since the envelope dominates every weight; at most
/// eight proposals per token are expected (a block's largest feature is always accepted),
/// about 1.1 at the paper's settings. This replaces d exponentials per patient and modality by
/// d / 8 and a few per token: the full softmax was most of the simulation's time. Most tests
/// are settled without an exponential by the bounds 1 + x <= exp(x) <= 1 / (1 - x), x <= 0.
#[derive(Debug, Clone)]
pub struct TokenSampler {
    block_max: Vec<f64>,  // (ceil(d_M / BLOCK),) largest logit of each block
    cum: Vec<f64>,        // (8 ceil(nb / 8),) cumulative envelope weights exp(M_b - max M), then +inf
    group_tops: Vec<f64>, // (max(8, ceil(nb / 8)),) cum[8 g + 7], the last of each group of eight blocks, then +inf
    counts: Vec<u32>,     // (d_M,) scratch, all zero between patients
    touched: Vec<u64>,    // (ceil(d_M / 64),) bitmap of the features drawn, all zero between patients
}

/// The first index b with cum[b] > u in a non-decreasing `cum` (the last index if there is
/// none, as when rounding puts u at the total), by binary search in ceil(log2 len) steps. Each
/// step is a select, not a branch (`select_unpredictable`: a conditional move natively, a
/// `select` in WebAssembly): with a branch, random u mispredicted half the steps, and the
/// search was a third of the simulation's time natively.
/// Replaced a guide table (Chen and Asau 1974), whose construction per patient and the walk
/// from its entry cost more than this search at these sizes.
#[inline(always)]
fn first_above(cum: &[f64], u: f64) -> usize {
    let mut base = 0;
    let mut len = cum.len();
    while len > 1 {
        let half = len / 2;
        base = std::hint::select_unpredictable(cum[base + half - 1] <= u, base + half, base);
        len -= half;
    }
    base
}

/// first_above(cum[..nb], u), faster: the group of eight blocks by counting the groups whose
/// last cumulative weight (`tops`) is <= u (for up to eight groups, 64 blocks; a binary search
/// among more), then the block by counting the group's weights <= u. The counts are vector
/// comparisons with no dependent loads, where the search's steps each waited on the last.
/// `cum` and `tops` are padded with +inf; the clamps give the last block when rounding puts u
/// at the total, as first_above does.
#[inline(always)]
fn find_block(cum: &[f64], tops: &[f64], nb: usize, u: f64) -> usize {
    let groups = nb.div_ceil(8);
    let g = if groups <= 8 {
        // (The clamp as in first_above.)
        count_at_most(tops[..8].try_into().expect("eight tops"), u).min(groups - 1)
    } else {
        first_above(&tops[..groups], u)
    };
    let group = cum[8 * g..8 * g + 8].try_into().expect("groups of eight");
    (8 * g + count_at_most(group, u)).min(nb - 1)
}

/// How many of the eight values are <= u, by vector comparisons (SSE2 natively, simd128 in
/// WebAssembly; the compiler makes a chain of scalar compare-and-adds of the portable loop).
#[inline(always)]
fn count_at_most(x: &[f64; 8], u: f64) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_add_epi64, _mm_castpd_si128, _mm_cmple_pd, _mm_loadu_pd, _mm_set1_pd};
        use std::arch::x86_64::{_mm_cvtsi128_si64, _mm_unpackhi_epi64};
        // SAFETY: SSE2 is part of x86-64; the loads read x[0..8], which exist.
        unsafe {
            let u = _mm_set1_pd(u);
            let le = |i: usize| _mm_castpd_si128(_mm_cmple_pd(_mm_loadu_pd(x.as_ptr().add(i)), u));
            // Each true comparison is an all-ones lane, -1 as an integer.
            let s = _mm_add_epi64(_mm_add_epi64(le(0), le(2)), _mm_add_epi64(le(4), le(6)));
            let s = _mm_add_epi64(s, _mm_unpackhi_epi64(s, s));
            (-_mm_cvtsi128_si64(s)) as usize
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        use std::arch::wasm32::{f64x2, f64x2_le, i64x2_add, i64x2_extract_lane};
        let u = f64x2(u, u);
        let le = |i: usize| f64x2_le(f64x2(x[i], x[i + 1]), u);
        let s = i64x2_add(i64x2_add(le(0), le(2)), i64x2_add(le(4), le(6)));
        (-(i64x2_extract_lane::<0>(s) + i64x2_extract_lane::<1>(s))) as usize
    }
    #[cfg(not(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128"))))]
    {
        x.iter().map(|&c| usize::from(c <= u)).sum()
    }
}

/// Most proposals the token sampler draws before testing them (see [`TokenSampler::draw`]).
const PROPOSAL_BATCH: usize = 64;

/// A uniform double in [0, 1) from the top 53 bits of a 64-bit draw.
#[inline(always)]
fn unit(bits: u64) -> f64 {
    // Through i64: the same value, by a signed conversion (one instruction in WebAssembly
    // engines on x86-64, where the unsigned one takes a branch).
    ((bits >> 11) as i64) as f64 * (1.0 / (1u64 << 53) as f64)
}

impl TokenSampler {
    /// A sampler for modalities of at most `dmax` features.
    pub fn new(dmax: usize) -> Self {
        let nb = dmax.div_ceil(BLOCK);
        TokenSampler {
            block_max: vec![0.0; nb],
            cum: vec![f64::INFINITY; nb.div_ceil(8) * 8],
            group_tops: vec![f64::INFINITY; nb.div_ceil(8).max(8)],
            counts: vec![0; dmax],
            touched: vec![0; dmax.div_ceil(64)],
        }
    }

    /// The cumulative envelope weights exp(M_b - max_b M_b); returns the total weight.
    #[inline(always)]
    fn build_cumulative(&mut self, nb: usize) -> f64 {
        // (Not f64::max, which is a call to fmax in WebAssembly; the maxima are finite.)
        let top = self.block_max[..nb].iter().fold(f64::NEG_INFINITY, |a, &b| if b > a { b } else { a });
        let cum = &mut self.cum[..nb];
        for (c, m) in cum.iter_mut().zip(&self.block_max[..nb]) {
            *c = exp_nonpositive(*m - top); // vectorised; summed below
        }
        let mut acc = 0.0;
        for c in cum.iter_mut() {
            acc += *c;
            *c = acc;
        }
        // (The sampler serves both modalities: the padding is written every time.)
        self.cum[nb..nb.div_ceil(8) * 8].fill(f64::INFINITY);
        let groups = nb.div_ceil(8);
        for (g, top) in self.group_tops[..groups].iter_mut().enumerate() {
            *top = self.cum[8 * g + 7];
        }
        self.group_tops[groups..].fill(f64::INFINITY);
        acc
    }

    /// Draws `t` tokens from softmax(`logits`) into `bag`, sorted by feature.
    #[inline(always)]
    pub fn draw<R: Rng + Clone>(&mut self, rng: &mut R, logits: &[f64], t: usize, bag: &mut Bag) {
        let d = logits.len();
        let nb = d.div_ceil(BLOCK);
        // Block maxima (logits are finite: plain comparisons, no NaN handling).
        let bigger = |a: f64, b: f64| if a > b { a } else { b };
        let mut blocks = logits.chunks_exact(BLOCK);
        for (m, x) in self.block_max.iter_mut().zip(&mut blocks) {
            *m = block_max8(x.try_into().expect("blocks of 8"));
        }
        if !blocks.remainder().is_empty() {
            self.block_max[nb - 1] = blocks.remainder().iter().cloned().fold(f64::NEG_INFINITY, bigger);
        }
        let total = self.build_cumulative(nb);
        let (cum, tops) = (&self.cum[..nb.div_ceil(8) * 8], &self.group_tops[..]);
        // Proposals go in batches of at most the tokens still wanted, so every proposal drawn
        // is one the one-at-a-time loop would also draw, from the same two 64-bit draws: the
        // same tokens. Drawing and searching a batch before testing it keeps those loops short
        // and apart (one loop drawing and testing each proposal was measured slower: 418
        // against 395 ms for a spike replicate's simulation).
        let mut props = [(0usize, 0u64); PROPOSAL_BATCH]; // (block, second draw)
        let mut accepted = 0;
        while accepted < t {
            let batch = &mut props[..(t - accepted).min(PROPOSAL_BATCH)];
            // (The generator as a local while drawing, put back after: the same draws, with its
            // state in registers rather than stored and reloaded at every draw.)
            let mut local = rng.clone();
            for prop in batch.iter_mut() {
                let b = find_block(cum, tops, nb, unit(local.next_u64()) * total);
                *prop = (b, local.next_u64());
            }
            *rng = local;
            for &(b, bits) in batch.iter() {
                let w = b * BLOCK + (bits as usize & (BLOCK - 1));
                let inside = w < d; // else padding of the last block: rejected
                let w = if inside { w } else { d - 1 };
                let x = logits[w] - self.block_max[b];
                let v = unit(bits);
                // The test, without data-dependent branches except for the rare exponential:
                // reject when v > exp(x), settled by the bounds when they suffice. (With a
                // branch per test, a rejection rate of a tenth to a third mispredicted often.)
                let unsure = (x < 0.0) & (v > 1.0 + x);
                let mut reject = unsure & (v * (1.0 - x) >= 1.0);
                if unsure & !reject {
                    reject = v >= exp_nonpositive(x);
                }
                let take = inside & !reject;
                self.touched[w / 64] |= (take as u64) << (w % 64);
                self.counts[w] += take as u32;
                accepted += take as usize;
            }
        }
        bag.clear();
        for (k, word) in self.touched[..d.div_ceil(64)].iter_mut().enumerate() {
            while *word != 0 {
                let w = k * 64 + word.trailing_zeros() as usize;
                bag.push((w as u32, self.counts[w]));
                self.counts[w] = 0;
                *word &= *word - 1;
            }
        }
    }
}

/// The largest of eight finite logits. In WebAssembly by `f64x2.pmax` (b < a ? a : b, the same
/// choice as the portable comparison): there V8 turns the scalar compare-and-select into a
/// branch, and with random logits the mispredictions made this loop over a quarter of the
/// simulation's time. Either way the result is the largest value; ties between +0 and -0 may
/// pick either zero, which nothing downstream can tell apart (it is only subtracted from).
#[inline(always)]
fn block_max8(x: &[f64; 8]) -> f64 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        use std::arch::wasm32::{f64x2, f64x2_extract_lane, f64x2_pmax};
        let v = |i: usize| f64x2(x[i], x[i + 1]);
        let m = f64x2_pmax(f64x2_pmax(v(0), v(2)), f64x2_pmax(v(4), v(6)));
        let (a, b) = (f64x2_extract_lane::<0>(m), f64x2_extract_lane::<1>(m));
        f64x2_extract_lane::<0>(f64x2_pmax(f64x2(a, a), f64x2(b, b)))
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        let bigger = |a: f64, b: f64| if a > b { a } else { b };
        bigger(bigger(bigger(x[0], x[1]), bigger(x[2], x[3])), bigger(bigger(x[4], x[5]), bigger(x[6], x[7])))
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

/// Whether this x86-64 CPU has AVX2 (the standard library detects it once and caches it).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn has_avx2() -> bool {
    #[cfg(test)]
    if PORTABLE_ONLY.load(std::sync::atomic::Ordering::SeqCst) {
        return false;
    }
    std::arch::is_x86_feature_detected!("avx2")
}

/// Set by a test to run the portable code on a CPU with AVX2 and compare the two. (Other
/// tests running meanwhile only see the same numbers from the other path.)
#[cfg(all(test, target_arch = "x86_64"))]
static PORTABLE_ONLY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Most extra memory the threads of [`draw_parallel`] may take for their own statistics.
pub const THREAD_STATS_BUDGET: u64 = 512 << 20;

/// Draws the `count` patients after the sampler's position into `stats` on up to `threads`
/// threads, and leaves the sampler after them: the same statistics as
/// [`PatientSampler::draw_into`], exactly. The patients are cut into contiguous parts at
/// multiples of [`PATIENT_BLOCK`] (so no part re-draws patients to reach its start); every part
/// but the last is drawn by a copy of the sampler into statistics of its own, the last by the
/// sampler itself into `stats`, and the parts are added (counts, so in any order the same
/// numbers). Fewer threads when the parts would be under a block, or their statistics over
/// [`THREAD_STATS_BUDGET`].
pub fn draw_parallel(
    sampler: &mut PatientSampler,
    truth: &Truth,
    count: usize,
    stats: &mut SummaryStats,
    threads: usize,
) {
    let within = stats.within.is_some();
    let (d1, d2) = (stats.d1 as u64, stats.d2 as u64);
    // Each extra part holds statistics (f64) and their staging (a byte per entry).
    let part_bytes = 10 * (d1 * d2 + if within { d1 * d1 + d2 * d2 } else { 0 }) + 1;
    let by_memory = 1 + (THREAD_STATS_BUDGET / part_bytes) as usize;
    // (WebAssembly has no threads here: the explorer splits runs between workers instead.)
    let threads = if cfg!(target_arch = "wasm32") { 1 } else { threads };
    let parts = threads.min(by_memory).min(count / PATIENT_BLOCK).max(1);
    if parts == 1 {
        sampler.draw_into(truth, count, stats);
        return;
    }
    let (from, to) = (sampler.drawn(), sampler.drawn() + count);
    let mut cuts = vec![from];
    for j in 1..parts {
        let cut = (from + count * j / parts) / PATIENT_BLOCK * PATIENT_BLOCK;
        cuts.push(cut.clamp(cuts[j - 1], to));
    }
    cuts.push(to);
    let extra: Vec<SummaryStats> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..parts - 1)
            .map(|j| {
                let (a, b) = (cuts[j], cuts[j + 1]);
                let mut part = sampler.clone();
                scope.spawn(move || {
                    let mut own = SummaryStats::new(d1 as usize, d2 as usize, within);
                    if a != from {
                        part.seek(truth, a);
                    }
                    part.draw_into(truth, b - a, &mut own);
                    own
                })
            })
            .collect();
        if cuts[parts - 1] != from {
            sampler.seek(truth, cuts[parts - 1]);
        }
        sampler.draw_into(truth, to - cuts[parts - 1], stats);
        handles.into_iter().map(|h| h.join().expect("a simulation thread panicked")).collect()
    });
    for part in &extra {
        stats.merge(part).expect("parts have the same sizes");
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
    use super::{ar1_into, exp_nonpositive, find_block, first_above, unit, TokenSampler, BLOCK};
    use rand::RngCore;
    use rand::SeedableRng;

    /// The AVX2 build of the sampler and of the pair staging gives the statistics of the
    /// portable one, to the bit, for every noise, with counts past a byte (mean_t 400) and
    /// modalities of different sizes. (On a CPU without AVX2 both runs are portable.)
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_avx2_path_gives_the_portable_statistics() {
        use crate::params::{NoiseKind, Params};
        use std::sync::atomic::Ordering;
        eprintln!("AVX2 on this CPU: {}", std::arch::is_x86_feature_detected!("avx2"));
        for (noise, mean_t, d2) in [
            (NoiseKind::Ar1, 50.0, 40),
            (NoiseKind::Spike, 400.0, 40),
            (NoiseKind::Orthogonal, 20.0, 130),
            (NoiseKind::None, 50.0, 17),
        ] {
            let params = Params { d1: 60, d2, p: 4, n: 3000, mean_t, noise, signal: 3.0, ..Params::default() };
            let params = params.check().expect("valid parameters");
            super::PORTABLE_ONLY.store(false, Ordering::SeqCst);
            let (_, fast) = super::simulate(&params, true);
            super::PORTABLE_ONLY.store(true, Ordering::SeqCst);
            let (_, portable) = super::simulate(&params, true);
            super::PORTABLE_ONLY.store(false, Ordering::SeqCst);
            assert!(fast == portable, "{noise:?}: the AVX2 and portable statistics differ");
            assert!(portable.d12.iter().sum::<f64>() > 0.0, "{noise:?}: some pairs counted");
        }
    }

    #[test]
    fn blocked_ar1_matches_the_plain_recursion() {
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
        }
    }

    /// Both searches find, for every u, the first block whose cumulative weight exceeds u, as a
    /// plain scan does (at random points, at every cumulative weight and either side of it, for
    /// every length from 1 to 140 and for envelopes with ties and negligible blocks). One
    /// sampler serves every case, longest first, as one serves both modalities, so the grouped
    /// search must not see a longer case's weights beyond its own.
    #[test]
    fn search_inverts_the_cumulative_envelope() {
        let mut cases: Vec<Vec<f64>> = vec![
            vec![0.0, -0.5, -3.0, 0.0, -40.0, -0.01, -2.0],
            vec![-700.0, 0.0, -700.0, -700.0, -700.0],
            vec![0.0, 0.0, -800.0, -800.0],
        ];
        cases.extend((1..=140).rev().map(|nb| (0..nb).map(|i| -((i * 7) % 13) as f64).collect()));
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(9);
        let mut s = TokenSampler::new(140 * BLOCK);
        for maxima in cases {
            let nb = maxima.len();
            s.block_max[..nb].copy_from_slice(&maxima);
            let total = s.build_cumulative(nb);
            let top = maxima.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let weights: f64 = maxima.iter().map(|m| (m - top).max(-700.0).exp()).sum();
            assert!((total - weights).abs() < 1e-12 * weights, "total {total} vs {weights}");
            let (padded, tops) = (&s.cum[..], &s.group_tops[..]);
            let cum = &s.cum[..nb];
            let scan = |u: f64| (0..nb).find(|&b| cum[b] > u).unwrap_or(nb - 1);
            let mut points: Vec<f64> = (0..500).map(|_| unit(rng.next_u64()) * total).collect();
            for &c in cum {
                points.extend([c, c * (1.0 - 1e-15), c * (1.0 + 1e-15), total]);
            }
            for u in points {
                assert_eq!(first_above(cum, u), scan(u), "u = {u}, maxima {maxima:?}");
                assert_eq!(find_block(padded, tops, nb, u), scan(u), "grouped: u = {u}, maxima {maxima:?}");
            }
        }
    }

    /// Chi-square of token frequencies against the softmax, for logits with large spreads
    /// inside blocks, a dominant feature, a block of a single feature and far-below-max blocks.
    #[test]
    fn token_sampler_draws_from_the_softmax() {
        let cases: Vec<Vec<f64>> = vec![
            (0..21).map(|i| ((i * 37) % 11) as f64 * 0.4 - 2.0).collect(),
            (0..17).map(|i| if i == 3 { 5.0 } else { -(i as f64) * 0.1 }).collect(),
            (0..9).map(|i| if i == 8 { -30.0 } else { 0.01 * i as f64 }).collect(),
            vec![0.0, -1.0],
        ];
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(5);
        for logits in cases {
            let d = logits.len();
            let mut sampler = TokenSampler::new(d + 5);
            let mut totals = vec![0u64; d];
            let mut bag = Vec::new();
            let (patients, t) = (20_000, 25);
            for _ in 0..patients {
                sampler.draw(&mut rng, &logits, t, &mut bag);
                assert_eq!(bag.iter().map(|&(_, c)| c as usize).sum::<usize>(), t);
                assert!(bag.windows(2).all(|p| p[0].0 < p[1].0), "bag sorted, no repeats");
                for &(w, c) in &bag {
                    totals[w as usize] += c as u64;
                }
            }
            assert!(sampler.counts.iter().all(|&c| c == 0) && sampler.touched.iter().all(|&b| b == 0));
            let m = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let z: f64 = logits.iter().map(|l| (l - m).exp()).sum();
            let n = (patients * t) as f64;
            let mut chi2 = 0.0;
            let mut df = 0;
            for w in 0..d {
                let e = n * (logits[w] - m).exp() / z;
                if e >= 5.0 {
                    chi2 += (totals[w] as f64 - e).powi(2) / e;
                    df += 1;
                } else {
                    assert!((totals[w] as f64) < e + 6.0 * e.sqrt() + 3.0, "rare feature {w}: {} vs {e}", totals[w]);
                }
            }
            // Upper 0.1 % point of chi-square: below df + 4.5 sqrt(2 df) + 10 for these df.
            let limit = df as f64 + 4.5 * (2.0 * df as f64).sqrt() + 10.0;
            assert!(chi2 < limit, "chi2 {chi2:.1} on {df} cells for {logits:?}");
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
