//! Merging sites' summaries (`src/data/merge.rs`): merging equals summarising the pooled records,
//! features are united by name in the documented order, within-modality counts are dropped
//! unless every site has them, and the memory budget is checked.

use claime::data::format::Summary;
use claime::data::merge::{merge, Merger};
use claime::data::records::{summarize_str, RecordsOptions};
use claime::simulate::{PatientSampler, Truth};
use claime::{Error, Params};

/// Records of `n` simulated patients of one site: feature names are shared by both sites for
/// low indices and site-specific above `shared`, so the feature lists differ.
fn site(name: &str, seed: u64, n: usize, shared: u32) -> String {
    let params =
        Params { d1: 25, d2: 15, p: 2, n, mean_t: 6.0, signal: 2.0, seed, ..Params::default() }.check().unwrap();
    let truth = Truth::draw(&params);
    let mut sampler = PatientSampler::new(&params);
    let mut bags = [Vec::new(), Vec::new()];
    let mut text = String::new();
    for i in 0..n {
        sampler.next_patient(&truth, &mut bags);
        for (bag, m) in [(&bags[0], "code"), (&bags[1], "cui")] {
            for &(w, c) in bag.iter() {
                let feature = if w < shared { format!("{m}{w}") } else { format!("{name}-{m}{w}") };
                text += &format!("{name}-{i},{m},{feature},{c}\n");
            }
        }
    }
    text
}

fn summary(text: &str, within: bool) -> Summary {
    summarize_str("x.csv", text, RecordsOptions { within, ..RecordsOptions::default() }).unwrap().summary
}

#[test]
fn merging_summaries_equals_summarising_pooled_records() {
    let a = site("a", 1, 300, 10);
    let b = site("b", 2, 200, 6);
    let c = site("c", 3, 100, 20);
    for within in [true, false] {
        let (sa, sb, sc) = (summary(&a, within), summary(&b, within), summary(&c, within));
        assert_ne!(sa.codes, sb.codes);
        let merged = merge([("a", &sa), ("b", &sb), ("c", &sc)]).unwrap();
        let pooled = summary(&format!("{a}{b}{c}"), within);
        // Exactly, field by field, including the order of the features.
        assert_eq!(merged.summary.to_json(), pooled.to_json());
        assert_eq!(merged.summary.stats.within.is_some(), within);
        // Through the file format too.
        let back = Summary::from_json(&merged.summary.to_json()).unwrap();
        assert_eq!(back, merged.summary);
    }
}

#[test]
fn union_order_is_first_file_then_new_names_in_order() {
    let a = summary("1,code,A\n1,code,B\n1,cui,U\n", true);
    let b = summary("2,code,C\n2,code,A\n2,cui,V\n2,cui,U\n3,code,D\n3,cui,V\n", true);
    let m = merge([("a", &a), ("b", &b)]).unwrap().summary;
    assert_eq!(m.codes, ["A", "B", "C", "D"]);
    assert_eq!(m.cuis, ["U", "V"]);
    assert_eq!(m.stats.patients, 3.0);
    assert_eq!(m.stats.n1, [2.0, 1.0, 1.0, 1.0]);
    // D12(A, U) = 1 (site a) + 1 (site b); D12(D, V) = 1.
    assert_eq!(m.stats.d12_at(0, 0), 2.0);
    assert_eq!(m.stats.d12_at(3, 1), 1.0);
    assert_eq!(m.stats.d12_at(1, 1), 0.0);
    // C11(C, A): site b's (0, 1) lands at (0, 2) of the union, upper triangle.
    let w = m.stats.within.as_ref().unwrap();
    assert_eq!(claime::stats::upper_at(&w.c11, 2, 0), 1.0);
    assert_eq!(w.c11[[2, 0]], 0.0, "stored in the upper triangle only");
}

#[test]
fn same_features_merge_like_summary_stats_merge() {
    let a = summary(&site("a", 4, 150, 100), true);
    // Equal feature lists: the merge is SummaryStats::merge.
    let m = merge([("a", &a), ("a", &a)]).unwrap().summary;
    let mut doubled = a.stats.clone();
    doubled.merge(&a.stats).unwrap();
    assert_eq!(m.stats, doubled);
}

#[test]
fn within_counts_dropped_unless_every_site_has_them() {
    let a = summary(&site("a", 6, 80, 10), true);
    let b = summary(&site("b", 7, 80, 10), false);
    for order in [[("a", &a), ("b", &b)], [("b", &b), ("a", &a)]] {
        let m = merge(order).unwrap();
        assert!(m.summary.stats.within.is_none());
        assert_eq!(m.notes.len(), 1, "{:?}", m.notes);
        assert!(m.notes[0].starts_with("b has no within-modality counts"), "{}", m.notes[0]);
    }
    let both = merge([("a", &a), ("b", &b)]).unwrap().summary;
    let with = merge([("a", &a), ("b", &summary(&site("b", 7, 80, 10), true))]).unwrap().summary;
    assert_eq!(both.stats.d12, with.stats.d12);
    assert_eq!(both.stats.gamma1, with.stats.gamma1);
}

#[test]
fn budget_and_empty_input() {
    let a = summary(&site("a", 8, 50, 100), true);
    let mut m = Merger::new(10_000);
    match m.add("a.json", &a) {
        Err(Error::Memory { needed_bytes, budget_bytes, .. }) => assert!(needed_bytes > budget_bytes),
        other => panic!("expected a memory error, got {other:?}"),
    }
    assert!(Merger::default().finish().is_err());
}

#[test]
fn command_line_merge() {
    let dir = std::env::temp_dir().join(format!("claime-merge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (a, b) = (site("a", 9, 60, 8), site("b", 10, 60, 8));
    let pa = dir.join("a.json");
    let pb = dir.join("b.json");
    std::fs::write(&pa, summary(&a, true).to_json()).unwrap();
    std::fs::write(&pb, summary(&b, true).to_json()).unwrap();
    let out = dir.join("all.json");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_claime"))
        .args(["merge", pa.to_str().unwrap(), pb.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), summary(&format!("{a}{b}"), true).to_json());
    // A broken input names the file and the field.
    std::fs::write(&pb, "{\"format\": \"claime-summary\", \"version\": 2}").unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_claime"))
        .args(["merge", pa.to_str().unwrap(), pb.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("b.json: version") && err.contains("expected 1"), "{err}");
}

/// The same name in two Unicode forms (precomposed é, and e + combining acute) stays two
/// features, as names match byte for byte, but the merge says so.
#[test]
fn names_in_two_unicode_forms_are_noted() {
    use claime::data::merge::{merge, unicode_twins};
    let (nfc, nfd) = ("caf\u{e9}".to_string(), "cafe\u{301}".to_string());
    assert_eq!(unicode_twins(&[nfc.clone(), "x".into(), nfd.clone()]), vec![(nfc.clone(), nfd.clone())]);
    assert!(unicode_twins(&[nfc.clone(), "cafe".into()]).is_empty());
    let site = |name: &str| {
        let rows = format!("p1,code,{name}\np1,cui,C1\np2,code,{name}\np2,cui,C1\n");
        claime::data::records::summarize_str("s.csv", &rows, Default::default()).unwrap().summary
    };
    let (a, b) = (site(&nfc), site(&nfd));
    let m = merge([("a.json", &a), ("b.json", &b)]).unwrap();
    assert_eq!(m.summary.codes.len(), 2, "kept apart");
    assert!(
        m.notes.iter().any(|n| n.contains("two Unicode forms") && n.contains(&nfc) && n.contains(&nfd)),
        "{:?}",
        m.notes
    );
}
