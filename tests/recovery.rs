//! Seeded statistical tests of recovery against the planted truth (model.md §2, §6, Theorem 3.1,
//! Corollary 3.1), with explicit tolerances.

use claime::{run, Method, NoiseKind, Params, Report, Session};

const ALL: [Method; 3] = [Method::Claime, Method::Concate, Method::Cl];

fn report(params: Params, methods: &[Method]) -> Report {
    run(params, methods, &mut || 0.0).unwrap()
}

fn dist(r: &Report, m: &str) -> f64 {
    r.methods[m].metrics.projection_distance
}

#[test]
fn strong_signal_every_method_recovers() {
    // Signal 4, d = 400, n = 20000: every projection distance well below 0.5 (sqrt(2p) = 2.83).
    let r = report(Params { d1: 200, d2: 200, signal: 4.0, n: 20_000, seed: 3, ..Params::default() }, &ALL);
    for m in ["claime", "concate", "cl"] {
        assert!(dist(&r, m) < 0.5, "{m}: {}", dist(&r, m));
        assert!(r.methods[m].metrics.similarity_correlation > 0.95, "{m}");
        assert!(r.methods[m].metrics.relatedness_auc > 0.9, "{m}");
    }
}

#[test]
fn claime_error_falls_as_patients_grow() {
    let base = Params { d1: 200, d2: 200, signal: 4.0, seed: 5, ..Params::default() };
    let errs: Vec<f64> = [5_000, 10_000, 20_000, 40_000]
        .iter()
        .map(|&n| dist(&report(Params { n, ..base.clone() }, &[Method::Claime]), "claime"))
        .collect();
    // Error ~ n^(-1/2): each doubling should cut it by a clear margin (1/sqrt(2) = 0.71 in theory).
    for w in errs.windows(2) {
        assert!(w[1] < 0.85 * w[0], "errors {errs:?}");
    }
}

#[test]
fn orthogonal_noise_defeats_concatenation_but_not_claime() {
    // Corollary 3.1: noise variance tau^2 = 25 in a subspace orthogonal to the truth (signal 2,
    // so the noise dominates the within-modality PMI). sqrt(2p) = 2.83 means nothing recovered.
    let base = Params {
        d1: 200,
        d2: 200,
        noise: NoiseKind::Orthogonal,
        tau2: 25.0,
        signal: 2.0,
        seed: 7,
        ..Params::default()
    };
    let small = report(Params { n: 10_000, ..base.clone() }, &ALL);
    let large = report(Params { n: 80_000, ..base }, &ALL);
    let none = (8.0f64).sqrt();
    for m in ["concate", "cl"] {
        for r in [&small, &large] {
            assert!(dist(r, m) > none - 0.15, "{m} should fail: {}", dist(r, m));
        }
    }
    assert!(
        dist(&large, "claime") < 0.6 * dist(&small, "claime"),
        "{} -> {}",
        dist(&small, "claime"),
        dist(&large, "claime")
    );
    assert!(dist(&large, "claime") < 0.5);
}

#[test]
fn no_signal_means_no_recovery() {
    let r = report(Params { d1: 100, d2: 100, signal: 0.0, n: 5_000, ..Params::default() }, &[Method::Claime]);
    // With s = 0 the truth is the zero matrix; its column space is empty and the distance is sqrt(p).
    assert!(dist(&r, "claime") >= 1.9, "{}", dist(&r, "claime"));
}

#[test]
fn same_seed_same_numbers_other_seed_other_numbers() {
    let p = Params { d1: 60, d2: 60, n: 3_000, signal: 3.0, ..Params::default() };
    let a = report(p.clone(), &ALL);
    let b = report(p.clone(), &ALL);
    let c = report(Params { seed: 2, ..p }, &ALL);
    assert_eq!(a, b);
    assert_ne!(a.methods["claime"].metrics, c.methods["claime"].metrics);
}

#[test]
fn streaming_in_chunks_equals_one_pass() {
    let p = Params { d1: 40, d2: 30, n: 2_000, signal: 3.0, ..Params::default() }.check().unwrap();
    let mut whole = claime::Session::new(p.clone(), true);
    whole.advance(usize::MAX);
    let mut chunks = claime::Session::new(p, true);
    while !chunks.done() {
        chunks.advance(333);
    }
    assert_eq!(whole.stats(), chunks.stats());
    assert_eq!(chunks.patients(), 2_000);
}

#[test]
fn claime_with_its_spectrum_matches_the_rank_p_fit() {
    // One rank-12 SVD gives the same CLAIME embeddings as the rank-p fit (to the solver's
    // tolerance) and the leading 12 singular values, largest first.
    let params = Params { d1: 120, d2: 100, n: 4000, signal: 3.0, ..Params::default() }.check().unwrap();
    let mut s = Session::new(params, false);
    s.advance(usize::MAX);
    let plain = claime::estimators::claime::fit(s.stats(), 4, 1).unwrap();
    let (fit, spectrum) = claime::estimators::claime::fit_with_spectrum(s.stats(), 4, 12, 1).unwrap();
    assert_eq!(spectrum.len(), 12);
    assert!(spectrum.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(fit.spectrum.len(), 4);
    for (a, b) in fit.spectrum.iter().zip(&plain.spectrum) {
        assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}");
    }
    let d = claime::metrics::projection_distance(claime::linalg::mat(&fit.v1), claime::linalg::mat(&plain.v1))
        .max(claime::metrics::projection_distance(claime::linalg::mat(&fit.v2), claime::linalg::mat(&plain.v2)));
    assert!(d < 1e-8, "distance between the two fits {d}");
}
