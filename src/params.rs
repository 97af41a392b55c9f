//! Model parameters: an unchecked [`Params`] as users write it (flags, URL, JSON) and a
//! [`ValidParams`] that only [`Params::check`] can make (linfa's `ParamGuard` pattern).
//!
//! Defaults are the paper's simulation settings (model.md §7): d1 = d2 = 500, p = 4,
//! n = 20000, mean T = 50, spike noise with c = 0.2, signal scale 1, seed 1.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Patient-noise structure of model.md §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoiseKind {
    /// Paper Case 1: the first floor(p/2) features of each modality get variance 1/c.
    Spike,
    /// Paper Case 2: AR(1) correlation rho with feature scales sigma_w ~ U(0,1).
    Ar1,
    /// Corollary 3.1: noise in a p-dimensional subspace orthogonal to the truth, variance tau2.
    Orthogonal,
    /// No patient noise.
    None,
}

impl NoiseKind {
    /// All structures with their command-line / URL names.
    pub const ALL: [(NoiseKind, &'static str); 4] = [
        (NoiseKind::Spike, "spike"),
        (NoiseKind::Ar1, "ar1"),
        (NoiseKind::Orthogonal, "orthogonal"),
        (NoiseKind::None, "none"),
    ];

    /// The name used on the command line and in URLs.
    pub fn name(self) -> &'static str {
        NoiseKind::ALL.iter().find(|(k, _)| *k == self).map(|(_, s)| *s).unwrap_or("none")
    }

    /// Parses a name, naming the allowed values on error.
    pub fn parse(s: &str) -> Result<Self> {
        NoiseKind::ALL
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(k, _)| *k)
            .ok_or_else(|| Error::param("noise", format!("'{s}'"), "one of spike, ar1, orthogonal, none"))
    }
}

/// Unchecked model parameters. Every field has the paper's default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// Number of structured codes (modality 1).
    pub d1: usize,
    /// Number of CUIs (modality 2).
    pub d2: usize,
    /// Embedding dimension.
    pub p: usize,
    /// Number of patients.
    pub n: usize,
    /// Mean number of tokens per patient and modality (Poisson mean, redrawn below 2).
    pub mean_t: f64,
    /// Noise structure.
    pub noise: NoiseKind,
    /// Spike level: noisy features have variance 1/c.
    pub c: f64,
    /// AR(1) correlation.
    pub rho: f64,
    /// Orthogonal-noise variance tau^2.
    pub tau2: f64,
    /// Signal scale s multiplying the true embeddings (\[decision\] in model.md §2).
    pub signal: f64,
    /// Seed of every random stream.
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            d1: 500,
            d2: 500,
            p: 4,
            n: 20_000,
            mean_t: 50.0,
            noise: NoiseKind::Spike,
            c: 0.2,
            rho: 0.8,
            tau2: 1.0,
            signal: 1.0,
            seed: 1,
        }
    }
}

/// Largest number of features per modality.
pub const MAX_FEATURES: usize = 20_000;
/// Largest number of patients.
pub const MAX_PATIENTS: usize = 10_000_000;
/// Largest embedding dimension.
pub const MAX_P: usize = 64;
/// Default memory budget for one session (bytes).
pub const DEFAULT_MEMORY_BUDGET: u64 = 2 << 30;

/// Parameters that passed every rule of [`Params::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValidParams(Params);

impl std::ops::Deref for ValidParams {
    type Target = Params;
    fn deref(&self) -> &Params {
        &self.0
    }
}

impl ValidParams {
    /// The checked parameters as plain [`Params`].
    pub fn params(&self) -> &Params {
        &self.0
    }
}

fn check_finite_range(name: &str, x: f64, lo: f64, hi: f64, lo_open: bool, hi_open: bool) -> Result<()> {
    let above = if lo_open { x > lo } else { x >= lo };
    let below = if hi_open { x < hi } else { x <= hi };
    if x.is_finite() && above && below {
        Ok(())
    } else {
        let l = if lo_open { "(" } else { "[" };
        let h = if hi_open { ")" } else { "]" };
        Err(Error::param(name, x, format!("a number in {l}{lo}, {hi}{h}")))
    }
}

impl Params {
    /// Checks every rule and returns [`ValidParams`], or an error naming the first bad field. The
    /// memory estimate counts every method, so the within-modality counts too.
    pub fn check(self) -> Result<ValidParams> {
        self.check_for(true)
    }

    /// As [`Params::check`], for a session whose methods need the within-modality counts
    /// (`with_within`: Concate, CL) or not (CLAIME alone): the memory estimate leaves out what
    /// they do not need ([`Params::estimated_bytes`]; `Method::any_needs_within` tells).
    pub fn check_for(self, with_within: bool) -> Result<ValidParams> {
        self.check_with_budget(DEFAULT_MEMORY_BUDGET, with_within)
    }

    /// As [`Params::check_for`], with an explicit memory budget in bytes.
    pub fn check_with_budget(self, budget: u64, with_within: bool) -> Result<ValidParams> {
        for (name, d) in [("d1", self.d1), ("d2", self.d2)] {
            if !(2..=MAX_FEATURES).contains(&d) {
                return Err(Error::param(name, d, format!("an integer in [2, {MAX_FEATURES}]")));
            }
        }
        if self.p == 0 || self.p > MAX_P {
            return Err(Error::param("p", self.p, format!("an integer in [1, {MAX_P}]")));
        }
        if 2 * self.p > self.d1.min(self.d2) {
            return Err(Error::param("p", self.p, format!("at most min(d1, d2) / 2 = {}", self.d1.min(self.d2) / 2)));
        }
        if self.noise == NoiseKind::Orthogonal && 2 * self.p + 1 > self.d1.min(self.d2) {
            // U*, the noise basis P and the all-ones direction are orthogonal (model.md §2).
            return Err(Error::param(
                "p",
                self.p,
                format!("at most (min(d1, d2) - 1) / 2 = {} under orthogonal noise", (self.d1.min(self.d2) - 1) / 2),
            ));
        }
        if !(2..=MAX_PATIENTS).contains(&self.n) {
            return Err(Error::param("n", self.n, format!("an integer in [2, {MAX_PATIENTS}]")));
        }
        check_finite_range("mean_t", self.mean_t, 2.0, 10_000.0, false, false)?;
        check_finite_range("c", self.c, 0.0, 1000.0, true, false)?;
        check_finite_range("rho", self.rho, 0.0, 1.0, false, true)?;
        check_finite_range("tau2", self.tau2, 0.0, 10_000.0, false, false)?;
        check_finite_range("signal", self.signal, 0.0, 1000.0, false, false)?;
        let needed = self.estimated_bytes(with_within);
        if needed > budget {
            return Err(Error::Memory {
                needed_bytes: needed,
                budget_bytes: budget,
                what: format!("a model with d1 = {}, d2 = {}", self.d1, self.d2),
                advice: "; reduce d1, d2 or n".into(),
            });
        }
        Ok(ValidParams(self))
    }

    /// Estimated peak memory of a session, in bytes: the summary statistics (D12, and C11, C22
    /// only `with_within`, when a method needs them: Concate, CL), the d1 x d2 PMI of CLAIME,
    /// and, with the within-modality counts, Concate's or CL's dense d x d co-occurrence and
    /// PMI. Without them a session keeps no d x d or d_M x d_M matrix, so CLAIME alone fits
    /// d1 = 20000, d2 = 100. (CLAIME's d1 x d2 PMI is counted whatever the methods: it is small
    /// next to the rest.)
    pub fn estimated_bytes(&self, with_within: bool) -> u64 {
        let (d1, d2) = (self.d1 as u64, self.d2 as u64);
        let d = d1 + d2;
        let within = with_within;
        let stats = d1 * d2 + if within { d1 * d1 + d2 * d2 } else { 0 };
        let fits = d1 * d2 + if within { 2 * d * d } else { 0 };
        8 * (stats + fits) + 64 * d * self.p as u64
    }

    /// Total number of features d = d1 + d2.
    pub fn d(&self) -> usize {
        self.d1 + self.d2
    }

    /// The keys of a parameters object: the field names, as JSON, URLs and the page write them.
    pub const KEYS: [&'static str; 11] =
        ["d1", "d2", "p", "n", "mean_t", "noise", "c", "rho", "tau2", "signal", "seed"];
}

/// Refuses a parameters object with a key that is not one of [`Params::KEYS`], naming the first
/// such key and the allowed ones. serde's `deny_unknown_fields` does this for JSON text, but
/// serde-wasm-bindgen reads only the struct's own keys from a JavaScript object, so the wasm
/// bindings pass the object's keys here first (a typo such as `n_` would otherwise run with
/// the default n).
pub fn check_keys<S: AsRef<str>>(keys: &[S]) -> Result<()> {
    check_object_keys(keys, &Params::KEYS, "parameters")
}

/// Refuses an object (named `what` in the message) with a key that is not in `allowed`, naming
/// the first such key and the allowed ones: the key check of every object the wasm bindings read
/// (parameters, trainer settings).
pub fn check_object_keys<S: AsRef<str>>(keys: &[S], allowed: &[&str], what: &str) -> Result<()> {
    match keys.iter().map(AsRef::as_ref).find(|k| !allowed.contains(k)) {
        None => Ok(()),
        Some(key) => {
            // Quoted as written, control characters escaped and long keys cut, so the message
            // stays one readable line.
            let mut shown: String = key.chars().take(40).flat_map(char::escape_debug).collect();
            if key.chars().count() > 40 {
                shown.push_str("...");
            }
            Err(Error::param(
                what,
                format!("the unknown key '{shown}'"),
                format!("only the keys {}", allowed.join(", ")),
            ))
        }
    }
}

/// A named starting point (used by the explorer's presets and the command line).
pub fn preset(name: &str) -> Option<Params> {
    let base = Params::default();
    Some(match name {
        "paper-spike" => base,
        // The explorer's landing: spike noise as the paper's, signal 2, where CLAIME recovers
        // and the baselines do not (seed 1: CLAIME 1.37, Concate 1.77, CL 2.72).
        "claime-recovers" => Params { signal: 2.0, ..base },
        "paper-ar1" => Params { noise: NoiseKind::Ar1, ..base },
        "orthogonal" => Params { noise: NoiseKind::Orthogonal, tau2: 25.0, signal: 2.0, d1: 200, d2: 200, ..base },
        "claime-wins" => Params { signal: 4.0, c: 0.05, ..base },
        "concate-wins" => Params { noise: NoiseKind::None, signal: 4.0, n: 5_000, ..base },
        "no-signal" => Params { signal: 0.0, ..base },
        _ => return None,
    })
}
