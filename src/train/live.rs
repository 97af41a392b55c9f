//! A trainer driven step by step for the explorer's "Training" section: the session (truth and
//! summary statistics of every patient), the matching SVD solution, and after each call the
//! iteration, loss, recovery error (projection distance to the truth) and distance to the SVD
//! solution. The SVD solutions may also come from elsewhere ([`Adopted`]: the page's explorer
//! has fitted them on the same patients), which saves their fits. No wasm types here: the
//! bindings wrap it, and native tests drive it directly.

use super::contrast::ContrastView;
use super::report::distance_between;
use super::{Cohort, Trainer, TrainerKind, ValidTrainParams};
use crate::error::{Error, Result};
use crate::estimators::{Fit, Method};
use crate::linalg::mat;
use crate::params::ValidParams;
use crate::session::Session;
use crate::simulate::PatientSampler;
use crate::stats::SummaryStats;
use crate::views::alignment_view;
use ndarray::Array2;
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
    v1: Array2<f64>,
    v2: Array2<f64>,
    svd_error: f64,
    origin: Origin,
}

/// Where a trainer's SVD solution came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Fitted here, from the session's statistics.
    Fitted,
    /// Taken from elsewhere ([`Adopted`]).
    Adopted,
}

impl Origin {
    /// "fitted" or "adopted".
    pub fn name(self) -> &'static str {
        match self {
            Origin::Fitted => "fitted",
            Origin::Adopted => "adopted",
        }
    }
}

/// An SVD solution fitted elsewhere from a replicate with the same parameters: in the page, the
/// explorer's worker has fitted every ticked method on the same patients (same seeds, same
/// counts, same code), so its embeddings are bit for bit the ones a trainer would fit, and
/// taking them saves the fit (CL's is 2.2 s natively at d1 = d2 = 2500). The caller vouches for
/// the parameters; [`LiveTrainer::adopt`] checks the shapes and that every entry is finite.
#[derive(Debug, Clone, PartialEq)]
pub struct Adopted {
    /// The method that was fitted.
    pub method: Method,
    /// (d1, p) code embeddings.
    pub v1: Array2<f64>,
    /// (d2, p) CUI embeddings.
    pub v2: Array2<f64>,
}

impl Reference {
    fn fit(session: &Session, method: Method) -> Result<Self> {
        let fit = session.fit(method)?;
        Ok(Self::of(session, method, fit.v1, fit.v2, Origin::Fitted))
    }

    /// A reference from embeddings fitted elsewhere, after checking their shapes and entries.
    fn adopt(session: &Session, a: Adopted) -> Result<Self> {
        let vp = session.params();
        for (name, v, d, rows) in [("v1", &a.v1, vp.d1, "d1"), ("v2", &a.v2, vp.d2, "d2")] {
            let what = format!("reference {} {name}", a.method.name());
            if v.dim() != (d, vp.p) {
                let expected = format!("shape ({rows}, p) = ({d}, {})", vp.p);
                return Err(Error::param(&what, format!("{:?}", v.dim()), expected));
            }
            if let Some(x) = v.iter().find(|x| !x.is_finite()) {
                return Err(Error::param(&what, x, "finite entries"));
            }
        }
        Ok(Self::of(session, a.method, a.v1, a.v2, Origin::Adopted))
    }

    fn of(session: &Session, method: Method, v1: Array2<f64>, v2: Array2<f64>, origin: Origin) -> Self {
        let t = session.truth();
        let svd_error = distance_between((mat(&v1), mat(&v2)), (mat(&t.v1), mat(&t.v2)));
        Reference { method, v1, v2, svd_error, origin }
    }
}

impl LiveTrainer {
    /// Simulates all n patients, fits the matching SVD method and builds the trainer.
    pub fn new(params: ValidParams, kind: TrainerKind, train: &ValidTrainParams) -> Result<Self> {
        Self::with_references(params, kind, train, Vec::new())
    }

    /// [`LiveTrainer::new`] with SVD solutions fitted elsewhere on these parameters: the matching
    /// one, when `adopted` has it, is not fitted again (and C11, C22 are then not counted even
    /// for CL). The patients are simulated once, into their bags and the statistics together.
    pub fn with_references(
        params: ValidParams,
        kind: TrainerKind,
        train: &ValidTrainParams,
        adopted: Vec<Adopted>,
    ) -> Result<Self> {
        let method = kind.reference();
        let within = method.needs_within() && !adopted.iter().any(|a| a.method == method);
        let truth = crate::simulate::Truth::draw(&params);
        let mut cohort = Cohort::new(params.d1, params.d2);
        let mut stats = SummaryStats::new(params.d1, params.d2, within);
        cohort.draw_from(&mut PatientSampler::new(&params), &truth, params.n, Some(&mut stats));
        let session = Session::with_stats(params, stats)?;
        let cohort = Arc::new(cohort);
        let vp = session.params();
        let trainer = kind.build(cohort.clone(), vp.p, train, vp.seed)?;
        let mut live = LiveTrainer { session, cohort, trainer, references: Vec::new(), current: 0 };
        live.adopt(adopted)?;
        live.current = live.reference_for(method)?;
        Ok(live)
    }

    /// Keeps SVD solutions fitted elsewhere on this trainer's parameters (see [`Adopted`]) for
    /// the trainers built later by [`LiveTrainer::retrain`]; a method already held keeps its
    /// solution. Checks every one before keeping any.
    pub fn adopt(&mut self, adopted: Vec<Adopted>) -> Result<()> {
        let mut checked = Vec::with_capacity(adopted.len());
        for a in adopted {
            checked.push(Reference::adopt(&self.session, a)?);
        }
        for r in checked {
            if !self.references.iter().any(|h| h.method == r.method) {
                self.references.push(r);
            }
        }
        Ok(())
    }

    /// The index of `method`'s solution, fitted now if it is not held (the within-modality
    /// counts CL needs are then counted from the kept bags).
    fn reference_for(&mut self, method: Method) -> Result<usize> {
        if let Some(i) = self.references.iter().position(|r| r.method == method) {
            return Ok(i);
        }
        if method.needs_within() && self.session.stats().within.is_none() {
            // The same memory check as a new session with these counts.
            let vp = self.session.params().params().clone().check_for(true)?;
            self.session = Session::with_stats(vp, self.cohort.stats(true))?;
        }
        self.references.push(Reference::fit(&self.session, method)?);
        Ok(self.references.len() - 1)
    }

    /// The parameters of the patients.
    pub fn params(&self) -> &ValidParams {
        self.session.params()
    }

    /// Where the current trainer's SVD solution came from.
    pub fn reference_origin(&self) -> Origin {
        self.references[self.current].origin
    }

    /// Replaces the trainer by a new one, `kind` with `train`, on the same patients: the same
    /// states, step for step, as [`LiveTrainer::new`] with this trainer's parameters, without
    /// simulating again. The SVD solution is reused when an earlier trainer had the same
    /// reference method, else fitted once (the within-modality counts CL needs are then counted
    /// from the kept bags). On an error the trainer held so far stays.
    pub fn retrain(&mut self, kind: TrainerKind, train: &ValidTrainParams) -> Result<()> {
        let vp = self.session.params();
        let trainer = kind.build(self.cohort.clone(), vp.p, train, vp.seed)?;
        self.current = self.reference_for(kind.reference())?;
        self.trainer = trainer;
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
            distance_to_svd: distance_between((mat(&v1), mat(&v2)), (mat(&r.v1), mat(&r.v2))),
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
