//! # claime
//!
//! CLAIME (Cai, Huang, Nakada, Zhang, Zhou, "Contrastive Learning on Multimodal Analysis of
//! Electronic Health Records", arXiv 2403.14926): simulate the paper's generative model, reduce
//! patients to privacy-preserving summary statistics, fit CLAIME and its baselines (Concate, CL)
//! and measure how well each recovers the true embeddings. The specification is the team's
//! `model.md`; module docs cite its sections and the paper's equations.
//!
//! ```
//! use claime::{Params, Method, Session, NoiseKind};
//!
//! // A small, strong-signal model: 60 codes, 60 CUIs, p = 2, 3000 patients.
//! let params = Params { d1: 60, d2: 60, p: 2, n: 3000, signal: 4.0, noise: NoiseKind::None, ..Params::default() };
//! let mut session = Session::new(params.check().unwrap(), true);
//! session.advance(usize::MAX);                       // simulate every patient
//! let fit = session.fit(Method::Claime).unwrap();     // rank-p SVD of the cross-modal PMI
//! assert_eq!(fit.v1.dim(), (60, 2));                 // (d1, p) code embeddings, an ndarray Array2
//! let m = session.evaluate(&fit);
//! assert!(m.projection_distance < 2.0_f64.sqrt() * 2.0); // below the no-recovery level sqrt(2p)
//! ```

pub mod cpu;
pub mod data;
pub mod error;
pub mod estimators;
pub mod experiment;
pub mod explorer;
pub mod linalg;
pub mod metrics;
pub mod neighbours;
pub mod omop;
pub mod params;
pub mod plot;
pub mod regime;
pub mod rng;
pub mod session;
pub mod simulate;
pub mod stats;
pub mod tasks;
pub mod train;
pub mod views;

#[cfg(target_arch = "wasm32")]
pub mod bindings;

pub use error::{Error, Result};
pub use estimators::{Fit, Method};
pub use metrics::Metrics;
pub use params::{NoiseKind, Params, ValidParams};
pub use session::{replicate, run, run_threads, Report, Session};
pub use stats::SummaryStats;
