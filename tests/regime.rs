//! The regime map: Corollary 3.1's construction decides the sign (noise orthogonal to the truth
//! and larger than the signal defeats the baselines), and threads do not change the map.

use claime::regime::{to_csv, RegimeSpec};
use claime::{NoiseKind, Params};

fn spec() -> RegimeSpec {
    RegimeSpec {
        noise: NoiseKind::Orthogonal,
        signal: (1.5, 2.5),
        level: (0.0, 25.0),
        grid: 2,
        reps: 1,
        base: Params { d1: 80, d2: 80, n: 8_000, ..Params::default() },
    }
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
