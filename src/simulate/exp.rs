//! A fast exp for the softmax of the patient sampler and the token sampler's envelope.

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

#[cfg(test)]
mod tests {
    use super::exp_nonpositive;

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
