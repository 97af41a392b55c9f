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
//!
//! - `spec`: the experiments, the spec, its checks, defaults and grid;
//! - `task`: a spec's independent tasks and running one;
//! - `plan`: several experiments as one job, shared points computed once;
//! - `aggregate`: rows per grid point and method, the CSV and the figure.
//! The task runner and the summary statistics are [`crate::tasks`]'s.

mod aggregate;
mod plan;
mod spec;
mod task;

pub use aggregate::{figure, to_csv, Row};
pub use plan::{run_experiments, Plan};
pub use spec::{Experiment, GridPoint, Spec};
pub use task::Outcome;
