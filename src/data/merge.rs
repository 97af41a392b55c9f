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
        Ok(Merged { summary, notes: self.notes })
    }
}

/// Merges named summaries (see the module doc for the rules).
pub fn merge<'a>(inputs: impl IntoIterator<Item = (&'a str, &'a Summary)>) -> Result<Merged> {
    let mut m = Merger::default();
    for (name, s) in inputs {
        m.add(name, s)?;
    }
    m.finish()
}
