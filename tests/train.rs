//! Trainers (src/train/): convergence to the SVD solutions, gradients against central finite
//! differences, the O(n p) cross-patient identity against the O(n^2) double sum, the temperature
//! trend and determinism. Seeded; tolerances stated at each assertion.

use claime::estimators::{claime as claime_est, Method};
use claime::linalg::dense_svd;
use claime::params::{NoiseKind, Params};
use claime::rng::{stream, Normal, Stream};
use claime::train::concat::ConcatLoss;
use claime::train::linear::LinearLoss;
use claime::train::report::distance_between;
use claime::train::{
    parse_method_list, sampled, temperature, to_embedding, train_epochs, Cohort, TrainParams, Trainer, TrainerKind,
};
use claime::{Error, Session};
use faer::Mat;
use std::sync::Arc;

fn session(params: Params, within: bool) -> Session {
    let mut s = Session::new(params.check().unwrap(), within);
    s.advance(usize::MAX);
    s
}

/// The strong-signal setting of the issue: signal 4, d1 = d2 = 100, n = 5000, p = 4.
fn strong() -> Params {
    Params { d1: 100, d2: 100, p: 4, n: 5000, signal: 4.0, seed: 7, ..Params::default() }
}

fn cohort_of(s: &Session) -> Arc<Cohort> {
    Arc::new(Cohort::draw(s.params(), s.truth(), s.patients()))
}

fn train(
    kind: TrainerKind,
    cohort: &Arc<Cohort>,
    p: usize,
    tp: TrainParams,
    seed: u64,
    steps: usize,
) -> Box<dyn Trainer> {
    let mut t = kind.build(cohort.clone(), p, &tp.check().unwrap(), seed).unwrap();
    for _ in 0..steps {
        t.step();
    }
    t
}

#[test]
fn cohort_bags_give_the_sessions_statistics() {
    let s = session(Params { d1: 30, d2: 20, p: 2, n: 300, ..Params::default() }, true);
    let c = Cohort::draw(s.params(), s.truth(), s.patients());
    assert_eq!(c.len(), 300);
    assert_eq!(c.stats(true), *s.stats());
}

/// Trains `kind` on the strong setting (p = 4, default settings, seed 7) for `epochs` epochs and
/// returns the distance of its embeddings to those of the SVD method it should reach
/// (`kind.reference()`); `within` as for [`session`].
fn distance_to_reference(kind: TrainerKind, within: bool, epochs: usize) -> f64 {
    let s = session(strong(), within);
    let cohort = cohort_of(&s);
    let svd = s.fit(kind.reference()).unwrap();
    let mut t = kind.build(cohort, 4, &TrainParams::default().check().unwrap(), 7).unwrap();
    for _ in 0..epochs {
        t.epoch();
    }
    let (v1, v2) = t.embeddings();
    distance_between(
        (claime::linalg::mat(&v1), claime::linalg::mat(&v2)),
        (claime::linalg::mat(&svd.v1), claime::linalg::mat(&svd.v2)),
    )
}

#[test]
fn claime_gd_converges_to_claime_svd() {
    // Converges to rounding in under 100 passes here (measured: distance 2e-14 at pass 100).
    let dist = distance_to_reference(TrainerKind::ClaimeGd, false, 150);
    assert!(dist < 0.05, "CLAIME-GD to CLAIME-SVD: {dist}");
    assert!(dist < 1e-6, "expected convergence to rounding, got {dist}");
}

#[test]
fn the_loss_change_rule_stops_when_an_epoch_moves_the_loss_by_less_than_tol() {
    let s = session(strong(), false);
    let cohort = cohort_of(&s);
    let tol = 1e-6;
    let tp = TrainParams { epochs: 400, tol, ..TrainParams::default() }.check().unwrap();
    let mut t = TrainerKind::ClaimeGd.build(cohort.clone(), 4, &tp, 7).unwrap();
    let stopped = train_epochs(t.as_mut(), &tp);
    assert!(stopped < 400, "converges well before the cap here; stopped at {stopped}");
    // Replay the same seeded run epoch by epoch: the rule fired at the first epoch whose change
    // is below tol, and not before.
    let mut replay = TrainerKind::ClaimeGd.build(cohort, 4, &tp, 7).unwrap();
    let mut losses = vec![replay.loss()];
    for _ in 0..stopped {
        replay.epoch();
        losses.push(replay.loss());
    }
    let changes: Vec<f64> = losses.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    assert!(changes[stopped - 1] < tol, "last change {}", changes[stopped - 1]);
    assert!(changes[..stopped - 1].iter().all(|&c| c >= tol), "an earlier epoch was already below tol");
    assert_eq!(t.loss().to_bits(), replay.loss().to_bits());
    // tol = 0 trains every epoch.
    let all = TrainParams { epochs: 7, ..TrainParams::default() }.check().unwrap();
    let mut u = TrainerKind::ClaimeGd.build(cohort_of(&s), 4, &all, 7).unwrap();
    assert_eq!(train_epochs(u.as_mut(), &all), 7);
    assert_eq!(u.iterations(), 7);
}

#[test]
fn claime_gd_product_is_the_truncated_pmi_over_lambda() {
    // Proposition 2.1 with lambda = 2: V1 V2^T = rank-p truncation of PMI_CLAIME / lambda.
    let params =
        Params { d1: 60, d2: 50, p: 3, n: 3000, signal: 4.0, noise: NoiseKind::None, seed: 3, ..Params::default() };
    let s = session(params, false);
    let cohort = cohort_of(&s);
    let t = train(TrainerKind::ClaimeGd, &cohort, 3, TrainParams { lambda: 2.0, ..TrainParams::default() }, 3, 300);
    let (v1, v2) = t.embeddings();
    let m = claime::linalg::mat(&v1) * claime::linalg::mat(&v2).transpose();
    let pmi = claime_est::pmi(s.stats()).unwrap();
    let svd = dense_svd(pmi.as_ref(), 3).unwrap();
    let target =
        Mat::from_fn(60, 50, |i, j| (0..3).map(|k| svd.u[(i, k)] * svd.s[k] * svd.v[(j, k)]).sum::<f64>() / 2.0);
    let rel = (&m - &target).norm_l2() / target.norm_l2();
    assert!(rel < 1e-8, "relative Frobenius error of V1 V2^T: {rel}");
    // The loss at the minimiser is -||truncation||^2 / (2 lambda) = -(sum_k s_k^2) / 4.
    let expected = -svd.s.iter().map(|x| x * x).sum::<f64>() / 4.0;
    assert!((t.loss() - expected).abs() < 1e-8 * expected.abs(), "loss {} vs {expected}", t.loss());
}

#[test]
fn cl_gd_converges_to_cl() {
    // One step per epoch: 200 steps.
    let dist = distance_to_reference(TrainerKind::ClGd, true, 200);
    assert!(dist < 0.05, "CL-GD to CL: {dist}");
}

#[test]
fn claime_sgd_with_sampled_negatives_approaches_claime_svd() {
    let dist = distance_to_reference(TrainerKind::ClaimeSgd, false, 40);
    // Stochastic: measured 0.04 after 40 epochs at the default settings; 0.1 leaves room.
    assert!(dist < 0.1, "CLAIME-SGD to CLAIME-SVD: {dist}");
}

/// A tiny cohort and random (not small) parameters for derivative checks.
fn tiny() -> (Arc<Cohort>, Vec<f64>, Vec<f64>) {
    let params = Params { d1: 7, d2: 6, p: 2, n: 12, mean_t: 5.0, signal: 2.0, seed: 5, ..Params::default() };
    let s = session(params, false);
    let c = cohort_of(&s);
    let mut rng = stream(99, Stream::Metrics);
    let mut nrm = Normal::new();
    let v1 = (0..14).map(|_| 0.05 * nrm.sample(&mut rng)).collect();
    let v2 = (0..12).map(|_| 0.05 * nrm.sample(&mut rng)).collect();
    (c, v1, v2)
}

/// Relative error ||g - fd|| / ||g|| of a gradient against central differences of f.
fn check_gradient(f: &dyn Fn(&[f64]) -> f64, x: &[f64], g: &[f64]) -> f64 {
    let mut x = x.to_vec();
    let (mut err, mut norm) = (0.0, 0.0);
    for i in 0..x.len() {
        let h = 1e-5 * (1.0 + x[i].abs());
        let x0 = x[i];
        x[i] = x0 + h;
        let fp = f(&x);
        x[i] = x0 - h;
        let fm = f(&x);
        x[i] = x0;
        let fd = (fp - fm) / (2.0 * h);
        err += (fd - g[i]).powi(2);
        norm += g[i].powi(2);
    }
    (err / norm).sqrt()
}

/// Checks the gradient of a loss of (V1, V2) stacked into one vector.
fn check_pair(name: &str, d1p: usize, v1: &[f64], v2: &[f64], f: &dyn Fn(&[f64], &[f64]) -> (f64, Vec<f64>, Vec<f64>)) {
    let x: Vec<f64> = v1.iter().chain(v2).cloned().collect();
    let (_, g1, g2) = f(v1, v2);
    let g: Vec<f64> = g1.into_iter().chain(g2).collect();
    let rel = check_gradient(&|x| f(&x[..d1p], &x[d1p..]).0, &x, &g);
    assert!(rel < 1e-5, "{name}: relative gradient error {rel}");
}

#[test]
fn gradients_match_central_differences() {
    let (c, v1, v2) = tiny();
    let p = 2;
    let lin = LinearLoss::new(&c, 1.5).unwrap();
    check_pair("linear", 14, &v1, &v2, &|a, b| lin.loss_grad(&c, a, b, p));
    // Loss and loss_grad agree on the value.
    assert!((lin.loss(&c, &v1, &v2, p) - lin.loss_grad(&c, &v1, &v2, p).0).abs() < 1e-12);

    let batch = [0usize, 3, 5, 8];
    let negs = [1usize, 2, 4, 7, 9, 11, 1, 6];
    check_pair("sampled negatives", 14, &v1, &v2, &|a, b| sampled::batch_loss_grad(&lin, &c, &batch, &negs, a, b, p));

    for tau in [0.1, 1.0, 10.0, 1000.0, f64::INFINITY] {
        let all: Vec<usize> = (0..c.len()).collect();
        check_pair(&format!("temperature {tau}"), 14, &v1, &v2, &|a, b| {
            temperature::batch_loss_grad(&lin.r, &c, &all, a, b, p, 1.5, tau)
        });
    }

    let cl = ConcatLoss::new(&c, 0.7).unwrap();
    let v: Vec<f64> = v1.iter().chain(&v2).cloned().collect();
    let (value, g) = cl.loss_grad(&c, &v, p);
    assert!((value - cl.loss(&c, &v, p)).abs() < 1e-12);
    let rel = check_gradient(&|x| cl.loss(&c, x, p), &v, &g);
    assert!(rel < 1e-5, "concatenated: relative gradient error {rel}");
}

#[test]
fn exact_cross_term_equals_the_double_sum() {
    let (c, v1, v2) = tiny();
    let p = 2;
    let lin = LinearLoss::new(&c, 1.0).unwrap();
    // a_i = (1/T1_i) sum_w x_iw v_w / g_1(w), b_j likewise; s_ij = <a_i, b_j>.
    let rep = |m: usize, v: &[f64], i: usize| -> Vec<f64> {
        let (idx, cnt) = c.bags[m].patient(i);
        let mut out = vec![0.0; p];
        for (&w, &x) in idx.iter().zip(cnt) {
            for q in 0..p {
                out[q] += x * lin.r[m][w as usize] * v[w as usize * p + q] / c.bags[m].total[i];
            }
        }
        out
    };
    let mut brute = 0.0;
    let (mut pos_brute, mut t_pos, mut t_neg) = (0.0, 0.0, 0.0);
    for i in 0..c.len() {
        let a = rep(0, &v1, i);
        for j in 0..c.len() {
            let b = rep(1, &v2, j);
            let s: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            let w = c.bags[0].total[i] * c.bags[1].total[j];
            if i == j {
                pos_brute += w * s;
                t_pos += w;
            } else {
                brute += w * s;
                t_neg += w;
            }
        }
    }
    let fast = lin.cross_patient_term(&c, &v1, &v2, p);
    assert!((fast - brute).abs() <= 1e-10 * brute.abs().max(1e-300), "{fast} vs {brute}");
    assert!((lin.pos_total - t_pos).abs() < 1e-9 && (lin.neg_total - t_neg).abs() < 1e-9);
    // The whole loss against its definition.
    let (e1, e2) = (to_embedding(&v1, p), to_embedding(&v2, p));
    let reg = 0.5 * (claime::linalg::mat(&e1) * claime::linalg::mat(&e2).transpose()).norm_l2().powi(2);
    let direct = -pos_brute / t_pos + brute / t_neg + reg;
    let l = lin.loss(&c, &v1, &v2, p);
    assert!((l - direct).abs() < 1e-10 * direct.abs(), "{l} vs {direct}");
}

#[test]
fn higher_temperature_moves_towards_the_linear_solution() {
    let s = session(strong(), false);
    let cohort = cohort_of(&s);
    let svd = s.fit(Method::Claime).unwrap();
    let mut dist = Vec::new();
    for tau in [1.0, 10.0, 100.0, 1000.0] {
        let tp = TrainParams { temperature: tau, ..TrainParams::default() }.check().unwrap();
        let mut t = TrainerKind::ClaimeTemp.build(cohort.clone(), 4, &tp, 7).unwrap();
        for _ in 0..40 {
            t.epoch();
        }
        let (v1, v2) = t.embeddings();
        dist.push(distance_between(
            (claime::linalg::mat(&v1), claime::linalg::mat(&v2)),
            (claime::linalg::mat(&svd.v1), claime::linalg::mat(&svd.v2)),
        ));
    }
    // Measured (seed 7): about 1.03, 0.75, 0.19, 0.06. Each tenfold increase must cut the
    // distance by at least 0.02 (the minibatch noise floor is about 0.03), tau = 1000 must be
    // within 0.15 and at least 5 times closer than tau = 1.
    for w in dist.windows(2) {
        assert!(w[1] < w[0] - 0.02, "distances to CLAIME-SVD against tau = 1, 10, 100, 1000: {dist:?}");
    }
    assert!(dist[3] < 0.15 && dist[3] * 5.0 < dist[0], "{dist:?}");
}

#[test]
fn same_seed_gives_identical_trainers() {
    let s = session(Params { d1: 40, d2: 30, p: 3, n: 600, signal: 3.0, seed: 11, ..Params::default() }, false);
    let cohort = cohort_of(&s);
    for kind in [TrainerKind::ClaimeGd, TrainerKind::ClaimeSgd, TrainerKind::ClGd, TrainerKind::ClaimeTemp] {
        let tp = TrainParams { batch: 64, temperature: 5.0, ..TrainParams::default() };
        let a = train(kind, &cohort, 3, tp.clone(), 11, 25);
        let b = train(kind, &cohort, 3, tp.clone(), 11, 25);
        let c = train(kind, &cohort, 3, tp, 12, 25);
        let (ea, eb, ec) = (a.embeddings(), b.embeddings(), c.embeddings());
        assert!(ea.0 == eb.0 && ea.1 == eb.1, "{}: same seed, different embeddings", kind.name());
        assert_eq!(a.loss().to_bits(), b.loss().to_bits(), "{}", kind.name());
        assert!(ea.0 != ec.0, "{}: the seed has no effect", kind.name());
    }
}

#[test]
fn trainer_settings_name_the_bad_flag() {
    let cases: [(TrainParams, &str); 9] = [
        (TrainParams { lambda: 0.0, ..TrainParams::default() }, "lambda"),
        (TrainParams { lambda: f64::NAN, ..TrainParams::default() }, "lambda"),
        (TrainParams { lr: Some(-1.0), ..TrainParams::default() }, "lr"),
        (TrainParams { batch: 1, ..TrainParams::default() }, "batch"),
        (TrainParams { negatives: 0, ..TrainParams::default() }, "negatives"),
        (TrainParams { temperature: 0.0, ..TrainParams::default() }, "temperature"),
        (TrainParams { epochs: 0, ..TrainParams::default() }, "epochs"),
        (TrainParams { tol: -1e-6, ..TrainParams::default() }, "tol"),
        (TrainParams { tol: f64::NAN, ..TrainParams::default() }, "tol"),
    ];
    for (tp, flag) in cases {
        match tp.check() {
            Err(Error::Param { name, .. }) => assert_eq!(name, flag),
            other => panic!("{flag}: expected a parameter error, got {other:?}"),
        }
    }
    assert!(TrainParams { temperature: f64::INFINITY, ..TrainParams::default() }.check().is_ok());
}

#[test]
fn method_lists_mix_svd_methods_and_trainers() {
    let (svd, tr) = parse_method_list("claime,cl-gd,claime-gd,claime,claime-temp").unwrap();
    assert_eq!(svd, vec![Method::Claime]);
    assert_eq!(tr, vec![TrainerKind::ClGd, TrainerKind::ClaimeGd, TrainerKind::ClaimeTemp]);
    assert!(matches!(parse_method_list("claime,bogus"), Err(Error::Param { ref name, .. }) if name == "methods"));
    assert!(parse_method_list(" , ").is_err());
}

#[test]
fn command_line_reports_trainers() {
    let bin = env!("CARGO_BIN_EXE_claime");
    let args = [
        "run",
        "--methods",
        "claime,claime-gd,cl-gd,claime-temp",
        "--d1",
        "40",
        "--d2",
        "40",
        "--p",
        "2",
        "--n",
        "800",
        "--signal",
        "4",
    ];
    let out = std::process::Command::new(bin)
        .args(args)
        .args(["--epochs", "60", "--temperature", "inf", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["methods"]["claime"]["projection_distance"].is_number());
    for t in ["claime-gd", "cl-gd", "claime-temp"] {
        for k in ["projection_distance", "retrieval_at_10", "relatedness_auc", "distance_to_svd", "final_loss"] {
            assert!(v["trainers"][t][k].is_number(), "{t}.{k}");
        }
        assert!(v["timings_ms"][t].is_number(), "{t}");
    }
    assert!(v["trainers"]["claime-gd"]["distance_to_svd"].as_f64().unwrap() < 0.05);
    for (flag, value) in
        [("--temperature", "-1"), ("--lambda", "0"), ("--epochs", "0"), ("--batch", "1"), ("--lr", "5")]
    {
        let out = std::process::Command::new(bin).args(args).args([flag, value]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(err.contains(flag) && err.trim().lines().count() == 1, "{flag}: {err}");
    }
}
