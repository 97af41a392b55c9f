//! The only stateful type: one replicate's parameters, truth, patient stream and growing summary
//! statistics, refit on demand. The explorer's worker and the command line both drive it.
//!
//! Timing is injected as a clock closure (milliseconds), because `std::time::Instant` does not
//! exist in the browser's WebAssembly; the core never reads a clock itself.

use crate::error::{Error, Result};
use crate::estimators::{Fit, Method};
use crate::metrics::{evaluate, Metrics};
use crate::params::{Params, ValidParams};
use crate::simulate::{self, PatientSampler, Truth};
use crate::stats::SummaryStats;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One method's outcome in a report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MethodReport {
    /// Every recovery metric.
    #[serde(flatten)]
    pub metrics: Metrics,
    /// The leading singular values or eigenvalues used by the fit.
    pub spectrum: Vec<f64>,
}

/// What `claime run` prints and the page shows: metrics per method and timings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    /// The model parameters.
    pub params: Params,
    /// Patients summarised so far.
    pub patients: usize,
    /// Metrics per method name.
    pub methods: BTreeMap<String, MethodReport>,
    /// Wall time per stage in milliseconds ("simulate", then one entry per method).
    pub timings_ms: BTreeMap<String, f64>,
    /// The no-recovery level sqrt(2p) of the projection distance.
    pub no_recovery: f64,
}

/// A replicate in progress.
#[derive(Debug, Clone)]
pub struct Session {
    params: ValidParams,
    truth: Truth,
    sampler: PatientSampler,
    /// The first patient this session simulates (0 unless [`Session::seek`] moved it).
    start: usize,
    stats: SummaryStats,
    /// Threads that simulate (1 unless [`Session::set_threads`] said more).
    threads: usize,
}

impl Session {
    /// Draws the truth; `with_within` collects C11 and C22 (needed by Concate and CL).
    pub fn new(params: ValidParams, with_within: bool) -> Self {
        let truth = Truth::draw(&params);
        let sampler = PatientSampler::new(&params);
        let stats = SummaryStats::new(params.d1, params.d2, with_within);
        Session { params, truth, sampler, start: 0, stats, threads: 1 }
    }

    /// A session whose statistics are `stats`, counted elsewhere from this run's patients (the
    /// live trainer counts C11 and C22 from its kept bags when a trainer needs them): the same
    /// checks as [`Session::add_stats`], without a copy of the statistics. It does not simulate.
    pub fn with_stats(params: ValidParams, stats: SummaryStats) -> Result<Self> {
        let (d1, d2) = (params.d1, params.d2);
        if stats.d1 != d1 || stats.d2 != d2 {
            return Err(Error::Unsupported {
                what: format!("the statistics are {}x{}, this run needs {d1}x{d2}", stats.d1, stats.d2),
            });
        }
        if !(stats.patients >= 0.0 && stats.patients <= params.n as f64 && stats.patients.fract() == 0.0) {
            return Err(Error::param(
                "patients",
                stats.patients,
                format!("a whole number of patients, at most n = {}", params.n),
            ));
        }
        let truth = Truth::draw(&params);
        let sampler = PatientSampler::new(&params);
        Ok(Session { params, truth, sampler, start: 0, stats, threads: 1 })
    }

    /// Simulates up to `count` more patients (never past patient n); returns the patients in
    /// the statistics. Does nothing once statistics from elsewhere were added
    /// ([`Session::add_stats`]).
    pub fn advance(&mut self, count: usize) -> usize {
        if (self.sampler.drawn() - self.start) as f64 == self.stats.patients {
            let left = self.params.n.saturating_sub(self.sampler.drawn());
            simulate::draw_parallel(&mut self.sampler, &self.truth, count.min(left), &mut self.stats, self.threads);
        }
        self.patients()
    }

    /// Simulates on up to `threads` threads from now on (at least 1); the patients and the
    /// statistics do not depend on it ([`simulate::draw_parallel`]).
    pub fn set_threads(&mut self, threads: usize) {
        self.threads = threads.max(1);
    }

    /// Empties the statistics and moves the simulation to patient `first` (at most n): the
    /// statistics then hold patients `first` onwards. The explorer's helper workers simulate
    /// stretches of a run this way for the worker that fits it ([`Session::add_stats`]).
    pub fn seek(&mut self, first: usize) -> Result<()> {
        if first > self.params.n {
            return Err(Error::param("first patient", first, format!("at most n = {}", self.params.n)));
        }
        self.sampler.seek(&self.truth, first);
        self.start = first;
        self.stats = SummaryStats::new(self.params.d1, self.params.d2, self.stats.within.is_some());
        Ok(())
    }

    /// Patients in the statistics so far.
    pub fn patients(&self) -> usize {
        self.stats.patients as usize
    }

    /// Whether all n patients are in.
    pub fn done(&self) -> bool {
        self.patients() >= self.params.n
    }

    /// Adds the statistics of other patients of this same run, simulated elsewhere (the
    /// explorer's helper workers simulate while its worker refits): they must have this run's
    /// sizes and the within-modality counts when this session collects them, and the total must
    /// stay at most n patients. The session does not simulate after that. The statistics are
    /// counts (whole numbers, exact in f64), so the order of additions does not change them.
    pub fn add_stats(&mut self, stats: &SummaryStats) -> Result<()> {
        let (d1, d2) = (self.params.d1, self.params.d2);
        let within = self.stats.within.is_some();
        if stats.d1 != d1 || stats.d2 != d2 || stats.within.is_some() != within {
            return Err(Error::Unsupported {
                what: format!(
                    "added statistics are {}x{} (within-modality counts: {}), this run needs {d1}x{d2} ({within})",
                    stats.d1,
                    stats.d2,
                    stats.within.is_some()
                ),
            });
        }
        let total = self.stats.patients + stats.patients;
        if !(stats.patients >= 0.0 && total <= self.params.n as f64 && stats.patients.fract() == 0.0) {
            return Err(Error::param(
                "patients",
                stats.patients,
                format!(
                    "a whole number of patients, with the {} already in at most n = {}",
                    self.stats.patients, self.params.n
                ),
            ));
        }
        self.stats.merge(stats)
    }

    /// The parameters.
    pub fn params(&self) -> &ValidParams {
        &self.params
    }

    /// The true embeddings.
    pub fn truth(&self) -> &Truth {
        &self.truth
    }

    /// The statistics so far.
    pub fn stats(&self) -> &SummaryStats {
        &self.stats
    }

    /// Fits one method to the statistics so far.
    pub fn fit(&self, method: Method) -> Result<Fit> {
        method.fit(&self.stats, self.params.p, self.params.seed)
    }

    /// Every metric of a fit against the truth.
    pub fn evaluate(&self, fit: &Fit) -> Metrics {
        evaluate(
            crate::linalg::mat(&fit.v1),
            crate::linalg::mat(&fit.v2),
            crate::linalg::mat(&self.truth.v1),
            crate::linalg::mat(&self.truth.v2),
            self.params.seed,
        )
    }

    /// Fits and evaluates each method, timing each with `clock` (milliseconds).
    pub fn report(&self, methods: &[Method], clock: &mut dyn FnMut() -> f64) -> Result<Report> {
        let mut out = BTreeMap::new();
        let mut timings = BTreeMap::new();
        for &m in methods {
            let t0 = clock();
            let fit = self.fit(m)?;
            let t1 = clock();
            let metrics = self.evaluate(&fit);
            timings.insert(m.name().to_string(), t1 - t0);
            out.insert(m.name().to_string(), MethodReport { metrics, spectrum: fit.spectrum });
        }
        Ok(Report {
            params: self.params.params().clone(),
            patients: self.patients(),
            methods: out,
            timings_ms: timings,
            no_recovery: (2.0 * self.params.p as f64).sqrt(),
        })
    }
}

/// Simulates all n patients and reports every requested method: one replicate, on one thread.
pub fn run(params: Params, methods: &[Method], clock: &mut dyn FnMut() -> f64) -> Result<Report> {
    run_threads(params, methods, 1, clock)
}

/// [`run`] with the simulation on up to `threads` threads: the same report but for its timings.
pub fn run_threads(
    params: Params,
    methods: &[Method],
    threads: usize,
    clock: &mut dyn FnMut() -> f64,
) -> Result<Report> {
    let valid = params.check_for(Method::any_needs_within(methods))?;
    let within = methods.iter().any(|m| m.needs_within());
    Ok(replicate(valid, within, methods, threads, clock)?.1)
}

/// Simulates all n patients on up to `threads` threads (with C11 and C22 when `within`) and
/// reports `methods`; returns the session too, for work that goes on from its patients (the
/// command line's trainers). The report's timings include `simulate`.
pub fn replicate(
    params: ValidParams,
    within: bool,
    methods: &[Method],
    threads: usize,
    clock: &mut dyn FnMut() -> f64,
) -> Result<(Session, Report)> {
    let t0 = clock();
    let mut session = Session::new(params, within);
    session.set_threads(threads);
    session.advance(usize::MAX);
    let t1 = clock();
    let mut report = session.report(methods, clock)?;
    report.timings_ms.insert("simulate".into(), t1 - t0);
    Ok((session, report))
}
