//! Pooling statistics over feature lists that are discovered as they come: the accumulator
//! behind the records summariser ([`super::records`]) and the merging of sites' summaries
//! ([`super::merge`]).
//!
//! [`Pool`] holds the growing statistics. D12 (d1 x d2) is row-major with a row stride `cap2`
//! that doubles when the CUIs outgrow it (a new code appends a row); C11 and C22 are packed
//! upper triangles in column order, entry (i, j) with i <= j at j (j + 1) / 2 + i, so a new
//! feature appends a column and nothing moves. Every growth is checked against the memory budget
//! first, so an input too large is refused with an estimate before the large buffers exist.

use super::format::Summary;
use crate::error::{Error, Result};
use crate::stats::{SummaryStats, Within};
use ndarray::Array2;
use std::collections::HashMap;

/// Feature names of one modality and their indices.
#[derive(Debug, Clone, Default)]
struct Names {
    list: Vec<String>,
    index: HashMap<String, u32>,
}

impl Names {
    fn get(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }
    fn push(&mut self, name: &str) -> u32 {
        let i = self.list.len() as u32;
        self.list.push(name.to_string());
        self.index.insert(name.to_string(), i);
        i
    }
}

/// Index of (i, j), i <= j, in a packed column-order upper triangle.
#[inline]
fn tri(i: usize, j: usize) -> usize {
    j * (j + 1) / 2 + i
}

/// Growing summary statistics over named features.
#[derive(Debug, Clone)]
pub struct Pool {
    codes: Names,
    cuis: Names,
    patients: f64,
    /// (d1,) N_1.
    n1: Vec<f64>,
    /// (d2,) N_2.
    n2: Vec<f64>,
    /// (d1,) gamma_1.
    gamma1: Vec<f64>,
    /// (d2,) gamma_2.
    gamma2: Vec<f64>,
    /// (d1, cap2) row-major D12; columns d2..cap2 are zero.
    d12: Vec<f64>,
    cap2: usize,
    /// Packed upper triangles of C11 (d1 (d1 + 1) / 2) and C22, when collected.
    within: Option<(Vec<f64>, Vec<f64>)>,
    budget: u64,
}

impl Pool {
    /// Empty statistics; `with_within` also collects C11 and C22; `budget` in bytes bounds the
    /// estimate of [`Pool::estimated_bytes`].
    pub fn new(with_within: bool, budget: u64) -> Self {
        Pool {
            codes: Names::default(),
            cuis: Names::default(),
            patients: 0.0,
            n1: Vec::new(),
            n2: Vec::new(),
            gamma1: Vec::new(),
            gamma2: Vec::new(),
            d12: Vec::new(),
            cap2: 0,
            within: with_within.then(|| (Vec::new(), Vec::new())),
            budget,
        }
    }

    /// Number of codes so far.
    pub fn d1(&self) -> usize {
        self.codes.list.len()
    }

    /// Number of CUIs so far.
    pub fn d2(&self) -> usize {
        self.cuis.list.len()
    }

    /// Patients added so far.
    pub fn patients(&self) -> f64 {
        self.patients
    }

    /// Whether C11 and C22 are collected.
    pub fn has_within(&self) -> bool {
        self.within.is_some()
    }

    /// Stops collecting C11 and C22 and frees them.
    pub fn drop_within(&mut self) {
        self.within = None;
    }

    /// Peak bytes of statistics over d1 codes and d2 CUIs with a D12 row stride of cap2: the
    /// growing buffers plus, with within counts, the dense (d, d) C11 and C22 of the final
    /// [`SummaryStats`] (D12 is compacted in place).
    pub fn estimated_bytes(d1: usize, d2: usize, cap2: usize, with_within: bool) -> u64 {
        let (a, b, c) = (d1 as u64, d2 as u64, cap2.max(d2) as u64);
        let mut entries = a.saturating_mul(c).saturating_add(4 * (a + b));
        if with_within {
            let packed = (a.saturating_mul(a + 1) / 2).saturating_add(b.saturating_mul(b + 1) / 2);
            let dense = a.saturating_mul(a).saturating_add(b.saturating_mul(b));
            entries = entries.saturating_add(packed).saturating_add(dense);
        }
        entries.saturating_mul(8)
    }

    fn check_budget(&self, d1: usize, d2: usize, cap2: usize) -> Result<()> {
        let needed = Pool::estimated_bytes(d1, d2, cap2, self.within.is_some());
        if needed > self.budget {
            let within = if self.within.is_some() { " with within-modality counts (try without them)" } else { "" };
            return Err(Error::Memory {
                needed_bytes: needed,
                budget_bytes: self.budget,
                what: format!("summary statistics of {d1} codes and {d2} CUIs{within}"),
                advice: if self.within.is_some() {
                    "; leave out the within-modality counts".into()
                } else {
                    String::new()
                },
            });
        }
        Ok(())
    }

    /// The index of a code, adding it (with zero counts) if new.
    pub fn code(&mut self, name: &str) -> Result<u32> {
        if let Some(i) = self.codes.get(name) {
            return Ok(i);
        }
        let d1 = self.d1() + 1;
        self.check_budget(d1, self.d2(), self.cap2)?;
        self.n1.push(0.0);
        self.gamma1.push(0.0);
        self.d12.resize(d1 * self.cap2, 0.0);
        if let Some((c11, _)) = &mut self.within {
            c11.resize(d1 * (d1 + 1) / 2, 0.0);
        }
        Ok(self.codes.push(name))
    }

    /// The index of a CUI, adding it (with zero counts) if new.
    pub fn cui(&mut self, name: &str) -> Result<u32> {
        if let Some(j) = self.cuis.get(name) {
            return Ok(j);
        }
        let d2 = self.d2() + 1;
        let cap2 = if d2 > self.cap2 { (2 * self.cap2).max(16) } else { self.cap2 };
        self.check_budget(self.d1(), d2, cap2)?;
        if cap2 != self.cap2 {
            let d1 = self.d1();
            let mut wider = vec![0.0; d1 * cap2];
            for (dst, src) in wider.chunks_exact_mut(cap2).zip(self.d12.chunks_exact(self.cap2.max(1))) {
                dst[..src.len()].copy_from_slice(src);
            }
            self.d12 = wider;
            self.cap2 = cap2;
        }
        self.n2.push(0.0);
        self.gamma2.push(0.0);
        if let Some((_, c22)) = &mut self.within {
            c22.resize(d2 * (d2 + 1) / 2, 0.0);
        }
        Ok(self.cuis.push(name))
    }

    /// Adds one patient given as bags of (feature index, count), each feature at most once per
    /// bag, counts finite and non-negative (not checked here): N += x, gamma(w) += x_w (T - 1),
    /// D12 += x1 x2^T, C_MM += x x^T - diag(x).
    pub fn add_patient(&mut self, codes: &[(u32, f64)], cuis: &[(u32, f64)]) {
        self.patients += 1.0;
        let t1: f64 = codes.iter().map(|&(_, x)| x).sum();
        let t2: f64 = cuis.iter().map(|&(_, x)| x).sum();
        for &(w, x) in codes {
            self.n1[w as usize] += x;
            self.gamma1[w as usize] += x * (t1 - 1.0);
        }
        for &(v, x) in cuis {
            self.n2[v as usize] += x;
            self.gamma2[v as usize] += x * (t2 - 1.0);
        }
        let cap2 = self.cap2;
        for &(w, a) in codes {
            let row = &mut self.d12[w as usize * cap2..(w as usize + 1) * cap2];
            for &(v, b) in cuis {
                row[v as usize] += a * b;
            }
        }
        if let Some((c11, c22)) = &mut self.within {
            add_packed(c11, codes);
            add_packed(c22, cuis);
        }
    }

    /// Adds a whole summary, matching features by name. If it lacks within-modality counts,
    /// the pool stops collecting them (returns `false` in that case, `true` otherwise).
    pub fn add_summary(&mut self, s: &Summary) -> Result<bool> {
        let map1 = s.codes.iter().map(|n| self.code(n)).collect::<Result<Vec<u32>>>()?;
        let map2 = s.cuis.iter().map(|n| self.cui(n)).collect::<Result<Vec<u32>>>()?;
        let st = &s.stats;
        self.patients += st.patients;
        for (i, &w) in map1.iter().enumerate() {
            self.n1[w as usize] += st.n1[i];
            self.gamma1[w as usize] += st.gamma1[i];
        }
        for (j, &v) in map2.iter().enumerate() {
            self.n2[v as usize] += st.n2[j];
            self.gamma2[v as usize] += st.gamma2[j];
        }
        let cap2 = self.cap2;
        for (i, &w) in map1.iter().enumerate() {
            let src = &crate::stats::row_major(&st.d12)[i * st.d2..(i + 1) * st.d2];
            let row = &mut self.d12[w as usize * cap2..(w as usize + 1) * cap2];
            for (&x, &v) in src.iter().zip(&map2) {
                row[v as usize] += x;
            }
        }
        match (&mut self.within, &st.within) {
            (Some((c11, c22)), Some(w)) => {
                add_upper_remapped(c11, crate::stats::row_major(&w.c11), &map1);
                add_upper_remapped(c22, crate::stats::row_major(&w.c22), &map2);
                Ok(true)
            }
            (Some(_), None) => {
                self.within = None;
                Ok(false)
            }
            (None, _) => Ok(true),
        }
    }

    /// The statistics with their names. Negative entries (possible only with non-integer counts
    /// below 1, since x (T - 1) and x (x - 1) can then be negative) are set to 0 and counted in
    /// the second value.
    pub fn into_summary(self) -> Result<(Summary, usize)> {
        let (d1, d2, cap2) = (self.d1(), self.d2(), self.cap2);
        let mut d12 = self.d12;
        if cap2 != d2 {
            for i in 0..d1 {
                d12.copy_within(i * cap2..i * cap2 + d2, i * d2);
            }
            d12.truncate(d1 * d2);
            d12.shrink_to_fit();
        }
        // Moved into the array, not copied.
        let d12 = Array2::from_shape_vec((d1, d2), d12).expect("d1 * d2 entries");
        let within = self.within.map(|(p11, p22)| Within { c11: unpack(&p11, d1), c22: unpack(&p22, d2) });
        let mut stats = SummaryStats {
            d1,
            d2,
            patients: self.patients,
            n1: self.n1,
            n2: self.n2,
            gamma1: self.gamma1,
            gamma2: self.gamma2,
            d12,
            within,
        };
        let clamped = clamp_negative(&mut stats);
        check_finite(&stats)?;
        Ok((Summary::new(self.codes.list, self.cuis.list, stats)?, clamped))
    }
}

fn add_packed(buf: &mut [f64], bag: &[(u32, f64)]) {
    for (k, &(w, a)) in bag.iter().enumerate() {
        let w = w as usize;
        buf[tri(w, w)] += a * (a - 1.0);
        for &(v, b) in &bag[k + 1..] {
            let v = v as usize;
            let (i, j) = if w <= v { (w, v) } else { (v, w) };
            buf[tri(i, j)] += a * b;
        }
    }
}

/// Adds a dense row-major (d, d) upper triangle, indices mapped by `map`, to a packed triangle.
fn add_upper_remapped(buf: &mut [f64], dense: &[f64], map: &[u32]) {
    let d = map.len();
    for i in 0..d {
        for j in i..d {
            let x = dense[i * d + j];
            if x != 0.0 {
                let (a, b) = (map[i] as usize, map[j] as usize);
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                buf[tri(a, b)] += x;
            }
        }
    }
}

/// Packed triangle -> dense (d, d) upper triangle.
fn unpack(packed: &[f64], d: usize) -> Array2<f64> {
    let mut dense = vec![0.0; d * d];
    for j in 0..d {
        for i in 0..=j {
            dense[i * d + j] = packed[tri(i, j)];
        }
    }
    Array2::from_shape_vec((d, d), dense).expect("d * d entries")
}

/// Refuses statistics that overflowed a double (counts near 1e154 and above).
fn check_finite(s: &SummaryStats) -> Result<()> {
    let mut all = s.n1.iter().chain(&s.n2).chain(&s.gamma1).chain(&s.gamma2).chain(&s.d12);
    let within_ok = s.within.as_ref().map_or(true, |w| w.c11.iter().chain(&w.c22).all(|x| x.is_finite()));
    if !all.all(|x| x.is_finite()) || !within_ok || !s.patients.is_finite() {
        return Err(Error::Unsupported {
            what: "the counts are too large: a statistic overflows a double (products of counts must stay below 1e308)"
                .into(),
        });
    }
    Ok(())
}

fn clamp_negative(s: &mut SummaryStats) -> usize {
    let mut count = 0;
    let mut fix = |xs: &mut [f64]| {
        for x in xs.iter_mut() {
            if *x < 0.0 {
                *x = 0.0;
                count += 1;
            }
        }
    };
    fix(&mut s.gamma1);
    fix(&mut s.gamma2);
    if let Some(w) = &mut s.within {
        fix(crate::stats::row_major_mut(&mut w.c11));
        fix(crate::stats::row_major_mut(&mut w.c22));
    }
    count
}
