//! The flags shared by several subcommands (the model's, the trainers') and the defaults of
//! every flag: the core's `Default`s, one source shared with the page through the wasm.

use claime::experiment::Spec;
use claime::params::{NoiseKind, Params};
use claime::regime::RegimeSpec;
use claime::train::TrainParams;
use claime::Error;
use clap::Args;

// The flags' defaults come from the core's `Default`s (one source of defaults, shared with the
// page through the wasm): the model's from `Params`, the study's from `experiment::Spec`, the
// map's from `regime::RegimeSpec`, the trainers' from `TrainParams`.

/// The paper's model (`Params::default()`).
pub(crate) fn model() -> Params {
    Params::default()
}

/// The study `claime experiment` runs without flags.
pub(crate) fn study() -> Spec {
    Spec::default()
}

/// The map `claime regime` draws without flags.
pub(crate) fn map() -> RegimeSpec {
    RegimeSpec::default()
}

/// A range as its flag writes it, `A:B`.
pub(crate) fn range_flag((a, b): (f64, f64)) -> String {
    format!("{a}:{b}")
}

/// The trainers' flags of `run` (used when --methods names a trainer).
#[derive(Args)]
pub(crate) struct TrainArgs {
    /// Temperature of claime-temp: a number, or inf for the linear loss.
    #[arg(long, default_value_t = TrainParams::default().temperature, allow_negative_numbers = true)]
    temperature: f64,
    /// Epochs of each trainer (a full-batch trainer takes one step per epoch); with --tol, the most.
    // [decision] 50, not TrainParams::default().epochs (100, the page's Play budget): the command
    // line's figures and docs/reproduction.md name "trainers 50 epochs".
    #[arg(long, default_value_t = 50)]
    epochs: usize,
    /// Stop a trainer early once an epoch changes its loss by less than this (the paper stopped
    /// at 1e-6); 0 trains every epoch.
    #[arg(long, default_value_t = TrainParams::default().tol)]
    tol: f64,
    /// Relative learning rate (default 0.5 for claime-gd and cl-gd, 0.05 for the Adam trainers).
    #[arg(long, allow_negative_numbers = true)]
    lr: Option<f64>,
    /// Patients per minibatch (claime-sgd, claime-temp).
    #[arg(long, default_value_t = TrainParams::default().batch)]
    batch: usize,
    /// Regulariser lambda.
    #[arg(long, default_value_t = TrainParams::default().lambda, allow_negative_numbers = true)]
    lambda: f64,
}

impl TrainArgs {
    /// The trainers' settings these flags give.
    pub(crate) fn params(&self) -> TrainParams {
        TrainParams {
            lambda: self.lambda,
            lr: self.lr,
            batch: self.batch,
            temperature: self.temperature,
            epochs: self.epochs,
            tol: self.tol,
            ..TrainParams::default()
        }
    }
}

/// The model flags, defaulting to the paper's settings.
#[derive(Args)]
pub(crate) struct ModelArgs {
    /// Number of codes (modality 1).
    #[arg(long, default_value_t = model().d1)]
    d1: usize,
    /// Number of CUIs (modality 2).
    #[arg(long, default_value_t = model().d2)]
    d2: usize,
    /// Embedding dimension.
    #[arg(long, default_value_t = model().p)]
    p: usize,
    /// Number of patients.
    #[arg(long, default_value_t = model().n)]
    n: usize,
    /// Mean tokens per patient and modality (Poisson, redrawn below 2).
    #[arg(long = "mean-t", default_value_t = model().mean_t)]
    mean_t: f64,
    /// Noise structure.
    #[arg(long, value_parser = ["spike", "ar1", "orthogonal", "none"], default_value = model().noise.name())]
    noise: String,
    /// Spike level: noisy features get variance 1/c.
    #[arg(long, default_value_t = model().c)]
    c: f64,
    /// AR(1) correlation.
    #[arg(long, default_value_t = model().rho)]
    rho: f64,
    /// Orthogonal-noise variance.
    #[arg(long, default_value_t = model().tau2)]
    tau2: f64,
    /// Signal scale of the true embeddings.
    #[arg(long, default_value_t = model().signal)]
    signal: f64,
    /// Seed of every random stream.
    #[arg(long, default_value_t = model().seed)]
    seed: u64,
}

impl ModelArgs {
    pub(crate) fn params(&self) -> Result<Params, Error> {
        Ok(Params {
            d1: self.d1,
            d2: self.d2,
            p: self.p,
            n: self.n,
            mean_t: self.mean_t,
            noise: NoiseKind::parse(&self.noise)?,
            c: self.c,
            rho: self.rho,
            tau2: self.tau2,
            signal: self.signal,
            seed: self.seed,
        })
    }
}
