//! A spec's independent tasks: which grid points and replicate each evaluates, and running
//! one (simulate, fit every method, train every trainer, measure against the truth).

use super::{run_experiments, Experiment, Row, Spec};
use crate::error::Result;
use crate::metrics::{literal_distance, projection_distance};
use crate::params::Params;
use crate::rng::replicate_seed;
use crate::session::Session;
use crate::train::Cohort;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One (grid point, method, replicate) outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Grid point index.
    pub point: usize,
    /// Index into `Spec::method_names` (the SVD methods, then the trainers).
    pub method: usize,
    /// Replicate.
    pub rep: usize,
    /// Projection distance (max over modalities).
    pub error: f64,
    /// The paper's literal formula.
    pub literal: f64,
}

impl Spec {
    /// Number of independent tasks.
    pub fn tasks(&self) -> usize {
        match self.experiment {
            Experiment::N => self.reps,
            _ => self.reps * self.grid().1.len(),
        }
    }

    /// The grid points task `t` evaluates, each with its model at the replicate's seed: every
    /// point of the grid for experiment n (one task per replicate), one point otherwise.
    pub(super) fn task_points(&self, t: usize) -> Vec<(usize, Params)> {
        let (_, grid) = self.grid();
        let points = match self.experiment {
            Experiment::N => (0..grid.len()).collect::<Vec<_>>(),
            _ => vec![t / self.reps],
        };
        let seed = replicate_seed(self.base.seed, self.task_rep(t) as u64);
        points.into_iter().map(|i| (i, Params { seed, ..grid[i].params.clone() })).collect()
    }

    /// The replicate task `t` draws.
    pub(super) fn task_rep(&self, t: usize) -> usize {
        match self.experiment {
            Experiment::N => t,
            _ => t % self.reps,
        }
    }

    /// Runs task `t` (0 <= t < tasks()) and returns its outcomes.
    pub fn run_task(&self, t: usize) -> Result<Vec<Outcome>> {
        let within = self.methods.iter().any(|m| m.needs_within());
        let train = if self.trainers.is_empty() { None } else { Some(self.train.clone().check()?) };
        let mut out = Vec::new();
        let mut fit_all = |session: &Session, point: usize, rep: usize| -> Result<()> {
            let truth = session.truth();
            let mut push = |method: usize, v1: faer::MatRef<'_, f64>, v2: faer::MatRef<'_, f64>| {
                let error = projection_distance(v1, crate::linalg::mat(&truth.v1))
                    .max(projection_distance(v2, crate::linalg::mat(&truth.v2)));
                let literal = literal_distance(v1, crate::linalg::mat(&truth.v1))
                    .max(literal_distance(v2, crate::linalg::mat(&truth.v2)));
                out.push(Outcome { point, method, rep, error, literal });
            };
            for (mi, &m) in self.methods.iter().enumerate() {
                let f = session.fit(m)?;
                push(mi, crate::linalg::mat(&f.v1), crate::linalg::mat(&f.v2));
            }
            if let Some(train) = &train {
                let vp = session.params();
                let cohort = Arc::new(Cohort::draw(vp, truth, session.patients()));
                for (ti, &kind) in self.trainers.iter().enumerate() {
                    let mut trainer = kind.build(cohort.clone(), vp.p, train, vp.seed)?;
                    crate::train::train_epochs(trainer.as_mut(), train);
                    let (v1, v2) = trainer.embeddings();
                    push(self.methods.len() + ti, crate::linalg::mat(&v1), crate::linalg::mat(&v2));
                }
            }
            Ok(())
        };
        let rep = self.task_rep(t);
        let points = self.task_points(t);
        // One patient stream drawn up to the last point's n, fitted at each point's n on the way
        // (experiment n's nested cohorts; the other experiments have one point per task).
        let (_, last) = points.last().expect("a task has a point");
        let mut session = Session::new(last.clone().check()?, within);
        for (point, params) in &points {
            session.advance(params.n - session.patients());
            fit_all(&session, *point, rep)?;
        }
        Ok(out)
    }

    /// Runs every task on `threads` threads, calling `progress(done, total)` after each task.
    pub fn run(&self, threads: usize, progress: &(dyn Fn(usize, usize) + Sync)) -> Result<Vec<Row>> {
        Ok(run_experiments(self, &[self.experiment], threads, progress)?.remove(0))
    }
}
