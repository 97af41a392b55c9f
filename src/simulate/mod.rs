//! The generative model of model.md §2 (paper eq. 2.1): true embeddings, patient noise, and a
//! patient sampler that streams patients into summary statistics without ever holding an
//! n x d count matrix.
//!
//! For each patient: c ~ N(0, I_p); per modality M, logits l = V*_M c + eps^(M),
//! pi = softmax(l), T ~ Poisson(mean_T) drawn again while T < 2, x ~ Multinomial(T, pi).
//!
//! - `truth`: the true embeddings and each modality's fixed noise;
//! - `patient`: the patient sampler, with the AR(1) recursion;
//! - `tokens`: the token sampler (exact draws from the softmax by a blocked envelope);
//! - `exp`: the fast exponential both samplers use;
//! - `parallel`: a sampler's patients drawn on several threads, the same statistics.

mod exp;
mod parallel;
mod patient;
mod tokens;
mod truth;

pub use exp::exp_nonpositive;
pub use parallel::{draw_parallel, THREAD_STATS_BUDGET};
pub use patient::{Bag, PatientSampler};
pub use tokens::TokenSampler;
pub use truth::{ModalityNoise, Truth};

use crate::params::ValidParams;
use crate::stats::SummaryStats;

/// Simulates a whole cohort and returns its truth and summary statistics.
pub fn simulate(params: &ValidParams, with_within: bool) -> (Truth, SummaryStats) {
    let truth = Truth::draw(params);
    let mut stats = SummaryStats::new(params.d1, params.d2, with_within);
    let mut sampler = PatientSampler::new(params);
    sampler.draw_into(&truth, params.n, &mut stats);
    (truth, stats)
}
