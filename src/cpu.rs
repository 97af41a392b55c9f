//! What this CPU can do, and a reset of its vector state: switches the simulation and the
//! statistics share (both run code compiled for AVX2 when the CPU has it, with the same bits).

/// Clears the upper halves of the x86 YMM registers. faer's AVX kernels can leave them dirty,
/// and the SSE code of the simulation then pays a state-transition penalty on every vector
/// instruction: measured, a replicate's simulation ran in 1.8 s on a fresh process and 3.6 s
/// after a first fit, until this call was added at the top of [`crate::simulate::PatientSampler::draw_into`].
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
pub(crate) static PORTABLE_ONLY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
