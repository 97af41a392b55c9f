//! A trainer driven step by step for the explorer's "Training" section: the session (truth and
//! summary statistics of every patient), the matching SVD solution, and after each call the
//! iteration, loss, recovery error (projection distance to the truth) and distance to the SVD
//! solution. No wasm types here: the bindings wrap it, and native tests drive it directly.

use super::contrast::ContrastView;
use super::report::distance_between;
use super::{Cohort, Trainer, TrainerKind, ValidTrainParams};
use crate::error::Result;
use crate::estimators::{Fit, Method};
use crate::linalg::mat;
use crate::params::ValidParams;
use crate::session::Session;
use crate::views::alignment_view;
use serde::Serialize;
use std::sync::Arc;

/// The state after some steps.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct LivePoint {
    /// Steps taken so far.
    pub iteration: usize,
    /// The trainer's loss at the current parameters.
    pub loss: f64,
    /// max over modalities of the projection distance to the truth.
    pub error: f64,
    /// max over modalities of the projection distance to the matching SVD solution.
    pub distance_to_svd: f64,
    /// The SVD solution's own recovery error (a floor for `error`).
    pub svd_error: f64,
}

/// A trainer with its reference solution.
pub struct LiveTrainer {
    session: Session,
    /// The session's patients as bags, shared by every trainer built on them.
    cohort: Arc<Cohort>,
    trainer: Box<dyn Trainer>,
    /// The SVD solutions fitted so far, one per method; `current` indexes the trainer's.
    references: Vec<Reference>,
    current: usize,
}

/// One SVD method's solution and its own recovery error.
struct Reference {
    method: Method,
    fit: Fit,
    svd_error: f64,
}

impl Reference {
    fn fit(session: &Session, method: Method) -> Result<Self> {
        let fit = session.fit(method)?;
        let t = session.truth();
        let svd_error = distance_between((mat(&fit.v1), mat(&fit.v2)), (mat(&t.v1), mat(&t.v2)));
        Ok(Reference { method, fit, svd_error })
    }
}

impl LiveTrainer {
    /// Simulates all n patients, fits the matching SVD method and builds the trainer.
    pub fn new(params: ValidParams, kind: TrainerKind, train: &ValidTrainParams) -> Result<Self> {
        let method = kind.reference();
        let mut session = Session::new(params, method.needs_within());
        session.advance(usize::MAX);
        let reference = Reference::fit(&session, method)?;
        let vp = session.params();
        let cohort = Arc::new(Cohort::draw(vp, session.truth(), session.patients()));
        let trainer = kind.build(cohort.clone(), vp.p, train, vp.seed)?;
        Ok(LiveTrainer { session, cohort, trainer, references: vec![reference], current: 0 })
    }

    /// Replaces the trainer by a new one, `kind` with `train`, on the same patients: the same
    /// states, step for step, as [`LiveTrainer::new`] with this trainer's parameters, without
    /// simulating again. The SVD solution is reused when an earlier trainer had the same
    /// reference method, else fitted once (the within-modality counts CL needs are then counted
    /// from the kept bags). On an error the trainer held so far stays.
    pub fn retrain(&mut self, kind: TrainerKind, train: &ValidTrainParams) -> Result<()> {
        let method = kind.reference();
        let vp = self.session.params();
        let trainer = kind.build(self.cohort.clone(), vp.p, train, vp.seed)?;
        let current = match self.references.iter().position(|r| r.method == method) {
            Some(i) => i,
            None => {
                if method.needs_within() && self.session.stats().within.is_none() {
                    // The same memory check as a new session with these counts.
                    let vp = vp.params().clone().check_for(true)?;
                    self.session = Session::with_stats(vp, self.cohort.stats(true))?;
                }
                self.references.push(Reference::fit(&self.session, method)?);
                self.references.len() - 1
            }
        };
        self.trainer = trainer;
        self.current = current;
        Ok(())
    }

    /// Takes `k` steps and returns the state after them.
    pub fn step(&mut self, k: usize) -> LivePoint {
        for _ in 0..k {
            self.trainer.step();
        }
        self.point()
    }

    /// The state now.
    pub fn point(&self) -> LivePoint {
        let (v1, v2) = self.trainer.embeddings();
        let t = self.session.truth();
        let r = &self.references[self.current];
        LivePoint {
            iteration: self.trainer.iterations(),
            loss: self.trainer.loss(),
            error: distance_between((mat(&v1), mat(&v2)), (mat(&t.v1), mat(&t.v2))),
            distance_to_svd: distance_between((mat(&v1), mat(&v2)), (mat(&r.fit.v1), mat(&r.fit.v2))),
            svd_error: r.svd_error,
        }
    }

    /// The alignment view of the current embeddings (as the explorer draws an SVD fit: scale
    /// matched, Procrustes-rotated onto the truth, at most `max_points` features), as SVG.
    pub fn alignment_svg(&self, max_points: usize, width: u32, height: u32) -> Result<String> {
        let (v1, v2) = self.trainer.embeddings();
        let fit = Fit { v1, v2, spectrum: Vec::new(), zero_rows: (0, 0) };
        let view = alignment_view(self.session.truth(), &fit, max_points)?;
        crate::plot::alignment::svg(&view, width, height)
    }

    /// The contrastive picture at temperature `tau` (infinite: the linear limit) of at most `m`
    /// patients of the trainer's latest minibatch; None for a trainer without in-batch negatives.
    pub fn contrast(&self, m: usize, tau: f64) -> Option<ContrastView> {
        let (block, batch) = self.trainer.contrast(m)?;
        Some(ContrastView::new(block, batch, self.trainer.iterations(), tau))
    }

    /// Steps in one epoch.
    pub fn steps_per_epoch(&self) -> usize {
        self.trainer.steps_per_epoch()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;
    use crate::train::TrainParams;

    #[test]
    fn steps_advance_and_claime_gd_approaches_svd() {
        let params = Params { d1: 40, d2: 40, n: 3000, signal: 3.0, ..Params::default() }.check().unwrap();
        let train = TrainParams::default().check().unwrap();
        let mut live = LiveTrainer::new(params, TrainerKind::ClaimeGd, &train).unwrap();
        let p0 = live.point();
        let svg0 = live.alignment_svg(50, 400, 300).unwrap();
        assert_eq!(p0.iteration, 0);
        assert_eq!(live.step(1).iteration, 1);
        let last = live.step(400);
        assert_eq!(last.iteration, 401);
        assert!(last.distance_to_svd < p0.distance_to_svd, "{last:?} vs {p0:?}");
        assert!(last.loss.is_finite() && last.error.is_finite());
        let svg = live.alignment_svg(50, 400, 300).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("</svg>"));
        // The points moved with the embeddings.
        assert!(svg != svg0, "the alignment SVG did not change in 401 steps");
        assert!(live.contrast(12, 1.0).is_none(), "full-batch GD has no in-batch negatives");
    }

    #[test]
    fn the_temperature_trainer_shows_its_latest_minibatch() {
        let params = Params { d1: 40, d2: 40, n: 1000, signal: 3.0, ..Params::default() }.check().unwrap();
        let train = TrainParams { temperature: 0.5, ..TrainParams::default() }.check().unwrap();
        let mut live = LiveTrainer::new(params, TrainerKind::ClaimeTemp, &train).unwrap();
        let first = live.contrast(12, 0.5).unwrap();
        assert_eq!((first.iteration, first.m, first.batch), (0, 12, 256));
        assert_eq!(first.block.patients, (0..12).collect::<Vec<_>>(), "before a step: the first batch");
        live.step(5);
        let v = live.contrast(12, 0.5).unwrap();
        assert_eq!((v.iteration, v.m, v.block.sims.len(), v.weights.len()), (5, 12, 144, 144));
        assert_ne!(v.block.patients, first.block.patients, "a shuffled minibatch");
        for i in 0..12 {
            let sum: f64 = v.weights[i * 12..(i + 1) * 12].iter().sum();
            assert!((sum - 1.0).abs() < 1e-12 && v.weights[i * 13] == 0.0);
        }
        // Another temperature: the same block, other weights; infinity: token shares alone.
        let inf = live.contrast(12, f64::INFINITY).unwrap();
        assert_eq!((inf.block.sims.clone(), inf.tau), (v.block.sims.clone(), None));
        assert_ne!(inf.weights, v.weights);
        let total: f64 = inf.block.t2[1..].iter().sum();
        assert!((inf.weights[1] - inf.block.t2[1] / total).abs() < 1e-12);
    }
}
