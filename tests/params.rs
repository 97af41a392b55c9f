//! One test per parameter rule: each error names the parameter and what is allowed.

use claime::{NoiseKind, Params};

fn err(p: Params) -> String {
    p.check().unwrap_err().to_string()
}

#[test]
fn defaults_are_the_papers_and_valid() {
    let p = Params::default();
    assert_eq!(
        (p.d1, p.d2, p.p, p.n, p.mean_t, p.noise, p.c, p.rho, p.signal, p.seed),
        (500, 500, 4, 20_000, 50.0, NoiseKind::Spike, 0.2, 0.8, 1.0, 1)
    );
    assert!(p.check().is_ok());
}
#[test]
fn d1_must_be_at_least_two() {
    assert!(err(Params { d1: 1, ..Params::default() }).starts_with("d1: got 1"));
}
#[test]
fn d2_must_not_exceed_the_maximum() {
    assert!(err(Params { d2: 1_000_000, ..Params::default() })
        .starts_with("d2: got 1000000, expected an integer in [2, 20000]"));
}
#[test]
fn p_cannot_be_zero() {
    assert!(err(Params { p: 0, ..Params::default() }).starts_with("p: got 0"));
}
#[test]
fn p_at_most_half_the_smaller_modality() {
    assert!(err(Params { d1: 10, p: 6, ..Params::default() }).contains("at most min(d1, d2) / 2 = 5"));
}
#[test]
fn n_at_least_two() {
    assert!(err(Params { n: 1, ..Params::default() }).starts_with("n: got 1"));
}
#[test]
fn mean_t_at_least_two() {
    assert!(err(Params { mean_t: 1.5, ..Params::default() }).starts_with("mean_t: got 1.5"));
}
#[test]
fn c_must_be_positive() {
    assert!(err(Params { c: 0.0, ..Params::default() }).starts_with("c: got 0, expected a number in (0, 1000]"));
}
#[test]
fn rho_below_one() {
    assert!(err(Params { rho: 1.0, ..Params::default() }).starts_with("rho: got 1"));
}
#[test]
fn tau2_not_negative() {
    assert!(err(Params { tau2: -1.0, ..Params::default() }).starts_with("tau2: got -1"));
}
#[test]
fn signal_finite() {
    assert!(err(Params { signal: f64::NAN, ..Params::default() }).starts_with("signal: got NaN"));
}
#[test]
fn memory_budget_refused_before_allocation() {
    let e = Params { d1: 20_000, d2: 20_000, ..Params::default() }.check().unwrap_err().to_string();
    assert!(e.contains("memory budget"), "{e}");
}
#[test]
fn unknown_noise_names_the_choices() {
    assert!(NoiseKind::parse("pink").unwrap_err().to_string().contains("spike, ar1, orthogonal, none"));
}
#[test]
fn unknown_json_field_is_rejected() {
    let e = serde_json::from_str::<Params>(r#"{"d1": 10, "bogus": 1}"#).unwrap_err().to_string();
    assert!(e.contains("bogus"), "{e}");
}
#[test]
fn presets_are_valid() {
    for name in ["paper-spike", "paper-ar1", "orthogonal", "claime-wins", "concate-wins", "no-signal"] {
        assert!(claime::params::preset(name).unwrap().check().is_ok(), "{name}");
    }
}
