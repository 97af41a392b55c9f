//! The regime map: Corollary 3.1's construction decides the sign (noise orthogonal to the truth
//! and larger than the signal defeats the baselines), and threads do not change the map.

use claime::regime::{to_csv, RegimeSpec};
use claime::{NoiseKind, Params};

/// A 2 x 2 orthogonal-noise map, small, from the default map's settings.
fn spec() -> RegimeSpec {
    let mut s = RegimeSpec::default();
    (s.noise, s.signal, s.level, s.grid, s.reps) = (NoiseKind::Orthogonal, (1.5, 2.5), (0.0, 25.0), 2, 1);
    s.base = Params { d1: 80, d2: 80, n: 8_000, ..Params::default() };
    s
}

#[test]
fn claime_wins_only_where_orthogonal_noise_dominates() {
    let cells = spec().run(2, &|_, _| {}).unwrap();
    assert_eq!(cells.len(), 4);
    for c in &cells {
        if c.level == 0.0 {
            // No noise: the baselines use within-modality pairs too and are at least as good.
            assert!(c.diff > -0.05, "{c:?}");
        } else {
            // tau2 = 25 > s^2: Concate and CL lose the truth, CLAIME does not.
            assert!(c.diff < -1.0, "{c:?}");
        }
    }
}

#[test]
fn same_map_for_one_and_two_threads() {
    let s = spec();
    assert_eq!(to_csv(&s, &s.run(1, &|_, _| {}).unwrap()), to_csv(&s, &s.run(2, &|_, _| {}).unwrap()));
}

#[test]
fn bad_ranges_name_the_flag() {
    let mut s = spec();
    s.signal = (2.0, 1.0);
    assert!(s.check().unwrap_err().to_string().starts_with("signal"));
    let mut s = spec();
    s.noise = NoiseKind::Ar1;
    s.level = (0.5, 1.5);
    let e = s.check().unwrap_err().to_string();
    assert!(e.starts_with("level") && e.contains("rho"), "{e}");
}

/// A cell is outlined as a CLAIME win only when the 95 % interval of its difference lies below
/// zero: differences of a few thousandths where nothing is recovered are not a region.
#[test]
fn the_boundary_encloses_only_wins_beyond_the_interval() {
    use claime::plot::regime::{boundary, RegimeMap};
    use claime::regime::Cell;
    let cell = |diff: f64, ci95: f64| Cell { signal: 0.0, level: 0.0, claime: 0.0, concate: 0.0, cl: 0.0, diff, ci95 };
    assert!(cell(-0.3, 0.05).claime_wins());
    assert!(!cell(-0.003, 0.01).claime_wins(), "ahead within the interval");
    assert!(!cell(0.2, 0.01).claime_wins());
    assert!(cell(-0.003, 0.0).claime_wins(), "one replicate: the sign decides");
    // A 2 x 2 map: only the cell at (signal 1, level 0) is a win; its two inner edges are drawn.
    let cells = [cell(-0.004, 0.01), cell(-0.5, 0.05), cell(0.1, 0.02), cell(0.2, 0.02)];
    let map = RegimeMap {
        signals: vec![0.0, 1.0],
        levels: vec![0.0, 1.0],
        level_name: "c".into(),
        values: cells.iter().map(|c| c.diff).collect(),
        wins: cells.iter().map(Cell::claime_wins).collect(),
    };
    assert_eq!(claime::regime::tally(&cells), (1, 1), "one win, one ahead within its interval");
    let mut edges = boundary(&map);
    edges.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(edges, vec![((0.5, -0.5), (0.5, 0.5)), ((0.5, 0.5), (1.5, 0.5))]);
}

/// The interval is the paired t interval of the per-replicate differences from the better
/// baseline.
#[test]
fn the_interval_comes_from_the_replicates() {
    let spec = RegimeSpec { noise: NoiseKind::Spike, reps: 3, ..spec() };
    // Per task: CLAIME, Concate, CL. Cell 0's differences from Concate (the better mean): 1, 2, 3.
    let mut errors = vec![vec![2.0, 1.0, 5.0], vec![3.0, 1.0, 5.0], vec![4.0, 1.0, 5.0]];
    errors.extend((3..12).map(|_| vec![1.0, 2.0, 3.0]));
    let cells = spec.assemble(&errors).unwrap();
    assert!((cells[0].diff - 2.0).abs() < 1e-12);
    // sd 1, standard error 1 / sqrt(3), t quantile for 2 degrees of freedom 4.303.
    assert!((cells[0].ci95 - 4.303 / 3f64.sqrt()).abs() < 1e-12, "{}", cells[0].ci95);
    // Cell 1: the same difference in every replicate, so no spread.
    assert_eq!(cells[1].ci95, 0.0);
    assert!(to_csv(&spec, &cells).starts_with("signal,c,claime,concate,cl,diff,ci95\n"));
}
