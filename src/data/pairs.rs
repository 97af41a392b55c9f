//! The pairs file of the evaluation (model.md §8): rows `feature_a, feature_b, relation[, kind]`
//! (CSV or TSV; `docs/formats.md` §5), read into [`PairsFile`] and resolved against a summary's
//! features by [`FeatureIndex`]. Errors name `source:line:field`.

use super::csv::{guess_delimiter, line_text, located, quoted, split_fields};
use super::format::Summary;
use crate::error::Result;
use serde::Serialize;
use std::collections::HashMap;

/// A feature of a summary: (is a CUI, index in its modality).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Feature {
    /// false for a code, true for a CUI.
    pub cui: bool,
    /// Index in `codes` or `cuis`.
    pub index: usize,
}

/// The modalities of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Two codes.
    CodeCode,
    /// A code and a CUI.
    CodeCui,
    /// Two CUIs.
    CuiCui,
}

impl Kind {
    /// The name in files and tables.
    pub fn name(self) -> &'static str {
        match self {
            Kind::CodeCode => "code-code",
            Kind::CodeCui => "code-cui",
            Kind::CuiCui => "cui-cui",
        }
    }

    /// Parses a kind (`cui-code` is `code-cui` with the features swapped: the bool).
    pub fn parse(s: &str) -> Option<(Kind, bool)> {
        let s = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        Some(match s.as_str() {
            "code-code" => (Kind::CodeCode, false),
            "code-cui" => (Kind::CodeCui, false),
            "cui-code" => (Kind::CodeCui, true),
            "cui-cui" => (Kind::CuiCui, false),
            _ => return None,
        })
    }

    /// The modalities of (a, b) as CUI flags.
    pub(super) fn sides(self) -> (bool, bool) {
        match self {
            Kind::CodeCode => (false, false),
            Kind::CodeCui => (false, true),
            Kind::CuiCui => (true, true),
        }
    }
}

/// One row of a pairs file.
#[derive(Debug, Clone, PartialEq)]
pub struct PairRow {
    /// Line number (1-based).
    pub line: usize,
    /// First feature name.
    pub a: String,
    /// Second feature name.
    pub b: String,
    /// Relation name.
    pub relation: String,
    /// The kind, if given (with `a` a code for code-cui: `cui-code` rows are swapped).
    pub kind: Option<Kind>,
}

/// A parsed pairs file.
#[derive(Debug, Clone, PartialEq)]
pub struct PairsFile {
    /// Whether the first row was a header.
    pub header: bool,
    /// The pairs, in file order.
    pub rows: Vec<PairRow>,
}

/// Parses a pairs file. The first row is a header when neither of its first two fields is a
/// feature name (`known` tells). Empty lines are skipped; errors name `source:line:field`.
pub fn parse_pairs(source: &str, text: &str, known: &dyn Fn(&str) -> bool) -> Result<PairsFile> {
    let mut rows = Vec::new();
    let mut header = None;
    let mut delim = None;
    for (k, raw) in text.as_bytes().split(|&b| b == b'\n').enumerate() {
        let n = k + 1;
        let line = line_text(source, n, raw)?;
        if line.trim().is_empty() {
            continue;
        }
        let d = *delim.get_or_insert_with(|| guess_delimiter(line));
        let fields = split_fields(line, d).map_err(|(col, msg)| located(source, n, col, msg))?;
        if fields.len() < 3 || fields.len() > 4 {
            return Err(located(
                source,
                n,
                0,
                format!("expected 3 or 4 fields (feature_a, feature_b, relation[, kind]), got {}", fields.len()),
            ));
        }
        let (a, b) = (fields[0].trim(), fields[1].trim());
        if header.is_none() {
            let is_header = !known(a) && !known(b);
            header = Some(is_header);
            if is_header {
                continue;
            }
        }
        for (col, v) in [(1, a), (2, b), (3, fields[2].trim())] {
            if v.is_empty() {
                let what = ["feature_a", "feature_b", "relation"][col - 1];
                return Err(located(source, n, col, format!("{what} is empty")));
            }
        }
        let (kind, swap) = match fields.get(3).map(|k| k.trim()) {
            None | Some("") => (None, false),
            Some(k) => match Kind::parse(k) {
                Some((kind, swap)) => (Some(kind), swap),
                None => {
                    return Err(located(
                        source,
                        n,
                        4,
                        format!("kind must be code-code, code-cui, cui-code or cui-cui, got {}", quoted(k)),
                    ))
                }
            },
        };
        let (a, b) = if swap { (b, a) } else { (a, b) };
        rows.push(PairRow { line: n, a: a.into(), b: b.into(), relation: fields[2].trim().into(), kind });
    }
    if rows.is_empty() {
        let what = if header == Some(true) { "a header and no pairs" } else { "no pairs" };
        return Err(crate::error::Error::Records {
            at: source.into(),
            message: format!("{what}: expected rows feature_a, feature_b, relation[, kind]"),
        });
    }
    Ok(PairsFile { header: header.unwrap_or(false), rows })
}

/// Name lookup over a summary's features.
pub struct FeatureIndex<'a> {
    codes: HashMap<&'a str, usize>,
    cuis: HashMap<&'a str, usize>,
    d1: usize,
    d2: usize,
}

impl<'a> FeatureIndex<'a> {
    /// Indexes the names of a summary.
    pub fn new(s: &'a Summary) -> Self {
        FeatureIndex {
            codes: s.codes.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect(),
            cuis: s.cuis.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect(),
            d1: s.codes.len(),
            d2: s.cuis.len(),
        }
    }

    /// Whether a name is a code or a CUI.
    pub fn contains(&self, name: &str) -> bool {
        self.codes.contains_key(name) || self.cuis.contains_key(name)
    }

    /// A feature by name in the given modality, or (no modality given) as a code first.
    pub fn find(&self, name: &str, cui: Option<bool>) -> Option<Feature> {
        let code = || self.codes.get(name).map(|&index| Feature { cui: false, index });
        let cui_f = || self.cuis.get(name).map(|&index| Feature { cui: true, index });
        match cui {
            Some(false) => code(),
            Some(true) => cui_f(),
            None => code().or_else(cui_f),
        }
    }

    /// The pair of a row, ordered (code first for code-CUI pairs), with its kind.
    pub fn resolve(&self, row: &PairRow) -> Option<(Feature, Feature, Kind)> {
        let (sa, sb) = match row.kind {
            Some(k) => (Some(k.sides().0), Some(k.sides().1)),
            None => (None, None),
        };
        let (a, b) = (self.find(&row.a, sa)?, self.find(&row.b, sb)?);
        let (a, b) = if a.cui && !b.cui { (b, a) } else { (a, b) };
        let kind = match (a.cui, b.cui) {
            (false, false) => Kind::CodeCode,
            (false, true) => Kind::CodeCui,
            _ => Kind::CuiCui,
        };
        Some((a, b, kind))
    }

    /// The number of features of a modality.
    pub(super) fn size(&self, cui: bool) -> usize {
        if cui {
            self.d2
        } else {
            self.d1
        }
    }
}
