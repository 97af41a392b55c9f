//! What the OMOP reader holds between the rows and the end: the distinct features of each
//! modality (interned as they come, sorted by concept id at the end), one person's bag when the
//! persons are added, and the parsing of id and date fields with located errors.

use super::domain::Date;
use super::table::Row;
use super::{located, quoted};
use crate::error::Result;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A multiplicative hasher for 64-bit ids (persons, concepts, notes): the ids are the user's own
/// data, so hash flooding is no concern, and SipHash was a third of the time a row.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_i64(&mut self, i: i64) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// A map keyed by 64-bit ids.
pub(crate) type IdMap<V> = HashMap<i64, V, BuildHasherDefault<IdHasher>>;

/// The modality bit of a held token: set for CUIs, the rest is the feature's local index.
pub(crate) const CUI_BIT: u32 = 1 << 31;

/// Distinct features of one modality in order of first appearance (sorted at the end).
#[derive(Debug, Default)]
pub(crate) struct Features {
    pub(crate) ids: IdMap<u32>,
    pub(crate) id_list: Vec<i64>,
    pub(crate) texts: HashMap<String, u32>,
    pub(crate) text_list: Vec<String>,
}

impl Features {
    pub(crate) fn len(&self) -> usize {
        self.id_list.len() + self.text_list.len()
    }
    pub(crate) fn id(&mut self, id: i64) -> u32 {
        let next = self.id_list.len() as u32;
        *self.ids.entry(id).or_insert_with(|| {
            self.id_list.push(id);
            next
        })
    }
    pub(crate) fn text(&mut self, t: &str) -> u32 {
        if let Some(&k) = self.texts.get(t) {
            return k;
        }
        let k = self.text_list.len() as u32;
        self.texts.insert(t.to_string(), k);
        self.text_list.push(t.to_string());
        k
    }
    /// Local indices in output order: by id, or by the bytes of the text.
    pub(crate) fn order(&self) -> Vec<u32> {
        let mut o: Vec<u32> = (0..self.len() as u32).collect();
        if self.text_list.is_empty() {
            o.sort_by_key(|&k| self.id_list[k as usize]);
        } else {
            o.sort_by(|&a, &b| self.text_list[a as usize].as_bytes().cmp(self.text_list[b as usize].as_bytes()));
        }
        o
    }
}

pub(crate) fn int(source: &str, row: &Row<'_>, k: usize, what: &str) -> Result<i64> {
    let s = row.get(k);
    s.parse::<i64>()
        .map_err(|_| located(source, row.line, row.column(k), format!("{what} must be an integer, got {}", quoted(s))))
}

pub(crate) fn opt_date(source: &str, row: &Row<'_>, k: usize, what: &str) -> Result<Option<Date>> {
    let s = row.get(k);
    if s.is_empty() {
        return Ok(None);
    }
    Date::parse(s).map(Some).ok_or_else(|| {
        located(source, row.line, row.column(k), format!("{what} must be a date YYYY-MM-DD, got {}", quoted(s)))
    })
}

/// One person's bag of one modality: distinct output indices with their counts.
pub(crate) struct Bag {
    slot: Vec<u32>,
    pub(crate) items: Vec<(u32, f64)>,
}

impl Bag {
    pub(crate) fn new(d: usize) -> Self {
        Bag { slot: vec![0; d], items: Vec::new() }
    }
    #[inline]
    pub(crate) fn add(&mut self, w: u32) {
        match self.slot[w as usize] {
            0 => {
                self.items.push((w, 1.0));
                self.slot[w as usize] = self.items.len() as u32;
            }
            k => self.items[k as usize - 1].1 += 1.0,
        }
    }
    pub(crate) fn clear(&mut self) {
        for &(w, _) in &self.items {
            self.slot[w as usize] = 0;
        }
        self.items.clear();
    }
}
