//! The SQL route's result back to a `claime-summary` (`claime summarize --from-sql`): the long
//! table `kind,a,b,value` of [`super::sql`] streamed as chunks, and the optional concept table
//! for names. Features are the concept ids with a `code_count` or `cui_count` row, ordered by
//! id as in the CSV route, so both routes write identical files.

use super::table::{Row, TableStream};
use super::{concept_feature_name, located, quoted};
use crate::data::format::Summary;
use crate::error::{Error, Result};
use crate::stats::{SummaryStats, Within};
use std::collections::{BTreeMap, HashMap};

/// Concept names (`concept_id` -> `concept_name`) from a concept table streamed as chunks.
#[derive(Debug)]
pub struct ConceptNames {
    stream: TableStream,
    names: HashMap<i64, String>,
}

impl ConceptNames {
    /// A reader of the concept table called `source`.
    pub fn new(source: &str) -> Self {
        ConceptNames { stream: TableStream::new(source, vec!["concept_id", "concept_name"]), names: HashMap::new() }
    }
    /// Feeds a chunk.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<()> {
        let (names, src) = (&mut self.names, self.stream.source.clone());
        self.stream.feed(chunk, &mut |row| concept_row(names, &src, row))
    }
    /// The names.
    pub fn finish(mut self) -> Result<HashMap<i64, String>> {
        let (names, src) = (&mut self.names, self.stream.source.clone());
        self.stream.finish(&mut |row| concept_row(names, &src, row))?;
        Ok(self.names)
    }
}

fn concept_row(names: &mut HashMap<i64, String>, source: &str, row: &Row<'_>) -> Result<()> {
    let id = row.get(0);
    let id = id.parse::<i64>().map_err(|_| {
        located(source, row.line, row.column(0), format!("concept_id must be an integer, got {}", quoted(id)))
    })?;
    names.insert(id, row.get(1).to_string());
    Ok(())
}

/// The collected entries of a result table.
#[derive(Debug, Default)]
struct Entries {
    patients: Option<f64>,
    within: bool,
    /// [modality] concept id -> N.
    counts: [BTreeMap<i64, f64>; 2],
    /// [modality] concept id -> gamma.
    totals: [HashMap<i64, f64>; 2],
    /// (kind 0 cross, 1 code_code, 2 cui_cui) -> (a, b) -> value.
    pairs: [HashMap<(i64, i64), f64>; 3],
}

/// Reads an exported result table (CSV or TSV, header `kind,a,b,value` in any letter case).
#[derive(Debug)]
pub struct SqlResult {
    stream: TableStream,
    e: Entries,
}

impl SqlResult {
    /// A reader of the result called `source`.
    pub fn new(source: &str) -> Self {
        SqlResult { stream: TableStream::new(source, vec!["kind", "a", "b", "value"]), e: Entries::default() }
    }
    /// Feeds a chunk.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<()> {
        let (e, src) = (&mut self.e, self.stream.source.clone());
        self.stream.feed(chunk, &mut |row| result_row(e, &src, row))
    }
    /// The summary, names from `names` (concept ids alone when absent).
    pub fn finish(mut self, names: &HashMap<i64, String>) -> Result<Summary> {
        let src = self.stream.source.clone();
        let e = &mut self.e;
        self.stream.finish(&mut |row| result_row(e, &src, row))?;
        build(&src, self.e, names)
    }
}

fn result_row(e: &mut Entries, source: &str, row: &Row<'_>) -> Result<()> {
    let at = |k: usize, msg: String| located(source, row.line, row.column(k), msg);
    let id = |k: usize| -> Result<i64> {
        let s = row.get(k);
        s.parse::<i64>().map_err(|_| at(k, format!("expected a concept id (an integer), got {}", quoted(s))))
    };
    let v = row.get(3);
    let value = match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => x,
        _ => return Err(at(3, format!("value must be a finite non-negative number, got {}", quoted(v)))),
    };
    let kind = row.get(0).to_ascii_lowercase();
    let twice = |what: &str| at(0, format!("{what} given twice; expected one row each"));
    match kind.as_str() {
        "patients" => {
            if e.patients.replace(value).is_some() {
                return Err(twice("patients"));
            }
        }
        "within" => e.within = value != 0.0,
        "code_count" | "cui_count" => {
            let m = (kind == "cui_count") as usize;
            if e.counts[m].insert(id(1)?, value).is_some() {
                return Err(twice(&format!("{kind} of {}", row.get(1))));
            }
        }
        "code_pair_total" | "cui_pair_total" => {
            let m = (kind == "cui_pair_total") as usize;
            if e.totals[m].insert(id(1)?, value).is_some() {
                return Err(twice(&format!("{kind} of {}", row.get(1))));
            }
        }
        "cross" | "code_code" | "cui_cui" => {
            let k = ["cross", "code_code", "cui_cui"].iter().position(|&s| s == kind).unwrap_or(0);
            let (mut a, mut b) = (id(1)?, id(2)?);
            if k > 0 && a > b {
                std::mem::swap(&mut a, &mut b);
            }
            if e.pairs[k].insert((a, b), value).is_some() {
                return Err(twice(&format!("{kind} of ({a}, {b})")));
            }
        }
        _ => {
            return Err(at(
                1,
                format!(
                    "kind must be patients, within, code_count, cui_count, code_pair_total, cui_pair_total, cross, code_code or cui_cui, got {}",
                    quoted(row.get(0))
                ),
            ))
        }
    }
    Ok(())
}

fn build(source: &str, e: Entries, names: &HashMap<i64, String>) -> Result<Summary> {
    let err = |message: String| Error::Records { at: source.to_string(), message };
    let patients = e.patients.ok_or_else(|| err("no patients row; expected the result of claime omop-sql".into()))?;
    let index: [HashMap<i64, usize>; 2] =
        [0, 1].map(|m| e.counts[m].keys().enumerate().map(|(i, &id)| (id, i)).collect());
    let (d1, d2) = (index[0].len(), index[1].len());
    if d1 == 0 || d2 == 0 {
        return Err(err(format!(
            "no {} rows; a summary needs at least one code and one CUI",
            if d1 == 0 { "code_count" } else { "cui_count" }
        )));
    }
    let find = |m: usize, id: i64, kind: &str| -> Result<usize> {
        index[m].get(&id).copied().ok_or_else(|| {
            err(format!(
                "{kind} names concept {id}, which has no {} row",
                if m == 0 { "code_count" } else { "cui_count" }
            ))
        })
    };
    let mut s = SummaryStats::new(d1, d2, e.within);
    s.patients = patients;
    s.n1 = e.counts[0].values().copied().collect();
    s.n2 = e.counts[1].values().copied().collect();
    for (m, kind) in [(0, "code_pair_total"), (1, "cui_pair_total")] {
        for (&id, &x) in &e.totals[m] {
            let i = find(m, id, kind)?;
            if m == 0 {
                s.gamma1[i] = x
            } else {
                s.gamma2[i] = x
            }
        }
    }
    for (&(a, b), &x) in &e.pairs[0] {
        s.d12[[find(0, a, "cross")?, find(1, b, "cross")?]] = x;
    }
    if let Some(Within { c11, c22 }) = &mut s.within {
        for (m, kind, buf) in [(0, "code_code", c11), (1, "cui_cui", c22)] {
            for (&(a, b), &x) in &e.pairs[m + 1] {
                buf[[find(m, a, kind)?, find(m, b, kind)?]] = x;
            }
        }
    } else if !e.pairs[1].is_empty() || !e.pairs[2].is_empty() {
        return Err(err(
            "code_code or cui_cui rows without a within row; expected the result of claime omop-sql".into()
        ));
    }
    let codes = e.counts[0].keys().map(|&id| concept_feature_name(id, names)).collect();
    let cuis = e.counts[1].keys().map(|&id| concept_feature_name(id, names)).collect();
    Summary::new(codes, cuis, s)
}
