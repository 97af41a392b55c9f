//! Records to summary statistics (`src/data/records/`): the documented example, agreement with the
//! simulator's own statistics, chunk invariance, layout detection, ungrouped files, and one
//! located error per rule.

use claime::data::format::{default_names, Summary};
use claime::data::records::{summarize_str, Grouping, RecordsOptions, Summarized, Summarizer};
use claime::simulate::{PatientSampler, Truth};
use claime::{Error, Params, SummaryStats};
use std::collections::HashMap;

fn opts() -> RecordsOptions {
    RecordsOptions::default()
}

fn ungrouped() -> RecordsOptions {
    RecordsOptions { grouping: Grouping::Ungrouped, ..RecordsOptions::default() }
}

fn summarize(text: &str) -> Summarized {
    summarize_str("records.csv", text, opts()).unwrap_or_else(|e| panic!("{e}"))
}

fn summarize_bytes(bytes: &[u8]) -> claime::Result<Summarized> {
    let mut s = Summarizer::new("records.csv", opts());
    s.feed(bytes)?;
    s.finish()
}

/// The ```json block of docs/formats.md §1.
fn documented_example() -> String {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/formats.md")).unwrap();
    let start = doc.find("```json\n").unwrap() + "```json\n".len();
    let end = start + doc[start..].find("```").unwrap();
    doc[start..end].to_string()
}

#[test]
fn documented_example_from_records() {
    // The two patients of docs/formats.md, rows interleaved so that features appear in the
    // documented order (ungrouped), then the same patients grouped.
    let rows = "patient_id,modality,feature,count\n\
                p1,code,PheCode:714.1,2\n\
                p2,code,RXNORM:6851\n\
                p1,code,PheCode:250.2\n\
                p1,cui,C0003873\n\
                p2,code,PheCode:714.1\n\
                p1,cui,C0025677\n\
                p2,cui,C0025677,2\n";
    let s = summarize_str("example.csv", rows, ungrouped()).unwrap();
    assert_eq!(s.summary.to_json(), documented_example());
    assert!(s.report.header);
    assert_eq!(s.report.progress.rows, 7);
    assert_eq!(s.report.progress.patients, 2);
    // Grouped and without a header, one row a token: the same statistics, codes in another order.
    let grouped = "p2,code,RXNORM:6851\np2,code,PheCode:714.1\np2,cui,C0025677\np2,cui,C0025677\n\
                   p1,code,PheCode:714.1\np1,code,PheCode:250.2\np1,cui,C0003873\np1,code,PheCode:714.1\np1,cui,C0025677\n";
    let g = summarize(grouped);
    assert!(!g.report.header);
    assert_eq!(g.summary.codes, ["RXNORM:6851", "PheCode:714.1", "PheCode:250.2"]);
    assert_same(&g.summary, &s.summary);
}

/// Statistics equal after matching features by name (exact: integer counts).
fn assert_same(a: &Summary, b: &Summary) {
    let (sa, sb) = (&a.stats, &b.stats);
    assert_eq!((sa.d1, sa.d2, sa.patients), (sb.d1, sb.d2, sb.patients));
    let ix = |names: &[String]| names.iter().enumerate().map(|(i, n)| (n.clone(), i)).collect::<HashMap<_, _>>();
    let (c, u) = (ix(&b.codes), ix(&b.cuis));
    let m1: Vec<usize> = a.codes.iter().map(|n| c[n]).collect();
    let m2: Vec<usize> = a.cuis.iter().map(|n| u[n]).collect();
    for i in 0..sa.d1 {
        assert_eq!(sa.n1[i], sb.n1[m1[i]], "N1 of {}", a.codes[i]);
        assert_eq!(sa.gamma1[i], sb.gamma1[m1[i]], "gamma1 of {}", a.codes[i]);
        for j in 0..sa.d2 {
            assert_eq!(sa.d12_at(i, j), sb.d12_at(m1[i], m2[j]), "D12 {} {}", a.codes[i], a.cuis[j]);
        }
    }
    for j in 0..sa.d2 {
        assert_eq!(sa.n2[j], sb.n2[m2[j]]);
        assert_eq!(sa.gamma2[j], sb.gamma2[m2[j]]);
    }
    match (&sa.within, &sb.within) {
        (Some(wa), Some(wb)) => {
            let up = |c: &ndarray::Array2<f64>, _d: usize, i: usize, j: usize| claime::stats::upper_at(c, i, j);
            for i in 0..sa.d1 {
                for j in 0..sa.d1 {
                    assert_eq!(up(&wa.c11, sa.d1, i, j), up(&wb.c11, sa.d1, m1[i], m1[j]));
                }
            }
            for i in 0..sa.d2 {
                for j in 0..sa.d2 {
                    assert_eq!(up(&wa.c22, sa.d2, i, j), up(&wb.c22, sa.d2, m2[i], m2[j]));
                }
            }
        }
        (None, None) => {}
        _ => panic!("one has within-modality counts, the other not"),
    }
}

/// A simulated cohort as records (one row per patient and feature, with its count, or one row
/// per token) and the simulator's own statistics of the same patients.
fn simulated(n: usize, seed: u64, tokens: bool) -> (String, Summary) {
    let params =
        Params { d1: 30, d2: 20, p: 2, n, mean_t: 8.0, signal: 2.0, seed, ..Params::default() }.check().unwrap();
    let truth = Truth::draw(&params);
    let mut sampler = PatientSampler::new(&params);
    let mut stats = SummaryStats::new(30, 20, true);
    let (codes, cuis) = default_names(30, 20);
    let mut bags = [Vec::new(), Vec::new()];
    let mut text = String::new();
    for i in 0..n {
        sampler.next_patient(&truth, &mut bags);
        stats.add_patient(&bags[0], &bags[1]);
        for (bag, names, m) in [(&bags[0], &codes, "code"), (&bags[1], &cuis, "cui")] {
            for &(w, c) in bag.iter() {
                if tokens {
                    for _ in 0..c {
                        text += &format!("s{seed}-{i}\t{m}\t{}\n", names[w as usize]);
                    }
                } else {
                    text += &format!("s{seed}-{i},{m},{},{c}\n", names[w as usize]);
                }
            }
        }
    }
    (text, Summary::with_default_names(stats))
}

#[test]
fn records_of_simulated_patients_give_the_simulators_statistics() {
    for tokens in [false, true] {
        let (text, reference) = simulated(400, 3, tokens);
        let s = summarize(&text);
        assert_eq!(s.report.delimiter, if tokens { "tab" } else { "comma" });
        // A feature never drawn has no row: compare on the drawn ones.
        let mut r = reference.clone();
        keep_drawn(&mut r);
        assert_same(&s.summary, &r);
    }
}

/// Drops features with zero token count from a simulated summary.
fn keep_drawn(s: &mut Summary) {
    let keep1: Vec<usize> = (0..s.stats.d1).filter(|&i| s.stats.n1[i] > 0.0).collect();
    let keep2: Vec<usize> = (0..s.stats.d2).filter(|&j| s.stats.n2[j] > 0.0).collect();
    let st = &s.stats;
    let mut out = SummaryStats::new(keep1.len(), keep2.len(), true);
    out.patients = st.patients;
    for (a, &i) in keep1.iter().enumerate() {
        out.n1[a] = st.n1[i];
        out.gamma1[a] = st.gamma1[i];
        for (b, &j) in keep2.iter().enumerate() {
            out.d12[[a, b]] = st.d12_at(i, j);
        }
        for (b, &k) in keep1.iter().enumerate() {
            out.within.as_mut().unwrap().c11[[a, b]] = st.within.as_ref().unwrap().c11[[i, k]];
        }
    }
    for (a, &j) in keep2.iter().enumerate() {
        out.n2[a] = st.n2[j];
        out.gamma2[a] = st.gamma2[j];
        for (b, &k) in keep2.iter().enumerate() {
            out.within.as_mut().unwrap().c22[[a, b]] = st.within.as_ref().unwrap().c22[[j, k]];
        }
    }
    let codes = keep1.iter().map(|&i| s.codes[i].clone()).collect();
    let cuis = keep2.iter().map(|&j| s.cuis[j].clone()).collect();
    *s = Summary::new(codes, cuis, out).unwrap();
}

#[test]
fn any_chunking_gives_the_same_summary() {
    let (mut text, _) = simulated(60, 5, false);
    // Multi-byte names, CRLF line ends and a missing final newline straddle chunk borders too.
    text = text.replace("code_1", "côde_1").replace('\n', "\r\n");
    text.pop();
    text.pop();
    let whole = summarize(&text).summary.to_json();
    let bytes = text.as_bytes();
    for size in [1, 2, 3, 5, 7, 64, 1000, 4093] {
        let mut s = Summarizer::new("records.csv", opts());
        for chunk in bytes.chunks(size) {
            s.feed(chunk).unwrap();
        }
        assert_eq!(s.finish().unwrap().summary.to_json(), whole, "chunks of {size} bytes");
    }
}

#[test]
fn ungrouped_files_are_detected_and_summarised_in_ungrouped_mode() {
    let (text, _) = simulated(50, 7, false);
    let grouped = summarize(&text);
    // Rows sorted by feature: every patient appears many times.
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_by_key(|l| l.split(',').nth(2).unwrap().to_string());
    let shuffled = lines.join("\n");
    let mut s = Summarizer::new("records.csv", opts());
    let e = s.feed_str(&shuffled).unwrap_err().to_string();
    assert!(e.contains("not grouped by patient") && e.starts_with("records.csv:"), "{e}");
    assert!(s.not_grouped().is_some());
    let u = summarize_str("records.csv", &shuffled, ungrouped()).unwrap();
    assert_eq!(u.report.grouping, Grouping::Ungrouped);
    assert_same(&u.summary, &grouped.summary);
    // Ungrouped mode on a grouped file gives the very same file.
    let same = summarize_str("records.csv", &text, ungrouped()).unwrap();
    assert_eq!(same.summary.to_json(), grouped.summary.to_json());
}

#[test]
fn layout_variants() {
    let base = summarize("a,code,X\na,cui,Y\nb,code,X\nb,cui,Y\nb,cui,Y\n").summary.to_json();
    for text in [
        "patient_id,modality,feature\na,code,X\na,cui,Y\nb,code,X\nb,cui,Y\nb,cui,Y\n",
        "patient\tkind\tname\tcount\na\tcode\tX\t1\na\tcui\tY\t1\nb\tcode\tX\t1\nb\tcui\tY\t2\n",
        "\u{feff}a,CODE,X\r\n\r\na , cui , Y \r\nb,code,X,\nb,Cui,Y,2.0\n",
        "\"a\",code,\"X\"\na,cui,Y\nb,code,X\nb,cui,Y,1\nb,cui,Y\n",
    ] {
        assert_eq!(summarize(text).summary.to_json(), base, "{text:?}");
    }
    // Quoted names may hold the delimiter and quotes.
    let s = summarize("1,code,\"Diabetes, type 2\"\n1,cui,\"say \"\"hi\"\"\"\n").summary;
    assert_eq!(s.codes, ["Diabetes, type 2"]);
    assert_eq!(s.cuis, ["say \"hi\""]);
}

#[test]
fn non_integer_counts() {
    // x = (1.5, 0.5) codes, T1 = 2; one CUI 2.5: gamma1 = x (T1 - 1) = (1.5, 0.5);
    // C11 = (1.5 * 0.5, 0.5 * -0.5 -> clamped, 1.5 * 0.5); gamma2 = 2.5 * 1.5; D12 = 2.5 x.
    let s = summarize("p,code,A,1.5\np,code,B,0.5\np,cui,U,2.5\n");
    let st = &s.summary.stats;
    assert_eq!(st.n1, [1.5, 0.5]);
    assert_eq!(st.gamma1, [1.5, 0.5]);
    assert_eq!(st.gamma2, [2.5 * 1.5]);
    assert_eq!(claime::stats::row_major(&st.d12), [3.75, 1.25]);
    let w = st.within.as_ref().unwrap();
    assert_eq!(claime::stats::row_major(&w.c11), [0.75, 0.75, 0.0, 0.0]);
    assert_eq!(s.report.clamped, 1);
    // The file reads back.
    Summary::from_json(&s.summary.to_json()).unwrap();
}

#[test]
fn errors_name_the_file_line_and_field() {
    let table: &[(&str, &str)] = &[
        ("a,code,X\na,cui,Y\nb,icd,Z\n", "records.csv:3:2: modality must be code or cui, got 'icd'"),
        ("a,code,X\n,cui,Y\n", "records.csv:2:1: patient_id is empty"),
        ("a,code,X\na,cui,  \n", "records.csv:2:3: feature is empty"),
        ("a,code,X\na,cui,Y,-1\n", "records.csv:2:4: count must be a finite non-negative number, got '-1'"),
        ("a,code,X\na,cui,Y,inf\n", "records.csv:2:4: count must be a finite non-negative number, got 'inf'"),
        ("a,code,X\na,cui,Y,two\n", "records.csv:2:4: count must be a finite non-negative number, got 'two'"),
        ("a,code,X\na,cui\n", "records.csv:2: expected 3 or 4 comma-separated fields"),
        ("a,code,X\na,cui,Y,1,2\n", "records.csv:2: expected 3 or 4 comma-separated fields"),
        ("a,code,X\na,cui,\"Y\n", "records.csv:2:3: unterminated quoted field"),
        ("a,code,X\na,cui,\"Y\"z\n", "records.csv:2:3: unexpected text after a closing quote"),
        ("a,code,X\na,code,Y\n", "records.csv: no CUI rows"),
        ("a,cui,X\n", "records.csv: no code rows"),
        ("", "records.csv:1: no records"),
        ("patient_id,modality,feature\n", "records.csv:1: no records"),
        ("a,code,X\nb,cui,Y\na,cui,Z\n", "records.csv:3:1: patient 'a' appears again after other patients"),
    ];
    for (text, want) in table {
        let got = match summarize_str("records.csv", text, opts()) {
            Ok(_) => "Ok".to_string(),
            // A fault of the input's content (Error::Records), not a failed read (Error::Io).
            Err(e @ Error::Records { .. }) => e.to_string(),
            Err(e) => format!("not a records error: {e:?}"),
        };
        assert!(got.starts_with(want), "input {text:?}\n got: {got}\nwant: {want}");
    }
    let bytes = summarize_bytes(b"a,code,X\na,cui,Y\nb,code,\xff\n").unwrap_err().to_string();
    assert!(bytes.starts_with("records.csv:3: not UTF-8 text"), "{bytes}");
    // A line without an end is refused once it passes the limit, not after reading it all.
    let mut s = Summarizer::new("big.csv", opts());
    let chunk = vec![b'x'; 1 << 16];
    let mut result = Ok(());
    for _ in 0..20 {
        result = s.feed(&chunk);
        if result.is_err() {
            break;
        }
    }
    assert!(result.unwrap_err().to_string().starts_with("big.csv:1: line longer than"));
    // After an error the summariser refuses more input.
    assert!(s.feed(b"a,code,X\n").is_err());
}

#[test]
fn memory_budget_refuses_before_allocating() {
    let mut text = String::new();
    for i in 0..200 {
        text += &format!("p,code,c{i}\np,cui,u{i}\n");
    }
    let tight = RecordsOptions { budget: 1_000_000, ..RecordsOptions::default() };
    match summarize_str("big.csv", &text, tight.clone()) {
        Err(Error::Memory { needed_bytes, budget_bytes, what, .. }) => {
            assert!(needed_bytes > budget_bytes && budget_bytes == 1_000_000);
            assert!(what.starts_with("big.csv:") && what.contains("within-modality"), "{what}");
        }
        other => panic!("expected a memory error, got {other:?}"),
    }
    // Without the within-modality counts the same input fits.
    let s = summarize_str("big.csv", &text, RecordsOptions { within: false, ..tight.clone() }).unwrap();
    assert!(s.summary.stats.within.is_none() && s.summary.codes.len() == 200);
    // Ungrouped: the held rows count too.
    let mut many = String::new();
    for i in 0..3000 {
        many += &format!("p{i},code,c\np{i},cui,u\n");
    }
    let e = summarize_str(
        "rows.csv",
        &many,
        RecordsOptions { within: false, grouping: Grouping::Ungrouped, budget: 100_000 },
    );
    assert!(matches!(e, Err(Error::Memory { .. })), "{e:?}");
}

#[test]
fn command_line_summarize_detects_ungrouped_files() {
    let dir = std::env::temp_dir().join(format!("claime-records-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (text, _) = simulated(30, 11, false);
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_by_key(|l| l.split(',').nth(2).unwrap().to_string());
    let input = dir.join("shuffled.csv");
    std::fs::write(&input, lines.join("\n")).unwrap();
    let out = dir.join("site.summary.json");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_claime"))
        .args(["summarize", input.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("not grouped by patient") && stderr.contains("ungrouped"), "{stderr}");
    let s = Summary::from_json(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_same(&s, &summarize(&text).summary);
    // A bad row: one line naming the file, line and field; exit status 2.
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "a,code,X\na,icd,Y\n").unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_claime"))
        .args(["summarize", bad.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(stderr.trim(), format!("error: {}:2:2: modality must be code or cui, got 'icd'", bad.display()));
}

/// A comma-separated file whose first row has a tab inside a name is read as CSV (it was taken
/// for TSV: "expected 3 or 4 tab-separated fields"), and a real TSV file still as TSV.
#[test]
fn a_tab_inside_a_name_does_not_make_a_csv_file_tsv() {
    let s = summarize("p1,code,name\twith tab\np1,cui,C1\np2,code,D2\np2,cui,C1\n");
    assert_eq!(s.report.delimiter, "comma");
    assert_eq!(s.summary.codes, vec!["name\twith tab".to_string(), "D2".to_string()]);
    let t = summarize("p1\tcode\tD,1\np1\tcui\tC1\np2\tcode\tD2\np2\tcui\tC1\n");
    assert_eq!(t.report.delimiter, "tab");
    assert_eq!(t.summary.codes, vec!["D,1".to_string(), "D2".to_string()]);
}
