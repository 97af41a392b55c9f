//! The `claime-summary` v1 file (one test per validation rule, round trips) and the TSV exports.

use claime::data::export::{projector_metadata_tsv, projector_vectors_tsv, truth_tsv};
use claime::data::format::{default_names, Summary};
use claime::stats::row_major;
use claime::{Error, Method, NoiseKind, Params, SummaryStats};
use serde_json::{json, Value};

/// A small valid document: 3 codes, 2 CUIs, with code_code and cui_cui.
fn doc() -> Value {
    json!({
        "format": "claime-summary", "version": 1,
        "codes": ["a", "b", "c"], "cuis": ["x", "y"], "patients": 10,
        "code_counts": [5, 0, 2], "cui_counts": [3, 4],
        "code_pair_totals": [8, 0, 2], "cui_pair_totals": [6, 6],
        "cross": {"rows": [0, 2, 0], "cols": [0, 1, 1], "values": [2, 1, 3]},
        "code_code": {"rows": [0, 0], "cols": [0, 2], "values": [4, 2]},
        "cui_cui": {"rows": [1], "cols": [0], "values": [6]}
    })
}

/// Parses `v` and returns the (field, message) of the error it must raise.
fn err(v: &Value) -> (String, String) {
    err_text(&v.to_string())
}

fn err_text(text: &str) -> (String, String) {
    match Summary::from_json(text) {
        Err(Error::Format { field, message }) => (field, message),
        other => panic!("expected a format error, got {other:?}"),
    }
}

/// `doc()` with one edit applied at a JSON pointer (`None` removes the key).
fn edit(pointer: &str, new: Option<Value>) -> Value {
    let mut v = doc();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = v.pointer_mut(parent).unwrap();
    match (target, new) {
        (Value::Object(m), Some(x)) => {
            m.insert(key.to_string(), x);
        }
        (Value::Object(m), None) => {
            m.remove(key);
        }
        (Value::Array(a), Some(x)) => a[key.parse::<usize>().unwrap()] = x,
        _ => panic!("bad edit"),
    }
    v
}

fn assert_err(v: &Value, field: &str, needle: &str) {
    let (f, m) = err(v);
    assert_eq!(f, field, "message: {m}");
    assert!(m.contains(needle), "message {m:?} lacks {needle:?}");
}

/// One test per edit of `doc()` that must be refused, naming the field and the words the
/// message must contain: `test_name: pointer, new value (None removes the key) => field, words;`
macro_rules! refused {
    ($($name:ident: $pointer:expr, $new:expr => $field:expr, $needle:expr;)*) => {
        $(
            #[test]
            fn $name() {
                assert_err(&edit($pointer, $new), $field, $needle);
            }
        )*
    };
}

#[test]
fn the_small_document_is_valid() {
    let s = Summary::from_json(&doc().to_string()).unwrap();
    assert_eq!((s.stats.d1, s.stats.d2), (3, 2));
    assert_eq!(row_major(&s.stats.d12), [2.0, 3.0, 0.0, 0.0, 0.0, 1.0]);
    let w = s.stats.within.as_ref().unwrap();
    assert_eq!(row_major(&w.c11), [4.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    // cui_cui (1, 0) is mirrored to the upper triangle (0, 1).
    assert_eq!(row_major(&w.c22), [0.0, 6.0, 0.0, 0.0]);
    assert_eq!(Summary::from_json(&s.to_json()).unwrap(), s);
}

#[test]
fn not_json_reports_line_and_column() {
    let (f, m) = err_text("{\n  \"format\": \"claime-summary\",\n  oops\n}");
    assert_eq!(f, "$");
    assert!(m.contains("line 3") && m.contains("column 3"), "{m}");
}

#[test]
fn top_level_must_be_an_object() {
    assert_err(&json!([1, 2]), "$", "not a claime-summary");
}

refused! {
    format_missing: "/format", None => "format", "missing";
    format_wrong: "/format", Some(json!("claime-summarry")) => "format", "expected \"claime-summary\"";
    version_missing: "/version", None => "version", "missing";
    codes_missing: "/codes", None => "codes", "missing";
    cuis_empty: "/cuis", Some(json!([])) => "cuis", "empty";
    names_must_be_strings: "/codes/1", Some(json!(7)) => "codes[1]", "expected a string";
    duplicate_names_name_both_indices: "/codes/2", Some(json!("a")) => "codes[2]", "also at codes[0]";
    patients_missing: "/patients", None => "patients", "missing";
    patients_not_a_number: "/patients", Some(json!("10")) => "patients", "non-negative number";
    patients_negative: "/patients", Some(json!(-1)) => "patients", "non-negative";
    counts_missing: "/cui_pair_totals", None => "cui_pair_totals", "missing";
    counts_wrong_length_says_expected_length: "/code_counts", Some(json!([1, 2])) => "code_counts", "expected 3 numbers";
    counts_not_numbers: "/cui_counts/1", Some(json!(null)) => "cui_counts[1]", "non-negative number";
    counts_negative: "/code_pair_totals/0", Some(json!(-0.5)) => "code_pair_totals[0]", "non-negative";
    sparse_lengths_differ: "/cross/values", Some(json!([1, 2])) => "cross", "same length, got 3, 3 and 2";
    sparse_value_negative: "/cross/values/0", Some(json!(-2)) => "cross.values[0]", "non-negative";
}

#[test]
fn version_wrong() {
    assert_err(&edit("/version", Some(json!(2))), "version", "expected 1");
    assert_err(&edit("/version", Some(json!("1"))), "version", "expected 1");
}

#[test]
fn counts_non_finite_are_rejected() {
    // serde_json refuses 1e999 outright (it cannot hold infinities), so it is a JSON error with
    // a position; the finite check in the validator stays as a guard for other sources.
    let text = doc().to_string().replace("\"code_counts\":[5,0,2]", "\"code_counts\":[5,1e999,2]");
    assert!(text.contains("1e999"));
    let (f, m) = err_text(&text);
    assert_eq!(f, "$");
    assert!(m.contains("line 1"), "{m}");
}

#[test]
fn counts_may_be_non_integer() {
    let s = Summary::from_value(&edit("/code_counts/0", Some(json!(2.5)))).unwrap();
    assert_eq!(s.stats.n1[0], 2.5);
}

#[test]
fn sparse_missing_part() {
    let mut v = doc();
    v["cross"].as_object_mut().unwrap().remove("cols");
    assert_err(&v, "cross.cols", "missing");
    assert_err(&edit("/cross", None), "cross", "missing");
}

#[test]
fn sparse_index_not_a_non_negative_integer() {
    assert_err(&edit("/cross/rows/1", Some(json!(-1))), "cross.rows[1]", "non-negative integer");
    assert_err(&edit("/cross/cols/0", Some(json!(0.5))), "cross.cols[0]", "non-negative integer");
    assert_err(&edit("/cross/cols/0", Some(json!("0"))), "cross.cols[0]", "non-negative integer");
}

#[test]
fn sparse_index_out_of_range_says_range() {
    assert_err(&edit("/cross/cols/2", Some(json!(2))), "cross.cols[2]", "expected 0..1");
    assert_err(&edit("/code_code/cols/1", Some(json!(3))), "code_code.cols[1]", "expected 0..2");
}

#[test]
fn sparse_duplicate_pair_names_both_positions() {
    let v = edit("/cross", Some(json!({"rows": [0, 1, 0], "cols": [1, 1, 1], "values": [1, 1, 1]})));
    assert_err(&v, "cross.rows[2]", "already given at index 0");
}

#[test]
fn within_pair_in_both_orientations_is_a_duplicate() {
    let v = edit("/code_code", Some(json!({"rows": [0, 2], "cols": [2, 0], "values": [1, 1]})));
    assert_err(&v, "code_code.rows[1]", "already given at index 0");
}

#[test]
fn within_needs_both_matrices() {
    assert_err(&edit("/cui_cui", None), "cui_cui", "missing");
    assert_err(&edit("/code_code", None), "code_code", "missing");
}

#[test]
fn within_absent_is_fine() {
    let mut v = doc();
    v.as_object_mut().unwrap().remove("code_code");
    v.as_object_mut().unwrap().remove("cui_cui");
    let s = Summary::from_value(&v).unwrap();
    assert!(s.stats.within.is_none());
    assert!(!s.to_json().contains("code_code"));
}

#[test]
fn unknown_top_level_keys_are_ignored() {
    let s = Summary::from_value(&edit("/site", Some(json!({"name": "MGB"})))).unwrap();
    assert_eq!(s, Summary::from_value(&doc()).unwrap());
}

#[test]
fn huge_dimensions_are_refused_before_allocating() {
    let names: Vec<String> = (0..20_000).map(|i| format!("n{i}")).collect();
    let mut v = doc();
    v["codes"] = json!(names);
    v["cuis"] = json!(names);
    v["code_counts"] = json!(vec![0; 20_000]);
    v["cui_counts"] = json!(vec![0; 20_000]);
    v["code_pair_totals"] = json!(vec![0; 20_000]);
    v["cui_pair_totals"] = json!(vec![0; 20_000]);
    assert!(matches!(Summary::from_value(&v), Err(Error::Memory { .. })));
}

#[test]
fn no_input_panics() {
    // Every prefix of a valid file, and every single-byte corruption of it, gives Ok or Err.
    let text = doc().to_string();
    for k in 0..text.len() {
        let _ = Summary::from_json(&text[..k]);
        for b in [b'-', b'9', b'"', b'[', b'.', b'e'] {
            let mut bytes = text.clone().into_bytes();
            bytes[k] = b;
            if let Ok(t) = String::from_utf8(bytes) {
                let _ = Summary::from_json(&t);
            }
        }
    }
    for t in ["", "null", "1", "\"x\"", "{}", "[[[[[[[[[[]]]]]]]]]]", &"[".repeat(10_000)] {
        assert!(Summary::from_json(t).is_err());
    }
}

fn simulated(with_within: bool, seed: u64) -> SummaryStats {
    let params = Params {
        d1: 12,
        d2: 9,
        p: 2,
        n: 300,
        mean_t: 8.0,
        signal: 3.0,
        noise: NoiseKind::Ar1,
        seed,
        ..Params::default()
    };
    claime::simulate::simulate(&params.check().unwrap(), with_within).1
}

#[test]
fn round_trip_of_simulated_statistics() {
    for (with_within, seed) in [(false, 1), (true, 2), (true, 3)] {
        let s = Summary::with_default_names(simulated(with_within, seed));
        let text = s.to_json();
        assert_eq!(Summary::from_json(&text).unwrap(), s, "with_within = {with_within}");
    }
}

#[test]
fn round_trip_of_odd_names_and_non_integer_counts() {
    let mut stats = simulated(true, 4);
    stats.patients = 299.5;
    stats.n1[0] = 0.1;
    stats.d12[[0, 3]] = 1.0 / 3.0;
    let (mut codes, cuis) = default_names(12, 9);
    codes[0] = "tab\there \"quoted\" \\ back\nnewline é 🩺".to_string();
    let s = Summary::new(codes, cuis, stats).unwrap();
    assert_eq!(Summary::from_json(&s.to_json()).unwrap(), s);
}

#[test]
fn claime_fits_agree_after_a_round_trip() {
    let stats = simulated(false, 5);
    let parsed = Summary::from_json(&Summary::with_default_names(stats.clone()).to_json()).unwrap();
    let a = Method::Claime.fit(&stats, 2, 7).unwrap();
    let b = Method::Claime.fit(&parsed.stats, 2, 7).unwrap();
    assert_eq!(a.v1, b.v1);
    assert_eq!(a.v2, b.v2);
}

#[test]
fn default_names_are_padded_to_the_count() {
    let (codes, cuis) = default_names(120, 9);
    assert_eq!((codes.len(), cuis.len()), (120, 9));
    assert_eq!((codes[0].as_str(), codes[119].as_str()), ("code_001", "code_120"));
    assert_eq!((cuis[0].as_str(), cuis[8].as_str()), ("cui_1", "cui_9"));
}

#[test]
fn summary_new_checks_names() {
    let stats = simulated(false, 6);
    let (codes, cuis) = default_names(11, 9);
    assert!(Summary::new(codes, cuis, stats.clone()).is_err());
    let (mut codes, cuis) = default_names(12, 9);
    codes[5] = codes[4].clone();
    assert!(Summary::new(codes, cuis, stats).is_err());
}

// ---- TSV exports ----

fn mats() -> (faer::Mat<f64>, faer::Mat<f64>) {
    let v1 = faer::Mat::from_fn(4, 3, |i, j| (i as f64 + 1.0) / (j as f64 + 3.0));
    let v2 = faer::Mat::from_fn(2, 3, |i, j| -(i as f64) * 1e-300 + j as f64 * 0.1);
    (v1, v2)
}

#[test]
fn truth_tsv_has_one_row_per_feature_and_full_precision() {
    let (v1, v2) = mats();
    let tsv = truth_tsv(v1.as_ref(), v2.as_ref());
    let rows: Vec<&str> = tsv.lines().collect();
    assert_eq!(rows.len(), 6);
    assert!(tsv.ends_with('\n'));
    for (k, row) in rows.iter().enumerate() {
        let cells: Vec<f64> = row.split('\t').map(|c| c.parse().unwrap()).collect();
        assert_eq!(cells.len(), 3);
        let want: Vec<f64> = (0..3).map(|j| if k < 4 { v1[(k, j)] } else { v2[(k - 4, j)] }).collect();
        assert_eq!(cells, want, "row {k}");
    }
}

#[test]
fn projector_vectors_match_metadata_rows() {
    let (v1, v2) = mats();
    let vectors = projector_vectors_tsv(v1.as_ref(), v2.as_ref());
    let (codes, cuis) = default_names(4, 2);
    let meta = projector_metadata_tsv(&codes, &cuis);
    let lines: Vec<&str> = meta.lines().collect();
    assert_eq!(lines[0], "name\tmodality");
    assert_eq!(lines.len(), vectors.lines().count() + 1);
    assert_eq!(lines[1], "code_1\tcode");
    assert_eq!(lines[5], "cui_1\tcui");
    assert!(vectors.lines().all(|l| l.split('\t').count() == 3));
}

#[test]
fn metadata_names_are_sanitised() {
    let codes = vec!["a\tb".to_string(), "c\r\nd".to_string()];
    let meta = projector_metadata_tsv(&codes, &["e\nf".to_string()]);
    let lines: Vec<&str> = meta.lines().collect();
    assert_eq!(lines, vec!["name\tmodality", "a b\tcode", "c  d\tcode", "e f\tcui"]);
    assert!(lines.iter().all(|l| l.split('\t').count() == 2));
}

/// The example of docs/formats.md: two patients, computed by hand there.
const DOC_EXAMPLE: &str = r#"{
  "format": "claime-summary",
  "version": 1,
  "codes": ["PheCode:714.1", "RXNORM:6851", "PheCode:250.2"],
  "cuis": ["C0003873", "C0025677"],
  "patients": 2,
  "code_counts": [3, 1, 1],
  "cui_counts": [1, 3],
  "code_pair_totals": [5, 1, 2],
  "cui_pair_totals": [1, 3],
  "cross": {
    "rows": [0, 0, 1, 2, 2],
    "cols": [0, 1, 1, 0, 1],
    "values": [2, 4, 2, 1, 1]
  },
  "code_code": {
    "rows": [0, 0, 0],
    "cols": [0, 1, 2],
    "values": [2, 1, 2]
  },
  "cui_cui": {
    "rows": [0, 1],
    "cols": [1, 1],
    "values": [1, 2]
  }
}
"#;

#[test]
fn the_documented_example_matches_statistics_accumulated_from_patients() {
    let mut stats = SummaryStats::new(3, 2, true);
    stats.add_patient(&[(0, 2), (2, 1)], &[(0, 1), (1, 1)]);
    stats.add_patient(&[(0, 1), (1, 1)], &[(1, 2)]);
    let codes = ["PheCode:714.1", "RXNORM:6851", "PheCode:250.2"].map(String::from).to_vec();
    let cuis = ["C0003873", "C0025677"].map(String::from).to_vec();
    let s = Summary::new(codes, cuis, stats).unwrap();
    assert_eq!(s.to_json(), DOC_EXAMPLE);
    assert_eq!(Summary::from_json(DOC_EXAMPLE).unwrap(), s);
}

/// A key given twice is refused (serde_json would keep the last one silently), at the top
/// level and inside an object; the valid document still reads.
#[test]
fn duplicate_keys_are_refused() {
    let text = doc().to_string();
    assert!(Summary::from_json(&text).is_ok());
    let twice = text.replacen('{', "{\"patients\": 1, ", 1);
    let (f, m) = err_text(&twice);
    assert_eq!(f, "$");
    assert!(m.contains("key \"patients\" is given twice"), "{m}");
    let nested = text.replacen("\"cross\":{", "\"cross\":{\"rows\":[],", 1);
    assert_ne!(nested, text, "the document has a cross object");
    let (_, m) = err_text(&nested);
    assert!(m.contains("key \"rows\" is given twice"), "{m}");
}
