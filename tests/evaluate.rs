//! Evaluation against known pairs (`src/data/pairs.rs`, `src/data/evaluate.rs`, the fit budget of
//! `src/data/fit.rs`): the AUC against a brute-force reference, negatives of the right kinds,
//! unknown features counted and skipped, header and kind handling, located errors, and the
//! command line.

use claime::data::evaluate::{build_sets, evaluate, EvalOptions, Unit};
use claime::data::format::Summary;
use claime::data::pairs::{parse_pairs, FeatureIndex, Kind, PairsFile};
use claime::estimators::{Fit, Method};
use claime::linalg::mat;
use claime::metrics::unit_rows;
use claime::simulate::simulate;
use claime::Params;

/// A strong-signal cohort with readable default names, its truth and a CLAIME fit.
fn cohort() -> (Summary, faer::Mat<f64>, faer::Mat<f64>) {
    let params = Params { d1: 60, d2: 40, p: 2, n: 3000, signal: 3.0, seed: 4, ..Params::default() }.check().unwrap();
    let (truth, stats) = simulate(&params, true);
    (Summary::with_default_names(stats), mat(&truth.v1).to_owned(), mat(&truth.v2).to_owned())
}

/// Pairs whose true cosine is above 0.97, per kind, as a pairs-file text with a header.
fn true_pairs(s: &Summary, t1: &faer::Mat<f64>, t2: &faer::Mat<f64>) -> String {
    let (u1, u2) = (unit_rows(t1.as_ref()), unit_rows(t2.as_ref()));
    let cos = |a: &faer::Mat<f64>, i: usize, b: &faer::Mat<f64>, j: usize| {
        (0..a.ncols()).map(|k| a[(i, k)] * b[(j, k)]).sum::<f64>()
    };
    let mut text = String::from("feature_a,feature_b,relation,kind\n");
    for i in 0..s.codes.len() {
        for j in 0..s.cuis.len() {
            if cos(&u1, i, &u2, j) > 0.97 && (i + j) % 3 == 0 {
                text += &format!("{},{},mapping,code-cui\n", s.codes[i], s.cuis[j]);
            }
        }
        for k in i + 1..s.codes.len() {
            if cos(&u1, i, &u1, k) > 0.97 && (i + k) % 3 == 0 {
                text += &format!("{},{},hierarchy,\n", s.codes[i], s.codes[k]);
            }
        }
    }
    for j in 0..s.cuis.len() {
        for k in j + 1..s.cuis.len() {
            if cos(&u2, j, &u2, k) > 0.97 {
                text += &format!("{},{},sibling,cui-cui\n", s.cuis[k], s.cuis[j]);
            }
        }
    }
    text
}

fn parse(s: &Summary, text: &str) -> PairsFile {
    let index = FeatureIndex::new(s);
    parse_pairs("pairs.csv", text, &|n| index.contains(n)).unwrap()
}

/// P(pos > neg) + P(tie) / 2 over every positive-negative comparison.
fn brute_auc(pos: &[f64], neg: &[f64]) -> f64 {
    let mut total = 0.0;
    for &p in pos {
        for &n in neg {
            total += if p > n {
                1.0
            } else if p == n {
                0.5
            } else {
                0.0
            };
        }
    }
    total / (pos.len() * neg.len()) as f64
}

#[test]
fn auc_matches_brute_force_and_truth_pairs_score_high() {
    let (s, t1, t2) = cohort();
    let pairs = parse(&s, &true_pairs(&s, &t1, &t2));
    assert!(pairs.header);
    let fits: Vec<(Method, Fit)> = Method::ALL.iter().map(|&(m, _)| (m, m.fit(&s.stats, 2, 1).unwrap())).collect();
    let refs: Vec<(Method, &Fit)> = fits.iter().map(|(m, f)| (*m, f)).collect();
    let opts = EvalOptions::default();
    let ev = evaluate(&s, &pairs, &refs, &opts).unwrap();
    let sets = build_sets(&s, &pairs, opts.negatives, opts.seed);
    assert_eq!(ev.rows.len(), 4);
    assert_eq!(
        ev.rows.iter().map(|r| r.relation.as_str()).collect::<Vec<_>>(),
        ["mapping", "hierarchy", "sibling", "all"]
    );
    for (row, set) in ev.rows.iter().zip(&sets) {
        assert!(row.found > 3 && row.found == row.given, "{row:?}");
        assert_eq!(row.negatives, 10 * row.found);
        for (k, (_, fit)) in fits.iter().enumerate() {
            let u = Unit::new(fit);
            let want = brute_auc(&u.scores(&set.positives), &u.scores(&set.negatives));
            assert!((row.auc[k] - want).abs() < 1e-12, "{} {}: {} vs {want}", row.relation, k, row.auc[k]);
        }
        // CLAIME recovers this strong-signal truth: known pairs beat random ones.
        assert!(row.auc[0] > 0.85, "{}: CLAIME AUC {}", row.relation, row.auc[0]);
    }
    assert_eq!(ev.rows[0].kinds, "code-cui");
    assert_eq!(ev.rows[1].kinds, "code-code");
    assert_eq!(ev.rows[3].kinds, "code-code+code-cui+cui-cui");
    // The same seed gives the same table; another seed other negatives.
    assert_eq!(evaluate(&s, &pairs, &refs, &opts).unwrap(), ev);
    let other = build_sets(&s, &pairs, 10, 2);
    assert_ne!(other[0].negatives, sets[0].negatives);
}

#[test]
fn negatives_have_the_kind_of_their_positive() {
    let (s, t1, t2) = cohort();
    let pairs = parse(&s, &true_pairs(&s, &t1, &t2));
    for set in build_sets(&s, &pairs, 7, 3) {
        let mut want: Vec<Kind> = set.positives.iter().flat_map(|p| std::iter::repeat(p.2).take(7)).collect();
        let mut got: Vec<Kind> = set.negatives.iter().map(|n| n.2).collect();
        want.sort();
        got.sort();
        assert_eq!(got, want);
        for (a, b, kind) in set.positives.iter().chain(&set.negatives) {
            let sides = match kind {
                Kind::CodeCode => (false, false),
                Kind::CodeCui => (false, true),
                Kind::CuiCui => (true, true),
            };
            assert_eq!((a.cui, b.cui), sides);
        }
        for (a, b, kind) in &set.negatives {
            assert!(*kind == Kind::CodeCui || a != b, "a same-modality negative pairs two distinct features");
        }
    }
}

#[test]
fn unknown_features_header_and_kinds() {
    let (s, _, _) = cohort();
    // No header: the first row names features. cui-code rows are swapped; a kind that does not
    // match the names makes the pair unknown; names are looked up as codes first.
    let text = "code_01\tcui_01\trel\n\
                cui_02\tcode_03\trel\tcui-code\n\
                code_04\tnot_a_feature\trel\n\
                cui_05\tcode_06\trel\tcode-cui\n\
                \n\
                cui_07\tcui_08\tother\n";
    let pairs = parse(&s, text);
    assert!(!pairs.header);
    assert_eq!(pairs.rows.len(), 5);
    assert_eq!(
        (pairs.rows[1].a.as_str(), pairs.rows[1].b.as_str(), pairs.rows[1].kind),
        ("code_03", "cui_02", Some(Kind::CodeCui))
    );
    let sets = build_sets(&s, &pairs, 10, 1);
    assert_eq!(sets.len(), 3);
    assert_eq!((sets[0].given, sets[0].positives.len()), (4, 2));
    assert_eq!(sets[0].unknown, ["line 3: code_04 / not_a_feature", "line 4: cui_05 / code_06"]);
    assert_eq!((sets[1].given, sets[1].positives.len()), (1, 1));
    assert_eq!(sets[1].positives[0].2, Kind::CuiCui);
    // Without kind, a CUI first and a code second is stored code first.
    let p = parse(&s, "cui_01,code_02,r\n");
    let set = &build_sets(&s, &p, 1, 1)[0];
    assert_eq!((set.positives[0].0.cui, set.positives[0].1.cui), (false, true));
}

#[test]
fn pairs_errors_name_the_line_and_field() {
    let (s, _, _) = cohort();
    let index = FeatureIndex::new(&s);
    let known = |n: &str| index.contains(n);
    let table: &[(&str, &str)] = &[
        ("code_01,cui_01\n", "pairs.csv:1: expected 3 or 4 fields"),
        (
            "a,b,relation\ncode_01,cui_01,r,x-y\n",
            "pairs.csv:2:4: kind must be code-code, code-cui, cui-code or cui-cui, got 'x-y'",
        ),
        ("code_01,cui_01,r\ncode_01,,r\n", "pairs.csv:2:2: feature_b is empty"),
        ("code_01,cui_01,\n", "pairs.csv:1:3: relation is empty"),
        ("code_01,cui_01,\"r\n", "pairs.csv:1:3: unterminated quoted field"),
    ];
    for (text, want) in table {
        let got = parse_pairs("pairs.csv", text, &known).unwrap_err().to_string();
        assert!(got.starts_with(want), "{text:?}\n got: {got}\nwant: {want}");
    }
}

#[test]
fn csv_and_table_output() {
    let (s, t1, t2) = cohort();
    let pairs = parse(&s, &true_pairs(&s, &t1, &t2));
    let fit = Method::Claime.fit(&s.stats, 2, 1).unwrap();
    let ev = evaluate(&s, &pairs, &[(Method::Claime, &fit)], &EvalOptions::default()).unwrap();
    let csv = ev.to_csv();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("relation,kinds,pairs_given,pairs_found,negatives,auc_claime"));
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(first[0], "mapping");
    assert_eq!(first[5].parse::<f64>().unwrap(), ev.rows[0].auc[0]);
    let table = ev.to_table();
    assert!(table.starts_with("relation") && table.contains("AUC claime") && table.lines().count() == 5, "{table}");
}

#[test]
fn command_line_evaluate() {
    let dir = std::env::temp_dir().join(format!("claime-evaluate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (s, t1, t2) = cohort();
    let summary = dir.join("s.json");
    let pairs = dir.join("pairs.csv");
    std::fs::write(&summary, s.to_json()).unwrap();
    std::fs::write(&pairs, true_pairs(&s, &t1, &t2) + "code_01,unknown_thing,mapping\n").unwrap();
    let out = dir.join("table.csv");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_claime"))
        .args(["evaluate", "--summary", summary.to_str().unwrap(), "--pairs", pairs.to_str().unwrap(), "--p", "2"])
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "{stderr}");
    assert!(stdout.contains("AUC claime") && stdout.contains("AUC concate") && stdout.contains("AUC cl"), "{stdout}");
    assert!(stderr.contains("mapping: 1 of") && stderr.contains("unknown_thing"), "{stderr}");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.starts_with("relation,kinds,pairs_given,pairs_found,negatives,auc_claime,auc_concate,auc_cl\n"));
    // p out of range names the flag.
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_claime"))
        .args(["evaluate", "--summary", summary.to_str().unwrap(), "--pairs", pairs.to_str().unwrap(), "--p", "99"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--p: got 99"));
}

#[test]
fn mismatched_fits_and_oversized_fits_are_refused() {
    let (s, t1, t2) = cohort();
    let pairs = parse(&s, &true_pairs(&s, &t1, &t2));
    let small = Params { d1: 30, d2: 20, p: 2, n: 500, ..Params::default() }.check().unwrap();
    let other = Method::Claime.fit(&simulate(&small, false).1, 2, 1).unwrap();
    let e = evaluate(&s, &pairs, &[(Method::Claime, &other)], &EvalOptions::default()).unwrap_err();
    assert!(e.to_string().contains("30 code and 20 CUI rows"), "{e}");
    let budget = claime::params::DEFAULT_MEMORY_BUDGET;
    assert!(
        claime::data::fit::check_fit_budget(3500, 1000, &[Method::Claime, Method::Concate, Method::Cl], budget).is_ok()
    );
    match claime::data::fit::check_fit_budget(15_000, 10_000, &[Method::Claime], budget) {
        Err(claime::Error::Memory { needed_bytes, .. }) => assert_eq!(needed_bytes, 8 * 2 * 15_000 * 10_000),
        other => panic!("expected a memory error, got {other:?}"),
    }
}

#[test]
fn the_own_fit_picks_the_methods_the_summary_supports_and_checks_p() {
    use claime::data::fit::OwnFit;
    let (s, _, _) = cohort();
    let budget = claime::params::DEFAULT_MEMORY_BUDGET;
    let all = OwnFit::new(&s, 2, None);
    assert_eq!(all.methods, vec![Method::Claime, Method::Concate, Method::Cl]);
    assert!(!all.claime_only);
    let mut bare = s.clone();
    bare.stats.within = None;
    let alone = OwnFit::new(&bare, 2, None);
    assert_eq!(alone.methods, vec![Method::Claime]);
    assert!(alone.claime_only);
    assert!(!OwnFit::new(&bare, 2, Some(vec![Method::Claime])).claime_only);
    for p in [0, 41] {
        let e = OwnFit::new(&s, p, None).check(&s, budget).unwrap_err();
        assert!(e.to_string().contains("an integer in [1, 40] (the smaller modality)"), "{e}");
    }
    all.check(&s, budget).unwrap();
    // The fits are those of each method alone; with the spectrum, CLAIME's singular values come too.
    let fitted = all.fit(&s, 1, false).unwrap();
    assert!(fitted.singular_values.is_empty());
    for (m, f) in &fitted.fits {
        assert_eq!(f.v1, m.fit(&s.stats, 2, 1).unwrap().v1, "{}", m.name());
    }
    let with_spectrum = all.fit(&s, 1, true).unwrap();
    assert_eq!(with_spectrum.fits.len(), 3);
    assert!(with_spectrum.singular_values.len() >= 2);
}

#[test]
fn a_summary_whose_default_fit_is_over_the_budget_is_refused_from_its_sizes() {
    use claime::data::fit::check_summary_fit;
    let budget = claime::params::DEFAULT_MEMORY_BUDGET;
    // Without within counts CLAIME alone: 2 d1 d2 doubles; with them all three methods.
    assert!(check_summary_fit(10_000, 10_000, false, budget).is_ok());
    match check_summary_fit(15_000, 15_000, false, budget) {
        Err(e @ claime::Error::Memory { .. }) => {
            assert!(
                e.to_string().starts_with("fitting claime to 15000 codes and 15000 CUIs would need about 3433 MiB"),
                "{e}"
            )
        }
        other => panic!("expected a memory error, got {other:?}"),
    }
    assert!(check_summary_fit(5_000, 5_000, true, budget).is_err(), "Concate and CL need (d1 + d2)^2 matrices");
    // The summary reader runs the check before it reads the matrices.
    let text = r#"{"format": "claime-summary", "version": 1, "codes": ["a"], "cuis": ["b"], "patients": 1,
        "code_counts": [1], "cui_counts": [1], "code_pair_totals": [0], "cui_pair_totals": [0], "cross": "not read"}"#;
    let refuse = |_: usize, _: usize, _: bool| -> Result<(), claime::Error> {
        Err(claime::Error::Unsupported { what: "refused".into() })
    };
    let e = claime::data::format::Summary::from_json_checked(text, &refuse).unwrap_err();
    assert_eq!(e.to_string(), "refused");
}
