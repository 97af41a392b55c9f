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
fn orthogonal_noise_needs_room_for_the_ones_direction() {
    let orth = Params { d1: 10, d2: 12, p: 5, noise: NoiseKind::Orthogonal, ..Params::default() };
    assert!(err(orth.clone()).contains("at most (min(d1, d2) - 1) / 2 = 4 under orthogonal noise"));
    assert!(Params { p: 4, ..orth.clone() }.check().is_ok());
    assert!(Params { noise: NoiseKind::Spike, ..orth }.check().is_ok(), "other noises keep p <= d / 2");
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
    for name in
        ["paper-spike", "claime-recovers", "paper-ar1", "orthogonal", "claime-wins", "concate-wins", "no-signal"]
    {
        assert!(claime::params::preset(name).unwrap().check().is_ok(), "{name}");
    }
}
/// Asserts that `keys` are exactly the field names serde writes for `value`.
fn assert_serde_fields(value: impl serde::Serialize, keys: &[&str]) {
    let v = serde_json::to_value(value).unwrap();
    let mut fields: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut keys = keys.to_vec();
    fields.sort_unstable();
    keys.sort_unstable();
    assert_eq!(fields, keys);
}
#[test]
fn keys_are_the_fields_serde_writes() {
    assert_serde_fields(Params::default(), &Params::KEYS);
}
#[test]
fn trainer_setting_keys_are_the_fields_serde_writes_and_others_are_named() {
    use claime::train::TrainParams;
    assert_serde_fields(TrainParams::default(), &TrainParams::KEYS);
    let check = |k: &[&str]| claime::params::check_object_keys(k, &TrainParams::KEYS, "training settings");
    assert!(check(&TrainParams::KEYS).is_ok());
    let e = check(&["lr", "epoch"]).unwrap_err().to_string();
    assert!(e.starts_with("training settings: got the unknown key 'epoch', expected only the keys lambda, lr"), "{e}");
}
#[test]
fn known_keys_pass_the_key_check() {
    assert!(claime::params::check_keys(&Params::KEYS).is_ok());
    assert!(claime::params::check_keys::<&str>(&[]).is_ok());
}
#[test]
fn unknown_key_is_named_with_the_allowed_ones() {
    // The wasm's checkParams({n_: 5}) used to run with the default n.
    let e = claime::params::check_keys(&["d1", "n_", "bogus"]).unwrap_err().to_string();
    assert_eq!(
        e,
        "parameters: got the unknown key 'n_', expected only the keys d1, d2, p, n, mean_t, noise, c, rho, tau2, \
         signal, seed"
    );
    for key in ["", "D1", "d1 ", "mean-t", "methods"] {
        let e = claime::params::check_keys(&[key]).unwrap_err().to_string();
        assert!(e.contains(&format!("unknown key '{key}'")), "{e}");
    }
    let long = "x".repeat(500) + "\n";
    let e = claime::params::check_keys(&[long.as_str()]).unwrap_err().to_string();
    assert!(e.len() < 200 && !e.contains('\n'), "one short line: {e}");
}
#[test]
fn memory_estimate_counts_only_what_the_methods_need() {
    use claime::params::DEFAULT_MEMORY_BUDGET;
    use claime::{Error, Method};
    // `claime run --d1 20000 --d2 100 --methods claime`: CLAIME needs D12 and its d1 x d2 PMI,
    // no within-modality counts and no d x d matrix.
    let wide = Params { d1: 20_000, d2: 100, ..Params::default() };
    let (d1, d2, d, p) = (20_000_u64, 100_u64, 20_100_u64, 4_u64);
    assert_eq!(wide.estimated_bytes(false), 8 * 2 * d1 * d2 + 64 * d * p);
    assert!(wide.estimated_bytes(false) <= DEFAULT_MEMORY_BUDGET);
    assert!(wide.clone().check_for(false).is_ok());
    // Concate or CL adds C11, C22 and the dense d x d co-occurrence and PMI: still refused, with
    // the estimate of every method.
    let all = 8 * (2 * d1 * d2 + d1 * d1 + d2 * d2 + 2 * d * d) + 64 * d * p;
    for methods in [&[Method::Concate][..], &[Method::Cl], &[Method::Claime, Method::Concate, Method::Cl]] {
        match wide.clone().check_for(Method::any_needs_within(methods)) {
            Err(Error::Memory { needed_bytes, .. }) => assert_eq!(needed_bytes, all, "{methods:?}"),
            other => panic!("{methods:?}: expected a memory error, got {other:?}"),
        }
    }
    assert!(
        matches!(wide.check(), Err(Error::Memory { needed_bytes, .. }) if needed_bytes == all),
        "check() counts every method"
    );
}
