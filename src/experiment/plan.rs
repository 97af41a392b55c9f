//! Several experiments of one spec as one job: a grid point shared by their grids is computed
//! once.

use super::{Experiment, Outcome, Row, Spec};
use crate::error::{Error, Result};
use crate::params::Params;
use crate::tasks::run_tasks;

/// Where one task's outcomes come from in a [`Plan`].
#[derive(Debug, Clone)]
enum Source {
    /// Task `.0` of the tasks run.
    Own(usize),
    /// Grid point `from` of task `task` of the tasks run, reported at grid point `to`.
    Copy { task: usize, from: usize, to: usize },
}

/// Several experiments of one spec (its noise case, replicates, methods and settings) as one
/// job of independent tasks. A (grid point, replicate) on the grids of two experiments is
/// computed once: the paper's default point (n = 10^5, d = 1000, c = 0.2 or rho = 0.8) is on
/// all three, with the same replicate seeds, so running n, d and noise together saves two of
/// its computations per replicate. Each experiment's rows are those of running it alone, bit
/// for bit (a point's outcomes depend only on its model and replicate seed; experiment n's
/// nested cohorts give the same statistics as a cohort drawn at once, since the counts are sums
/// of integers). With one experiment, the plan's tasks are that spec's tasks.
#[derive(Debug, Clone)]
pub struct Plan {
    specs: Vec<Spec>,
    /// (spec, task of that spec) of each task run.
    run: Vec<(usize, usize)>,
    /// Per spec, where each of its tasks' outcomes come from.
    sources: Vec<Vec<Source>>,
}

impl Plan {
    /// The plan of `experiments` (distinct, in the order asked) with `spec`'s other settings.
    pub fn new(spec: &Spec, experiments: &[Experiment]) -> Result<Plan> {
        if experiments.is_empty() {
            return Err(Error::param("exp", "none", "at least one of n, d, noise"));
        }
        let specs: Vec<Spec> = experiments.iter().map(|&experiment| Spec { experiment, ..spec.clone() }).collect();
        for s in &specs {
            s.check()?;
        }
        // A point's key is its model with the replicate's seed: everything its outcomes depend
        // on besides the spec's shared settings. Debug prints every f64 so it reads back exactly.
        let key = |p: &Params| format!("{p:?}");
        let mut run: Vec<(usize, usize)> = Vec::new();
        let mut seen: std::collections::HashMap<String, (usize, usize)> = Default::default(); // key -> (task run, point)
        let mut sources: Vec<Vec<Source>> = Vec::new();
        for (si, s) in specs.iter().enumerate() {
            let mut own = Vec::with_capacity(s.tasks());
            for t in 0..s.tasks() {
                let points = s.task_points(t);
                if let [(to, params)] = points.as_slice() {
                    if let Some(&(task, from)) = seen.get(&key(params)) {
                        own.push(Source::Copy { task, from, to: *to });
                        continue;
                    }
                }
                for (point, params) in &points {
                    seen.entry(key(params)).or_insert((run.len(), *point));
                }
                own.push(Source::Own(run.len()));
                run.push((si, t));
            }
            sources.push(own);
        }
        Ok(Plan { specs, run, sources })
    }

    /// One spec per experiment, in the order asked.
    pub fn specs(&self) -> &[Spec] {
        &self.specs
    }

    /// Number of tasks to run (shared points counted once).
    pub fn tasks(&self) -> usize {
        self.run.len()
    }

    /// Runs task `u` (0 <= u < tasks()); its outcomes' grid points are those of its own spec.
    pub fn run_task(&self, u: usize) -> Result<Vec<Outcome>> {
        let (s, t) = self.run[u];
        self.specs[s].run_task(t)
    }

    /// Each experiment's rows from the results of the tasks run so far (`results[u]`: task u's
    /// outcomes, None while it has not run; shorter than tasks() when the last have not).
    pub fn aggregate(&self, results: &[Option<Vec<Outcome>>]) -> Vec<Vec<Row>> {
        let result = |task: usize| results.get(task).and_then(|r| r.as_ref());
        self.specs
            .iter()
            .zip(&self.sources)
            .map(|(s, own)| {
                let outcomes: Vec<Outcome> = own
                    .iter()
                    .flat_map(|src| match *src {
                        Source::Own(task) => result(task).cloned().unwrap_or_default(),
                        Source::Copy { task, from, to } => result(task)
                            .map(|r| {
                                r.iter().filter(|o| o.point == from).map(|o| Outcome { point: to, ..*o }).collect()
                            })
                            .unwrap_or_default(),
                    })
                    .collect();
                s.aggregate(&outcomes)
            })
            .collect()
    }
}

/// Runs several experiments of one spec as one job ([`Plan`]) on `threads` threads, and
/// returns each experiment's rows in the order asked. `progress(done, total)` counts the tasks run.
pub fn run_experiments(
    spec: &Spec,
    experiments: &[Experiment],
    threads: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<Vec<Row>>> {
    let plan = Plan::new(spec, experiments)?;
    let results = run_tasks(plan.tasks(), threads, progress, |u| plan.run_task(u))?;
    Ok(plan.aggregate(&results.into_iter().map(Some).collect::<Vec<_>>()))
}
