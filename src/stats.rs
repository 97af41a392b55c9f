//! Summary statistics (model.md §3): everything the estimators need, accumulated patient by
//! patient from sparse bags, never from an n x d count matrix.
//!
//! - N_M = X_M^T 1 (token count of each feature);
//! - gamma_M(w) = sum_i x_{i,w} (T_i^(M) - 1), the row sums of C_MM = X_M^T X_M - diag(N_M);
//! - D12 = X_1^T X_2, same-patient cross-modal pair counts;
//! - optionally C11 and C22 (only Concate and CL need them), stored as upper triangles.
//!
//! Statistics of two cohorts add entry by entry ([`SummaryStats::merge`]): the federated use.

use crate::error::{Error, Result};

/// Within-modality same-patient co-occurrence counts C_MM, upper triangle (w <= w') of a
/// row-major d_M x d_M buffer; the lower triangle stays zero.
#[derive(Debug, Clone, PartialEq)]
pub struct Within {
    /// (d1, d1) upper triangle of C11.
    pub c11: Vec<f64>,
    /// (d2, d2) upper triangle of C22.
    pub c22: Vec<f64>,
}

/// The privacy-preserving summary of a cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryStats {
    /// Number of codes.
    pub d1: usize,
    /// Number of CUIs.
    pub d2: usize,
    /// Number of patients summarised.
    pub patients: f64,
    /// (d1,) N_1: token count of each code.
    pub n1: Vec<f64>,
    /// (d2,) N_2: token count of each CUI.
    pub n2: Vec<f64>,
    /// (d1,) gamma_1: within-modality pair totals of each code.
    pub gamma1: Vec<f64>,
    /// (d2,) gamma_2: within-modality pair totals of each CUI.
    pub gamma2: Vec<f64>,
    /// (d1, d2) row-major D12 = X_1^T X_2.
    pub d12: Vec<f64>,
    /// C11 and C22, when collected.
    pub within: Option<Within>,
}

impl SummaryStats {
    /// Empty statistics; `with_within` also collects C11 and C22.
    pub fn new(d1: usize, d2: usize, with_within: bool) -> Self {
        SummaryStats {
            d1,
            d2,
            patients: 0.0,
            n1: vec![0.0; d1],
            n2: vec![0.0; d2],
            gamma1: vec![0.0; d1],
            gamma2: vec![0.0; d2],
            d12: vec![0.0; d1 * d2],
            within: with_within.then(|| Within { c11: vec![0.0; d1 * d1], c22: vec![0.0; d2 * d2] }),
        }
    }

    /// The statistics as one flat buffer, for moving them between workers: [d1, d2, patients,
    /// 1 if C11 and C22 are held else 0, N1, N2, gamma1, gamma2, D12, C11, C22].
    pub fn to_flat(&self) -> Vec<f64> {
        let within = self.within.as_ref();
        let mut out = vec![self.d1 as f64, self.d2 as f64, self.patients, within.map_or(0.0, |_| 1.0)];
        for part in [&self.n1, &self.n2, &self.gamma1, &self.gamma2, &self.d12] {
            out.extend_from_slice(part);
        }
        if let Some(w) = within {
            out.extend_from_slice(&w.c11);
            out.extend_from_slice(&w.c22);
        }
        out
    }

    /// Reads a buffer written by [`SummaryStats::to_flat`], naming what does not fit.
    pub fn from_flat(buf: &[f64]) -> Result<SummaryStats> {
        let bad = |what: String| Error::Unsupported { what: format!("statistics buffer: {what}") };
        let header = buf.get(..4).ok_or_else(|| bad(format!("{} numbers, expected a header of 4", buf.len())))?;
        let size = |x: f64, name: &str| {
            (x >= 0.0 && x.fract() == 0.0 && x <= 1e6).then_some(x as usize).ok_or_else(|| bad(format!("{name} = {x}")))
        };
        let (d1, d2) = (size(header[0], "d1")?, size(header[1], "d2")?);
        let with_within = match header[3] {
            0.0 => false,
            1.0 => true,
            x => return Err(bad(format!("within flag = {x}, expected 0 or 1"))),
        };
        // Checked before anything is allocated, in u64 (a wasm32 usize would overflow).
        let (e1, e2) = (d1 as u64, d2 as u64);
        let expected = 4 + 2 * (e1 + e2) + e1 * e2 + if with_within { e1 * e1 + e2 * e2 } else { 0 };
        if buf.len() as u64 != expected {
            return Err(bad(format!("{} numbers, expected {expected} for d1 = {d1}, d2 = {d2}", buf.len())));
        }
        let mut stats = SummaryStats::new(d1, d2, with_within);
        stats.patients = header[2];
        let mut rest = &buf[4..];
        let mut take = |dst: &mut Vec<f64>| {
            let (head, tail) = rest.split_at(dst.len());
            dst.copy_from_slice(head);
            rest = tail;
        };
        take(&mut stats.n1);
        take(&mut stats.n2);
        take(&mut stats.gamma1);
        take(&mut stats.gamma2);
        take(&mut stats.d12);
        if let Some(w) = stats.within.as_mut() {
            take(&mut w.c11);
            take(&mut w.c22);
        }
        Ok(stats)
    }

    /// Adds one patient's token counts N and pair totals gamma (not the pair counts).
    fn add_counts(&mut self, codes: &[(u32, u32)], cuis: &[(u32, u32)]) {
        self.patients += 1.0;
        let t1: u32 = codes.iter().map(|&(_, c)| c).sum();
        let t2: u32 = cuis.iter().map(|&(_, c)| c).sum();
        for &(w, c) in codes {
            self.n1[w as usize] += c as f64;
            self.gamma1[w as usize] += c as f64 * (t1 as f64 - 1.0);
        }
        for &(w, c) in cuis {
            self.n2[w as usize] += c as f64;
            self.gamma2[w as usize] += c as f64 * (t2 as f64 - 1.0);
        }
    }

    /// Adds one patient given as sorted (feature, count) bags of codes and CUIs.
    pub fn add_patient(&mut self, codes: &[(u32, u32)], cuis: &[(u32, u32)]) {
        self.add_counts(codes, cuis);
        let d2 = self.d2;
        for &(w, a) in codes {
            let row = &mut self.d12[w as usize * d2..(w as usize + 1) * d2];
            let a = a as f64;
            for &(v, b) in cuis {
                row[v as usize] += a * b as f64;
            }
        }
        if let Some(within) = &mut self.within {
            add_upper(&mut within.c11, self.d1, codes);
            add_upper(&mut within.c22, self.d2, cuis);
        }
    }

    /// Adds the statistics of another cohort over the same features.
    pub fn merge(&mut self, other: &SummaryStats) -> Result<()> {
        if self.d1 != other.d1 || self.d2 != other.d2 {
            return Err(Error::Unsupported {
                what: format!(
                    "cannot merge statistics of {}x{} features with {}x{}",
                    self.d1, self.d2, other.d1, other.d2
                ),
            });
        }
        self.patients += other.patients;
        add(&mut self.n1, &other.n1);
        add(&mut self.n2, &other.n2);
        add(&mut self.gamma1, &other.gamma1);
        add(&mut self.gamma2, &other.gamma2);
        add(&mut self.d12, &other.d12);
        self.within = match (self.within.take(), &other.within) {
            (Some(mut a), Some(b)) => {
                add(&mut a.c11, &b.c11);
                add(&mut a.c22, &b.c22);
                Some(a)
            }
            _ => None,
        };
        Ok(())
    }

    /// D12(w, w').
    #[inline]
    pub fn d12_at(&self, w: usize, v: usize) -> f64 {
        self.d12[w * self.d2 + v]
    }

    /// D12(.,.) = sum_i T_i^(1) T_i^(2).
    pub fn d12_total(&self) -> f64 {
        self.d12.iter().sum()
    }

    /// Gamma_M = sum_w gamma_M(w) for M = 1, 2.
    pub fn gamma_totals(&self) -> (f64, f64) {
        (self.gamma1.iter().sum(), self.gamma2.iter().sum())
    }
}

/// Pair counts staged in small integers while patients stream in, flushed into
/// [`SummaryStats`]. Exact: integer counts, added to the f64 statistics before they could
/// overflow, and sums of integers below 2^53 are the same in any order.
///
/// - D12 is staged in one byte per entry, with a bound per row (`row_load`) of what any entry
///   of the row may hold: a patient raises row w's entries by at most a_w times its largest CUI
///   count. When the bound would pass 255 it is tightened to the row's largest entry, and the
///   row is flushed only if that is still too much (every thousand or so patients who have code
///   w, at the paper's scale). The staged D12 of the paper's scale (500 x 500 bytes) sits in the
///   L2 cache.
/// - A patient with many CUIs adds its CUI counts to each of its codes' rows as one dense
///   vector (sixteen entries per vector addition, in SSE2 and in WebAssembly's simd128) rather
///   than entry by entry: at the paper's scale about 47 codes times 47 CUIs a patient, over
///   half the simulation's bookkeeping before.
/// - C11 and C22 are staged as u16, flushed before any entry could exceed u16::MAX (one patient
///   raises an entry by at most the square of its largest single-feature count); a patient
///   whose largest count is 256 or more is added to the statistics directly.
#[derive(Debug, Clone)]
pub struct PairStaging {
    d1: usize,
    d2: usize,
    /// (d1, d2) row-major staged D12.
    d12: Vec<u8>,
    /// (d1,) bound on every staged D12 entry of each row since the row's last flush.
    row_load: Vec<u16>,
    /// (d2,) the current patient's CUI counts, dense (all zero between patients).
    dense: Vec<u8>,
    /// (d1, d1) upper triangle of staged C11 (empty without within counts).
    c11: Vec<u16>,
    /// (d2, d2) upper triangle of staged C22 (empty without within counts).
    c22: Vec<u16>,
    /// Largest possible increase of any C11 or C22 entry since the last flush.
    load: u64,
}

/// The most a staged D12 entry holds.
const BYTE: u64 = u8::MAX as u64;

impl PairStaging {
    /// Empty staging for statistics of this shape.
    pub fn new(stats: &SummaryStats) -> Self {
        let within = stats.within.is_some();
        let (d1, d2) = (stats.d1, stats.d2);
        PairStaging {
            d1,
            d2,
            d12: vec![0; d1 * d2],
            row_load: vec![0; d1],
            dense: vec![0; d2],
            c11: if within { vec![0; d1 * d1] } else { Vec::new() },
            c22: if within { vec![0; d2 * d2] } else { Vec::new() },
            load: 0,
        }
    }

    /// Adds one patient: counts and pair totals go straight to `stats`, pair counts to the staging.
    pub fn add_patient(&mut self, stats: &mut SummaryStats, codes: &[(u32, u32)], cuis: &[(u32, u32)]) {
        let largest = codes.iter().chain(cuis).map(|&(_, c)| c as u64).max().unwrap_or(0);
        let step = largest * largest;
        if step > u16::MAX as u64 {
            // A count this large cannot be staged: add the patient directly.
            stats.add_patient(codes, cuis);
            return;
        }
        stats.add_counts(codes, cuis);
        self.stage_d12(stats, codes, cuis);
        if !self.c11.is_empty() {
            if self.load + step > u16::MAX as u64 {
                self.flush_within(stats);
            }
            self.load += step;
            stage_upper(&mut self.c11, self.d1, codes);
            stage_upper(&mut self.c22, self.d2, cuis);
        }
    }

    /// Adds x1 x2^T of one patient to the staged D12.
    fn stage_d12(&mut self, stats: &mut SummaryStats, codes: &[(u32, u32)], cuis: &[(u32, u32)]) {
        let d2 = self.d2;
        let top = cuis.iter().map(|&(_, b)| b as u64).max().unwrap_or(0);
        // Dense when a vector addition over the whole row costs less than the entries one by
        // one (each of those a load, an add and a store); either way the same counts.
        let dense = top <= BYTE && 16 * cuis.len() >= d2;
        if dense {
            for &(v, b) in cuis {
                self.dense[v as usize] = b as u8;
            }
        }
        for &(w, a) in codes {
            let w = w as usize;
            let bound = a as u64 * top;
            if self.row_load[w] as u64 + bound > BYTE {
                // The bound adds up every patient's largest count; the row's largest entry is
                // usually far below it. Tighten it to that entry, and flush only if still needed.
                let row = &self.d12[w * d2..(w + 1) * d2];
                self.row_load[w] = row.iter().fold(0, |m, &x| m.max(x)) as u16;
                if self.row_load[w] as u64 + bound > BYTE {
                    self.flush_row(stats, w);
                }
            }
            if bound > BYTE {
                // Cannot be staged in bytes: straight into the statistics.
                let row = &mut stats.d12[w * d2..(w + 1) * d2];
                for &(v, b) in cuis {
                    row[v as usize] += a as f64 * b as f64;
                }
                continue;
            }
            self.row_load[w] += bound as u16;
            let row = &mut self.d12[w * d2..(w + 1) * d2];
            // (a <= bound <= 255, and no entry passes 255: plain byte arithmetic is exact.)
            let a = a as u8;
            if dense && a == 1 {
                for (x, y) in row.iter_mut().zip(&self.dense) {
                    *x = x.wrapping_add(*y);
                }
            } else if dense {
                for (x, y) in row.iter_mut().zip(&self.dense) {
                    *x = x.wrapping_add(a.wrapping_mul(*y));
                }
            } else {
                for &(v, b) in cuis {
                    row[v as usize] += a * b as u8;
                }
            }
        }
        if dense {
            for &(v, _) in cuis {
                self.dense[v as usize] = 0;
            }
        }
    }

    /// Adds staged row `w` of D12 to `stats` and clears it.
    fn flush_row(&mut self, stats: &mut SummaryStats, w: usize) {
        let d2 = self.d2;
        let (dst, src) = (&mut stats.d12[w * d2..(w + 1) * d2], &mut self.d12[w * d2..(w + 1) * d2]);
        for (x, y) in dst.iter_mut().zip(src.iter_mut()) {
            *x += *y as f64;
            *y = 0;
        }
        self.row_load[w] = 0;
    }

    fn flush_within(&mut self, stats: &mut SummaryStats) {
        if let Some(w) = &mut stats.within {
            drain(&mut w.c11, &mut self.c11);
            drain(&mut w.c22, &mut self.c22);
        }
        self.load = 0;
    }

    /// Adds the staged pair counts to `stats` and clears the staging.
    pub fn flush(&mut self, stats: &mut SummaryStats) {
        for w in 0..self.d1 {
            if self.row_load[w] > 0 {
                self.flush_row(stats, w);
            }
        }
        if self.load > 0 {
            self.flush_within(stats);
        }
    }
}

fn drain(dst: &mut [f64], src: &mut [u16]) {
    for (x, y) in dst.iter_mut().zip(src.iter_mut()) {
        *x += *y as f64;
        *y = 0;
    }
}

fn stage_upper(buf: &mut [u16], d: usize, bag: &[(u32, u32)]) {
    for (k, &(w, a)) in bag.iter().enumerate() {
        let row = &mut buf[w as usize * d..(w as usize + 1) * d];
        let a = a as u16;
        row[w as usize] += a * (a - 1);
        for &(v, b) in &bag[k + 1..] {
            row[v as usize] += a * b as u16;
        }
    }
}

/// Upper-triangle symmetric accessor of a row-major (d, d) buffer.
#[inline]
pub fn upper_at(buf: &[f64], d: usize, a: usize, b: usize) -> f64 {
    let (i, j) = if a <= b { (a, b) } else { (b, a) };
    buf[i * d + j]
}

fn add(a: &mut [f64], b: &[f64]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

/// Adds x x^T - diag(x) of a sorted bag to the upper triangle of a (d, d) buffer.
fn add_upper(buf: &mut [f64], d: usize, bag: &[(u32, u32)]) {
    for (k, &(w, a)) in bag.iter().enumerate() {
        let a = a as f64;
        let row = &mut buf[w as usize * d..(w as usize + 1) * d];
        row[w as usize] += a * (a - 1.0);
        for &(v, b) in &bag[k + 1..] {
            row[v as usize] += a * b as f64;
        }
    }
}
