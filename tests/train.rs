//! Trainers (src/train/): convergence to the SVD solutions, gradients against central finite
//! differences, the O(n p) cross-patient identity against the O(n^2) double sum, the temperature
//! trend and determinism. Seeded; tolerances stated at each assertion.

use claime::estimators::{claime as claime_est, Method};
use claime::params::{NoiseKind, Params};
use claime::train::concat::ConcatLoss;
use claime::train::linear::LinearLoss;
use claime::train::report::distance_between;
use claime::train::{sampled, temperature, Cohort, TrainParams, Trainer, TrainerKind};
use claime::Session;
use std::sync::Arc;

fn session(params: Params, within: bool) -> Session {
    let mut s = Session::new(params.check().unwrap(), within);
    s.advance(usize::MAX);
    s
}

fn strong() -> Params {
    Params { d1: 100, d2: 100, p: 4, n: 5000, signal: 4.0, seed: 7, ..Params::default() }
}

#[test]
fn explore() {
    let s = session(strong(), true);
    let cohort = Arc::new(Cohort::draw(s.params(), s.truth(), s.patients()));
    assert_eq!(cohort.stats(true), *s.stats());
    let tp = TrainParams::default().check().unwrap();
    for kind in [TrainerKind::ClaimeGd, TrainerKind::ClGd] {
        let svd = s.fit(kind.reference()).unwrap();
        let mut t = kind.build(cohort.clone(), 4, &tp, 7).unwrap();
        let t0 = std::time::Instant::now();
        for it in 0..2000 {
            t.step();
            if it % 100 == 0 {
                let (v1, v2) = t.embeddings();
                println!("{} it {it} loss {:.6e} dist {:.4e}", kind.name(), t.loss(), distance_between((&v1, &v2), (&svd.v1, &svd.v2)));
            }
        }
        println!("{:?}", t0.elapsed());
    }
}

#[test]
fn explore2() {
    let s = session(strong(), false);
    let cohort = Arc::new(Cohort::draw(s.params(), s.truth(), s.patients()));
    let svd = s.fit(Method::Claime).unwrap();
    let mut truth_d = |name: &str, t: &dyn Trainer| { let (v1, v2) = t.embeddings(); let m = s.evaluate(&claime::Fit{v1: v1.clone(), v2: v2.clone(), spectrum: vec![], zero_rows: (0,0)}); println!("{name} dist_svd {:.4} err {:.4} loss {:.4e}", distance_between((&v1, &v2), (&svd.v1, &svd.v2)), m.projection_distance, t.loss()); };
    println!("svd err {:.4}", s.evaluate(&svd).projection_distance);
    for (kind, tau) in [(TrainerKind::ClaimeSgd, 1.0), (TrainerKind::ClaimeTemp, f64::INFINITY), (TrainerKind::ClaimeTemp, 1000.0), (TrainerKind::ClaimeTemp, 100.0), (TrainerKind::ClaimeTemp, 10.0), (TrainerKind::ClaimeTemp, 1.0)] {
        let tp = TrainParams { temperature: tau, ..TrainParams::default() }.check().unwrap();
        let mut t = kind.build(cohort.clone(), 4, &tp, 7).unwrap();
        let t0 = std::time::Instant::now();
        for e in 0..40 {
            t.epoch();
            if e % 5 == 4 { truth_d(&format!("{} tau {tau} epoch {e}", kind.name()), t.as_ref()); }
        }
        println!("{:?}", t0.elapsed());
    }
}
