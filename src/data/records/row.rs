//! One line of a records file to a row: its fields checked (a header row detected on the first
//! line, the modality, the patient id, the feature and the optional count) and the feature
//! given its index in the pool; the row then goes to its patient ([`super::grouping`]).

use super::{Grouping, Summarizer};
use crate::data::csv::{guess_delimiter, line_text, located, quoted, split_fields};
use crate::error::{Error, Result};

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

impl Summarizer {
    /// One complete line (without its `\n`).
    pub(super) fn line(&mut self, raw: &[u8]) -> Result<()> {
        self.progress.lines += 1;
        let n = self.progress.lines as usize;
        let text = line_text(&self.source, n, raw)?;
        if text.trim().is_empty() {
            return Ok(());
        }
        let delim = *self.delimiter.get_or_insert_with(|| guess_delimiter(text));
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
            Error::Memory { needed_bytes, budget_bytes, what, advice } => {
                Error::Memory { needed_bytes, budget_bytes, what: format!("{}:{n}: {what}", self.source), advice }
            }
            other => located(&self.source, n, 3, other.to_string()),
        })?;
        self.progress.rows += 1;
        match self.opts.grouping {
            Grouping::Grouped => self.grouped_row(id, is_cui, w, count, n),
            Grouping::Ungrouped => self.ungrouped_row(id, is_cui, w, count, n),
        }
    }
}
