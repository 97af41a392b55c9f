//! The own-data fit: "Your data" on the page and `claime evaluate` on the command line. The
//! methods a summary supports (CLAIME alone when it has no within-modality counts), the rank p
//! checked against its features, the memory estimate checked against the budget, then the fits.
//!
//! Both adapters (`src/bindings/owndata.rs`, `src/bin/claime/data.rs`) go through [`OwnFit`], so
//! the checks, their messages and the choice of methods are the same in both places.

use super::format::Summary;
use crate::error::{Error, Result};
use crate::estimators::{claime, Fit, Method};

/// A fit of one summary at one rank: the methods chosen, checked by [`OwnFit::check`], run by
/// [`OwnFit::fit`].
#[derive(Debug, Clone, PartialEq)]
pub struct OwnFit {
    /// The rank.
    pub p: usize,
    /// The methods, in the order they are fitted.
    pub methods: Vec<Method>,
    /// Whether CLAIME alone was chosen because the summary has no within-modality counts.
    pub claime_only: bool,
}

/// The fits of an [`OwnFit`], in the order of its methods.
#[derive(Debug, Clone)]
pub struct OwnFits {
    /// One fit per method.
    pub fits: Vec<(Method, Fit)>,
    /// The leading singular values of CLAIME's PMI (empty unless asked for).
    pub singular_values: Vec<f64>,
}

impl OwnFit {
    /// A fit of `summary` at rank `p` with the given methods or, without them, CLAIME, Concate
    /// and CL when the summary has within-modality counts and CLAIME alone otherwise.
    pub fn new(summary: &Summary, p: usize, methods: Option<Vec<Method>>) -> OwnFit {
        let within = summary.stats.within.is_some();
        let claime_only = methods.is_none() && !within;
        let methods = methods.unwrap_or_else(|| {
            if within {
                vec![Method::Claime, Method::Concate, Method::Cl]
            } else {
                vec![Method::Claime]
            }
        });
        OwnFit { p, methods, claime_only }
    }

    /// Refuses a rank outside [1, min(d1, d2)], then a fit over the memory `budget` in bytes
    /// ([`check_fit_budget`]).
    pub fn check(&self, summary: &Summary, budget: u64) -> Result<()> {
        let (d1, d2) = (summary.stats.d1, summary.stats.d2);
        let dmin = d1.min(d2);
        if self.p == 0 || self.p > dmin {
            return Err(Error::param("p", self.p, format!("an integer in [1, {dmin}] (the smaller modality)")));
        }
        check_fit_budget(d1, d2, &self.methods, budget)
    }

    /// Fits every method. With `spectrum`, CLAIME comes from one SVD of rank k = max(3p, 12)
    /// (at most min(d1, d2)) whose singular values are returned too, for the spectrum plot.
    pub fn fit(&self, summary: &Summary, seed: u64, spectrum: bool) -> Result<OwnFits> {
        let stats = &summary.stats;
        let mut fits = Vec::with_capacity(self.methods.len());
        let mut singular_values = Vec::new();
        for &m in &self.methods {
            let fit = if spectrum && m == Method::Claime {
                let k = (3 * self.p).max(12).min(stats.d1.min(stats.d2));
                let (fit, values) = claime::fit_with_spectrum(stats, self.p, k, seed)?;
                singular_values = values;
                fit
            } else {
                m.fit(stats, self.p, seed)?
            };
            fits.push((m, fit));
        }
        Ok(OwnFits { fits, singular_values })
    }
}

/// Peak bytes of fitting `methods` to a summary of d1 codes and d2 CUIs: the statistics (with
/// within counts when a method needs them) plus the dense d1 x d2 PMI of CLAIME and two dense
/// (d1 + d2)^2 matrices for Concate or CL.
pub fn fit_bytes(d1: usize, d2: usize, methods: &[Method]) -> u64 {
    let (a, b) = (d1 as u64, d2 as u64);
    let d = a + b;
    let within = methods.iter().any(|m| m.needs_within());
    let mut entries = a * b + if within { a * a + b * b } else { 0 };
    if methods.contains(&Method::Claime) {
        entries += a * b;
    }
    if within {
        entries += 2 * d * d;
    }
    8 * entries
}

/// Refuses, from its sizes alone, a summary whose default fit ([`OwnFit::new`] without methods:
/// all three with within-modality counts, CLAIME alone without) would be over `budget` bytes,
/// so that it is refused before its matrices are read.
pub fn check_summary_fit(d1: usize, d2: usize, with_within: bool, budget: u64) -> Result<()> {
    let methods = if with_within { vec![Method::Claime, Method::Concate, Method::Cl] } else { vec![Method::Claime] };
    check_fit_budget(d1, d2, &methods, budget)
}

/// Refuses a fit over the memory budget, with the estimate.
pub fn check_fit_budget(d1: usize, d2: usize, methods: &[Method], budget: u64) -> Result<()> {
    let needed = fit_bytes(d1, d2, methods);
    if needed > budget {
        let names: Vec<&str> = methods.iter().map(|m| m.name()).collect();
        return Err(Error::Memory {
            needed_bytes: needed,
            budget_bytes: budget,
            what: format!("fitting {} to {d1} codes and {d2} CUIs", names.join(", ")),
            advice: "; fit fewer methods (CLAIME alone needs no d x d matrix) or fewer features".into(),
        });
    }
    Ok(())
}
