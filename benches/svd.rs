//! The CLAIME fit at the paper's real-data size (d1 = 3500 codes, d2 = 1000 CUIs, p = 4): the
//! PMI from summary statistics, its rank-p truncated SVD, and both together (the fit). The
//! statistics are those of `claime simulate --d1 3500 --d2 1000 --n 3000 --mean-t 20` (seed 1),
//! which scripts/numpy_baseline.py reads for the same task. Benchmark ids carry their sizes.
//! Run: `cargo bench --bench svd` (figures go to docs/benchmarks.md via `npm run bench`).

use claime::estimators::claime::{fit, pmi};
use claime::linalg::truncated_svd;
use claime::{Params, Session};
use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;

/// The real-data size with a small simulated cohort (the matrix size is what matters here).
fn real_size() -> Params {
    Params { d1: 3500, d2: 1000, p: 4, n: 3000, mean_t: 20.0, seed: 1, ..Params::default() }
}

fn svd(c: &mut Criterion) {
    let params = real_size().check().unwrap();
    let mut session = Session::new(params.clone(), false);
    session.advance(usize::MAX);
    let stats = session.stats();
    let m = pmi(stats).unwrap();
    let mut g = c.benchmark_group("svd");
    g.sample_size(10).measurement_time(Duration::from_secs(15)).warm_up_time(Duration::from_secs(1));
    g.bench_function("claime_fit/d1=3500_d2=1000_p=4", |b| b.iter(|| fit(stats, params.p, params.seed).unwrap()));
    g.bench_function("pmi/d1=3500_d2=1000", |b| b.iter(|| pmi(stats).unwrap()));
    g.bench_function("truncated_svd/d1=3500_d2=1000_p=4", |b| {
        b.iter(|| truncated_svd(m.as_ref(), params.p, params.seed).unwrap())
    });
    g.finish();
}

criterion_group!(benches, svd);
criterion_main!(benches);
