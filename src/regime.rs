//! Where multimodality wins: a map over (signal scale, noise level) of CLAIME's mean projection
//! distance minus the best baseline's (Concate or CL), averaged over replicates. Negative cells
//! are where CLAIME recovers the embeddings better on average; a cell is a win when the 95 %
//! confidence interval of that difference lies below zero ([`Cell::claime_wins`]), and the
//! boundary of the wins is where multimodality starts to win.

use crate::error::{Error, Result};
use crate::estimators::Method;
use crate::metrics::projection_distance;
use crate::params::{NoiseKind, Params};
use crate::rng::replicate_seed;
use crate::session::Session;
use crate::tasks::{mean, run_tasks};
use serde::{Deserialize, Serialize};

const METHODS: [Method; 3] = [Method::Claime, Method::Concate, Method::Cl];

/// What to map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegimeSpec {
    /// Noise structure; its level (c, rho or tau2) is the second axis.
    pub noise: NoiseKind,
    /// Signal scale range (inclusive).
    pub signal: (f64, f64),
    /// Noise level range (inclusive).
    pub level: (f64, f64),
    /// Points per axis.
    pub grid: usize,
    /// Replicates per cell.
    pub reps: usize,
    /// d1, d2, n, p, mean T and seed of every cell.
    pub base: Params,
}

impl Default for RegimeSpec {
    /// The map `claime regime` and the page draw without settings: spike noise, signal 0.5 to 4,
    /// c 0.05 to 1, a 6 x 6 grid with 2 replicates a cell (so each cell has a confidence
    /// interval), d1 = d2 = 200 and the paper's n, p, mean T and seed.
    fn default() -> Self {
        RegimeSpec {
            noise: NoiseKind::Spike,
            signal: (0.5, 4.0),
            level: (0.05, 1.0),
            grid: 6,
            reps: 2,
            base: Params { d1: 200, d2: 200, ..Params::default() },
        }
    }
}

/// One cell of the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// Signal scale.
    pub signal: f64,
    /// Noise level.
    pub level: f64,
    /// Mean projection distance of CLAIME, Concate and CL.
    pub claime: f64,
    /// Concate's mean.
    pub concate: f64,
    /// CL's mean.
    pub cl: f64,
    /// CLAIME minus the better baseline (negative: CLAIME ahead).
    pub diff: f64,
    /// Half-width of the 95 % confidence interval of `diff`: Student's t quantile for
    /// replicates - 1 degrees of freedom times the standard error of the per-replicate
    /// differences from that baseline (a paired t interval); 0 with one replicate.
    pub ci95: f64,
}

impl Cell {
    /// Whether CLAIME wins here: its difference is negative and, with two or more replicates,
    /// its 95 % confidence interval lies below zero. **\[decision\]** With the bare sign, the
    /// map at the paper's scale outlined cells where nothing is recovered (signal 0.5) and the
    /// differences are a few thousandths either way. With one replicate there is no interval
    /// and the sign decides.
    pub fn claime_wins(&self) -> bool {
        self.diff < -self.ci95
    }
}

/// The number of cells where CLAIME wins, and of those where it is ahead by less than the
/// interval.
pub fn tally(cells: &[Cell]) -> (usize, usize) {
    let wins = cells.iter().filter(|c| c.claime_wins()).count();
    (wins, cells.iter().filter(|c| c.diff < 0.0).count() - wins)
}

/// Two-sided 95 % quantiles of Student's t for 1 to 30 degrees of freedom (standard tables).
const T95: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
    2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/// The two-sided 95 % quantile of Student's t with `df` >= 1 degrees of freedom: the table up
/// to 30, then the Cornish-Fisher expansion around the normal quantile (2.042 at 30, as the
/// table; within 0.001 of the exact value from there on).
fn t95(df: usize) -> f64 {
    if df <= T95.len() {
        return T95[df - 1];
    }
    let (z, n) = (1.959_963_985, df as f64);
    let (z3, z5) = (z * z * z, z * z * z * z * z);
    z + (z3 + z) / (4.0 * n) + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * n * n)
}

/// Half-width of the 95 % t interval of the mean of `x`; 0 for fewer than two values.
fn ci95(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let m = mean(x);
    let var = x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64;
    t95(x.len() - 1) * (var / x.len() as f64).sqrt()
}

fn axis(range: (f64, f64), k: usize) -> Vec<f64> {
    (0..k).map(|i| if k == 1 { range.0 } else { range.0 + (range.1 - range.0) * i as f64 / (k - 1) as f64 }).collect()
}

impl RegimeSpec {
    /// The level's name for this noise.
    pub fn level_name(&self) -> &'static str {
        match self.noise {
            NoiseKind::Spike => "c",
            NoiseKind::Ar1 => "rho",
            NoiseKind::Orthogonal => "tau2",
            NoiseKind::None => "none",
        }
    }

    fn params(&self, signal: f64, level: f64, rep: usize) -> Params {
        let mut p =
            Params { noise: self.noise, signal, seed: replicate_seed(self.base.seed, rep as u64), ..self.base.clone() };
        match self.noise {
            NoiseKind::Spike => p.c = level,
            NoiseKind::Ar1 => p.rho = level,
            NoiseKind::Orthogonal => p.tau2 = level,
            NoiseKind::None => {}
        }
        p
    }

    /// Checks the ranges and every cell's parameters.
    pub fn check(&self) -> Result<()> {
        if self.noise == NoiseKind::None {
            return Err(Error::param("noise", "none", "spike, ar1 or orthogonal (a noise with a level)"));
        }
        if !(2..=50).contains(&self.grid) {
            return Err(Error::param("grid", self.grid, "an integer in [2, 50]"));
        }
        if self.reps == 0 || self.reps > 10_000 {
            return Err(Error::param("reps", self.reps, "an integer in [1, 10000]"));
        }
        for (name, r) in [("signal", self.signal), ("level", self.level)] {
            if !(r.0.is_finite() && r.1.is_finite() && r.0 < r.1) {
                return Err(Error::param(name, format!("{}:{}", r.0, r.1), "A:B with A < B"));
            }
        }
        for s in [self.signal.0, self.signal.1] {
            for l in [self.level.0, self.level.1] {
                self.params(s, l, 0).check().map_err(|e| match e {
                    Error::Param { name, got, expected } if name == self.level_name() => Error::Param {
                        name: "level".into(),
                        got,
                        expected: format!("{expected} (the {} of {} noise)", self.level_name(), self.noise.name()),
                    },
                    other => other,
                })?;
            }
        }
        Ok(())
    }

    /// Number of independent tasks: one per (cell, replicate).
    pub fn tasks(&self) -> usize {
        self.grid * self.grid * self.reps
    }

    /// Runs task `t`: cell `t / reps`, replicate `t % reps`; returns the projection distances
    /// of CLAIME, Concate and CL (in that order).
    pub fn run_task(&self, t: usize) -> Result<Vec<f64>> {
        let (sig, lev) = (axis(self.signal, self.grid), axis(self.level, self.grid));
        let (cell, rep) = (t / self.reps, t % self.reps);
        let params = self.params(sig[cell % self.grid], lev[cell / self.grid], rep).check()?;
        let mut session = Session::new(params, true);
        session.advance(usize::MAX);
        let truth = session.truth();
        METHODS
            .iter()
            .map(|&m| {
                let f = session.fit(m)?;
                Ok(projection_distance(crate::linalg::mat(&f.v1), crate::linalg::mat(&truth.v1))
                    .max(projection_distance(crate::linalg::mat(&f.v2), crate::linalg::mat(&truth.v2))))
            })
            .collect()
    }

    /// The cells (level-major) from every task's errors, indexed by task.
    pub fn assemble(&self, errors: &[Vec<f64>]) -> Result<Vec<Cell>> {
        if errors.len() != self.tasks() || errors.iter().any(|e| e.len() != METHODS.len()) {
            return Err(Error::param(
                "errors",
                format!("{} task results", errors.len()),
                format!("{} results of 3 errors each (one per task)", self.tasks()),
            ));
        }
        let (sig, lev) = (axis(self.signal, self.grid), axis(self.level, self.grid));
        Ok((0..self.grid * self.grid)
            .map(|cell| {
                let reps = &errors[cell * self.reps..(cell + 1) * self.reps];
                let per = |k: usize| mean(&reps.iter().map(|e| e[k]).collect::<Vec<_>>());
                let (a, b, c) = (per(0), per(1), per(2));
                // Differences from the baseline with the better mean, replicate by replicate.
                let best = if b <= c { 1 } else { 2 };
                let d: Vec<f64> = reps.iter().map(|e| e[0] - e[best]).collect();
                Cell {
                    signal: sig[cell % self.grid],
                    level: lev[cell / self.grid],
                    claime: a,
                    concate: b,
                    cl: c,
                    diff: a - b.min(c),
                    ci95: ci95(&d),
                }
            })
            .collect())
    }

    /// Runs every (cell, replicate) on `threads` threads; cells are listed level-major.
    pub fn run(&self, threads: usize, progress: &(dyn Fn(usize, usize) + Sync)) -> Result<Vec<Cell>> {
        self.check()?;
        let errors = run_tasks(self.tasks(), threads, progress, |t| self.run_task(t))?;
        self.assemble(&errors)
    }
}

/// The map as CSV with a header.
pub fn to_csv(spec: &RegimeSpec, cells: &[Cell]) -> String {
    let mut out = format!("signal,{},claime,concate,cl,diff,ci95\n", spec.level_name());
    for c in cells {
        out.push_str(&format!("{},{},{},{},{},{},{}\n", c.signal, c.level, c.claime, c.concate, c.cl, c.diff, c.ci95));
    }
    out
}

/// The map as an SVG figure.
pub fn figure(spec: &RegimeSpec, cells: &[Cell], width: u32, height: u32) -> Result<String> {
    let map = crate::plot::regime::RegimeMap {
        signals: axis(spec.signal, spec.grid),
        levels: axis(spec.level, spec.grid),
        level_name: spec.level_name().into(),
        values: cells.iter().map(|c| c.diff).collect(),
        wins: cells.iter().map(Cell::claime_wins).collect(),
    };
    crate::plot::regime::svg(&map, width, height)
}
