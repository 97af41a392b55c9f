//! The explorer's live run natively: history grows per chunk, charts render, the same seed gives
//! the same snapshot, and hover points carry names and pixel positions inside the chart.

use claime::explorer::{ChartSize, LiveRun};
use claime::{Method, Params};

fn live() -> LiveRun {
    let p = Params { d1: 60, d2: 50, n: 4_000, signal: 3.0, ..Params::default() }.check().unwrap();
    LiveRun::new(p, vec![Method::Claime, Method::Concate, Method::Cl], ChartSize::default())
}

#[test]
fn history_grows_with_each_chunk_and_charts_render() {
    let mut run = live();
    let mut last = None;
    for k in 1..=4 {
        run.advance(1_000);
        let snap = run.snapshot(Method::Claime, &mut || 0.0).unwrap();
        assert_eq!(snap.history.len(), k);
        assert_eq!(snap.history[k - 1].patients, 1_000 * k);
        assert_eq!(snap.done, k == 4);
        for svg in [
            &snap.charts.error,
            &snap.charts.alignment,
            &snap.charts.spectrum,
            &snap.charts.heat_truth,
            &snap.charts.heat_estimate,
        ] {
            assert!(svg.starts_with("<svg") && svg.contains("</svg>"));
        }
        assert_eq!(snap.charts.hover.len(), 110);
        assert!(snap.charts.hover.iter().all(|h| (0..640).contains(&h.x) && (0..400).contains(&h.y)));
        assert_eq!(snap.charts.hover[0].name, "code_01");
        assert_eq!(snap.charts.hover[109].name, "cui_50");
        last = Some(snap);
    }
    let snap = last.unwrap();
    // A snapshot at the same patient count does not duplicate the history point.
    let again = run.snapshot(Method::Concate, &mut || 0.0).unwrap();
    assert_eq!(again.history.len(), 4);
    assert_eq!(again.charts.alignment_method, "concate");
    assert_eq!(snap.report.methods.len(), 3);
}

#[test]
fn same_seed_same_snapshot() {
    let (mut a, mut b) = (live(), live());
    a.advance(4_000);
    b.advance(2_500);
    b.advance(1_500);
    let sa = a.snapshot(Method::Claime, &mut || 0.0).unwrap();
    let sb = b.snapshot(Method::Claime, &mut || 0.0).unwrap();
    assert_eq!(sa.report, sb.report);
    assert_eq!(sa.charts, sb.charts);
}

/// The page's worker refits statistics simulated by its helper workers: a run that simulates
/// its first stretch itself and is then fed the flat buffers of other runs' stretches (moved
/// there by `seek`, split at patients inside and at the ends of the stream's blocks, added out
/// of order) gives the same statistics and snapshots, history included, as one run simulating
/// all of them.
#[test]
fn statistics_of_stretches_simulated_apart_give_the_same_snapshots() {
    let (mut simulating, mut fitting) = (live(), live());
    simulating.advance(1_000);
    fitting.advance(1_000);
    for (point, splits) in [(2_000, vec![1_000, 1_500]), (4_000, vec![2_000, 3_137, 3_000])] {
        simulating.advance(point - simulating.session().patients());
        let mut ends = splits.clone();
        ends.sort();
        ends.push(point);
        for &from in splits.iter().rev() {
            let to = ends[ends.iter().position(|&e| e == from).unwrap() + 1];
            let mut helper = live();
            helper.seek(from).unwrap();
            assert_eq!(helper.advance(to - from), to - from);
            let buffer = helper.session().stats().to_flat();
            fitting.add_stats(&claime::SummaryStats::from_flat(&buffer).unwrap()).unwrap();
        }
        assert_eq!(fitting.session().stats(), simulating.session().stats());
        // Adding stops the fitting run's own simulation.
        assert_eq!(fitting.advance(500), point);
        let a = simulating.snapshot(Method::Claime, &mut || 0.0).unwrap();
        let b = fitting.snapshot(Method::Claime, &mut || 0.0).unwrap();
        assert_eq!(a.report, b.report);
        assert_eq!(a.history, b.history);
        assert_eq!(a.charts, b.charts);
        assert_eq!(a.done, b.done);
    }
    assert!(fitting.session().done());
}

#[test]
fn statistics_buffers_that_do_not_fit_are_refused() {
    let mut run = live();
    run.advance(1_000);
    let good = run.session().stats().to_flat();
    let err = |buf: &[f64]| claime::SummaryStats::from_flat(buf).unwrap_err().to_string();
    assert!(err(&good[..good.len() - 1]).contains("expected"), "{}", err(&good[..good.len() - 1]));
    assert!(err(&[1.0, 2.0]).contains("header"));
    // The largest sizes are refused by length before anything is allocated (C11 alone would be
    // 8 TB here).
    assert!(err(&[1e6, 1e6, 0.0, 1.0]).contains("expected 3000004000004 for d1 = 1000000"));
    let mut flag = good.clone();
    flag[3] = 0.5;
    assert!(err(&flag).contains("within flag"));
    // Other sizes, or more patients than n, are refused by the run.
    let other = live_sized(61);
    let mut target = live();
    let wrong = claime::SummaryStats::from_flat(&other.session().stats().to_flat()).unwrap();
    assert!(target.add_stats(&wrong).unwrap_err().to_string().contains("61x50"));
    let mut too_many = claime::SummaryStats::from_flat(&good).unwrap();
    too_many.patients = 3_001.0;
    target.advance(1_000);
    assert!(target.add_stats(&too_many).unwrap_err().to_string().contains("patients"));
    assert!(target.seek(4_001).unwrap_err().to_string().contains("first patient"));
}

fn live_sized(d1: usize) -> LiveRun {
    let p = Params { d1, d2: 50, n: 4_000, signal: 3.0, ..Params::default() }.check().unwrap();
    LiveRun::new(p, vec![Method::Claime, Method::Concate, Method::Cl], ChartSize::default())
}

#[test]
fn live_run_matches_one_shot_run() {
    let p = Params { d1: 60, d2: 50, n: 4_000, signal: 3.0, ..Params::default() };
    let mut run = live();
    run.advance(usize::MAX);
    let snap = run.snapshot(Method::Claime, &mut || 0.0).unwrap();
    let report = claime::run(p, &[Method::Claime, Method::Concate, Method::Cl], &mut || 0.0).unwrap();
    assert_eq!(snap.report.methods, report.methods);
}

#[test]
fn neighbour_inspector_and_projector_exports() {
    let mut run = live();
    run.advance(usize::MAX);
    run.snapshot(Method::Claime, &mut || 0.0).unwrap();
    let lists = run.neighbours("code_07", 10).unwrap();
    let spaces: Vec<&str> = lists.iter().map(|l| l.space.as_str()).collect();
    assert_eq!(spaces, ["truth", "claime", "concate", "cl"]);
    for l in &lists {
        assert_eq!(l.neighbours.len(), 10);
        assert!(l.neighbours.windows(2).all(|w| w[0].cosine >= w[1].cosine));
        assert!(l.neighbours.iter().all(|x| x.name != "code_07" && (-1.0..=1.0).contains(&x.cosine)));
    }
    // The truth's best neighbour, by brute force over every other feature.
    let t = run.session().truth();
    let (codes, cuis) = run.names();
    let row = |m: &ndarray::Array2<f64>, i: usize| m.row(i).to_vec();
    let cos = |a: &[f64], b: &[f64]| {
        let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        dot / (a.iter().map(|x| x * x).sum::<f64>().sqrt() * b.iter().map(|x| x * x).sum::<f64>().sqrt())
    };
    let q = row(&t.v1, 6);
    let mut best = (f64::NEG_INFINITY, String::new());
    for (i, name) in codes.iter().enumerate().filter(|(i, _)| *i != 6) {
        let c = cos(&q, &row(&t.v1, i));
        if c > best.0 {
            best = (c, name.clone());
        }
    }
    for (i, name) in cuis.iter().enumerate() {
        let c = cos(&q, &row(&t.v2, i));
        if c > best.0 {
            best = (c, name.clone());
        }
    }
    assert_eq!(lists[0].neighbours[0].name, best.1);
    assert!((lists[0].neighbours[0].cosine - best.0).abs() < 1e-12);
    // At this strong signal CLAIME's neighbours overlap the truth's far beyond chance
    // (about 10 * 10 / 109 ≈ 0.9 shared names for unrelated lists).
    let shared = |a: usize, b: usize| {
        lists[a].neighbours.iter().filter(|x| lists[b].neighbours.iter().any(|y| y.name == x.name)).count()
    };
    eprintln!("shared with truth: claime {} concate {} cl {}", shared(1, 0), shared(2, 0), shared(3, 0));
    assert!(shared(1, 0) >= 5, "claime shares {} of 10", shared(1, 0));
    let e = run.neighbours("code_999", 5).unwrap_err().to_string();
    assert!(e.contains("code_999"), "{e}");
    // Projector exports: one row per feature, p columns; metadata has a header.
    let vectors = run.vectors_tsv("claime").unwrap();
    assert_eq!(vectors.lines().count(), 110);
    assert!(vectors.lines().all(|l| l.split('\t').count() == 4));
    assert_eq!(run.vectors_tsv("truth").unwrap().lines().count(), 110);
    let meta = run.metadata_tsv();
    assert_eq!(meta.lines().count(), 111);
    assert_eq!(meta.lines().next(), Some("name\tmodality"));
}
