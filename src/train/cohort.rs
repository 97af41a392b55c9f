//! A cohort as patient-level sparse bags: what the gradient-descent trainers need (the SVD
//! estimators need only the summary statistics).
//!
//! Each modality is stored CSR-like: `offsets` (n + 1), feature `index` and `count` per nonzero,
//! and the token total T_i^(M) per patient; never an n x d dense matrix. The cohort also gives
//! the weights of model.md §5, g_M(w) = gamma_M(w) / Gamma_M, as their inverses
//! r_M(w) = 1 / g_M(w) (0 for a feature with gamma = 0, which then gets a zero row, as in the SVD).

use crate::params::ValidParams;
use crate::simulate::{Bag, PatientSampler, Truth};
use crate::stats::SummaryStats;
use std::sync::Mutex;

/// One modality's bags, CSR-like.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bags {
    /// (n + 1,) start of each patient's nonzeros.
    pub offsets: Vec<usize>,
    /// (nnz,) feature of each nonzero, sorted within a patient.
    pub index: Vec<u32>,
    /// (nnz,) count of each nonzero.
    pub count: Vec<f64>,
    /// (n,) tokens T_i of each patient.
    pub total: Vec<f64>,
}

impl Bags {
    fn new() -> Self {
        Bags { offsets: vec![0], ..Default::default() }
    }

    fn push(&mut self, bag: &[(u32, u32)]) {
        let mut t = 0.0;
        for &(w, c) in bag {
            self.index.push(w);
            self.count.push(c as f64);
            t += c as f64;
        }
        self.offsets.push(self.index.len());
        self.total.push(t);
    }

    /// Patient i's nonzeros (features, counts).
    #[inline]
    pub fn patient(&self, i: usize) -> (&[u32], &[f64]) {
        let (a, b) = (self.offsets[i], self.offsets[i + 1]);
        (&self.index[a..b], &self.count[a..b])
    }
}

/// The patients of a replicate as sparse bags of codes (modality 1) and CUIs (modality 2).
#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    /// Number of codes.
    pub d1: usize,
    /// Number of CUIs.
    pub d2: usize,
    /// Bags of codes and of CUIs. Changing them other than by [`Cohort::push`] after a trainer
    /// was built on the cohort leaves its kept scale estimates ([`Cohort::memo`]) stale.
    pub bags: [Bags; 2],
    memo: Memo,
}

/// Values computed from the bags once and kept ([`Cohort::memo`]): a cache, so it is not part
/// of a cohort's equality, and a clone starts without it.
#[derive(Debug, Default)]
struct Memo(Mutex<Vec<(&'static str, u64, f64)>>);

impl Clone for Memo {
    fn clone(&self) -> Self {
        Memo::default()
    }
}

impl PartialEq for Memo {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Cohort {
    /// An empty cohort over d1 codes and d2 CUIs.
    pub fn new(d1: usize, d2: usize) -> Self {
        Cohort { d1, d2, bags: [Bags::new(), Bags::new()], memo: Memo::default() }
    }

    /// Adds one patient given as sorted (feature, count) bags.
    pub fn push(&mut self, codes: &[(u32, u32)], cuis: &[(u32, u32)]) {
        self.bags[0].push(codes);
        self.bags[1].push(cuis);
        let memo = self.memo.0.get_mut().unwrap_or_else(|e| e.into_inner());
        if !memo.is_empty() {
            memo.clear();
        }
    }

    /// `compute()`, run once per `key` and `seed` on this cohort and kept: the trainers' scale
    /// estimates (sigma_1 by power iteration through every bag, 0.3 s at d1 = d2 = 2500,
    /// n = 20000), which depend on the bags and the seed alone, so a trainer built again on the
    /// same cohort (another tau, lr or lambda) starts at once with the same bits.
    pub fn memo(&self, key: &'static str, seed: u64, compute: impl FnOnce() -> f64) -> f64 {
        let kept = |m: &Memo| {
            let list = m.0.lock().unwrap_or_else(|e| e.into_inner());
            list.iter().find(|(k, s, _)| *k == key && *s == seed).map(|e| e.2)
        };
        if let Some(v) = kept(&self.memo) {
            return v;
        }
        let v = compute();
        self.memo.0.lock().unwrap_or_else(|e| e.into_inner()).push((key, seed, v));
        v
    }

    /// Number of patients.
    pub fn len(&self) -> usize {
        self.bags[0].total.len()
    }

    /// Whether the cohort has no patients.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Draws `count` more patients from `sampler`, keeping their bags and, if given, adding them
    /// to `stats` too: the same patients as [`PatientSampler::draw_into`].
    pub fn draw_from(
        &mut self,
        sampler: &mut PatientSampler,
        truth: &Truth,
        count: usize,
        mut stats: Option<&mut SummaryStats>,
    ) {
        let mut bags: [Bag; 2] = [Vec::new(), Vec::new()];
        for _ in 0..count {
            sampler.next_patient(truth, &mut bags);
            self.push(&bags[0], &bags[1]);
            if let Some(s) = stats.as_deref_mut() {
                s.add_patient(&bags[0], &bags[1]);
            }
        }
    }

    /// The first `count` patients of a replicate (those a `Session` with these parameters
    /// simulates), drawn again from the patient stream.
    pub fn draw(params: &ValidParams, truth: &Truth, count: usize) -> Cohort {
        let mut cohort = Cohort::new(params.d1, params.d2);
        let mut sampler = PatientSampler::new(params);
        cohort.draw_from(&mut sampler, truth, count, None);
        cohort
    }

    /// The summary statistics of the cohort.
    pub fn stats(&self, with_within: bool) -> SummaryStats {
        let mut s = SummaryStats::new(self.d1, self.d2, with_within);
        let mut b: [Bag; 2] = [Vec::new(), Vec::new()];
        for i in 0..self.len() {
            for m in 0..2 {
                let (idx, cnt) = self.bags[m].patient(i);
                b[m].clear();
                b[m].extend(idx.iter().zip(cnt).map(|(&w, &c)| (w, c as u32)));
            }
            s.add_patient(&b[0], &b[1]);
        }
        s
    }

    /// Inverse CLAIME weights r_M(w) = Gamma_M / gamma_M(w), gamma_M(w) = sum_i x_iw (T_i - 1);
    /// 0 where gamma_M(w) = 0.
    pub fn claime_weights(&self) -> [Vec<f64>; 2] {
        let mut out = [vec![0.0; self.d1], vec![0.0; self.d2]];
        for (m, r) in out.iter_mut().enumerate() {
            let b = &self.bags[m];
            for i in 0..self.len() {
                let (idx, cnt) = b.patient(i);
                for (&w, &c) in idx.iter().zip(cnt) {
                    r[w as usize] += c * (b.total[i] - 1.0);
                }
            }
            invert_normalised(r);
        }
        out
    }

    /// Inverse CL weights r(w) = C(.,.) / C(w,.) over the d1 + d2 concatenated features (codes
    /// first), C(w,.) = sum_i x_iw (T_i - 1) with T_i = T_i^(1) + T_i^(2); 0 where C(w,.) = 0.
    pub fn cl_weights(&self) -> Vec<f64> {
        let mut r = vec![0.0; self.d1 + self.d2];
        for i in 0..self.len() {
            let t = self.bags[0].total[i] + self.bags[1].total[i];
            for (m, shift) in [(0usize, 0usize), (1, self.d1)] {
                let (idx, cnt) = self.bags[m].patient(i);
                for (&w, &c) in idx.iter().zip(cnt) {
                    r[shift + w as usize] += c * (t - 1.0);
                }
            }
        }
        invert_normalised(&mut r);
        r
    }

    /// (D12(.,.), Cc(.,.)) = (sum_i T1_i T2_i, sum_{i != j} T1_i T2_j): the normalisers of the
    /// linear loss's positive and negative terms.
    pub fn claime_totals(&self) -> (f64, f64) {
        let (t1, t2) = (&self.bags[0].total, &self.bags[1].total);
        let pos: f64 = t1.iter().zip(t2).map(|(a, b)| a * b).sum();
        let (s1, s2): (f64, f64) = (t1.iter().sum(), t2.iter().sum());
        (pos, s1 * s2 - pos)
    }
}

/// x -> sum(x) / x where x > 0, else 0.
fn invert_normalised(x: &mut [f64]) {
    let total: f64 = x.iter().sum();
    for v in x.iter_mut() {
        *v = if *v > 0.0 { total / *v } else { 0.0 };
    }
}
