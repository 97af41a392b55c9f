//! Training for the command line: run each trainer for a number of epochs and report the same
//! metrics as the SVD methods, plus the projection distance to the matching SVD solution and the
//! final loss.

use super::{Cohort, TrainerKind, ValidTrainParams};
use crate::error::Result;
use crate::estimators::{Fit, Method};
use crate::linalg::mat;
use crate::metrics::{projection_distance, Metrics};
use crate::session::Session;
use faer::MatRef;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One trainer's outcome.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrainerReport {
    /// Every recovery metric, as for the SVD methods.
    #[serde(flatten)]
    pub metrics: Metrics,
    /// max over modalities of the projection distance to the matching SVD solution.
    pub distance_to_svd: f64,
    /// The SVD method compared with.
    pub svd_method: String,
    /// The loss after training.
    pub final_loss: f64,
    /// Epochs trained (fewer than asked when the loss-change rule stopped early).
    pub epochs: usize,
    /// Steps taken.
    pub iterations: usize,
}

/// max over modalities of the projection distance between two pairs of embeddings.
pub fn distance_between(a: (MatRef<'_, f64>, MatRef<'_, f64>), b: (MatRef<'_, f64>, MatRef<'_, f64>)) -> f64 {
    projection_distance(a.0, b.0).max(projection_distance(a.1, b.1))
}

/// Trains each trainer on the session's patients (drawn again into sparse bags) for
/// `params.epochs` epochs or until the loss settles ([`super::train_epochs`]); returns reports and training times (ms, from `clock`) by name.
pub fn run_trainers(
    session: &Session,
    kinds: &[TrainerKind],
    params: &ValidTrainParams,
    clock: &mut dyn FnMut() -> f64,
) -> Result<(BTreeMap<String, TrainerReport>, BTreeMap<String, f64>)> {
    let vp = session.params();
    let cohort = Arc::new(Cohort::draw(vp, session.truth(), session.patients()));
    let mut refs: BTreeMap<Method, Fit> = BTreeMap::new();
    let (mut out, mut timings) = (BTreeMap::new(), BTreeMap::new());
    for &kind in kinds {
        let method = kind.reference();
        if !refs.contains_key(&method) {
            refs.insert(method, session.fit(method)?);
        }
        let t0 = clock();
        let mut trainer = kind.build(cohort.clone(), vp.p, params, vp.seed)?;
        let epochs = super::train_epochs(trainer.as_mut(), params);
        let t1 = clock();
        let (v1, v2) = trainer.embeddings();
        let reference = &refs[&method];
        let distance = distance_between((mat(&v1), mat(&v2)), (mat(&reference.v1), mat(&reference.v2)));
        let fit = Fit { v1, v2, spectrum: Vec::new(), zero_rows: (0, 0) };
        out.insert(
            kind.name().to_string(),
            TrainerReport {
                metrics: session.evaluate(&fit),
                distance_to_svd: distance,
                svd_method: method.name().to_string(),
                final_loss: trainer.loss(),
                epochs,
                iterations: trainer.iterations(),
            },
        );
        timings.insert(kind.name().to_string(), t1 - t0);
    }
    Ok((out, timings))
}
