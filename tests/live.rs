//! The live trainer of the page's "Training" section (src/train/live.rs): a retrained trainer
//! against one built from scratch, the cohort's kept estimates, statistics counted from the
//! cohort, and SVD solutions taken from the explorer's fits. Bit-for-bit comparisons, seeded.

use claime::estimators::Method;
use claime::params::Params;
use claime::train::live::LiveTrainer;
use claime::train::{Cohort, TrainParams, TrainerKind};
use claime::Session;
use std::sync::Arc;

fn session(params: Params, within: bool) -> Session {
    let mut s = Session::new(params.check().unwrap(), within);
    s.advance(usize::MAX);
    s
}

fn cohort_of(s: &Session) -> Arc<Cohort> {
    Arc::new(Cohort::draw(s.params(), s.truth(), s.patients()))
}

/// The states of a live trainer after a few `step` calls: (iteration, loss, error, distance to
/// the SVD solution, its error) as bits, and the alignment view's SVG.
fn live_states(live: &mut LiveTrainer) -> (Vec<[u64; 5]>, String) {
    let states = [0, 1, 3, 5]
        .iter()
        .map(|&k| {
            let p = live.step(k);
            [
                p.iteration as u64,
                p.loss.to_bits(),
                p.error.to_bits(),
                p.distance_to_svd.to_bits(),
                p.svd_error.to_bits(),
            ]
        })
        .collect();
    (states, live.alignment_svg(50, 400, 300).unwrap())
}

#[test]
fn a_retrained_live_trainer_matches_one_built_from_scratch() {
    // A control change in the training section (tau, trainer, lr, lambda) keeps the explorer's
    // parameters: `retrain` reuses the simulated patients, their bags and, when the reference
    // method is the same, the SVD solution. Its states must be those of `LiveTrainer::new`, bit
    // for bit, whatever came before: a tau change, CLAIME-GD -> CL-GD (another reference, whose
    // within-modality counts the CLAIME-only session lacks), back to a kept reference, and the
    // linear limit.
    let params = Params { d1: 30, d2: 24, n: 600, signal: 3.0, seed: 5, ..Params::default() }.check().unwrap();
    let tp = |temperature: f64, lambda: f64, lr: Option<f64>| {
        TrainParams { temperature, lambda, lr, batch: 64, ..TrainParams::default() }.check().unwrap()
    };
    let first = tp(1.0, 1.0, None);
    let mut live = LiveTrainer::new(params.clone(), TrainerKind::ClaimeTemp, &first).unwrap();
    live.step(7);
    let changes = [
        ("tau 1 -> 0.3", TrainerKind::ClaimeTemp, tp(0.3, 1.0, None)),
        ("claime-temp -> claime-gd", TrainerKind::ClaimeGd, tp(0.3, 1.0, None)),
        ("claime-gd -> cl-gd (CL's reference)", TrainerKind::ClGd, tp(0.3, 1.0, None)),
        ("cl-gd -> claime-temp, tau 4, lambda 2", TrainerKind::ClaimeTemp, tp(4.0, 2.0, None)),
        ("lr 0.01", TrainerKind::ClaimeTemp, tp(4.0, 2.0, Some(0.01))),
        ("claime-sgd", TrainerKind::ClaimeSgd, tp(4.0, 2.0, None)),
        ("back to cl-gd, lr 0.3", TrainerKind::ClGd, tp(f64::INFINITY, 1.0, Some(0.3))),
        ("tau infinity", TrainerKind::ClaimeTemp, tp(f64::INFINITY, 1.0, None)),
    ];
    let mut svd_errors = Vec::new();
    for (what, kind, train) in changes {
        live.retrain(kind, &train).unwrap();
        let got = live_states(&mut live);
        let fresh = live_states(&mut LiveTrainer::new(params.clone(), kind, &train).unwrap());
        assert_eq!(got.0, fresh.0, "{what}: the states differ from a trainer built from scratch");
        assert_eq!(got.1, fresh.1, "{what}: the alignment views differ");
        assert_eq!(got.0[0][0], 0, "{what}: a retrained trainer starts at iteration 0");
        svd_errors.push(got.0[0][4]);
        live.step(3); // the next change comes mid-training
    }
    // The two references are different solutions (so the test would see the wrong one).
    assert_ne!(svd_errors[1], svd_errors[2], "CLAIME's and CL's SVD errors coincide");
}

#[test]
fn a_cohort_keeps_each_estimate_per_key_and_seed_until_it_changes() {
    let mut c = Cohort::new(3, 3);
    c.push(&[(0, 2)], &[(1, 1)]);
    assert_eq!(c.memo("a", 1, || 1.5), 1.5);
    assert_eq!(c.memo("a", 1, || panic!("computed again")), 1.5, "kept");
    assert_eq!(c.memo("a", 2, || 2.5), 2.5, "another seed");
    assert_eq!(c.memo("b", 1, || 3.5), 3.5, "another key");
    assert_eq!(c.clone().memo("a", 1, || 4.0), 4.0, "a clone starts without");
    c.push(&[(2, 1)], &[(0, 3)]);
    assert_eq!(c.memo("a", 1, || 5.0), 5.0, "a new patient clears them");
}

#[test]
fn a_session_from_a_cohorts_statistics_is_the_simulated_one() {
    // What retrain does for CL-GD after a CLAIME trainer: C11 and C22 counted from the bags.
    let params = Params { d1: 30, d2: 20, p: 2, n: 300, ..Params::default() };
    let simulated = session(params.clone(), true);
    let stats = cohort_of(&session(params.clone(), false)).stats(true);
    let mut built = Session::with_stats(params.clone().check().unwrap(), stats.clone()).unwrap();
    assert_eq!(built.stats(), simulated.stats());
    assert_eq!(built.advance(100), 300, "it does not simulate more");
    let (a, b) = (built.fit(Method::Cl).unwrap(), simulated.fit(Method::Cl).unwrap());
    assert_eq!((a.v1, a.v2), (b.v1, b.v2));
    let small = Params { n: 299, ..params.clone() }.check().unwrap();
    let err = Session::with_stats(small, stats.clone()).unwrap_err().to_string();
    assert!(err.contains("patients") && err.contains("299"), "{err}");
    let other = Params { d1: 31, ..params }.check().unwrap();
    let err = Session::with_stats(other, stats).unwrap_err().to_string();
    assert!(err.contains("30x20") && err.contains("31x20"), "{err}");
}

#[test]
fn a_live_trainer_takes_the_explorers_final_fits_as_its_svd_solutions() {
    // In the page the explorer's worker has already fitted CLAIME and CL at the trainer's
    // parameters; taking those fits (`with_references`, `adopt`) must give the states of a
    // trainer that fits its own, bit for bit, on both routes (a new trainer, and a retrain onto
    // CL-GD after a CLAIME trainer).
    use claime::explorer::{ChartSize, LiveRun};
    use claime::train::live::{Adopted, Origin};
    let params = Params { d1: 30, d2: 24, n: 600, signal: 3.0, seed: 5, ..Params::default() };
    let valid = params.clone().check_for(true).unwrap();
    let all = vec![Method::Claime, Method::Concate, Method::Cl];
    let mut run = LiveRun::new(valid.clone(), all.clone(), ChartSize::default());
    run.advance(300);
    run.snapshot(Method::Claime, &mut || 0.0).unwrap();
    assert!(run.final_fits(&params).is_empty(), "a run at 300 of 600 patients has no final fits");
    run.advance(usize::MAX);
    run.snapshot(Method::Claime, &mut || 0.0).unwrap();
    let other = Params { seed: 6, ..params.clone() };
    assert!(run.final_fits(&other).is_empty(), "fits of other parameters are not offered");
    let adopted: Vec<Adopted> = run
        .final_fits(&params)
        .into_iter()
        .map(|(method, f)| Adopted { method, v1: f.v1.clone(), v2: f.v2.clone() })
        .collect();
    assert_eq!(adopted.iter().map(|a| a.method).collect::<Vec<_>>(), all);

    let tp = TrainParams { batch: 64, ..TrainParams::default() }.check().unwrap();
    for kind in [TrainerKind::ClaimeTemp, TrainerKind::ClGd] {
        let mut fitted = LiveTrainer::new(valid.clone(), kind, &tp).unwrap();
        let mut taken = LiveTrainer::with_references(valid.clone(), kind, &tp, adopted.clone()).unwrap();
        assert_eq!((fitted.reference_origin(), taken.reference_origin()), (Origin::Fitted, Origin::Adopted));
        assert_eq!(live_states(&mut taken), live_states(&mut fitted), "{kind:?}: adopted vs fitted");
    }
    // A CLAIME trainer whose session has no C11, C22; then CL's fit arrives with a retrain.
    let mut live = LiveTrainer::new(valid.clone(), TrainerKind::ClaimeTemp, &tp).unwrap();
    live.adopt(adopted.clone()).unwrap();
    live.retrain(TrainerKind::ClGd, &tp).unwrap();
    assert_eq!(live.reference_origin(), Origin::Adopted);
    let fresh = live_states(&mut LiveTrainer::new(valid.clone(), TrainerKind::ClGd, &tp).unwrap());
    assert_eq!(live_states(&mut live), fresh, "retrain onto an adopted CL solution");
}

#[test]
fn adopted_svd_solutions_of_the_wrong_shape_or_not_finite_are_refused_whole() {
    use claime::train::live::{Adopted, Origin};
    let params = Params { d1: 30, d2: 24, n: 300, ..Params::default() }.check_for(true).unwrap();
    let tp = TrainParams::default().check().unwrap();
    let s = session(params.params().clone(), true);
    let good = |m: Method| {
        let f = s.fit(m).unwrap();
        Adopted { method: m, v1: f.v1, v2: f.v2 }
    };
    let mut short = good(Method::Claime);
    short.v1 = short.v1.slice(ndarray::s![..29, ..]).to_owned();
    let mut nan = good(Method::Claime);
    nan.v2[[3, 1]] = f64::NAN;
    for (bad, needle) in [
        (short, "reference claime v1: got (29, 4), expected shape (d1, p) = (30, 4)"),
        (nan, "reference claime v2: got NaN"),
    ] {
        let mut live = LiveTrainer::new(params.clone(), TrainerKind::ClaimeTemp, &tp).unwrap();
        // The good CL solution is refused with the bad one: nothing is kept.
        let err = live.adopt(vec![good(Method::Cl), bad.clone()]).unwrap_err().to_string();
        assert!(err.contains(needle), "{err}");
        live.retrain(TrainerKind::ClGd, &tp).unwrap();
        assert_eq!(live.reference_origin(), Origin::Fitted, "{needle}");
        let err = LiveTrainer::with_references(params.clone(), TrainerKind::ClaimeGd, &tp, vec![bad])
            .err()
            .expect("a bad reference is refused")
            .to_string();
        assert!(err.contains(needle), "{err}");
    }
}
