//! Seeded random streams, one per consumer, and the few samplers the model needs.
//!
//! Every stream is a ChaCha8 generator seeded by the user's seed and told apart by a stream
//! number ([`Stream`]), so drawing more patients never shifts the truth, and adding a metric that
//! uses randomness never shifts the patients. The samplers (normal, Poisson) are written here on
//! top of `libm` rather than taken from `rand_distr`, whose `f64::exp`/`ln` come from the
//! platform's maths library: with `libm` one seed gives bit-identical draws natively and in
//! WebAssembly.

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The consumers of randomness. Their numbers are part of the reproducibility contract: never
/// renumber them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// True embeddings and the fixed parts of the noise (AR(1) scales, orthogonal basis).
    Truth = 1,
    /// Patients: latent states, noise, lengths, tokens.
    Patients = 2,
    /// Random negatives and other draws of the metrics.
    Metrics = 3,
    /// Start vectors of the iterative factorizations.
    Linalg = 4,
    /// Initial values of gradient-descent trainers.
    Init = 5,
    /// Minibatches and sampled negatives of stochastic trainers.
    Batches = 6,
}

/// The generator of one stream.
pub fn stream(seed: u64, which: Stream) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(which as u64);
    rng
}

/// The generator of one stream of replicate `rep` (experiments run replicates independently).
pub fn replicate_seed(seed: u64, rep: u64) -> u64 {
    // SplitMix64 finaliser: well-spread, cheap, and the same everywhere.
    let mut z = seed ^ rep.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform index in 0..n, drawn as a u64 so that 64-bit native code and 32-bit WebAssembly
/// (where `usize` is 32 bits and `gen_range` on it consumes the stream differently) agree.
#[inline]
pub fn index<R: Rng + ?Sized>(rng: &mut R, n: usize) -> usize {
    rng.gen_range(0..n as u64) as usize
}

/// Patients per block of the patient stream: patient i draws from the generator of block
/// i / PATIENT_BLOCK ([`patient_rng`]), so any stretch of patients can be simulated on its own
/// (the explorer's helper workers split a run between them) and gives the same patients.
pub const PATIENT_BLOCK: usize = 1000;

/// The fast generator of block `block` of the patient stream: Xoshiro256++ keyed by the 32 bytes
/// at position 32 * `block` of the ChaCha8 `Patients` stream (ChaCha8 costs about 3 ns per draw
/// here, Xoshiro256++ under 1 ns, and the patient stream takes about 10^8 draws at the paper's
/// scale). ChaCha8 seeks in O(1), so every block starts independently.
pub fn patient_rng(seed: u64, block: u64) -> rand_xoshiro::Xoshiro256PlusPlus {
    let mut chacha = stream(seed, Stream::Patients);
    // The word position counts 32-bit words: eight per 32-byte key.
    chacha.set_word_pos(u128::from(block) * 8);
    let mut key = [0u8; 32];
    chacha.fill_bytes(&mut key);
    rand_xoshiro::Xoshiro256PlusPlus::from_seed(key)
}

/// Number of ziggurat layers.
const ZIG_LAYERS: usize = 256;
/// Start of the tail of the 256-layer normal ziggurat (Marsaglia and Tsang 2000; Doornik 2005).
const ZIG_R: f64 = 3.654_152_885_361_008_8;
/// Area of each layer.
const ZIG_V: f64 = 0.004_928_673_233_99;

/// Ziggurat tables (x_i, f(x_i)) for the unnormalised density f(x) = exp(-x^2 / 2), computed with
/// `libm` so they are the same on every platform.
#[derive(Debug, Clone)]
struct ZigTables {
    x: [f64; ZIG_LAYERS + 1],
    f: [f64; ZIG_LAYERS + 1],
}

fn pdf(x: f64) -> f64 {
    libm::exp(-0.5 * x * x)
}

impl ZigTables {
    fn new() -> Self {
        let mut x = [0.0; ZIG_LAYERS + 1];
        x[0] = ZIG_V / pdf(ZIG_R);
        x[1] = ZIG_R;
        for i in 2..ZIG_LAYERS {
            let y = ZIG_V / x[i - 1] + pdf(x[i - 1]);
            x[i] = libm::sqrt(-2.0 * libm::log(y.min(1.0)));
        }
        x[ZIG_LAYERS] = 0.0;
        let mut f = [0.0; ZIG_LAYERS + 1];
        for i in 0..=ZIG_LAYERS {
            f[i] = pdf(x[i]);
        }
        ZigTables { x, f }
    }
}

/// A standard-normal sampler: the 256-layer ziggurat (one 64-bit draw per sample in about 99% of
/// cases), exact, with its tables and density built on `libm`.
#[derive(Debug, Clone)]
pub struct Normal {
    tab: Box<ZigTables>,
    redo: Vec<(u32, u64)>, // (slot, first draw) of the tries `fill` has left to finish
}

impl Default for Normal {
    fn default() -> Self {
        Normal::new()
    }
}

impl Normal {
    /// A sampler (builds the tables once).
    pub fn new() -> Self {
        Normal { tab: Box::new(ZigTables::new()), redo: Vec::new() }
    }

    /// One N(0, 1) draw.
    #[inline(always)]
    pub fn sample<R: Rng + ?Sized>(&mut self, rng: &mut R) -> f64 {
        loop {
            let bits = rng.next_u64();
            let (x, inside) = first_try(&self.tab, bits);
            if inside {
                return x;
            }
            if let Some(x) = self.edge(bits, rng) {
                return x;
            }
        }
    }

    /// The rest of a try whose candidate fell outside its layer's rectangle (about 1 % of
    /// tries): the tail beyond R for the base layer, else the wedge test with a fresh uniform.
    /// `None` when the try is rejected.
    #[cold]
    #[inline(never)]
    fn edge<R: Rng + ?Sized>(&self, bits: u64, rng: &mut R) -> Option<f64> {
        let t = &*self.tab;
        let (x, _) = first_try(&self.tab, bits);
        let i = (bits & 0xff) as usize;
        if i == 0 {
            // Tail beyond R (Marsaglia 1964).
            loop {
                let a = -libm::log(1.0 - rng.gen::<f64>()) / ZIG_R;
                let b = -libm::log(1.0 - rng.gen::<f64>());
                if 2.0 * b >= a * a {
                    return Some(if x < 0.0 { -(ZIG_R + a) } else { ZIG_R + a });
                }
            }
        }
        (t.f[i + 1] + (t.f[i] - t.f[i + 1]) * rng.gen::<f64>() < pdf(x)).then_some(x)
    }

    /// Fills `out` with independent N(0, 1) draws, in two passes: first one 64-bit draw per
    /// slot, keeping the candidates inside their rectangles (about 99 %) in a tight loop without
    /// data-dependent branches and noting the others; then each noted slot finishes its own
    /// ziggurat run (edge test, then fresh tries) with draws taken after the whole first pass.
    /// Every slot is a complete ziggurat run on draws of its own, so the values are exact and
    /// independent; they differ from `sample` called in a loop, which interleaves the draws.
    /// `out` must hold at most 2^32 values.
    #[inline(always)]
    pub fn fill<R: Rng + Clone>(&mut self, rng: &mut R, out: &mut [f64]) {
        if self.redo.len() < out.len() {
            self.redo.resize(out.len(), (0, 0));
        }
        let mut pending = 0;
        // (Slices taken before the loop, so that inlined into a larger function the loop still
        // keeps their addresses in registers instead of reloading them from `self`.)
        let (tab, redo) = (&*self.tab, &mut self.redo[..out.len()]);
        // The generator's state as a local, put back after the loop: the same draws, but kept
        // in registers. Through `rng` itself, the loop stored and reloaded the state at every
        // draw (the compiler could not rule out the writes to `out` and `redo` reaching it).
        let mut local = rng.clone();
        for (j, slot) in out.iter_mut().enumerate() {
            let bits = local.next_u64();
            let (x, inside) = first_try(tab, bits);
            *slot = x;
            // Written every time, kept only when the try needs finishing.
            redo[pending] = (j as u32, bits);
            pending += usize::from(!inside);
        }
        *rng = local;
        for k in 0..pending {
            let (j, bits) = self.redo[k];
            out[j as usize] = match self.edge(bits, rng) {
                Some(x) => x,
                None => self.sample(rng),
            };
        }
    }
}

/// The ziggurat's fast path for one 64-bit draw: the candidate x of layer `bits & 0xff` and
/// whether it lies in the layer's rectangle (then it is the draw).
#[inline(always)]
fn first_try(t: &ZigTables, bits: u64) -> (f64, bool) {
    let i = (bits & 0xff) as usize;
    // Uniform in (-1, 1) from the top 53 bits (disjoint from the layer bits).
    // Through i64: the same value (below 2^53), but a signed conversion, which WebAssembly
    // engines do in one instruction on x86-64 (the unsigned one takes a branch).
    let u = (((bits >> 11) as i64) as f64 + 0.5) * (2.0 / (1u64 << 53) as f64) - 1.0;
    let x = u * t.x[i];
    (x, x.abs() < t.x[i + 1])
}

/// A Poisson(mean) sampler by inversion, searching outward from the mode: exact, O(sqrt(mean))
/// per draw, and built only on `libm` (see the module docs).
#[derive(Debug, Clone)]
pub struct Poisson {
    mean: f64,
    mode: u64,
    p_mode: f64,
}

impl Poisson {
    /// A sampler for a finite mean in (0, 1e6].
    pub fn new(mean: f64) -> Self {
        assert!(mean > 0.0 && mean.is_finite() && mean <= 1e6, "Poisson mean out of range: {mean}");
        let mode = libm::floor(mean) as u64;
        let m = mode as f64;
        let p_mode = libm::exp(m * libm::log(mean) - mean - libm::lgamma(m + 1.0));
        Poisson { mean, mode, p_mode }
    }

    /// One draw.
    #[inline(always)]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        loop {
            let mut u = rng.gen::<f64>();
            // Visit k = mode, mode+1, mode-1, mode+2, ... subtracting pmf(k) from u.
            let (mut up_k, mut up_p) = (self.mode, self.p_mode);
            let (mut down_k, mut down_p) = (self.mode, self.p_mode);
            u -= up_p;
            if u < 0.0 {
                return self.mode;
            }
            for _ in 0..100_000 {
                up_k += 1;
                up_p *= self.mean / up_k as f64;
                u -= up_p;
                if u < 0.0 {
                    return up_k;
                }
                if down_k > 0 {
                    down_p *= down_k as f64 / self.mean;
                    down_k -= 1;
                    u -= down_p;
                    if u < 0.0 {
                        return down_k;
                    }
                }
                if up_p < 1e-300 && (down_k == 0 || down_p < 1e-300) {
                    break;
                }
            }
            // Rounding left a sliver of mass unassigned (probability ~1e-16): draw again.
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_and_repeat() {
        let a: Vec<u64> = (0..4).map(|_| stream(7, Stream::Truth).gen()).collect();
        assert!(a.iter().all(|x| *x == a[0]));
        let b: u64 = stream(7, Stream::Patients).gen();
        let c: u64 = stream(8, Stream::Truth).gen();
        assert_ne!(a[0], b);
        assert_ne!(a[0], c);
    }

    /// Moments, tails, quantiles and the whole distribution function, of one draw at a time and
    /// of `fill` (in rows of 500, as the AR(1) noise uses it, and in rows of 3).
    #[test]
    fn normal_moments() {
        let n = 200_000;
        let mut nrm = Normal::new();
        let mut rng = stream(3, Stream::Patients);
        check_normal(&(0..n).map(|_| nrm.sample(&mut rng)).collect::<Vec<_>>());
        for row in [500, 3] {
            let mut xs = vec![f64::NAN; n];
            for chunk in xs.chunks_mut(row) {
                nrm.fill(&mut rng, chunk);
            }
            check_normal(&xs);
        }
    }

    fn check_normal(xs: &[f64]) {
        let n = xs.len();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        // Standard errors: 1/sqrt(n) = 0.0022 for the mean, sqrt(2/n) = 0.0032 for the variance.
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.015, "var {var}");
        // Tails and quantiles: P(|z| > 3) = 0.0027, P(z < -1) = 0.1587, P(z < 0.5) = 0.6915.
        let frac = |f: &dyn Fn(f64) -> bool| xs.iter().filter(|x| f(**x)).count() as f64 / n as f64;
        assert!((frac(&|x| x.abs() > 3.0) - 0.0027).abs() < 0.0006);
        assert!((frac(&|x| x < -1.0) - 0.1587).abs() < 0.004);
        assert!((frac(&|x| x < 0.5) - 0.6915).abs() < 0.004);
        assert!((frac(&|x| x > ZIG_R) - 1.29e-4).abs() < 8e-5);
        // Kolmogorov-Smirnov against Phi(x) = erfc(-x / sqrt 2) / 2: above 1.95 / sqrt(n) with
        // probability 0.001 for exact draws.
        let mut sorted = xs.to_vec();
        sorted.sort_by(f64::total_cmp);
        let ks = sorted
            .iter()
            .enumerate()
            .map(|(k, &x)| {
                let phi = 0.5 * libm::erfc(-x / std::f64::consts::SQRT_2);
                (phi - k as f64 / n as f64).abs().max(((k + 1) as f64 / n as f64 - phi).abs())
            })
            .fold(0.0, f64::max);
        assert!(ks < 1.95 / (n as f64).sqrt(), "Kolmogorov-Smirnov distance {ks}");
    }

    #[test]
    fn poisson_matches_pmf() {
        for &mean in &[0.7, 5.0, 50.0, 400.0] {
            let pois = Poisson::new(mean);
            let mut rng = stream(11, Stream::Patients);
            let n = 100_000;
            let xs: Vec<u64> = (0..n).map(|_| pois.sample(&mut rng)).collect();
            let m = xs.iter().sum::<u64>() as f64 / n as f64;
            let v = xs.iter().map(|&x| (x as f64 - m).powi(2)).sum::<f64>() / n as f64;
            let se = (mean / n as f64).sqrt();
            assert!((m - mean).abs() < 5.0 * se, "mean {m} vs {mean}");
            assert!((v / mean - 1.0).abs() < 0.03, "var {v} vs {mean}");
        }
    }
}
