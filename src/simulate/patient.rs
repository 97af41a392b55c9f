//! The patient sampler (model.md §2, paper eq. 2.1): for each patient c ~ N(0, I_p); per
//! modality M, logits l = V*_M c + eps^(M), pi = softmax(l), T ~ Poisson(mean_T) drawn again
//! while T < 2, x ~ Multinomial(T, pi), the tokens drawn by [`TokenSampler`]. Patients stream
//! into summary statistics; no n x d count matrix is ever held.

use super::tokens::TokenSampler;
use super::truth::{ModalityNoise, Truth};
use crate::cpu::clear_upper_vector_state;
#[cfg(target_arch = "x86_64")]
use crate::cpu::has_avx2;
use crate::params::ValidParams;
use crate::rng::{patient_rng, Normal, Poisson, PATIENT_BLOCK};
use crate::stats::{PairStaging, SummaryStats};
use faer::MatRef;
use rand_xoshiro::Xoshiro256PlusPlus;

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
        self.modality(crate::linalg::mat(&truth.v1), &truth.noise[0], &mut bags[0]);
        self.modality(crate::linalg::mat(&truth.v2), &truth.noise[1], &mut bags[1]);
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
    fn modality(&mut self, v: MatRef<'_, f64>, noise: &ModalityNoise, bag: &mut Bag) {
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
    unsafe fn modality_avx2(&mut self, v: MatRef<'_, f64>, noise: &ModalityNoise, bag: &mut Bag) {
        self.modality_body(v, noise, bag)
    }

    /// [`PatientSampler::modality`]'s work, with everything it calls inlined.
    #[inline(always)]
    fn modality_body(&mut self, v: MatRef<'_, f64>, noise: &ModalityNoise, bag: &mut Bag) {
        // The generator as a local, put back at the end: the same draws, with its state in
        // registers. Through `self.rng`, the loops stored and reloaded it at every draw (the
        // compiler could not rule out their writes to the scratch vectors reaching it).
        let mut rng = self.rng.clone();
        let d = v.nrows();
        let logits = &mut self.logits[..d];
        // Signal: l = V c, accumulated column by column in that order, four columns per pass
        // over the logits (the same additions, in the same order, as one column per pass).
        let col = |k: usize| crate::linalg::column(v, k);
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

#[cfg(test)]
mod tests {
    use super::ar1_into;

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
            crate::cpu::PORTABLE_ONLY.store(false, Ordering::SeqCst);
            let (_, fast) = crate::simulate::simulate(&params, true);
            crate::cpu::PORTABLE_ONLY.store(true, Ordering::SeqCst);
            let (_, portable) = crate::simulate::simulate(&params, true);
            crate::cpu::PORTABLE_ONLY.store(false, Ordering::SeqCst);
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
}
