//! Patient-level records to summary statistics (model.md §3): rows
//! `patient_id, modality (code|cui), feature[, count]` streamed in chunks of bytes into a
//! `claime-summary` ([`Summary`]). `docs/formats.md` §4 documents the format.
//!
//! Per patient i and modality M, x_{i,w} is the sum of the counts of feature w (default 1 a row)
//! and T_i^(M) = sum_w x_{i,w}; the patient adds N_M += x, gamma_M(w) += x_w (T - 1),
//! D12 += x1 x2^T and C_MM += x x^T - diag(x) (the upper triangle), in a growing [`Pool`].
//!
//! The summariser takes byte chunks of any size (lines may straddle chunks), so the command line
//! can read a file in 1 MiB pieces and the browser worker can feed `File.stream()` chunks; it
//! touches no file system. Features get indices in order of first appearance.
//!
//! - **Grouped** mode (the default): rows of one patient are consecutive; only that patient's
//!   bag is in memory, added when the patient id changes. Finished ids are remembered as 64-bit
//!   hashes (8-16 bytes each) so that a patient id reappearing after another is detected: that
//!   stops with an error ([`Summarizer::not_grouped`] says so), and the caller starts again in
//!   ungrouped mode (the command line does it by itself).
//! - **Ungrouped** mode: every row is kept as (feature, count) in a per-patient list (16 bytes
//!   a row plus about 100 bytes a patient) and patients are added at the end.
//!
//! Errors name the source, the line and the field (column = field number, 1-based), as in
//! `records.csv:12:2: modality must be code or cui, got 'icd'`; nothing here panics.
//!
//! Here: the options, the report and the chunks cut into lines; `row.rs` checks the fields of a
//! line, `grouping.rs` gathers each patient's rows into bags and adds them to the pool.

mod grouping;
mod row;

use super::csv::{located, split_lines};
use super::format::Summary;
use super::pool::Pool;
use crate::error::{Error, Result};
use crate::params::DEFAULT_MEMORY_BUDGET;
use grouping::{Bag, HeldRows};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Longest line accepted (bytes), so that a binary file without line breaks is refused early.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// How the rows of a patient are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Grouping {
    /// Consecutive rows per patient; constant memory in the number of rows.
    Grouped,
    /// Any order; every row is held until the end.
    Ungrouped,
}

/// Options of the summariser.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordsOptions {
    /// Collect the within-modality counts C11 and C22 (needed by Concate and CL).
    pub within: bool,
    /// Row layout.
    pub grouping: Grouping,
    /// Memory budget in bytes for the statistics (and, ungrouped, the held rows).
    pub budget: u64,
}

impl Default for RecordsOptions {
    fn default() -> Self {
        RecordsOptions { within: true, grouping: Grouping::Grouped, budget: DEFAULT_MEMORY_BUDGET }
    }
}

/// Where the summariser is, for progress displays.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Progress {
    /// Bytes fed so far.
    pub bytes: u64,
    /// Lines read (complete lines).
    pub lines: u64,
    /// Data rows read.
    pub rows: u64,
    /// Patients seen.
    pub patients: u64,
    /// Codes discovered.
    pub codes: usize,
    /// CUIs discovered.
    pub cuis: usize,
}

/// What the summariser saw, besides the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordsReport {
    /// Counters at the end.
    pub progress: Progress,
    /// Whether the first row was taken as a header.
    pub header: bool,
    /// `"comma"` or `"tab"`.
    pub delimiter: String,
    /// The mode used.
    pub grouping: Grouping,
    /// Statistics set from negative to 0 (non-integer counts below 1; see docs/formats.md).
    pub clamped: usize,
}

/// A summary made from records, with its report.
#[derive(Debug, Clone)]
pub struct Summarized {
    /// The statistics with feature names.
    pub summary: Summary,
    /// Counters and detected layout.
    pub report: RecordsReport,
}

/// The streaming summariser. Feed chunks with [`Summarizer::feed`], then call
/// [`Summarizer::finish`]. After an error, the summariser refuses further input.
#[derive(Debug)]
pub struct Summarizer {
    source: String,
    opts: RecordsOptions,
    pool: Pool,
    carry: Vec<u8>,
    progress: Progress,
    delimiter: Option<u8>,
    header: Option<bool>,
    failed: bool,
    not_grouped: Option<usize>,
    // Grouped mode.
    current: Option<String>,
    bags: [Bag; 2],
    finished: HashSet<u64>,
    // Ungrouped mode.
    held_index: HashMap<String, u32>,
    held: Vec<HeldRows>,
    held_bytes: u64,
}

impl Summarizer {
    /// A summariser of the input called `source` (a file name, used in error messages).
    pub fn new(source: &str, opts: RecordsOptions) -> Self {
        Summarizer {
            source: source.to_string(),
            pool: Pool::new(opts.within, opts.budget),
            opts,
            carry: Vec::new(),
            progress: Progress::default(),
            delimiter: None,
            header: None,
            failed: false,
            not_grouped: None,
            current: None,
            bags: [Bag::default(), Bag::default()],
            finished: HashSet::new(),
            held_index: HashMap::new(),
            held: Vec::new(),
            held_bytes: 0,
        }
    }

    /// Counters so far.
    pub fn progress(&self) -> Progress {
        Progress { codes: self.pool.d1(), cuis: self.pool.d2(), ..self.progress.clone() }
    }

    /// In grouped mode, the line at which a patient id reappeared after another patient: the
    /// input is not grouped and must be read again with [`Grouping::Ungrouped`].
    pub fn not_grouped(&self) -> Option<usize> {
        self.not_grouped
    }

    /// Feeds a chunk of text (any size; lines may straddle chunks).
    pub fn feed_str(&mut self, chunk: &str) -> Result<()> {
        self.feed(chunk.as_bytes())
    }

    /// Feeds a chunk of bytes (any size; lines and UTF-8 sequences may straddle chunks).
    pub fn feed(&mut self, chunk: &[u8]) -> Result<()> {
        if self.failed {
            return Err(self.stopped());
        }
        self.progress.bytes += chunk.len() as u64;
        let result = (|| {
            let mut carry = std::mem::take(&mut self.carry);
            let short = split_lines(&mut carry, chunk, MAX_LINE_BYTES, &mut |l| self.line(l));
            self.carry = carry;
            if short? {
                Ok(())
            } else {
                Err(self.too_long())
            }
        })();
        if result.is_err() {
            self.failed = true;
        }
        result
    }

    /// Ends the input and returns the summary.
    pub fn finish(mut self) -> Result<Summarized> {
        if self.failed {
            return Err(self.stopped());
        }
        if !self.carry.is_empty() {
            let carry = std::mem::take(&mut self.carry);
            self.line(&carry)?;
        }
        self.flush_current();
        if self.opts.grouping == Grouping::Ungrouped {
            self.add_held();
        }
        if self.progress.rows == 0 {
            return Err(located(
                &self.source,
                self.progress.lines.max(1) as usize,
                0,
                "no records; expected rows patient_id, modality (code or cui), feature[, count]",
            ));
        }
        for (d, what) in [(self.pool.d1(), "code"), (self.pool.d2(), "CUI")] {
            if d == 0 {
                return Err(Error::Records {
                    at: self.source.clone(),
                    message: format!("no {what} rows; a summary needs at least one code and one CUI"),
                });
            }
        }
        let progress = self.progress();
        let source = self.source.clone();
        let (summary, clamped) = self.pool.into_summary().map_err(|e| match e {
            Error::Unsupported { what } => Error::Records { at: source, message: what },
            other => other,
        })?;
        let delimiter = if self.delimiter == Some(b'\t') { "tab" } else { "comma" }.to_string();
        let report = RecordsReport {
            progress,
            header: self.header.unwrap_or(false),
            delimiter,
            grouping: self.opts.grouping,
            clamped,
        };
        Ok(Summarized { summary, report })
    }

    fn stopped(&self) -> Error {
        Error::Unsupported { what: format!("{}: the summariser stopped at an earlier error", self.source) }
    }

    /// The error of a line over [`MAX_LINE_BYTES`].
    fn too_long(&self) -> Error {
        located(
            &self.source,
            self.progress.lines as usize + 1,
            0,
            format!(
                "line longer than {} bytes; expected short rows patient_id, modality, feature[, count]",
                MAX_LINE_BYTES
            ),
        )
    }
}

/// Summarises a whole text at once (see [`Summarizer`]).
pub fn summarize_str(source: &str, text: &str, opts: RecordsOptions) -> Result<Summarized> {
    let mut s = Summarizer::new(source, opts);
    s.feed_str(text)?;
    s.finish()
}
