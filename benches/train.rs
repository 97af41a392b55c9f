//! One full pass (loss gradient and GD step) of CLAIME-GD at the paper's scale: n = 20000
//! patients, d = 1000 features (d1 = d2 = 500), p = 4, mean T = 50 per modality. The benchmark id
//! carries the sizes. Seeded: the same cohort every run.

use claime::params::Params;
use claime::train::{Cohort, TrainParams, TrainerKind};
use claime::Session;
use criterion::{criterion_group, criterion_main, Criterion};
use std::sync::Arc;

fn claime_gd_pass(c: &mut Criterion) {
    let params = Params { d1: 500, d2: 500, p: 4, n: 20_000, seed: 1, ..Params::default() }.check().unwrap();
    let session = Session::new(params.clone(), false);
    let cohort = Arc::new(Cohort::draw(&params, session.truth(), params.n));
    let tp = TrainParams::default().check().unwrap();
    let mut trainer = TrainerKind::ClaimeGd.build(cohort, 4, &tp, 1).unwrap();
    let mut group = c.benchmark_group("train");
    group.sample_size(30);
    group.bench_function("claime_gd_pass/n=20000/d=1000/p=4", |b| b.iter(|| trainer.step()));
    group.finish();
}

criterion_group!(benches, claime_gd_pass);
criterion_main!(benches);
