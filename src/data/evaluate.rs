//! Evaluation like the paper's real-data protocol (model.md §8): known related feature pairs
//! (read by [`super::pairs`]) against random pairs of the same kinds, scored by the cosine
//! similarity of the embeddings.
//!
//! For each relation, each known pair found in the summary (a positive) of kind code-code,
//! code-CUI or CUI-CUI gets `negatives` random pairs of the same kind, drawn uniformly from the
//! features of those modalities (two distinct features for same-modality kinds) from the seeded
//! `Metrics` stream; the negatives are drawn once and shared by every method. The score is the
//! AUC of cosine similarity of positives against negatives (ties count half,
//! [`crate::metrics::auc`]). Pairs naming a feature the summary lacks are counted and skipped.

use super::csv::csv_field;
use super::format::Summary;
use super::pairs::{Feature, FeatureIndex, Kind, PairsFile};
use crate::error::{Error, Result};
use crate::estimators::{Fit, Method};
use crate::metrics::{auc, unit_rows};
use crate::rng::{stream, Stream};
use faer::Mat;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write;

/// Random negatives drawn per positive pair by default.
pub const DEFAULT_NEGATIVES: usize = 10;

/// Options of [`evaluate`].
#[derive(Debug, Clone, PartialEq)]
pub struct EvalOptions {
    /// Random negatives per positive.
    pub negatives: usize,
    /// Seed of the `Metrics` stream.
    pub seed: u64,
}

/// Most negatives per known pair.
pub const MAX_NEGATIVES: usize = 100_000;

impl EvalOptions {
    /// Checks the request before anything is drawn: at least one negative per known pair, at
    /// most [`MAX_NEGATIVES`], and the negatives of `positives` known pairs (each held twice, in
    /// its relation's set and in the pooled one, with a score per method for each) within
    /// `budget` bytes.
    pub fn check(&self, positives: usize, methods: usize, budget: u64) -> Result<()> {
        if !(1..=MAX_NEGATIVES).contains(&self.negatives) {
            return Err(Error::param("negatives", self.negatives, format!("an integer in [1, {MAX_NEGATIVES}]")));
        }
        let per_pair = 2 * std::mem::size_of::<(Feature, Feature, Kind)>() as u64 + 16 * methods as u64;
        let needed = (positives as u64).saturating_mul(self.negatives as u64).saturating_mul(per_pair);
        if needed > budget {
            return Err(Error::Memory {
                needed_bytes: needed,
                budget_bytes: budget,
                what: format!("{} negatives for each of {positives} known pairs", self.negatives),
                advice: "; ask for fewer negatives".into(),
            });
        }
        Ok(())
    }
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions { negatives: DEFAULT_NEGATIVES, seed: 1 }
    }
}

/// The positives and negatives of one relation.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalSet {
    /// Relation name (`all` for the pooled set).
    pub relation: String,
    /// Pair rows naming this relation.
    pub given: usize,
    /// Known pairs found in the summary.
    pub positives: Vec<(Feature, Feature, Kind)>,
    /// Random pairs of the same kinds.
    pub negatives: Vec<(Feature, Feature, Kind)>,
    /// First few rows with unknown features (line: names).
    pub unknown: Vec<String>,
}

/// Resolves the pairs and draws the negatives: one set per relation (in order of first
/// appearance), then the pooled `all` set (every positive and every negative) when there is
/// more than one relation.
pub fn build_sets(summary: &Summary, pairs: &PairsFile, negatives: usize, seed: u64) -> Vec<EvalSet> {
    let index = FeatureIndex::new(summary);
    let mut rng = stream(seed, Stream::Metrics);
    let mut sets: Vec<EvalSet> = Vec::new();
    let mut slot: HashMap<&str, usize> = HashMap::new();
    for row in &pairs.rows {
        let k = *slot.entry(row.relation.as_str()).or_insert_with(|| {
            sets.push(EvalSet {
                relation: row.relation.clone(),
                given: 0,
                positives: Vec::new(),
                negatives: Vec::new(),
                unknown: Vec::new(),
            });
            sets.len() - 1
        });
        let set = &mut sets[k];
        set.given += 1;
        match index.resolve(row) {
            Some(p) => set.positives.push(p),
            None => {
                if set.unknown.len() < 5 {
                    set.unknown.push(format!("line {}: {} / {}", row.line, row.a, row.b));
                }
            }
        }
    }
    for set in &mut sets {
        for &(_, _, kind) in &set.positives {
            let (ca, cb) = kind.sides();
            let (na, nb) = (index.size(ca), index.size(cb));
            if na == 0 || nb == 0 || (ca == cb && na < 2) {
                continue;
            }
            for _ in 0..negatives {
                let (i, j) = loop {
                    let i = crate::rng::index(&mut rng, na);
                    let j = crate::rng::index(&mut rng, nb);
                    if ca != cb || i != j {
                        break (i, j);
                    }
                };
                set.negatives.push((Feature { cui: ca, index: i }, Feature { cui: cb, index: j }, kind));
            }
        }
    }
    if sets.len() > 1 {
        let all = EvalSet {
            relation: "all".into(),
            given: sets.iter().map(|s| s.given).sum(),
            positives: sets.iter().flat_map(|s| s.positives.iter().copied()).collect(),
            negatives: sets.iter().flat_map(|s| s.negatives.iter().copied()).collect(),
            unknown: Vec::new(),
        };
        sets.push(all);
    }
    sets
}

/// Unit-norm embeddings of a fit (zero rows stay zero), for cosine scores.
pub struct Unit {
    v1: Mat<f64>,
    v2: Mat<f64>,
}

impl Unit {
    /// Normalises the rows of a fit.
    pub fn new(fit: &Fit) -> Self {
        Unit { v1: unit_rows(crate::linalg::mat(&fit.v1)), v2: unit_rows(crate::linalg::mat(&fit.v2)) }
    }

    /// Cosine similarity of two features (0 if either has a zero embedding).
    pub fn cosine(&self, a: Feature, b: Feature) -> f64 {
        let (ma, mb) = (if a.cui { &self.v2 } else { &self.v1 }, if b.cui { &self.v2 } else { &self.v1 });
        (0..ma.ncols()).map(|k| ma[(a.index, k)] * mb[(b.index, k)]).sum()
    }

    /// Cosines of a list of pairs.
    pub fn scores(&self, pairs: &[(Feature, Feature, Kind)]) -> Vec<f64> {
        pairs.iter().map(|&(a, b, _)| self.cosine(a, b)).collect()
    }
}

/// One row of the evaluation table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelationRow {
    /// Relation name (`all` pools every relation).
    pub relation: String,
    /// The kinds of the pairs found, joined by `+` (`code-cui`, `code-code+cui-cui`).
    pub kinds: String,
    /// Pair rows given.
    pub given: usize,
    /// Pairs found in the summary.
    pub found: usize,
    /// Random negatives.
    pub negatives: usize,
    /// AUC per method, in the order of [`Evaluation::methods`] (NaN without pairs).
    pub auc: Vec<f64>,
    /// First few pairs with unknown features.
    pub unknown: Vec<String>,
}

/// The evaluation table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Method names, the AUC columns.
    pub methods: Vec<String>,
    /// One row per relation, then `all`.
    pub rows: Vec<RelationRow>,
}

/// Evaluates fits of one summary against a pairs file. Each fit must have one row per feature
/// of the summary.
pub fn evaluate(
    summary: &Summary,
    pairs: &PairsFile,
    fits: &[(Method, &Fit)],
    opts: &EvalOptions,
) -> Result<Evaluation> {
    let (d1, d2) = (summary.codes.len(), summary.cuis.len());
    for (m, f) in fits {
        if f.v1.nrows() != d1 || f.v2.nrows() != d2 {
            return Err(Error::Unsupported {
                what: format!(
                    "the {} fit has {} code and {} CUI rows, but the summary has {d1} codes and {d2} CUIs",
                    m.name(),
                    f.v1.nrows(),
                    f.v2.nrows()
                ),
            });
        }
    }
    let sets = build_sets(summary, pairs, opts.negatives, opts.seed);
    let units: Vec<Unit> = fits.iter().map(|(_, f)| Unit::new(f)).collect();
    let rows = sets
        .iter()
        .map(|set| {
            let mut kinds: Vec<Kind> = set.positives.iter().map(|p| p.2).collect();
            kinds.sort();
            kinds.dedup();
            RelationRow {
                relation: set.relation.clone(),
                kinds: kinds.iter().map(|k| k.name()).collect::<Vec<_>>().join("+"),
                given: set.given,
                found: set.positives.len(),
                negatives: set.negatives.len(),
                auc: units.iter().map(|u| auc(&u.scores(&set.positives), &u.scores(&set.negatives))).collect(),
                unknown: set.unknown.clone(),
            }
        })
        .collect();
    Ok(Evaluation { methods: fits.iter().map(|(m, _)| m.name().to_string()).collect(), rows })
}

fn auc_text(x: f64) -> String {
    if x.is_nan() {
        "NA".into()
    } else {
        format!("{x:.4}")
    }
}

impl Evaluation {
    /// CSV: `relation,kinds,pairs_given,pairs_found,negatives,auc_<method>...`, AUCs with full
    /// precision (empty when undefined).
    pub fn to_csv(&self) -> String {
        let mut out = String::from("relation,kinds,pairs_given,pairs_found,negatives");
        for m in &self.methods {
            let _ = write!(out, ",auc_{m}");
        }
        out.push('\n');
        for r in &self.rows {
            let _ = write!(out, "{},{},{},{},{}", csv_field(&r.relation), r.kinds, r.given, r.found, r.negatives);
            for &a in &r.auc {
                if a.is_nan() {
                    out.push(',');
                } else {
                    let _ = write!(out, ",{a}");
                }
            }
            out.push('\n');
        }
        out
    }

    /// A fixed-width table for a terminal.
    pub fn to_table(&self) -> String {
        let w = self.rows.iter().map(|r| r.relation.chars().count()).max().unwrap_or(0).max(8);
        let kw = self.rows.iter().map(|r| r.kinds.len()).max().unwrap_or(0).max(5);
        let mut out = format!("{:<w$}  {:<kw$}  {:>11}  {:>9}", "relation", "kinds", "found/given", "negatives");
        for m in &self.methods {
            let _ = write!(out, "  {:>8}", format!("AUC {m}"));
        }
        out.push('\n');
        for r in &self.rows {
            let _ = write!(
                out,
                "{:<w$}  {:<kw$}  {:>11}  {:>9}",
                r.relation,
                r.kinds,
                format!("{}/{}", r.found, r.given),
                r.negatives
            );
            for &a in &r.auc {
                let _ = write!(out, "  {:>8}", auc_text(a));
            }
            out.push('\n');
        }
        out
    }
}
