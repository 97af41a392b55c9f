//! One replicate at the paper's scale (d = 1000, n = 100000, p = 4): simulation with summary
//! statistics, and each estimator's fit, timed separately. Benchmark ids carry their sizes.
//! `replicate/all_methods/*` fits CLAIME, Concate and CL (so the within-modality counts are
//! collected); `replicate/claime_only/*` is the work of scripts/numpy_baseline.py (simulation,
//! cross-modal statistics, the CLAIME fit and its metrics).
//! Run: `cargo bench --bench replicate` (figures go to docs/benchmarks.md via `npm run bench`).

use claime::{Method, NoiseKind, Params, Session};
use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;

fn paper(noise: NoiseKind) -> Params {
    Params { d1: 500, d2: 500, p: 4, n: 100_000, noise, ..Params::default() }
}

fn replicate(c: &mut Criterion) {
    let mut g = c.benchmark_group("replicate");
    g.sample_size(10).measurement_time(Duration::from_secs(30)).warm_up_time(Duration::from_secs(1));
    for noise in [NoiseKind::Ar1, NoiseKind::Spike] {
        let params = paper(noise);
        let id = format!("all_methods/{}/d1000_n100000_p4", noise.name());
        g.bench_function(&id, |b| {
            b.iter(|| claime::run(params.clone(), &[Method::Claime, Method::Concate, Method::Cl], &mut || 0.0).unwrap())
        });
        let id = format!("claime_only/{}/d1000_n100000_p4", noise.name());
        g.bench_function(&id, |b| b.iter(|| claime::run(params.clone(), &[Method::Claime], &mut || 0.0).unwrap()));
    }
    g.finish();

    let mut g = c.benchmark_group("stage");
    g.sample_size(10).measurement_time(Duration::from_secs(20)).warm_up_time(Duration::from_secs(1));
    let params = paper(NoiseKind::Ar1).check().unwrap();
    g.bench_function("simulate_with_within/ar1/d1000_n100000", |b| {
        b.iter(|| {
            let mut s = Session::new(params.clone(), true);
            s.advance(usize::MAX)
        })
    });
    g.bench_function("simulate_claime_only/ar1/d1000_n100000", |b| {
        b.iter(|| {
            let mut s = Session::new(params.clone(), false);
            s.advance(usize::MAX)
        })
    });
    // The AR(1) noise's normals alone: one row of d_M = 500 per patient and modality, the 10^8
    // draws of a replicate, from the patient stream's generator (the floor under the AR(1)
    // simulation that no reordering of the same draws removes).
    g.bench_function("ar1_normals/d1000_n100000", |b| {
        let (mut nrm, mut row) = (claime::rng::Normal::new(), vec![0.0; 500]);
        b.iter(|| {
            let mut rng = claime::rng::patient_rng(1, 0);
            for _ in 0..2 * 100_000 {
                nrm.fill(&mut rng, &mut row);
            }
            row[0]
        })
    });
    let mut s = Session::new(params.clone(), true);
    s.advance(usize::MAX);
    for m in [Method::Claime, Method::Concate, Method::Cl] {
        g.bench_function(format!("fit/{}/d1000_p4", m.name()), |b| b.iter(|| s.fit(m).unwrap()));
    }
    let fit = s.fit(Method::Claime).unwrap();
    g.bench_function("metrics/d1000_p4", |b| b.iter(|| s.evaluate(&fit)));
    g.finish();
}

criterion_group!(benches, replicate);
criterion_main!(benches);
