//! The token sampler: a patient's T tokens in one modality, drawn exactly from the softmax of
//! its logits by rejection from a blocked envelope (model.md §2's Multinomial(T, pi)).

use super::exp::exp_nonpositive;
use super::patient::Bag;
use rand::Rng;

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

#[cfg(test)]
mod tests {
    use super::{find_block, first_above, unit, TokenSampler, BLOCK};
    use rand::RngCore;
    use rand::SeedableRng;

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
}
