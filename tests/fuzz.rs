//! Property tests of every parser: random bytes and structured random inputs give `Ok` or an
//! `Err` with a message, never a panic; accepted inputs round-trip.
//!
//! The number of cases per property is proptest's default (256), or `PROPTEST_CASES` from the
//! environment for a long campaign:
//!
//! ```sh
//! PROPTEST_CASES=125000 cargo test --release --test fuzz
//! ```

use claime::data::evaluate::build_sets;
use claime::data::format::Summary;
use claime::data::merge::merge;
use claime::data::pairs::{parse_pairs, FeatureIndex};
use claime::data::records::{summarize_str, Grouping, RecordsOptions, Summarizer};
use proptest::prelude::*;

/// A small valid summary document to mutate.
const VALID: &str = r#"{"format": "claime-summary", "version": 1, "codes": ["A", "B"], "cuis": ["U"],
"patients": 2, "code_counts": [3, 1], "cui_counts": [2], "code_pair_totals": [1, 2],
"cui_pair_totals": [0], "cross": {"rows": [0, 1], "cols": [0, 0], "values": [2, 1]},
"code_code": {"rows": [0], "cols": [1], "values": [1]}, "cui_cui": {"rows": [], "cols": [], "values": []}}"#;

/// Tokens a mutated summary is made of.
fn json_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("1e999".to_string()),
        Just("0.5".to_string()),
        Just("3.0".to_string()),
        Just("18446744073709551616".to_string()),
        Just("null".to_string()),
        Just("\"A\"".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("[0, 1]".to_string()),
        Just("[\"A\", \"A\"]".to_string()),
        Just("{\"rows\": [0], \"cols\": [5], \"values\": [1]}".to_string()),
        Just("{\"rows\": [1, 1], \"cols\": [0, 0], \"values\": [1, 1]}".to_string()),
        Just("{\"rows\": [1], \"cols\": [0]}".to_string()),
        any::<u32>().prop_map(|x| x.to_string()),
        any::<f64>().prop_map(|x| format!("{x}")),
        "[a-zA-Z0-9\"\\[\\]{},:. -]{0,12}",
    ]
}

const KEYS: [&str; 14] = [
    "format",
    "version",
    "codes",
    "cuis",
    "patients",
    "code_counts",
    "cui_counts",
    "code_pair_totals",
    "cui_pair_totals",
    "cross",
    "code_code",
    "cui_cui",
    "extra",
    "rows",
];

/// One records row from a small grammar, valid or nearly so.
fn record_row() -> impl Strategy<Value = String> {
    let id = prop_oneof![Just("p1"), Just("p2"), Just("p3"), Just(""), Just("\"p,4\""), Just(" p1 ")];
    let modality = prop_oneof![Just("code"), Just("cui"), Just("CUI"), Just("icd"), Just(""), Just("modality")];
    let feature =
        prop_oneof![Just("A"), Just("B"), Just("C0011860 Diabète"), Just("\"x, y\""), Just(""), Just("\"open")];
    let count = prop_oneof![
        Just(None),
        Just(Some("".to_string())),
        Just(Some("2".to_string())),
        Just(Some("0.5".to_string())),
        Just(Some("-1".to_string())),
        Just(Some("nan".to_string())),
        Just(Some("1e308".to_string())),
        (0u32..5).prop_map(|x| Some(x.to_string())),
    ];
    let sep = prop_oneof![Just(","), Just("\t")];
    let end = prop_oneof![Just("\n"), Just("\r\n"), Just("\n\n")];
    (id, modality, feature, count, sep, end, 0u8..20).prop_map(|(i, m, f, c, s, e, extra)| {
        let mut row = format!("{i}{s}{m}{s}{f}");
        if let Some(c) = c {
            row += &format!("{s}{c}");
        }
        if extra == 0 {
            row += s;
        }
        row + e
    })
}

/// A pairs row from a small grammar.
fn pair_row() -> impl Strategy<Value = String> {
    let name = prop_oneof![Just("A"), Just("B"), Just("U"), Just("V"), Just("zz"), Just(""), Just("\"A\"")];
    let relation = prop_oneof![Just("similar"), Just("related"), Just(""), Just("\"may, treat\"")];
    let kind = prop_oneof![
        Just(""),
        Just(",code-cui"),
        Just(",cui-code"),
        Just(",cui_cui"),
        Just(",bad"),
        Just(",code-code,x")
    ];
    (name.clone(), name, relation, kind).prop_map(|(a, b, r, k)| format!("{a},{b},{r}{k}\n"))
}

fn known(n: &str) -> bool {
    matches!(n, "A" | "B" | "U" | "V")
}

proptest! {
    #[test]
    fn summary_from_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = Summary::from_json(&text) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn summary_from_mutated_documents(edits in proptest::collection::vec((0usize..KEYS.len(), json_piece(), any::<bool>()), 0..4)) {
        let mut value: serde_json::Value = serde_json::from_str(VALID).unwrap();
        let obj = value.as_object_mut().unwrap();
        for (k, piece, remove) in edits {
            if remove {
                obj.remove(KEYS[k]);
            } else if let Ok(v) = serde_json::from_str::<serde_json::Value>(&piece) {
                obj.insert(KEYS[k].to_string(), v);
            } else {
                obj.insert(KEYS[k].to_string(), serde_json::Value::String(piece));
            }
        }
        let text = value.to_string();
        match Summary::from_json(&text) {
            Ok(s) => prop_assert_eq!(Summary::from_json(&s.to_json()).unwrap(), s),
            Err(e) => prop_assert!(e.to_string().starts_with("field `")),
        }
    }

    #[test]
    fn records_from_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400), cut in 1usize..64) {
        let mut s = Summarizer::new("r.csv", RecordsOptions::default());
        let mut result = Ok(());
        for chunk in bytes.chunks(cut) {
            result = s.feed(chunk);
            if result.is_err() {
                break;
            }
        }
        match result {
            Ok(()) => { let _ = s.finish(); }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn records_from_structured_rows(rows in proptest::collection::vec(record_row(), 0..40), cut in 1usize..50, ungrouped in any::<bool>(), header in any::<bool>()) {
        let mut text: String = rows.concat();
        if header {
            text = format!("patient_id,modality,feature,count\n{text}");
        }
        let grouping = if ungrouped { Grouping::Ungrouped } else { Grouping::Grouped };
        let opts = RecordsOptions { grouping, ..RecordsOptions::default() };
        let whole = summarize_str("r.csv", &text, opts.clone());
        let mut s = Summarizer::new("r.csv", opts);
        let mut chunked = Ok(());
        for chunk in text.as_bytes().chunks(cut) {
            chunked = s.feed(chunk);
            if chunked.is_err() {
                break;
            }
        }
        let chunked = chunked.and_then(|_| s.finish());
        match (whole, chunked) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(a.summary.to_json(), b.summary.to_json());
                // A summary of records is a valid summary file.
                let back = Summary::from_json(&a.summary.to_json());
                prop_assert!(back.is_ok(), "{:?}", back);
            }
            (Err(a), Err(b)) => {
                prop_assert!(a.to_string().starts_with("r.csv"), "{}", a);
                prop_assert_eq!(a.to_string(), b.to_string());
            }
            (a, b) => prop_assert!(false, "whole {:?} vs chunked {:?}", a.map(|_| ()), b.map(|_| ())),
        }
    }

    #[test]
    fn pairs_from_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = parse_pairs("p.csv", &text, &known) {
            prop_assert!(e.to_string().starts_with("p.csv:"));
        }
    }

    #[test]
    fn pairs_from_structured_rows(rows in proptest::collection::vec(pair_row(), 0..30), negatives in 0usize..4, seed in any::<u64>()) {
        let text = rows.concat();
        let summary = summarize_str("s.csv", "1,code,A\n1,code,B\n1,cui,U\n1,cui,V\n", RecordsOptions::default()).unwrap().summary;
        let index = FeatureIndex::new(&summary);
        match parse_pairs("p.csv", &text, &|n| index.contains(n)) {
            Ok(pairs) => {
                let sets = build_sets(&summary, &pairs, negatives, seed);
                let given: usize = sets.iter().filter(|s| s.relation != "all" || sets.len() == 1).map(|s| s.given).sum();
                prop_assert_eq!(given, pairs.rows.len());
            }
            Err(e) => prop_assert!(e.to_string().starts_with("p.csv:"), "{}", e),
        }
    }

    #[test]
    fn merge_of_random_sites(sites in proptest::collection::vec(proptest::collection::vec(record_row(), 1..15), 1..4)) {
        // Sites whose records parse: merging equals summarising the pooled records (patients
        // renamed per site so that no patient spans two sites).
        let texts: Vec<String> = sites.iter().enumerate().map(|(k, rows)| {
            rows.iter().map(|r| format!("s{k}{r}")).collect::<String>()
        }).collect();
        let opts = RecordsOptions { grouping: Grouping::Ungrouped, ..RecordsOptions::default() };
        let parsed: Vec<_> = texts.iter().map(|t| summarize_str("r.csv", t, opts.clone())).collect();
        if parsed.iter().all(|p| p.is_ok()) {
            let summaries: Vec<Summary> = parsed.into_iter().map(|p| p.unwrap().summary).collect();
            let merged = merge(summaries.iter().map(|s| ("site", s))).unwrap();
            if let Ok(pooled) = summarize_str("r.csv", &texts.concat(), opts) {
                prop_assert_eq!(merged.summary.codes, pooled.summary.codes);
                prop_assert_eq!(merged.summary.stats.patients, pooled.summary.stats.patients);
            }
        }
    }
}
