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

#[test]
fn live_run_matches_one_shot_run() {
    let p = Params { d1: 60, d2: 50, n: 4_000, signal: 3.0, ..Params::default() };
    let mut run = live();
    run.advance(usize::MAX);
    let snap = run.snapshot(Method::Claime, &mut || 0.0).unwrap();
    let report = claime::run(p, &[Method::Claime, Method::Concate, Method::Cl], &mut || 0.0).unwrap();
    assert_eq!(snap.report.methods, report.methods);
}
