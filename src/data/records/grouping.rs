//! The rows of each patient, gathered into bags and added to the pool: in grouped mode one
//! patient at a time (a reappearing patient id is detected by the hashes of the finished ids), in
//! ungrouped mode every row held until the end, within the memory budget (see [`super`]).

use super::Summarizer;
use crate::data::csv::{located, quoted};
use crate::data::pool::Pool;
use crate::error::{Error, Result};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// One patient's bag of one modality: distinct features with summed counts.
#[derive(Debug, Clone, Default)]
pub(super) struct Bag {
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

/// The 64-bit hash by which a finished patient id is remembered.
fn id_hash(id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// Rows of one patient held in ungrouped mode: feature (high bit set for CUIs) and count.
pub(super) type HeldRows = Vec<(u32, f64)>;
const CUI_BIT: u32 = 1 << 31;

impl Summarizer {
    pub(super) fn grouped_row(&mut self, id: &str, is_cui: bool, w: u32, count: f64, n: usize) -> Result<()> {
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

    pub(super) fn ungrouped_row(&mut self, id: &str, is_cui: bool, w: u32, count: f64, n: usize) -> Result<()> {
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
                    advice: String::new(),
                });
            }
        }
        rows.push((if is_cui { w | CUI_BIT } else { w }, count));
        Ok(())
    }

    pub(super) fn flush_current(&mut self) {
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

    /// Ungrouped mode, at the end: adds every held patient.
    pub(super) fn add_held(&mut self) {
        let held = std::mem::take(&mut self.held);
        for rows in held {
            for (f, x) in rows {
                let (m, w) = if f & CUI_BIT != 0 { (1, f & !CUI_BIT) } else { (0, f) };
                self.bags[m].add(w, x);
            }
            self.add_bags();
        }
    }
}
