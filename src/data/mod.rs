//! The user's own data: patient records summarised into `claime-summary` files, sites' summaries
//! merged, fitted, evaluated against known pairs and exported. Everything here reads and writes
//! text in memory (no file system), so the command line (`src/bin/claime/data.rs`) and the
//! browser (`src/bindings/owndata.rs`) are thin adapters over it.
//!
//! The layers, each using only those above it:
//!
//! 1. [`csv`]: CSV/TSV lines split into fields, and errors naming `source:line:column`;
//!    [`format`]: the `claime-summary` JSON file ([`format::Summary`]); [`export`]: TSV outputs.
//! 2. [`pool`]: summary statistics growing over features discovered by name.
//! 3. [`records`]: records (CSV/TSV) streamed into a summary through a pool; [`merge`]: sites'
//!    summaries added into one pool.
//! 4. [`fit`]: the methods a summary supports, the checks of p and of the memory budget, the fits.
//! 5. [`pairs`]: the pairs file read and resolved against a summary's features; [`evaluate`]: the
//!    AUC of known pairs against random ones, per relation.

pub mod csv;
pub mod evaluate;
pub mod export;
pub mod fit;
pub mod format;
pub mod merge;
pub mod pairs;
pub mod pool;
pub mod records;
