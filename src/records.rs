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

use crate::error::{Error, Result};
use crate::format::Summary;
use crate::merge::Pool;
use crate::params::DEFAULT_MEMORY_BUDGET;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// Longest line accepted (bytes), so that a binary file without line breaks is refused early.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// An error at a place in an input: `source:line:column: message` (column omitted when 0).
pub fn located(source: &str, line: usize, column: usize, message: impl Into<String>) -> Error {
    let path = if column > 0 { format!("{source}:{line}:{column}") } else { format!("{source}:{line}") };
    Error::Records { at: path, message: message.into() }
}

/// A field value for an error message: quoted, cut to 40 characters.
pub(crate) fn quoted(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((cut, _)) => format!("'{}...'", &s[..cut]),
        None => format!("'{s}'"),
    }
}

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

/// One patient's bag of one modality: distinct features with summed counts.
#[derive(Debug, Clone, Default)]
struct Bag {
    /// feature -> position in `items` + 1 (0 = absent).
    slot: Vec<u32>,
    items: Vec<(u32, f64)>,
}

impl Bag {
    #[inline]
    fn add(&mut self, w: u32, x: f64) {
        let w_us = w as usize;
        if w_us >= self.slot.len() {
            self.slot.resize((w_us + 1).max(2 * self.slot.len()), 0);
        }
        match self.slot[w_us] {
            0 => {
                self.items.push((w, x));
                self.slot[w_us] = self.items.len() as u32;
            }
            k => self.items[k as usize - 1].1 += x,
        }
    }

    fn clear(&mut self) {
        for &(w, _) in &self.items {
            self.slot[w as usize] = 0;
        }
        self.items.clear();
    }
}

/// Parsed fields of one line, borrowed unless a CSV field was quoted.
type Fields<'a> = Vec<Cow<'a, str>>;

/// Splits a line on the delimiter. CSV fields may be double-quoted (`"a, b"`, `""` for a quote);
/// a quoted field ends at its closing quote and cannot span lines. Errors give the field number.
pub(crate) fn split_fields(line: &str, delim: u8) -> std::result::Result<Fields<'_>, (usize, String)> {
    let mut out: Fields<'_> = Vec::with_capacity(4);
    if delim == b'\t' || !line.contains('"') {
        out.extend(line.split(delim as char).map(Cow::Borrowed));
        return Ok(out);
    }
    let bytes = line.as_bytes();
    let mut i = 0;
    loop {
        let field_no = out.len() + 1;
        // Leading spaces before an opening quote are allowed.
        let start = i;
        let mut j = i;
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b'"' {
            let mut value = String::new();
            let mut k = j + 1;
            loop {
                match line[k..].find('"') {
                    None => return Err((field_no, "unterminated quoted field (a closing \" is missing)".into())),
                    Some(q) => {
                        value.push_str(&line[k..k + q]);
                        k += q + 1;
                        if bytes.get(k) == Some(&b'"') {
                            value.push('"');
                            k += 1;
                        } else {
                            break;
                        }
                    }
                }
            }
            while k < bytes.len() && bytes[k] == b' ' {
                k += 1;
            }
            out.push(Cow::Owned(value));
            match bytes.get(k) {
                None => return Ok(out),
                Some(&b',') => i = k + 1,
                Some(_) => {
                    return Err((
                        field_no,
                        "unexpected text after a closing quote; expected a comma or the end of the line".into(),
                    ))
                }
            }
        } else {
            match line[start..].find(',') {
                Some(c) => {
                    out.push(Cow::Borrowed(&line[start..start + c]));
                    i = start + c + 1;
                }
                None => {
                    out.push(Cow::Borrowed(&line[start..]));
                    return Ok(out);
                }
            }
        }
    }
}

/// Checks a line's bytes: UTF-8, without the trailing `\r` (and a leading BOM on line 1).
pub(crate) fn line_text<'a>(source: &str, line_no: usize, raw: &'a [u8]) -> Result<&'a str> {
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    let raw = if line_no == 1 { raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw) } else { raw };
    std::str::from_utf8(raw).map_err(|e| {
        located(source, line_no, 0, format!("not UTF-8 text (invalid byte at position {})", e.valid_up_to() + 1))
    })
}

/// The modality of a field, if it is one.
#[inline]
fn modality(s: &str) -> Option<bool> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("code") {
        Some(false)
    } else if s.eq_ignore_ascii_case("cui") {
        Some(true)
    } else {
        None
    }
}

fn id_hash(id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// Rows of one patient held in ungrouped mode: feature (high bit set for CUIs) and count.
type HeldRows = Vec<(u32, f64)>;
const CUI_BIT: u32 = 1 << 31;

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
    pub fn feed(&mut self, mut chunk: &[u8]) -> Result<()> {
        if self.failed {
            return Err(self.stopped());
        }
        self.progress.bytes += chunk.len() as u64;
        let result = (|| {
            if !self.carry.is_empty() {
                match chunk.iter().position(|&b| b == b'\n') {
                    Some(i) => {
                        self.carry.extend_from_slice(&chunk[..i]);
                        self.check_length()?;
                        let carry = std::mem::take(&mut self.carry);
                        let r = self.line(&carry);
                        self.carry = carry;
                        self.carry.clear();
                        r?;
                        chunk = &chunk[i + 1..];
                    }
                    None => {
                        self.carry.extend_from_slice(chunk);
                        return self.check_length();
                    }
                }
            }
            while let Some(i) = chunk.iter().position(|&b| b == b'\n') {
                self.line(&chunk[..i])?;
                chunk = &chunk[i + 1..];
            }
            self.carry.extend_from_slice(chunk);
            self.check_length()
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
            let held = std::mem::take(&mut self.held);
            for rows in held {
                for (f, x) in rows {
                    let (m, w) = if f & CUI_BIT != 0 { (1, f & !CUI_BIT) } else { (0, f) };
                    self.bags[m].add(w, x);
                }
                self.add_bags();
            }
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

    fn check_length(&self) -> Result<()> {
        if self.carry.len() > MAX_LINE_BYTES {
            return Err(located(
                &self.source,
                self.progress.lines as usize + 1,
                0,
                format!(
                    "line longer than {} bytes; expected short rows patient_id, modality, feature[, count]",
                    MAX_LINE_BYTES
                ),
            ));
        }
        Ok(())
    }

    /// One complete line (without its `\n`).
    fn line(&mut self, raw: &[u8]) -> Result<()> {
        self.progress.lines += 1;
        let n = self.progress.lines as usize;
        let text = line_text(&self.source, n, raw)?;
        if text.trim().is_empty() {
            return Ok(());
        }
        let delim = *self.delimiter.get_or_insert(if text.contains('\t') { b'\t' } else { b',' });
        let fields = split_fields(text, delim).map_err(|(col, msg)| located(&self.source, n, col, msg))?;
        if fields.len() < 3 || fields.len() > 4 {
            let sep = if delim == b'\t' { "tab" } else { "comma" };
            return Err(located(
                &self.source,
                n,
                0,
                format!(
                    "expected 3 or 4 {sep}-separated fields (patient_id, modality, feature[, count]), got {}",
                    fields.len()
                ),
            ));
        }
        let is_cui = modality(&fields[1]);
        if self.header.is_none() {
            self.header = Some(is_cui.is_none());
            if is_cui.is_none() {
                return Ok(());
            }
        }
        let is_cui = is_cui.ok_or_else(|| {
            located(&self.source, n, 2, format!("modality must be code or cui, got {}", quoted(fields[1].trim())))
        })?;
        let id = fields[0].trim();
        if id.is_empty() {
            return Err(located(&self.source, n, 1, "patient_id is empty; expected an identifier"));
        }
        let feature = fields[2].trim();
        if feature.is_empty() {
            return Err(located(&self.source, n, 3, "feature is empty; expected a code or CUI name"));
        }
        let count = match fields.get(3).map(|c| c.trim()) {
            None | Some("") => 1.0,
            Some(c) => match c.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => x,
                _ => {
                    return Err(located(
                        &self.source,
                        n,
                        4,
                        format!("count must be a finite non-negative number, got {}", quoted(c)),
                    ))
                }
            },
        };
        let w = if is_cui { self.pool.cui(feature) } else { self.pool.code(feature) }.map_err(|e| match e {
            Error::Memory { needed_bytes, budget_bytes, what } => {
                Error::Memory { needed_bytes, budget_bytes, what: format!("{}:{n}: {what}", self.source) }
            }
            other => located(&self.source, n, 3, other.to_string()),
        })?;
        self.progress.rows += 1;
        match self.opts.grouping {
            Grouping::Grouped => self.grouped_row(id, is_cui, w, count, n),
            Grouping::Ungrouped => self.ungrouped_row(id, is_cui, w, count, n),
        }
    }

    fn grouped_row(&mut self, id: &str, is_cui: bool, w: u32, count: f64, n: usize) -> Result<()> {
        if self.current.as_deref() != Some(id) {
            if let Some(prev) = self.current.take() {
                self.add_bags();
                self.finished.insert(id_hash(&prev));
            }
            if self.finished.contains(&id_hash(id)) {
                self.not_grouped = Some(n);
                return Err(located(
                    &self.source,
                    n,
                    1,
                    format!(
                        "patient {} appears again after other patients: the rows are not grouped by patient; \
                         read the file again in ungrouped mode (claime summarize --ungrouped), or sort it by patient_id",
                        quoted(id)
                    ),
                ));
            }
            self.current = Some(id.to_string());
            self.progress.patients += 1;
        }
        self.bags[is_cui as usize].add(w, count);
        Ok(())
    }

    fn ungrouped_row(&mut self, id: &str, is_cui: bool, w: u32, count: f64, n: usize) -> Result<()> {
        let k = match self.held_index.get(id) {
            Some(&k) => k,
            None => {
                let k = self.held.len() as u32;
                self.held_index.insert(id.to_string(), k);
                self.held.push(Vec::new());
                self.progress.patients += 1;
                self.held_bytes += 100 + id.len() as u64;
                k
            }
        };
        let rows = &mut self.held[k as usize];
        if rows.len() == rows.capacity() {
            self.held_bytes += 16 * rows.capacity().max(4) as u64;
            let stats = Pool::estimated_bytes(self.pool.d1(), self.pool.d2(), self.pool.d2(), self.opts.within);
            let needed = self.held_bytes + stats;
            if needed > self.opts.budget {
                return Err(Error::Memory {
                    needed_bytes: needed,
                    budget_bytes: self.opts.budget,
                    what: format!(
                        "{}:{n}: holding the rows of an ungrouped records file (grouped by patient, it would be summarised in constant memory)",
                        self.source
                    ),
                });
            }
        }
        rows.push((if is_cui { w | CUI_BIT } else { w }, count));
        Ok(())
    }

    fn flush_current(&mut self) {
        if self.current.take().is_some() {
            self.add_bags();
        }
    }

    fn add_bags(&mut self) {
        let [codes, cuis] = &mut self.bags;
        self.pool.add_patient(&codes.items, &cuis.items);
        codes.clear();
        cuis.clear();
    }
}

/// Summarises a whole text at once (see [`Summarizer`]).
pub fn summarize_str(source: &str, text: &str, opts: RecordsOptions) -> Result<Summarized> {
    let mut s = Summarizer::new(source, opts);
    s.feed_str(text)?;
    s.finish()
}
