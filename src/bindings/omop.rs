//! OMOP CDM table exports in the page (issue 28): a thin adapter over the core's streaming
//! reader [`OmopSummarizer`], the same code `claime summarize --omop` feeds. The data worker
//! matches the user's files to tables ([`omop_table_of`]), gunzips `.gz` files with the
//! browser's DecompressionStream and feeds `File.stream()` chunks; nothing here reads a file.

use super::{js_err, to_js};
use crate::data::format::Summary;
use crate::omop::table::{is_gzip_name, missing_note, missing_table, several_exports, table_of_file};
use crate::omop::{Domain, OmopOptions, OmopReport, OmopSummarizer, Selection, Table};
use wasm_bindgen::prelude::*;

/// The CDM table a file is the export of, by its name (`DRUG_EXPOSURE.tsv.gz` ->
/// `drug_exposure`), or undefined; the command line's rule.
#[wasm_bindgen(js_name = omopTableOf)]
pub fn omop_table_of(file_name: &str) -> Option<String> {
    table_of_file(file_name)
}

/// Whether a file is gzipped, by its name (`.gz`), as the command line decides.
#[wasm_bindgen(js_name = omopIsGzip)]
pub fn omop_is_gzip(file_name: &str) -> bool {
    is_gzip_name(file_name)
}

/// The error for several files of one table (`names`), the command line's message.
#[wasm_bindgen(js_name = omopSeveralExports)]
pub fn omop_several_exports(table: &str, names: Vec<String>) -> JsError {
    js_err(several_exports(table, table, &names))
}

/// The domains a user may choose, as `[{name, table}]` in the specification's order.
#[wasm_bindgen(js_name = omopDomains)]
pub fn omop_domains() -> Result<JsValue, JsError> {
    #[derive(serde::Serialize)]
    struct D {
        name: &'static str,
        table: &'static str,
    }
    to_js(&Domain::ALL.iter().map(|d| D { name: d.name(), table: d.table() }).collect::<Vec<_>>())
}

/// One OMOP summary in the making: `tables()`, then per table `begin`, `feed`..., `end`, then
/// `finish`.
#[wasm_bindgen]
pub struct OmopReader {
    inner: Option<OmopSummarizer>,
    pub(super) done: Option<(Summary, OmopReport)>,
}

#[wasm_bindgen]
impl OmopReader {
    /// A reader of the domains `codes` and `cuis` (comma lists, as `--codes` and `--cuis`),
    /// with the within-modality counts and every date.
    #[wasm_bindgen(constructor)]
    pub fn new(codes: &str, cuis: &str) -> Result<OmopReader, JsError> {
        let select = Selection {
            codes: Domain::parse_list("codes", codes).map_err(js_err)?,
            cuis: Domain::parse_list("cuis", cuis).map_err(js_err)?,
            ..Selection::default()
        };
        let inner = OmopSummarizer::new(OmopOptions { select, ..OmopOptions::default() }).map_err(js_err)?;
        Ok(OmopReader { inner: Some(inner), done: None })
    }

    fn reader(&mut self) -> Result<&mut OmopSummarizer, JsError> {
        self.inner.as_mut().ok_or_else(|| JsError::new("omop: already finished"))
    }

    /// The tables to feed, in order (`concept` first; it is optional).
    pub fn tables(&self) -> Vec<String> {
        self.inner.as_ref().map(|s| s.tables().iter().map(|t| t.name().to_string()).collect()).unwrap_or_default()
    }

    /// Throws the command line's error for a table to read that was not among the files
    /// (none for `concept`, which is optional).
    pub fn missing(&self, table: &str) -> Result<(), JsError> {
        match table {
            "concept" => Ok(()),
            "note" => Err(js_err(missing_note("note.csv"))),
            _ => Err(js_err(missing_table(&format!("{table}.csv"), table))),
        }
    }

    /// Starts table `table` read from the file `source` (named in messages).
    pub fn begin(&mut self, table: &str, source: &str) -> Result<(), JsError> {
        let t = Table::from_name(table).ok_or_else(|| JsError::new(&format!("omop: unknown table {table}")))?;
        self.reader()?.begin(t, source).map_err(js_err)
    }

    /// Feeds the next bytes of the current table (lines may straddle chunks).
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), JsError> {
        self.reader()?.feed(chunk).map_err(js_err)
    }

    /// Ends the current table.
    pub fn end(&mut self) -> Result<(), JsError> {
        self.reader()?.end().map_err(js_err)
    }

    /// Ends the reading: the report `{tables: [{table, rows, tokens, unmapped, outside_window}],
    /// patients, codes, cuis}`; the summary is kept for `summaryJson` and `OwnData.addOmop`.
    pub fn finish(&mut self) -> Result<JsValue, JsError> {
        let s = self.inner.take().ok_or_else(|| JsError::new("omop: already finished"))?;
        let done = s.finish().map_err(js_err)?;
        let report = to_js(&done.report)?;
        self.done = Some((done.summary, done.report));
        Ok(report)
    }

    /// The summary as claime-summary JSON, the bytes `claime summarize --omop` writes.
    #[wasm_bindgen(js_name = summaryJson)]
    pub fn summary_json(&self) -> Result<String, JsError> {
        let (s, _) = self.done.as_ref().ok_or_else(|| JsError::new("omop: finish first"))?;
        Ok(s.to_json())
    }
}
