//! A sampler's patients drawn on several threads into the same statistics as one thread gives.

use super::patient::PatientSampler;
use super::truth::Truth;
use crate::rng::PATIENT_BLOCK;
use crate::stats::SummaryStats;

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
