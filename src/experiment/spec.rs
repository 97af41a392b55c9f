//! What an experiment runs: the experiments (which quantity varies), the spec (noise case,
//! replicates, methods, base model, n scale) with its checks and defaults, and its grid.

use crate::error::{Error, Result};
use crate::estimators::Method;
use crate::params::{NoiseKind, Params};
use crate::train::{TrainParams, TrainerKind};
use serde::{Deserialize, Serialize};

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
}
