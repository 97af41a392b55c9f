//! The streaming OMOP reader: the tables of an OMOP CDM export fed one after another as byte
//! chunks (any size, lines may straddle chunks, as `records::Summarizer::feed`), reduced to a
//! `claime-summary`. No file system here: the command line feeds files (gunzipped), the
//! browser worker can feed `File.stream()` chunks.
//!
//! Each row with a concept is one token of that concept for its person; the person's rows in
//! every chosen table, of both modalities, form one patient (joined by person_id across tables;
//! note_nlp through note.note_id). OMOP tables are not grouped by person, so each person's tokens
//! are held as 4-byte feature indices (a fourth of the records route's ungrouped 16 bytes a row)
//! and the persons are added to a [`Pool`] at the end, features ordered by concept id.
//!
//! Feeding order: `concept` (optional, for names) and `note` (when note_nlp is read) before the
//! domain tables; [`OmopSummarizer::tables`] lists the order.

use super::domain::{Date, Domain};
use super::held::{int, opt_date, Bag, Features, IdMap, CUI_BIT};
use super::table::{Row, TableStream};
use super::{concept_feature_name, located};
use crate::data::format::Summary;
use crate::data::pool::Pool;
use crate::error::{Error, Result};
use crate::params::DEFAULT_MEMORY_BUDGET;
use serde::Serialize;
use std::collections::HashMap;

/// A table the reader takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// concept: concept_id, concept_name (feature names).
    Concept,
    /// note: note_id, person_id (and note_date with a window), for note_nlp.
    Note,
    /// The rows of a domain.
    Domain(Domain),
}

impl Table {
    /// The table's name in the CDM (and of its export file, without extension).
    pub fn name(self) -> &'static str {
        match self {
            Table::Concept => "concept",
            Table::Note => "note",
            Table::Domain(d) => d.table(),
        }
    }

    /// The table of a CDM table name (`concept`, `note`, `condition_occurrence`, ...).
    pub fn from_name(name: &str) -> Option<Table> {
        match name {
            "concept" => Some(Table::Concept),
            "note" => Some(Table::Note),
            _ => Domain::ALL.into_iter().find(|d| d.table() == name).map(Table::Domain),
        }
    }
}

/// Which rows count, in both routes (the tables read here and the SQL run in a database): the
/// domains of each modality, whether the within-modality counts are collected, the date window.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// Domains of modality 1 (codes).
    pub codes: Vec<Domain>,
    /// Domains of modality 2 (CUIs).
    pub cuis: Vec<Domain>,
    /// Collect the within-modality counts C11 and C22.
    pub within: bool,
    /// Keep rows whose start date is on or after this day.
    pub from: Option<Date>,
    /// Keep rows whose start date is on or before this day.
    pub to: Option<Date>,
}

impl Default for Selection {
    /// Conditions as codes, drugs as CUIs, with the within-modality counts, every date.
    fn default() -> Self {
        Selection { codes: vec![Domain::Condition], cuis: vec![Domain::Drug], within: true, from: None, to: None }
    }
}

/// What to read and how.
#[derive(Debug, Clone, PartialEq)]
pub struct OmopOptions {
    /// The rows that count.
    pub select: Selection,
    /// Features are the *_source_value texts instead of the concept ids.
    pub source_values: bool,
    /// Memory budget in bytes (statistics and held tokens).
    pub budget: u64,
}

impl Default for OmopOptions {
    fn default() -> Self {
        OmopOptions { select: Selection::default(), source_values: false, budget: DEFAULT_MEMORY_BUDGET }
    }
}

/// Counts of one table.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TableReport {
    /// The table's name.
    pub table: String,
    /// Data rows read.
    pub rows: u64,
    /// Rows that became tokens.
    pub tokens: u64,
    /// Rows skipped for concept id 0 or empty (or an empty source value).
    pub unmapped: u64,
    /// Rows skipped for a start date outside the window.
    pub outside_window: u64,
}

/// What the reader saw, besides the summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OmopReport {
    /// One entry per table read, in feeding order.
    pub tables: Vec<TableReport>,
    /// Persons with at least one token (the summary's `patients`).
    pub patients: u64,
    /// Codes (distinct features of modality 1).
    pub codes: usize,
    /// CUIs.
    pub cuis: usize,
}

/// A summary made from OMOP tables, with its report.
#[derive(Debug, Clone)]
pub struct OmopSummarized {
    /// The statistics with feature names.
    pub summary: Summary,
    /// Counters.
    pub report: OmopReport,
}

/// The streaming reader. Per table: [`begin`](OmopSummarizer::begin), any number of
/// [`feed`](OmopSummarizer::feed), [`end`](OmopSummarizer::end); then
/// [`finish`](OmopSummarizer::finish). After an error it refuses further input.
#[derive(Debug)]
pub struct OmopSummarizer {
    opts: OmopOptions,
    current: Option<(Table, TableStream)>,
    done: Vec<Table>,
    persons: IdMap<u32>,
    tokens: Vec<Vec<u32>>,
    held: u64,
    last_person: Option<(i64, u32)>,
    features: [Features; 2],
    notes: IdMap<(i64, Option<Date>)>,
    names: HashMap<i64, String>,
    report: OmopReport,
    failed: bool,
}

impl OmopSummarizer {
    /// A reader of the domains in `opts`; refuses a domain in both modalities or none in one.
    pub fn new(opts: OmopOptions) -> Result<Self> {
        if opts.select.codes.is_empty() {
            return Err(Error::param("codes", "nothing", "at least one domain"));
        }
        if opts.select.cuis.is_empty() {
            return Err(Error::param("cuis", "nothing", "at least one domain"));
        }
        if let Some(d) = opts.select.codes.iter().find(|d| opts.select.cuis.contains(d)) {
            return Err(Error::param("cuis", d.name(), "domains not also given to --codes"));
        }
        if let (Some(a), Some(b)) = (opts.select.from, opts.select.to) {
            if a > b {
                return Err(Error::param("to", b.iso(), format!("a date on or after --from {}", a.iso())));
            }
        }
        Ok(OmopSummarizer {
            opts,
            current: None,
            done: Vec::new(),
            persons: IdMap::default(),
            tokens: Vec::new(),
            held: 0,
            last_person: None,
            features: [Features::default(), Features::default()],
            notes: IdMap::default(),
            names: HashMap::new(),
            report: OmopReport::default(),
            failed: false,
        })
    }

    /// The tables to feed, in order; `concept` is optional (without it names are the ids).
    pub fn tables(&self) -> Vec<Table> {
        let mut t = vec![Table::Concept];
        let all = self.opts.select.codes.iter().chain(&self.opts.select.cuis);
        if all.clone().any(|&d| d == Domain::NoteNlp) {
            t.push(Table::Note);
        }
        t.extend(all.map(|&d| Table::Domain(d)));
        t
    }

    fn window(&self) -> bool {
        self.opts.select.from.is_some() || self.opts.select.to.is_some()
    }

    /// Starts a table whose text comes next; `source` names it in messages (a file name).
    pub fn begin(&mut self, table: Table, source: &str) -> Result<()> {
        self.check_alive()?;
        if let Some((t, _)) = &self.current {
            return Err(self.fail(Error::Unsupported { what: format!("{source}: table {} was not ended", t.name()) }));
        }
        if !self.tables().contains(&table) {
            return Err(self.fail(Error::Unsupported {
                what: format!("{source}: table {} is not read for these domains", table.name()),
            }));
        }
        if table == Table::Domain(Domain::NoteNlp) && !self.done.contains(&Table::Note) {
            return Err(self.fail(Error::Records {
                at: source.to_string(),
                message: "note_nlp without note: the person of a note_nlp row comes from note (note_id, person_id); give the note table first".into(),
            }));
        }
        let window = self.window();
        let wanted: Vec<&'static str> = match table {
            Table::Concept => vec!["concept_id", "concept_name"],
            Table::Note if window => vec!["note_id", "person_id", "note_date"],
            Table::Note => vec!["note_id", "person_id"],
            Table::Domain(d) => {
                let feature = if self.opts.source_values { d.source_column() } else { d.concept_column() };
                let mut w = vec![d.person_column(), feature];
                if window {
                    w.push(d.date_column());
                }
                w
            }
        };
        self.report.tables.push(TableReport { table: table.name().into(), ..TableReport::default() });
        self.current = Some((table, TableStream::new(source, wanted)));
        Ok(())
    }

    /// Feeds a chunk of the current table.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<()> {
        self.check_alive()?;
        let Some((table, mut stream)) = self.current.take() else {
            return Err(self.fail(Error::Unsupported { what: "omop: feed before begin".into() }));
        };
        let src = stream.source.clone();
        let r = stream.feed(chunk, &mut |row| self.row(table, &src, row));
        self.current = Some((table, stream));
        r.map_err(|e| self.fail(e))
    }

    /// Ends the current table.
    pub fn end(&mut self) -> Result<()> {
        self.check_alive()?;
        let Some((table, mut stream)) = self.current.take() else {
            return Err(self.fail(Error::Unsupported { what: "omop: end before begin".into() }));
        };
        let src = stream.source.clone();
        let r = stream.finish(&mut |row| self.row(table, &src, row));
        if let Some(t) = self.report.tables.last_mut() {
            t.rows = stream.rows;
        }
        r.map_err(|e| self.fail(e))?;
        self.done.push(table);
        Ok(())
    }

    /// The summary of the tables fed.
    pub fn finish(mut self) -> Result<OmopSummarized> {
        self.check_alive()?;
        if let Some((t, _)) = &self.current {
            return Err(Error::Unsupported { what: format!("omop: table {} was not ended", t.name()) });
        }
        for t in self.tables().into_iter().skip(1) {
            if !self.done.contains(&t) {
                return Err(super::table::missing_table(&format!("{}.csv", t.name()), t.name()));
            }
        }
        for (m, (flag, doms)) in
            [("--codes", &self.opts.select.codes), ("--cuis", &self.opts.select.cuis)].into_iter().enumerate()
        {
            if self.features[m].len() == 0 {
                let tables: Vec<&str> = doms.iter().map(|d| d.table()).collect();
                return Err(Error::Records {
                    at: tables.join(", "),
                    message: format!("no rows with a concept ({flag}); a summary needs at least one code and one CUI"),
                });
            }
        }
        // Features in output order, named, and the map from local to output index.
        let mut pool = Pool::new(self.opts.select.within, self.opts.budget);
        let mut remap: [Vec<u32>; 2] = [Vec::new(), Vec::new()];
        for (m, (f, map)) in self.features.iter().zip(remap.iter_mut()).enumerate() {
            *map = vec![0; f.len()];
            for k in f.order() {
                let name = if f.text_list.is_empty() {
                    concept_feature_name(f.id_list[k as usize], &self.names)
                } else {
                    f.text_list[k as usize].clone()
                };
                map[k as usize] = if m == 0 { pool.code(&name)? } else { pool.cui(&name)? };
            }
        }
        let mut bags = [Bag::new(pool.d1()), Bag::new(pool.d2())];
        let mut patients = 0u64;
        for toks in std::mem::take(&mut self.tokens) {
            if toks.is_empty() {
                continue;
            }
            patients += 1;
            for t in toks {
                let m = (t >> 31) as usize;
                bags[m].add(remap[m][(t & !CUI_BIT) as usize]);
            }
            let [a, b] = &mut bags;
            pool.add_patient(&a.items, &b.items);
            a.clear();
            b.clear();
        }
        self.report.patients = patients;
        self.report.codes = pool.d1();
        self.report.cuis = pool.d2();
        let (summary, _) = pool.into_summary()?;
        Ok(OmopSummarized { summary, report: self.report })
    }

    fn check_alive(&self) -> Result<()> {
        if self.failed {
            return Err(Error::Unsupported { what: "omop: the reader stopped at an earlier error".into() });
        }
        Ok(())
    }

    fn fail(&mut self, e: Error) -> Error {
        self.failed = true;
        e
    }

    fn row(&mut self, table: Table, source: &str, row: &Row<'_>) -> Result<()> {
        match table {
            Table::Concept => {
                let id = int(source, row, 0, "concept_id")?;
                self.names.insert(id, row.get(1).to_string());
            }
            Table::Note => {
                let id = int(source, row, 0, "note_id")?;
                let person = int(source, row, 1, "person_id")?;
                let date = if self.window() { opt_date(source, row, 2, "note_date")? } else { None };
                self.notes.insert(id, (person, date));
            }
            Table::Domain(d) => self.domain_row(d, source, row)?,
        }
        Ok(())
    }

    fn domain_row(&mut self, d: Domain, source: &str, row: &Row<'_>) -> Result<()> {
        let mut date = None;
        let person = if d == Domain::NoteNlp {
            let note = int(source, row, 0, "note_id")?;
            let &(person, note_date) = self.notes.get(&note).ok_or_else(|| {
                located(
                    source,
                    row.line,
                    row.column(0),
                    format!("note_id {note} is not in the note table; expected a note's id"),
                )
            })?;
            date = note_date;
            person
        } else {
            int(source, row, 0, "person_id")?
        };
        let m = self.opts.select.cuis.contains(&d) as usize;
        let rep = self.report.tables.last_mut().expect("a table was begun");
        let feature = row.get(1);
        let local = if self.opts.source_values {
            if feature.is_empty() {
                rep.unmapped += 1;
                return Ok(());
            }
            None
        } else {
            let id = if feature.is_empty() { 0 } else { int(source, row, 1, d.concept_column())? };
            if id == 0 {
                rep.unmapped += 1;
                return Ok(());
            }
            Some(id)
        };
        if self.opts.select.from.is_some() || self.opts.select.to.is_some() {
            let own = opt_date(source, row, 2, d.date_column())?;
            let day = own.or(date).ok_or_else(|| {
                located(
                    source,
                    row.line,
                    row.column(2),
                    format!("{} is empty; expected a date YYYY-MM-DD (a date window is set)", d.date_column()),
                )
            })?;
            if self.opts.select.from.is_some_and(|f| day < f) || self.opts.select.to.is_some_and(|t| day > t) {
                rep.outside_window += 1;
                return Ok(());
            }
        }
        rep.tokens += 1;
        let w = match local {
            Some(id) => self.features[m].id(id),
            None => self.features[m].text(feature),
        };
        let p = match self.last_person {
            Some((id, k)) if id == person => k,
            _ => {
                let next = self.tokens.len() as u32;
                let k = *self.persons.entry(person).or_insert(next);
                if k == next {
                    self.tokens.push(Vec::new());
                }
                self.last_person = Some((person, k));
                k
            }
        };
        self.tokens[p as usize].push(if m == 1 { w | CUI_BIT } else { w });
        self.held += 1;
        if self.held.is_multiple_of(1 << 16) {
            self.check_memory(source, row.line)?;
        }
        Ok(())
    }

    /// Held tokens (8 bytes each with the vectors' slack) and persons (about 80 bytes each),
    /// plus the statistics' estimate, against the budget.
    fn check_memory(&self, source: &str, line: usize) -> Result<()> {
        let (d1, d2) = (self.features[0].len(), self.features[1].len());
        let needed =
            8 * self.held + 80 * self.tokens.len() as u64 + Pool::estimated_bytes(d1, d2, d2, self.opts.select.within);
        if needed > self.opts.budget {
            return Err(Error::Memory {
                needed_bytes: needed,
                budget_bytes: self.opts.budget,
                what: format!("{source}:{line}: holding the tokens of every person ({} so far)", self.held),
                advice: "; narrow the date window (--from, --to) or the domains".into(),
            });
        }
        Ok(())
    }
}
