//! Summary statistics and PMI matrices against brute force over every token pair of a tiny
//! cohort; merge additivity; chunk invariance.

use claime::estimators::{cl, claime as claime_est, concate};
use claime::simulate::{PatientSampler, Truth};
use claime::stats::row_major;
use claime::{NoiseKind, Params, SummaryStats};

/// One patient's token lists (feature index per token), codes and CUIs.
type Tokens = (Vec<usize>, Vec<usize>);

fn tiny() -> claime::ValidParams {
    Params { d1: 5, d2: 4, p: 2, n: 40, mean_t: 4.0, noise: NoiseKind::Ar1, signal: 3.0, seed: 9, ..Params::default() }
        .check()
        .unwrap()
}

/// Draws the cohort, keeping every patient's tokens and the streamed statistics.
fn cohort(params: &claime::ValidParams, within: bool) -> (Vec<Tokens>, SummaryStats) {
    let truth = Truth::draw(params);
    let mut sampler = PatientSampler::new(params);
    let mut stats = SummaryStats::new(params.d1, params.d2, within);
    let mut bags = [Vec::new(), Vec::new()];
    let mut out = Vec::new();
    for _ in 0..params.n {
        sampler.next_patient(&truth, &mut bags);
        stats.add_patient(&bags[0], &bags[1]);
        let expand = |bag: &Vec<(u32, u32)>| {
            bag.iter().flat_map(|&(w, c)| std::iter::repeat(w as usize).take(c as usize)).collect()
        };
        out.push((expand(&bags[0]), expand(&bags[1])));
    }
    (out, stats)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-10 * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn statistics_equal_brute_force_pair_counts() {
    let params = tiny();
    let (pats, stats) = cohort(&params, true);
    let (d1, d2) = (params.d1, params.d2);
    let mut d12 = vec![0.0; d1 * d2];
    let mut c11 = vec![0.0; d1 * d1];
    let mut gamma1 = vec![0.0; d1];
    for (a, b) in &pats {
        for &w in a {
            for &v in b {
                d12[w * d2 + v] += 1.0;
            }
        }
        // Ordered pairs of distinct positions within the codes.
        for (i, &w) in a.iter().enumerate() {
            for (j, &v) in a.iter().enumerate() {
                if i != j {
                    c11[w * d1 + v] += 1.0;
                    gamma1[w] += 1.0;
                }
            }
        }
    }
    assert_eq!(row_major(&stats.d12), d12);
    assert_eq!(stats.gamma1, gamma1);
    let within = stats.within.as_ref().unwrap();
    for w in 0..d1 {
        for v in w..d1 {
            assert_eq!(within.c11[[w, v]], c11[w * d1 + v], "C11({w},{v})");
        }
    }
}

#[test]
fn claime_pmi_equals_brute_force_over_all_token_pairs() {
    let params = tiny();
    let (pats, stats) = cohort(&params, false);
    let (d1, d2) = (params.d1, params.d2);
    // Same-patient and cross-patient cross-modal pairs, token by token.
    let (mut same, mut cross) = (vec![0.0; d1 * d2], vec![0.0; d1 * d2]);
    let (mut g1, mut g2) = (vec![0.0; d1], vec![0.0; d2]);
    for (i, (a, _)) in pats.iter().enumerate() {
        for (j, (_, b)) in pats.iter().enumerate() {
            for &w in a {
                for &v in b {
                    if i == j {
                        same[w * d2 + v] += 1.0
                    } else {
                        cross[w * d2 + v] += 1.0
                    }
                }
            }
        }
    }
    for (a, b) in &pats {
        for &w in a {
            g1[w] += (a.len() - 1) as f64;
        }
        for &v in b {
            g2[v] += (b.len() - 1) as f64;
        }
    }
    let (s_tot, c_tot): (f64, f64) = (same.iter().sum(), cross.iter().sum());
    let (g1t, g2t): (f64, f64) = (g1.iter().sum(), g2.iter().sum());
    let pmi = claime_est::pmi(&stats).unwrap();
    for w in 0..d1 {
        for v in 0..d2 {
            let expect = if g1[w] > 0.0 && g2[v] > 0.0 {
                g1t * g2t / (g1[w] * g2[v]) * (same[w * d2 + v] / s_tot - cross[w * d2 + v] / c_tot)
            } else {
                0.0
            };
            assert!(close(pmi[(w, v)], expect), "PMI({w},{v}) = {} vs {expect}", pmi[(w, v)]);
        }
    }
}

#[test]
fn concate_and_cl_pmi_equal_brute_force() {
    let params = tiny();
    let (pats, stats) = cohort(&params, true);
    let d = params.d1 + params.d2;
    // Concatenated tokens: CUIs shifted by d1.
    let cat: Vec<Vec<usize>> =
        pats.iter().map(|(a, b)| a.iter().cloned().chain(b.iter().map(|v| v + params.d1)).collect()).collect();
    let (mut c, mut dm) = (vec![0.0; d * d], vec![0.0; d * d]);
    for (i, x) in cat.iter().enumerate() {
        for (j, y) in cat.iter().enumerate() {
            for (s, &w) in x.iter().enumerate() {
                for (t, &v) in y.iter().enumerate() {
                    if i == j && s != t {
                        c[w * d + v] += 1.0;
                    } else if i != j {
                        dm[w * d + v] += 1.0;
                    }
                }
            }
        }
    }
    let rows: Vec<f64> = (0..d).map(|w| (0..d).map(|v| c[w * d + v]).sum()).collect();
    let (ct, dt): (f64, f64) = (c.iter().sum(), dm.iter().sum());
    let pc = concate::pmi(&stats).unwrap();
    let pl = cl::pmi(&stats).unwrap();
    for w in 0..d {
        for v in 0..d {
            let cwv = c[w * d + v];
            let e_cat = if cwv > 0.0 { (cwv * ct / (rows[w] * rows[v])).ln() } else { 0.0 };
            let e_cl = if rows[w] > 0.0 && rows[v] > 0.0 {
                ct * ct / (rows[w] * rows[v]) * (cwv / ct - dm[w * d + v] / dt)
            } else {
                0.0
            };
            assert!((pc[(w, v)] - e_cat).abs() < 1e-12, "Concate PMI({w},{v})");
            assert!(close(pl[(w, v)], e_cl), "CL PMI({w},{v}) = {} vs {e_cl}", pl[(w, v)]);
        }
    }
}

#[test]
fn merging_two_cohorts_equals_their_union() {
    let params = Params { d1: 30, d2: 20, p: 3, n: 600, seed: 4, ..Params::default() }.check().unwrap();
    let truth = Truth::draw(&params);
    let mut sampler = PatientSampler::new(&params);
    let (mut a, mut b) = (SummaryStats::new(30, 20, true), SummaryStats::new(30, 20, true));
    sampler.draw_into(&truth, 250, &mut a);
    sampler.draw_into(&truth, 350, &mut b);
    let mut whole = SummaryStats::new(30, 20, true);
    PatientSampler::new(&params).draw_into(&truth, 600, &mut whole);
    a.merge(&b).unwrap();
    assert_eq!(a, whole);
    assert_eq!(a.patients, 600.0);
}

/// Patients come from the stream's blocks: a sampler moved by `seek` (ahead, inside a block, at a
/// block's start, back again) draws exactly the patients a sampler from patient 0 draws there,
/// under every noise structure; blocks differ from one another.
#[test]
fn seeking_draws_the_same_patients_as_drawing_through() {
    use claime::rng::PATIENT_BLOCK;
    for noise in [NoiseKind::Spike, NoiseKind::Ar1, NoiseKind::Orthogonal, NoiseKind::None] {
        let params = Params { d1: 30, d2: 20, p: 3, n: 5_000, noise, seed: 8, ..Params::default() }.check().unwrap();
        let truth = Truth::draw(&params);
        let mut through = PatientSampler::new(&params);
        let mut bags = [Vec::new(), Vec::new()];
        let all: Vec<_> = (0..2_600)
            .map(|_| {
                through.next_patient(&truth, &mut bags);
                bags.clone()
            })
            .collect();
        assert_ne!(all[0], all[PATIENT_BLOCK], "blocks start differently");
        let mut moved = PatientSampler::new(&params);
        for first in [1_700, 2 * PATIENT_BLOCK, 999, 0, 2_599] {
            moved.seek(&truth, first);
            assert_eq!(moved.drawn(), first);
            for want in &all[first..(first + 700).min(all.len())] {
                moved.next_patient(&truth, &mut bags);
                assert_eq!(&bags, want, "{noise:?}, seek to {first}");
            }
        }
    }
}

/// A session simulating on several threads (in chunks that start inside blocks, with and
/// without within-modality counts) gathers exactly the statistics of one thread.
#[test]
fn threads_gather_the_same_statistics() {
    for within in [false, true] {
        let params = Params { d1: 30, d2: 20, p: 3, n: 7_321, noise: NoiseKind::Ar1, seed: 5, ..Params::default() }
            .check()
            .unwrap();
        let mut one = claime::Session::new(params.clone(), within);
        one.advance(usize::MAX);
        let mut many = claime::Session::new(params, within);
        many.set_threads(3);
        for chunk in [2_500, 1_234, 10_000] {
            many.advance(chunk);
        }
        assert_eq!(many.patients(), 7_321);
        assert_eq!(many.stats(), one.stats());
    }
}

#[test]
fn merging_different_feature_counts_is_an_error() {
    let mut a = SummaryStats::new(3, 4, false);
    let b = SummaryStats::new(4, 4, false);
    let e = a.merge(&b).unwrap_err().to_string();
    assert!(e.contains("3x4") && e.contains("4x4"), "{e}");
}

#[test]
fn lengths_are_at_least_two_and_average_the_poisson_mean() {
    let params = Params { d1: 20, d2: 20, p: 2, n: 4000, mean_t: 3.0, ..Params::default() }.check().unwrap();
    let truth = Truth::draw(&params);
    let mut sampler = PatientSampler::new(&params);
    let mut bags = [Vec::new(), Vec::new()];
    let mut total = 0.0;
    for _ in 0..params.n {
        sampler.next_patient(&truth, &mut bags);
        for bag in &bags {
            let t: u32 = bag.iter().map(|x| x.1).sum();
            assert!(t >= 2);
            total += t as f64;
        }
    }
    // E[T | T >= 2] for Poisson(3): (3 - P(T=1)) / (1 - P(0) - P(1)) = 3.4958...
    let e = (-3.0f64).exp();
    let expect = (3.0 - 3.0 * e) / (1.0 - e - 3.0 * e);
    let mean = total / (2.0 * params.n as f64);
    assert!((mean - expect).abs() < 0.05, "mean length {mean} vs {expect}");
}

#[test]
fn staged_streaming_equals_patient_by_patient_addition() {
    // draw_into stages pair counts in bytes with per-row flushes and flushes at the end;
    // add_patient adds f64 directly. Mean lengths 2.5 (D12 entry by entry), 20 (D12 by dense
    // rows, features counted more than once, row flushes), 400 (rows whose increase cannot be
    // staged in bytes) and 7000 (counts of 256 and more: those patients bypass the staging).
    for (within, mean_t) in [(true, 2.5), (false, 20.0), (true, 20.0), (true, 400.0), (false, 7000.0)] {
        let params = Params { d1: 25, d2: 35, p: 3, n: 700, mean_t, seed: 12, ..Params::default() }.check().unwrap();
        let truth = Truth::draw(&params);
        let mut staged = SummaryStats::new(25, 35, within);
        PatientSampler::new(&params).draw_into(&truth, 700, &mut staged);
        let mut direct = SummaryStats::new(25, 35, within);
        let mut sampler = PatientSampler::new(&params);
        let mut bags = [Vec::new(), Vec::new()];
        for _ in 0..700 {
            sampler.next_patient(&truth, &mut bags);
            direct.add_patient(&bags[0], &bags[1]);
        }
        assert_eq!(staged, direct);
    }
}
