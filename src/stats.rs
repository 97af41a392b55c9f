//! Summary statistics (model.md §3): everything the estimators need, accumulated patient by
//! patient from sparse bags, never from an n x d count matrix.
//!
//! - N_M = X_M^T 1 (token count of each feature);
//! - gamma_M(w) = sum_i x_{i,w} (T_i^(M) - 1), the row sums of C_MM = X_M^T X_M - diag(N_M);
//! - D12 = X_1^T X_2, same-patient cross-modal pair counts;
//! - optionally C11 and C22 (only Concate and CL need them), stored as upper triangles.
//!
//! Statistics of two cohorts add entry by entry ([`SummaryStats::merge`]): the federated use.
//!
//! The matrices are `ndarray` arrays in standard (row-major, contiguous) layout, the layout
//! [`SummaryStats::new`] and [`Array2::from_shape_vec`] give; the accumulation reads them as
//! flat row-major slices ([`row_major`]) and panics on another layout (a bug, not an input).

use crate::error::{Error, Result};
use ndarray::Array2;

/// Within-modality same-patient co-occurrence counts C_MM: the upper triangle (w <= w') of a
/// dense (d_M, d_M) array; the lower triangle stays zero. [`upper_at`] reads it symmetrically.
#[derive(Debug, Clone, PartialEq)]
pub struct Within {
    /// (d1, d1) upper triangle of C11.
    pub c11: Array2<f64>,
    /// (d2, d2) upper triangle of C22.
    pub c22: Array2<f64>,
}

/// The row-major storage of one of the statistics' matrices.
///
/// # Panics
/// If the array is not in standard layout (the statistics never build one that is not).
#[inline]
pub fn row_major(a: &Array2<f64>) -> &[f64] {
    a.as_slice().expect("summary statistics matrices are in standard (row-major) layout")
}

/// [`row_major`], mutable.
#[inline]
pub fn row_major_mut(a: &mut Array2<f64>) -> &mut [f64] {
    a.as_slice_mut().expect("summary statistics matrices are in standard (row-major) layout")
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
    /// (d1, d2) D12 = X_1^T X_2.
    pub d12: Array2<f64>,
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
            d12: Array2::zeros((d1, d2)),
            within: with_within.then(|| Within { c11: Array2::zeros((d1, d1)), c22: Array2::zeros((d2, d2)) }),
        }
    }

    /// The statistics as one flat buffer, for moving them between workers: [d1, d2, patients,
    /// 1 if C11 and C22 are held else 0, N1, N2, gamma1, gamma2, D12, C11, C22].
    pub fn to_flat(&self) -> Vec<f64> {
        let within = self.within.as_ref();
        let mut out = vec![self.d1 as f64, self.d2 as f64, self.patients, within.map_or(0.0, |_| 1.0)];
        for part in [&self.n1, &self.n2, &self.gamma1, &self.gamma2] {
            out.extend_from_slice(part);
        }
        out.extend_from_slice(row_major(&self.d12));
        if let Some(w) = within {
            out.extend_from_slice(row_major(&w.c11));
            out.extend_from_slice(row_major(&w.c22));
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
        let mut take = |dst: &mut [f64]| {
            let (head, tail) = rest.split_at(dst.len());
            dst.copy_from_slice(head);
            rest = tail;
        };
        take(&mut stats.n1);
        take(&mut stats.n2);
        take(&mut stats.gamma1);
        take(&mut stats.gamma2);
        take(row_major_mut(&mut stats.d12));
        if let Some(w) = stats.within.as_mut() {
            take(row_major_mut(&mut w.c11));
            take(row_major_mut(&mut w.c22));
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
        for &(w, a) in codes {
            add_cross_row(row_major_mut(&mut self.d12), self.d2, w as usize, a, cuis);
        }
        if let Some(within) = &mut self.within {
            add_upper(row_major_mut(&mut within.c11), self.d1, codes);
            add_upper(row_major_mut(&mut within.c22), self.d2, cuis);
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
        add(row_major_mut(&mut self.d12), row_major(&other.d12));
        self.within = match (self.within.take(), &other.within) {
            (Some(mut a), Some(b)) => {
                add(row_major_mut(&mut a.c11), row_major(&b.c11));
                add(row_major_mut(&mut a.c22), row_major(&b.c22));
                Some(a)
            }
            _ => None,
        };
        Ok(())
    }

    /// D12(w, w').
    #[inline]
    pub fn d12_at(&self, w: usize, v: usize) -> f64 {
        self.d12[[w, v]]
    }

    /// D12(.,.) = sum_i T_i^(1) T_i^(2), summed in row-major order.
    pub fn d12_total(&self) -> f64 {
        row_major(&self.d12).iter().sum()
    }

    /// Gamma_M = sum_w gamma_M(w) for M = 1, 2.
    pub fn gamma_totals(&self) -> (f64, f64) {
        (self.gamma1.iter().sum(), self.gamma2.iter().sum())
    }
}

/// Pair counts staged in bytes while patients stream in, flushed into [`SummaryStats`] row by
/// row. Exact: integer counts, added to the f64 statistics before a byte could overflow, and
/// sums of integers below 2^53 are the same in any order.
///
/// - Every staged row (`ByteRows`: of D12, C11 and C22) has a bound on what any of its
///   entries may hold: a patient raises row w's entries by at most a_w times the largest count
///   of the bag added to it. When the bound would pass 255 it is tightened to the row's largest
///   entry, and the row is flushed only if that is still too much. At the paper's scale D12,
///   C11 and C22 take 250 KB each staged, together within the 1 MiB L2 cache (as u16, C11 and
///   C22 alone filled it).
/// - A patient with many CUIs adds them to each of its codes' rows of D12 as one dense vector
///   (sixteen entries per vector addition, in SSE2 and in WebAssembly's simd128) rather than
///   entry by entry: at the paper's scale about 47 codes times 47 CUIs a patient, over half the
///   simulation's bookkeeping before. C11 and C22 take their entries one by one: dense rows
///   there, whole or from the diagonal on, were measured slower (all methods at the paper's
///   scale: 660 against 575 ms of simulation).
/// - A row whose increase cannot be held in a byte goes straight to the statistics, and so does
///   a patient with a count of 256 or more.
#[derive(Debug, Clone)]
pub struct PairStaging {
    /// D12, (d1, d2).
    d12: ByteRows,
    /// Upper triangles of C11, (d1, d1), and C22, (d2, d2); None without within counts.
    within: Option<[ByteRows; 2]>,
    /// (d2,) the current patient's CUI counts, dense (zero between patients).
    dense: Vec<u8>,
}

/// The most a staged entry holds.
const BYTE: u64 = u8::MAX as u64;

/// A (rows, cols) row-major matrix of counts staged in bytes, with a bound per row.
#[derive(Debug, Clone)]
struct ByteRows {
    cols: usize,
    /// (rows, cols) staged counts.
    data: Vec<u8>,
    /// (rows,) bound on every entry of each row since the row's last flush.
    load: Vec<u16>,
}

impl ByteRows {
    fn new(rows: usize, cols: usize) -> Self {
        ByteRows { cols, data: vec![0; rows * cols], load: vec![0; rows] }
    }

    /// Makes room in row `w` for an increase of at most `bound` per entry, and reserves it:
    /// false when `bound` itself cannot be held in a byte (the caller then adds to `out`).
    #[inline(always)]
    fn reserve(&mut self, out: &mut [f64], w: usize, bound: u64) -> bool {
        if self.load[w] as u64 + bound > BYTE {
            // The bound adds up every patient's largest count; the row's largest entry is
            // usually far below it. Tighten it to that entry, and flush only if still needed.
            let row = &self.data[w * self.cols..(w + 1) * self.cols];
            self.load[w] = row.iter().fold(0, |m, &x| m.max(x)) as u16;
            if self.load[w] as u64 + bound > BYTE {
                self.flush_row(out, w);
            }
        }
        if bound > BYTE {
            return false;
        }
        self.load[w] += bound as u16;
        true
    }

    /// Row `w` of the staged counts.
    #[inline(always)]
    fn row(&mut self, w: usize) -> &mut [u8] {
        &mut self.data[w * self.cols..(w + 1) * self.cols]
    }

    /// Adds staged row `w` to `out` and clears it.
    fn flush_row(&mut self, out: &mut [f64], w: usize) {
        let cols = self.cols;
        let (dst, src) = (&mut out[w * cols..(w + 1) * cols], &mut self.data[w * cols..(w + 1) * cols]);
        for (x, y) in dst.iter_mut().zip(src.iter_mut()) {
            *x += *y as f64;
            *y = 0;
        }
        self.load[w] = 0;
    }

    /// Adds every staged row to `out` and clears them.
    fn flush(&mut self, out: &mut [f64]) {
        for w in 0..self.load.len() {
            if self.load[w] > 0 {
                self.flush_row(out, w);
            }
        }
    }
}

impl PairStaging {
    /// Empty staging for statistics of this shape.
    pub fn new(stats: &SummaryStats) -> Self {
        let (d1, d2) = (stats.d1, stats.d2);
        PairStaging {
            d12: ByteRows::new(d1, d2),
            within: stats.within.is_some().then(|| [ByteRows::new(d1, d1), ByteRows::new(d2, d2)]),
            dense: vec![0; d2],
        }
    }

    /// Adds one patient: counts and pair totals go straight to `stats`, pair counts to the staging.
    /// On x86-64 CPUs with AVX2, the same code compiled for AVX2 (byte rows added 32 at a time
    /// instead of 16): integer counts, so the same numbers.
    pub fn add_patient(&mut self, stats: &mut SummaryStats, codes: &[(u32, u32)], cuis: &[(u32, u32)]) {
        #[cfg(target_arch = "x86_64")]
        if crate::cpu::has_avx2() {
            // SAFETY: the CPU supports AVX2 (checked just above).
            return unsafe { self.add_patient_avx2(stats, codes, cuis) };
        }
        self.add_patient_body(stats, codes, cuis)
    }

    /// [`PairStaging::add_patient`] compiled for AVX2; callers check that the CPU has it.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline(never)]
    unsafe fn add_patient_avx2(&mut self, stats: &mut SummaryStats, codes: &[(u32, u32)], cuis: &[(u32, u32)]) {
        self.add_patient_body(stats, codes, cuis)
    }

    #[inline(always)]
    fn add_patient_body(&mut self, stats: &mut SummaryStats, codes: &[(u32, u32)], cuis: &[(u32, u32)]) {
        let bags = [codes, cuis];
        let tops = bags.map(|bag| bag.iter().map(|&(_, c)| c as u64).max().unwrap_or(0));
        if tops[0].max(tops[1]) > BYTE {
            // A count this large cannot be staged: add the patient directly.
            stats.add_patient(codes, cuis);
            return;
        }
        stats.add_counts(codes, cuis);
        let sizes = [stats.d1, stats.d2];
        let d2 = sizes[1];
        // Dense when a vector addition over the whole row costs less than the entries one by
        // one (each of those a load, an add and a store).
        let dense = 16 * cuis.len() >= d2;
        let d12 = row_major_mut(&mut stats.d12);
        if dense {
            for &(v, b) in cuis {
                self.dense[v as usize] = b as u8;
            }
        }
        for &(w, a) in codes {
            let w = w as usize;
            if !self.d12.reserve(d12, w, a as u64 * tops[1]) {
                add_cross_row(d12, d2, w, a, cuis);
                continue;
            }
            // (a <= the bound <= 255, and no entry passes 255: byte arithmetic is exact.)
            let (row, a) = (self.d12.row(w), a as u8);
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
        if let (Some(rows), Some(out)) = (&mut self.within, &mut stats.within) {
            for (m, (staged, out)) in rows.iter_mut().zip([&mut out.c11, &mut out.c22]).enumerate() {
                let (bag, d, out) = (bags[m], sizes[m], row_major_mut(out));
                for (k, &(w, a)) in bag.iter().enumerate() {
                    // Row w of x x^T - diag(x), upper part: a b_v after w, a (a - 1) at w;
                    // every entry at most a * top (a <= top).
                    let w = w as usize;
                    if !staged.reserve(out, w, a as u64 * tops[m]) {
                        add_upper_row(out, d, w, a, &bag[k + 1..]);
                        continue;
                    }
                    let (row, a) = (staged.row(w), a as u8);
                    row[w] += a * (a - 1);
                    for &(v, b) in &bag[k + 1..] {
                        row[v as usize] += a * b as u8;
                    }
                }
            }
        }
        if dense {
            for &(v, _) in cuis {
                self.dense[v as usize] = 0;
            }
        }
    }

    /// Adds the staged pair counts to `stats` and clears the staging.
    pub fn flush(&mut self, stats: &mut SummaryStats) {
        self.d12.flush(row_major_mut(&mut stats.d12));
        if let (Some([c11, c22]), Some(out)) = (&mut self.within, &mut stats.within) {
            c11.flush(row_major_mut(&mut out.c11));
            c22.flush(row_major_mut(&mut out.c22));
        }
    }
}

/// Entry (a, b) of a symmetric (d, d) matrix stored as its upper triangle ([`Within`]).
#[inline]
pub fn upper_at(upper: &Array2<f64>, a: usize, b: usize) -> f64 {
    let (i, j) = if a <= b { (a, b) } else { (b, a) };
    upper[[i, j]]
}

fn add(a: &mut [f64], b: &[f64]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

/// Adds x x^T - diag(x) of a sorted bag to the upper triangle of a (d, d) buffer.
fn add_upper(buf: &mut [f64], d: usize, bag: &[(u32, u32)]) {
    for (k, &(w, a)) in bag.iter().enumerate() {
        add_upper_row(buf, d, w as usize, a, &bag[k + 1..]);
    }
}

/// Adds row w of x x^T - diag(x) from the diagonal on to a (d, d) buffer: a (a - 1) at w, a b_v
/// for the features v of `rest` (the bag after w).
fn add_upper_row(buf: &mut [f64], d: usize, w: usize, a: u32, rest: &[(u32, u32)]) {
    let a = a as f64;
    let row = &mut buf[w * d..(w + 1) * d];
    row[w] += a * (a - 1.0);
    for &(v, b) in rest {
        row[v as usize] += a * b as f64;
    }
}

/// Adds a times a CUI bag to row w of a (d1, d2) D12 buffer (d2 columns).
fn add_cross_row(buf: &mut [f64], d2: usize, w: usize, a: u32, cuis: &[(u32, u32)]) {
    let a = a as f64;
    let row = &mut buf[w * d2..(w + 1) * d2];
    for &(v, b) in cuis {
        row[v as usize] += a * b as f64;
    }
}
