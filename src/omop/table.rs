//! One OMOP table export streamed as byte chunks: lines split across chunks, the header's
//! columns found in any letter case, the wanted columns picked from each row.
//!
//! - Delimiter: tab if the header line contains a tab, else comma (CSV quoting as for records:
//!   a double-quoted field may hold commas, `""` is a quote; it cannot span lines).
//! - The first non-empty line is the header; names are trimmed and compared without letter case
//!   (`PERSON_ID` is `person_id`). Empty lines are skipped; a UTF-8 byte-order mark is ignored.
//! - Errors are `FILE:LINE[:COLUMN]: message`, COLUMN the 1-based field number.

use super::{line_text, located, split_fields, split_lines, MAX_LINE_BYTES};
use crate::error::{Error, Result};
use std::borrow::Cow;

/// The table a file is the export of, by its name: `TABLE.csv`, `.tsv` or `.txt`, optionally
/// followed by `.gz`, any letter case (`CONDITION_OCCURRENCE.csv.gz` -> `condition_occurrence`);
/// `None` for any other name. The command line matches a folder's files with it, the page the
/// files a user chose.
pub fn table_of_file(file_name: &str) -> Option<String> {
    let name = file_name.to_ascii_lowercase();
    let base = name.strip_suffix(".gz").unwrap_or(&name);
    [".csv", ".tsv", ".txt"].iter().find_map(|ext| base.strip_suffix(ext)).filter(|t| !t.is_empty()).map(str::to_string)
}

/// The error for a table to read that was not given; `at` names where it was looked for
/// (`cdm/drug_exposure.csv`). A missing note table has its own message ([`missing_note`]).
pub fn missing_table(at: &str, table: &str) -> Error {
    Error::Records {
        at: at.to_string(),
        message: format!("missing table; expected the export of {table} (.csv or .tsv, optionally .gz)"),
    }
}

/// The error for note_nlp chosen without the note table; `at` as for [`missing_table`].
pub fn missing_note(at: &str) -> Error {
    Error::Records {
        at: at.to_string(),
        message: "note_nlp without note: the person of a note_nlp row comes from note (note_id, person_id); expected note.csv (or .tsv, optionally .gz)".into(),
    }
}

/// The error for two files of one table (`names`, as given).
pub fn several_exports(at: &str, table: &str, names: &[String]) -> Error {
    Error::Records {
        at: at.to_string(),
        message: format!("several exports of {table} ({}); expected one", names.join(", ")),
    }
}

/// Whether a file is gzipped, by its name (`.gz`, any letter case).
pub fn is_gzip_name(file_name: &str) -> bool {
    file_name.to_ascii_lowercase().ends_with(".gz")
}

/// A table being read: its name for messages, the wanted columns and where they are.
#[derive(Debug)]
pub struct TableStream {
    /// The name in messages (a file name).
    pub source: String,
    wanted: Vec<&'static str>,
    /// Field index of each wanted column, once the header is read.
    index: Vec<usize>,
    delim: u8,
    header: bool,
    carry: Vec<u8>,
    line: usize,
    /// Data rows read.
    pub rows: u64,
}

/// The wanted fields of one row, in the order asked for, and the row's place.
pub struct Row<'a> {
    /// 1-based line number.
    pub line: usize,
    fields: Vec<Cow<'a, str>>,
    index: &'a [usize],
}

impl Row<'_> {
    /// Wanted column k, trimmed.
    #[inline]
    pub fn get(&self, k: usize) -> &str {
        self.fields[self.index[k]].trim()
    }
    /// The 1-based field number of wanted column k (for messages).
    #[inline]
    pub fn column(&self, k: usize) -> usize {
        self.index[k] + 1
    }
}

impl TableStream {
    /// A table called `source` of which the columns `wanted` are read.
    pub fn new(source: &str, wanted: Vec<&'static str>) -> Self {
        TableStream {
            source: source.to_string(),
            wanted,
            index: Vec::new(),
            delim: b',',
            header: false,
            carry: Vec::new(),
            line: 0,
            rows: 0,
        }
    }

    /// Feeds a chunk; `row` is called for each data row.
    pub fn feed(&mut self, chunk: &[u8], row: &mut dyn FnMut(&Row<'_>) -> Result<()>) -> Result<()> {
        let mut carry = std::mem::take(&mut self.carry);
        let short = split_lines(&mut carry, chunk, MAX_LINE_BYTES, &mut |l| self.line(l, row));
        self.carry = carry;
        if short? {
            Ok(())
        } else {
            Err(located(&self.source, self.line + 1, 0, format!("line longer than {MAX_LINE_BYTES} bytes")))
        }
    }

    /// Ends the table: the last line without a line break, and a missing header.
    pub fn finish(&mut self, row: &mut dyn FnMut(&Row<'_>) -> Result<()>) -> Result<()> {
        if !self.carry.is_empty() {
            let carry = std::mem::take(&mut self.carry);
            self.line(&carry, row)?;
        }
        if !self.header {
            return Err(located(
                &self.source,
                self.line.max(1),
                0,
                format!("empty table; expected a header line naming the columns {}", self.wanted.join(", ")),
            ));
        }
        Ok(())
    }

    fn line(&mut self, raw: &[u8], row: &mut dyn FnMut(&Row<'_>) -> Result<()>) -> Result<()> {
        self.line += 1;
        let n = self.line;
        let text = line_text(&self.source, n, raw)?;
        if text.trim().is_empty() {
            return Ok(());
        }
        if !self.header {
            return self.read_header(text);
        }
        let fields = split_fields(text, self.delim).map_err(|(col, msg)| located(&self.source, n, col, msg))?;
        let need = self.index.iter().max().map_or(0, |&i| i + 1);
        if fields.len() < need {
            let sep = if self.delim == b'\t' { "tab" } else { "comma" };
            return Err(located(
                &self.source,
                n,
                0,
                format!("expected at least {need} {sep}-separated fields as in the header, got {}", fields.len()),
            ));
        }
        self.rows += 1;
        row(&Row { line: n, fields, index: &self.index })
    }

    fn read_header(&mut self, text: &str) -> Result<()> {
        self.delim = if text.contains('\t') { b'\t' } else { b',' };
        let fields = split_fields(text, self.delim).map_err(|(col, msg)| located(&self.source, self.line, col, msg))?;
        let names: Vec<String> = fields.iter().map(|f| f.trim().to_ascii_lowercase()).collect();
        for &want in &self.wanted {
            match names.iter().position(|n| n == want) {
                Some(i) => self.index.push(i),
                None => {
                    let mut shown: Vec<&str> = names.iter().map(String::as_str).take(12).collect();
                    if names.len() > 12 {
                        shown.push("...");
                    }
                    return Err(located(
                        &self.source,
                        self.line,
                        0,
                        format!(
                            "missing column {want}; expected a header with {} (found {})",
                            self.wanted.join(", "),
                            shown.join(", ")
                        ),
                    ));
                }
            }
        }
        self.header = true;
        Ok(())
    }
}
