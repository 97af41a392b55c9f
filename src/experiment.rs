//! The paper's simulation study (model.md §7): three experiments (vary n, vary d, vary the noise
//! level) under spike or AR(1) noise, many replicates per grid point, summarised per grid point
//! and method by the mean, median and 10th/90th percentiles of the projection distance (and the
//! literal error).
//!
//! Work is split into independent tasks. Experiment `n` runs one task per replicate: a single
//! patient stream is fitted at every n of the grid (nested cohorts; each n's cohort has the
//! model's distribution, and the cost is that of the largest n). Experiments `d` and `noise` run
//! one task per (grid point, replicate). Replicate r uses seed `replicate_seed(seed, r)` at every
//! grid point (common random numbers). Results are gathered by task index, so the output is the
//! same whatever the number of threads. Several experiments run together ([`run_experiments`],
//! `claime experiment --exp all`) compute a point that is on more than one grid once: the
//! paper's default point is on all three.
//!
//! Trainers (CLAIME-GD, CL-GD, ...; model.md §5) run on the same replicates: each draws the
//! replicate's patients again as sparse bags (`Cohort::draw`, the same patient stream, so the
//! same patients as the summary statistics) and trains for `train.epochs` epochs (fewer with
//! `train.tol`, `train::train_epochs`) from its seeded start; its row reports the projection
//! distance of the trained embeddings to the truth.

use crate::error::{Error, Result};
use crate::estimators::Method;
use crate::metrics::{literal_distance, projection_distance};
use crate::params::{NoiseKind, Params};
use crate::rng::replicate_seed;
use crate::session::Session;
use crate::train::{Cohort, TrainParams, TrainerKind};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Which quantity an experiment varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Experiment {
    /// n in {2, 4, 6, 8, 10} x 10^4, d = 1000.
    N,
    /// d in {200, ..., 1000}, n = 10^5.
    D,
    /// spike: c in linspace(0.2, 1, 5); ar1: rho in linspace(0, 0.9, 10); n = 10^5, d = 1000.
    Noise,
}

impl Experiment {
    /// Parses `n`, `d` or `noise`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "n" => Ok(Experiment::N),
            "d" => Ok(Experiment::D),
            "noise" => Ok(Experiment::Noise),
            _ => Err(Error::param("exp", format!("'{s}'"), "one of n, d, noise")),
        }
    }

    /// Parses `all` (n, d and noise) or a comma-separated list of distinct experiments.
    pub fn parse_list(s: &str) -> Result<Vec<Self>> {
        if s == "all" {
            return Ok(vec![Experiment::N, Experiment::D, Experiment::Noise]);
        }
        let mut out = Vec::new();
        for part in s.split(',') {
            let e = Experiment::parse(part.trim())
                .map_err(|_| Error::param("exp", format!("'{s}'"), "all, or a comma-separated list of n, d, noise"))?;
            if out.contains(&e) {
                return Err(Error::param("exp", format!("'{s}'"), "each of n, d, noise at most once"));
            }
            out.push(e);
        }
        Ok(out)
    }

    /// The name used on the command line and in the CSV.
    pub fn name(self) -> &'static str {
        match self {
            Experiment::N => "n",
            Experiment::D => "d",
            Experiment::Noise => "noise",
        }
    }
}

/// What to run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    /// The experiment.
    pub experiment: Experiment,
    /// Spike or AR(1) noise (the paper's two cases).
    pub noise: NoiseKind,
    /// Replicates per grid point.
    pub reps: usize,
    /// Methods fitted on every replicate.
    pub methods: Vec<Method>,
    /// Trainers run on every replicate after the SVD methods (none by default).
    #[serde(default)]
    pub trainers: Vec<TrainerKind>,
    /// The trainers' settings (epochs, learning rate, lambda, ...).
    #[serde(default)]
    pub train: TrainParams,
    /// Base parameters: p, mean T, signal, c, rho, seed (n and d are set by the grid).
    pub base: Params,
    /// Multiplies every n of the grid (1 = the paper; smaller for quick looks).
    pub n_scale: f64,
}

impl Default for Spec {
    /// The paper's study as `claime experiment` runs it without flags: the n-experiment, spike
    /// noise, 500 replicates of CLAIME, Concate and CL on the paper's base model at its scale.
    fn default() -> Self {
        Spec {
            experiment: Experiment::N,
            noise: NoiseKind::Spike,
            reps: 500,
            methods: vec![Method::Claime, Method::Concate, Method::Cl],
            trainers: Vec::new(),
            train: TrainParams::default(),
            base: Params::default(),
            n_scale: 1.0,
        }
    }
}

/// One grid point.
#[derive(Debug, Clone, PartialEq)]
pub struct GridPoint {
    /// The varied value (n, d, c or rho).
    pub x: f64,
    /// The model at this point (seed set per replicate).
    pub params: Params,
}

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

/// One CSV row: a grid point and method summarised over replicates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Experiment name.
    pub experiment: String,
    /// Noise structure.
    pub noise: String,
    /// Name of the varied quantity.
    pub x_name: String,
    /// Its value.
    pub x: f64,
    /// Method name.
    pub method: String,
    /// Replicates summarised.
    pub reps: usize,
    /// Mean projection distance.
    pub mean: f64,
    /// Median.
    pub median: f64,
    /// 10th percentile.
    pub p10: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Mean of the literal error.
    pub literal_mean: f64,
    /// Median of the literal error.
    pub literal_median: f64,
}

fn linspace(a: f64, b: f64, k: usize) -> Vec<f64> {
    // Rounded to 9 decimals so grid values print as 0.3, not 0.30000000000000004.
    (0..k).map(|i| if k == 1 { a } else { ((a + (b - a) * i as f64 / (k - 1) as f64) * 1e9).round() / 1e9 }).collect()
}

impl Spec {
    /// Checks the spec: noise must be spike or ar1, reps >= 1, n_scale in (0, 1].
    pub fn check(&self) -> Result<()> {
        if !matches!(self.noise, NoiseKind::Spike | NoiseKind::Ar1) {
            return Err(Error::param("noise", self.noise.name(), "spike or ar1 (the paper's two cases)"));
        }
        if self.reps == 0 || self.reps > 100_000 {
            return Err(Error::param("reps", self.reps, "an integer in [1, 100000]"));
        }
        if !(self.n_scale > 0.0 && self.n_scale <= 1.0) {
            return Err(Error::param("n_scale", self.n_scale, "a number in (0, 1]"));
        }
        if self.methods.is_empty() && self.trainers.is_empty() {
            return Err(Error::param("methods", "an empty list", "at least one method"));
        }
        if !self.trainers.is_empty() {
            self.train.clone().check()?;
        }
        for g in self.grid().1 {
            g.params.check()?;
        }
        Ok(())
    }

    /// The varied quantity's name and the grid.
    pub fn grid(&self) -> (&'static str, Vec<GridPoint>) {
        let n = |x: f64| ((x * self.n_scale).round() as usize).max(2);
        let at = |d: usize, nn: usize| Params { d1: d / 2, d2: d / 2, n: nn, noise: self.noise, ..self.base.clone() };
        match (self.experiment, self.noise) {
            (Experiment::N, _) => (
                "n",
                [2e4, 4e4, 6e4, 8e4, 1e5]
                    .iter()
                    .map(|&x| GridPoint { x: n(x) as f64, params: at(1000, n(x)) })
                    .collect(),
            ),
            (Experiment::D, _) => (
                "d",
                [200, 400, 600, 800, 1000].iter().map(|&d| GridPoint { x: d as f64, params: at(d, n(1e5)) }).collect(),
            ),
            (Experiment::Noise, NoiseKind::Ar1) => (
                "rho",
                linspace(0.0, 0.9, 10)
                    .into_iter()
                    .map(|r| GridPoint { x: r, params: Params { rho: r, ..at(1000, n(1e5)) } })
                    .collect(),
            ),
            (Experiment::Noise, _) => (
                "c",
                linspace(0.2, 1.0, 5)
                    .into_iter()
                    .map(|c| GridPoint { x: c, params: Params { c, ..at(1000, n(1e5)) } })
                    .collect(),
            ),
        }
    }

    /// Names of the SVD methods, then of the trainers: the `method` index of an [`Outcome`].
    pub fn method_names(&self) -> Vec<&'static str> {
        self.methods.iter().map(|m| m.name()).chain(self.trainers.iter().map(|k| k.name())).collect()
    }

    /// Legend names of [`Spec::method_names`], in the same order.
    pub fn method_labels(&self) -> Vec<&'static str> {
        self.methods.iter().map(|m| m.label()).chain(self.trainers.iter().map(|k| k.label())).collect()
    }

    /// Number of independent tasks.
    pub fn tasks(&self) -> usize {
        match self.experiment {
            Experiment::N => self.reps,
            _ => self.reps * self.grid().1.len(),
        }
    }

    /// The grid points task `t` evaluates, each with its model at the replicate's seed: every
    /// point of the grid for experiment n (one task per replicate), one point otherwise.
    fn task_points(&self, t: usize) -> Vec<(usize, Params)> {
        let (_, grid) = self.grid();
        let points = match self.experiment {
            Experiment::N => (0..grid.len()).collect::<Vec<_>>(),
            _ => vec![t / self.reps],
        };
        let seed = replicate_seed(self.base.seed, self.task_rep(t) as u64);
        points.into_iter().map(|i| (i, Params { seed, ..grid[i].params.clone() })).collect()
    }

    /// The replicate task `t` draws.
    fn task_rep(&self, t: usize) -> usize {
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
            let mut push = |method: usize, v1: &faer::Mat<f64>, v2: &faer::Mat<f64>| {
                let error = projection_distance(v1.as_ref(), truth.v1.as_ref())
                    .max(projection_distance(v2.as_ref(), truth.v2.as_ref()));
                let literal = literal_distance(v1.as_ref(), truth.v1.as_ref())
                    .max(literal_distance(v2.as_ref(), truth.v2.as_ref()));
                out.push(Outcome { point, method, rep, error, literal });
            };
            for (mi, &m) in self.methods.iter().enumerate() {
                let f = session.fit(m)?;
                push(mi, &f.v1, &f.v2);
            }
            if let Some(train) = &train {
                let vp = session.params();
                let cohort = Arc::new(Cohort::draw(vp, truth, session.patients()));
                for (ti, &kind) in self.trainers.iter().enumerate() {
                    let mut trainer = kind.build(cohort.clone(), vp.p, train, vp.seed)?;
                    crate::train::train_epochs(trainer.as_mut(), train);
                    let (v1, v2) = trainer.embeddings();
                    push(self.methods.len() + ti, &v1, &v2);
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

    /// Summarises outcomes (in any order) into one row per grid point and method.
    pub fn aggregate(&self, outcomes: &[Outcome]) -> Vec<Row> {
        let (x_name, grid) = self.grid();
        let names = self.method_names();
        let mut rows = Vec::new();
        for (pi, g) in grid.iter().enumerate() {
            for (mi, name) in names.iter().enumerate() {
                let mut sel: Vec<&Outcome> = outcomes.iter().filter(|o| o.point == pi && o.method == mi).collect();
                if sel.is_empty() {
                    continue;
                }
                sel.sort_by_key(|o| o.rep);
                let errors: Vec<f64> = sel.iter().map(|o| o.error).collect();
                let literal: Vec<f64> = sel.iter().map(|o| o.literal).collect();
                rows.push(Row {
                    experiment: self.experiment.name().into(),
                    noise: self.noise.name().into(),
                    x_name: x_name.into(),
                    x: g.x,
                    method: (*name).into(),
                    reps: errors.len(),
                    mean: mean(&errors),
                    median: quantile(&errors, 0.5),
                    p10: quantile(&errors, 0.1),
                    p90: quantile(&errors, 0.9),
                    literal_mean: mean(&literal),
                    literal_median: quantile(&literal, 0.5),
                });
            }
        }
        rows
    }

    /// Runs every task on `threads` threads, calling `progress(done, total)` after each task.
    pub fn run(&self, threads: usize, progress: &(dyn Fn(usize, usize) + Sync)) -> Result<Vec<Row>> {
        Ok(run_experiments(self, &[self.experiment], threads, progress)?.remove(0))
    }
}

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

/// Runs `f(0..total)` on `threads` threads (tasks handed out in order), returning the results
/// by task index, so the output does not depend on the thread count; the first error wins.
pub fn run_tasks<T: Send>(
    total: usize,
    threads: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
    f: impl Fn(usize) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let slots: std::sync::Mutex<Vec<Option<Result<T>>>> = std::sync::Mutex::new((0..total).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let t = next.fetch_add(1, Ordering::SeqCst);
                if t >= total {
                    break;
                }
                let r = f(t);
                let failed = r.is_err();
                slots.lock().expect("no thread panicked holding the lock")[t] = Some(r);
                progress(done.fetch_add(1, Ordering::SeqCst) + 1, total);
                if failed {
                    next.store(total, Ordering::SeqCst);
                }
            });
        }
    });
    let mut out = Vec::with_capacity(total);
    for r in slots.into_inner().expect("no thread panicked holding the lock").into_iter().flatten() {
        out.push(r?);
    }
    Ok(out)
}

/// Mean of a non-empty slice.
pub fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Quantile with linear interpolation between order statistics (R's type 7).
pub fn quantile(x: &[f64], q: f64) -> f64 {
    let mut s = x.to_vec();
    s.sort_by(f64::total_cmp);
    let h = (s.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    s[lo] + (h - lo as f64) * (s[hi] - s[lo])
}

/// The rows as CSV with a header.
pub fn to_csv(rows: &[Row]) -> String {
    let mut out =
        String::from("experiment,noise,x_name,x,method,reps,mean,median,p10,p90,literal_mean,literal_median\n");
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            r.experiment,
            r.noise,
            r.x_name,
            r.x,
            r.method,
            r.reps,
            r.mean,
            r.median,
            r.p10,
            r.p90,
            r.literal_mean,
            r.literal_median
        ));
    }
    out
}

/// The paper-style figure of an experiment's rows (one band per method).
pub fn figure(spec: &Spec, rows: &[Row], width: u32, height: u32) -> Result<String> {
    let (x_name, _) = spec.grid();
    let bands: Vec<crate::plot::sweep::Band> = spec
        .method_names()
        .into_iter()
        .zip(spec.method_labels())
        .map(|(name, label)| crate::plot::sweep::Band {
            name: label.to_string(),
            points: rows.iter().filter(|r| r.method == name).map(|r| (r.x, r.mean, r.p10, r.p90)).collect(),
        })
        .filter(|b| !b.points.is_empty())
        .collect();
    // The trainers' budget is part of what the figure shows (their errors depend on it).
    let training = match (spec.trainers.is_empty(), spec.train.tol > 0.0) {
        (true, _) => String::new(),
        (false, false) => format!(", trainers {} epochs", spec.train.epochs),
        (false, true) => format!(", trainers at most {} epochs, tol {}", spec.train.epochs, spec.train.tol),
    };
    let heading = format!(
        "Experiment {} ({} noise, {} replicate{}{training})",
        spec.experiment.name(),
        spec.noise.name(),
        spec.reps,
        if spec.reps == 1 { "" } else { "s" }
    );
    crate::plot::sweep::svg(&heading, x_name, &bands, (2.0 * spec.base.p as f64).sqrt(), width, height)
}
