//! Several sites' summaries merged into one (the federated use of model.md §3).
//!
//! Summary statistics add entry by entry once features are matched by name (per modality): the
//! union of features is the first input's features, then new ones in order of appearance; N_M,
//! gamma_M, D12, C11, C22 and the patient count add. Within-modality counts (C11, C22) survive
//! only if every input has them. The pooled statistics grow in a [`Pool`], as the records
//! summariser's do.

use super::format::Summary;
use super::pool::Pool;
use crate::error::{Error, Result};
use crate::params::DEFAULT_MEMORY_BUDGET;

/// The result of merging: the pooled summary and notes for the user (dropped within counts).
#[derive(Debug, Clone)]
pub struct Merged {
    /// The union of features with counts added.
    pub summary: Summary,
    /// Human-readable remarks, one per line.
    pub notes: Vec<String>,
}

/// Merges summaries one at a time, so only the pooled statistics and one input are in memory.
#[derive(Debug, Clone)]
pub struct Merger {
    pool: Option<Pool>,
    inputs: usize,
    budget: u64,
    notes: Vec<String>,
}

impl Default for Merger {
    fn default() -> Self {
        Merger::new(DEFAULT_MEMORY_BUDGET)
    }
}

impl Merger {
    /// An empty merger with a memory budget in bytes.
    pub fn new(budget: u64) -> Self {
        Merger { pool: None, inputs: 0, budget, notes: Vec::new() }
    }

    /// Adds one site's summary; `name` (a file name) appears in notes.
    pub fn add(&mut self, name: &str, s: &Summary) -> Result<()> {
        let budget = self.budget;
        let pool = self.pool.get_or_insert_with(|| Pool::new(s.stats.within.is_some(), budget));
        let had_within = pool.has_within();
        pool.add_summary(s)?;
        // The first input without within counts is named (later ones change nothing).
        if !pool.has_within() && (self.inputs == 0 || had_within) {
            self.notes.push(format!(
                "{name} has no within-modality counts (code_code, cui_cui): the merged summary has none either, so only CLAIME can fit it"
            ));
        }
        self.inputs += 1;
        Ok(())
    }

    /// The merged summary.
    pub fn finish(self) -> Result<Merged> {
        let pool = self.pool.ok_or_else(|| Error::Unsupported { what: "merge needs at least one summary".into() })?;
        let (summary, _) = pool.into_summary()?;
        let mut notes = self.notes;
        for (what, names) in [("codes", &summary.codes), ("CUIs", &summary.cuis)] {
            for (a, b) in unicode_twins(names) {
                notes.push(format!(
                    "{what} '{a}' and '{b}' are the same text in two Unicode forms (NFC and NFD); they stay two features: \
                     write the names in one form (NFC) at every site to join them"
                ));
            }
        }
        Ok(Merged { summary, notes })
    }
}

/// Pairs of distinct names that are equal once normalised to Unicode NFC (the same text
/// written as precomposed and as combining characters, which look alike): features a merge
/// keeps apart, since it matches names byte for byte. The first such pair per NFC text.
pub fn unicode_twins(names: &[String]) -> Vec<(String, String)> {
    use unicode_normalization::UnicodeNormalization;
    let mut first: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    let mut twins = Vec::new();
    for name in names {
        let nfc: String = name.nfc().collect();
        match first.get(&nfc) {
            Some(other) if *other != name.as_str() => {
                if !twins.iter().any(|(a, _): &(String, String)| a == other) {
                    twins.push((other.to_string(), name.clone()));
                }
            }
            Some(_) => {}
            None => {
                first.insert(nfc, name);
            }
        }
    }
    twins
}

/// Merges named summaries (see the module doc for the rules).
pub fn merge<'a>(inputs: impl IntoIterator<Item = (&'a str, &'a Summary)>) -> Result<Merged> {
    let mut m = Merger::default();
    for (name, s) in inputs {
        m.add(name, s)?;
    }
    m.finish()
}
