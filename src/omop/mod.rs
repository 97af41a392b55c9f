//! OMOP CDM to summary statistics (issue 28): the tables of an OMOP Common Data Model v5.3/v5.4
//! export read straight into a `claime-summary`, and the same statistics computed inside an OMOP
//! database by generated SQL. `docs/formats.md` §6 documents both routes.
//!
//! - [`domain`]: which table, person, concept, date and source-value columns each domain reads.
//! - [`table`]: one table export (CSV or TSV, any letter case in the header) streamed as chunks.
//! - [`reader`]: [`OmopSummarizer`], the streaming reader: tables fed one after another as byte
//!   chunks (no file system here, so the command line and the browser worker share it).
//! - `held`: the features and per-person tokens held until the end.
//! - [`sql`]: the SQL generator (`claime omop-sql`) and its long result format.
//! - [`result`]: the exported SQL result back to a `claime-summary` (`claime summarize --from-sql`).
//!
//! Both routes order each modality's features by concept id (ascending, as 64-bit integers;
//! by the bytes of the text with `--source-values`), so that they give identical files: SQL has
//! no "first appearance" (docs/decisions.md).

pub mod domain;
mod held;
pub mod reader;
pub mod result;
pub mod sql;
pub mod table;

pub use domain::{Date, Domain};
pub use reader::{OmopOptions, OmopReport, OmopSummarized, OmopSummarizer, Selection, Table};

// The records module's line helpers, in one place (the module may move to crate::data).
pub(crate) use crate::data::csv::{line_text, located, quoted, split_fields, split_lines};
pub(crate) use crate::data::records::MAX_LINE_BYTES;

/// A feature's name: the concept id, a space and the concept's name when known.
pub(crate) fn concept_feature_name(id: i64, names: &std::collections::HashMap<i64, String>) -> String {
    match names.get(&id) {
        Some(n) if !n.is_empty() => format!("{id} {n}"),
        _ => id.to_string(),
    }
}
