//! The OMOP route on the fixture tests/data/omop (scripts/make-omop-fixture.py, from Eunomia):
//! every statistic against a slow, obviously-correct count written here, chunking, gzip, the
//! date window, and each bad input with its message (exit status 2, nothing written).

use claime::data::format::Summary;
use claime::omop::{Date, Domain, OmopOptions, OmopSummarizer, Selection, Table};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/omop");

fn file_of(table: Table) -> &'static str {
    match table {
        Table::Concept => "concept.csv",
        Table::Note => "note.csv",
        Table::Domain(Domain::Condition) => "condition_occurrence.csv",
        Table::Domain(Domain::Drug) => "drug_exposure.tsv",
        Table::Domain(Domain::NoteNlp) => "note_nlp.csv",
        Table::Domain(d) => panic!("no fixture for {d:?}"),
    }
}

/// The core fed from the fixture in chunks of `chunk` bytes.
fn summarize(opts: OmopOptions, chunk: usize) -> Summary {
    let mut s = OmopSummarizer::new(opts).unwrap();
    for t in s.tables() {
        let bytes = std::fs::read(Path::new(FIXTURE).join(file_of(t))).unwrap();
        s.begin(t, file_of(t)).unwrap();
        for c in bytes.chunks(chunk) {
            s.feed(c).unwrap();
        }
        s.end().unwrap();
    }
    s.finish().unwrap().summary
}

/// A table as header -> column index (upper-cased names) and rows, split naively (the fixture's
/// data tables hold no quotes).
fn table(name: &str) -> (BTreeMap<String, usize>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(Path::new(FIXTURE).join(name)).unwrap();
    let sep = if name.ends_with(".tsv") { '\t' } else { ',' };
    let mut lines = text.lines();
    let head = lines.next().unwrap().split(sep).enumerate().map(|(i, h)| (h.to_ascii_uppercase(), i)).collect();
    (head, lines.map(|l| l.split(sep).map(str::to_string).collect()).collect())
}

/// Tokens (person, modality, concept) of the chosen tables, by the definitions: concept 0
/// dropped, the date window on the start date (note_nlp: nlp_date, else the note's date).
fn tokens(codes: &[Domain], cuis: &[Domain], window: Option<(&str, &str)>) -> Vec<(i64, usize, i64)> {
    let (nh, nrows) = table("note.csv");
    let notes: BTreeMap<i64, (i64, String)> = nrows
        .iter()
        .map(|r| (r[nh["NOTE_ID"]].parse().unwrap(), (r[nh["PERSON_ID"]].parse().unwrap(), r[nh["NOTE_DATE"]].clone())))
        .collect();
    let mut out = Vec::new();
    for (m, doms) in [(0, codes), (1, cuis)] {
        for &d in doms {
            let (h, rows) = table(file_of(Table::Domain(d)));
            for r in rows {
                let concept: i64 = r[h[&d.concept_column().to_ascii_uppercase()]].parse().unwrap();
                let (person, mut date) = if d == Domain::NoteNlp {
                    let n = &notes[&r[h["NOTE_ID"]].parse().unwrap()];
                    (n.0, n.1.clone())
                } else {
                    (r[h["PERSON_ID"]].parse().unwrap(), String::new())
                };
                let own = &r[h[&d.date_column().to_ascii_uppercase()]];
                if !own.is_empty() {
                    date = own.clone();
                }
                let inside = window.is_none_or(|(a, b)| a <= date.as_str() && date.as_str() <= b);
                if concept != 0 && inside {
                    out.push((person, m, concept));
                }
            }
        }
    }
    out
}

/// Checks every statistic of `s` against the tokens, by brute force over persons and features.
fn check(s: &Summary, toks: &[(i64, usize, i64)]) {
    let persons: BTreeSet<i64> = toks.iter().map(|t| t.0).collect();
    let feats: [Vec<i64>; 2] =
        [0, 1].map(|m| toks.iter().filter(|t| t.1 == m).map(|t| t.2).collect::<BTreeSet<_>>().into_iter().collect());
    let ids = |names: &[String]| {
        names.iter().map(|n| n.split(' ').next().unwrap().parse::<i64>().unwrap()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&s.codes), feats[0], "codes: the features, ordered by concept id");
    assert_eq!(ids(&s.cuis), feats[1], "cuis");
    assert_eq!(s.stats.patients, persons.len() as f64, "patients");
    let x = |p: i64, m: usize, w: i64| toks.iter().filter(|t| **t == (p, m, w)).count() as f64;
    let t = |p: i64, m: usize| toks.iter().filter(|t| t.0 == p && t.1 == m).count() as f64;
    let st = &s.stats;
    #[allow(clippy::needless_range_loop)]
    for m in 0..2 {
        let (n, g) = if m == 0 { (&st.n1, &st.gamma1) } else { (&st.n2, &st.gamma2) };
        for (i, &w) in feats[m].iter().enumerate() {
            assert_eq!(n[i], persons.iter().map(|&p| x(p, m, w)).sum::<f64>(), "N_{m}({w})");
            assert_eq!(g[i], persons.iter().map(|&p| x(p, m, w) * (t(p, m) - 1.0)).sum::<f64>(), "gamma_{m}({w})");
        }
    }
    for (i, &w) in feats[0].iter().enumerate() {
        for (j, &v) in feats[1].iter().enumerate() {
            assert_eq!(st.d12[[i, j]], persons.iter().map(|&p| x(p, 0, w) * x(p, 1, v)).sum::<f64>(), "D12({w}, {v})");
        }
    }
    if let Some(within) = &st.within {
        for (m, c) in [(0, &within.c11), (1, &within.c22)] {
            let d = feats[m].len();
            for i in 0..d {
                for j in 0..d {
                    let (w, v) = (feats[m][i], feats[m][j]);
                    let want: f64 = match i.cmp(&j) {
                        std::cmp::Ordering::Greater => 0.0,
                        std::cmp::Ordering::Equal => persons.iter().map(|&p| x(p, m, w) * (x(p, m, w) - 1.0)).sum(),
                        std::cmp::Ordering::Less => persons.iter().map(|&p| x(p, m, w) * x(p, m, v)).sum(),
                    };
                    assert_eq!(c[[i, j]], want, "C_{m}{m}({w}, {v})");
                }
            }
        }
    }
}

#[test]
fn statistics_equal_an_independent_count() {
    use Domain::*;
    let d = |s: &str| Some(Date::parse(s).unwrap());
    // (codes, cuis, within, window)
    type Case<'a> = (&'a [Domain], &'a [Domain], bool, Option<(&'a str, &'a str)>);
    let cases: &[Case] = &[
        (&[Condition], &[Drug], true, None),
        (&[Condition], &[Drug], false, None),
        (&[Drug], &[Condition], true, None),
        (&[Condition], &[Drug, NoteNlp], true, None),
        (&[Condition, NoteNlp], &[Drug], true, Some(("1990-01-01", "2015-06-30"))),
        (&[Condition], &[Drug], true, Some(("2000-01-01", "2010-12-31"))),
    ];
    for &(codes, cuis, within, window) in cases {
        let select = Selection {
            codes: codes.to_vec(),
            cuis: cuis.to_vec(),
            within,
            from: window.and_then(|w| d(w.0)),
            to: window.and_then(|w| d(w.1)),
        };
        let opts = OmopOptions { select, ..OmopOptions::default() };
        let s = summarize(opts.clone(), 1 << 20);
        assert_eq!(s.stats.within.is_some(), within);
        check(&s, &tokens(codes, cuis, window));
        for chunk in [1, 7, 4096] {
            assert_eq!(summarize(opts.clone(), chunk), s, "chunks of {chunk} bytes");
        }
    }
}

#[test]
fn names_carry_concept_names_and_unmapped_rows_are_counted() {
    let mut s = OmopSummarizer::new(OmopOptions::default()).unwrap();
    for t in s.tables() {
        s.begin(t, file_of(t)).unwrap();
        s.feed(&std::fs::read(Path::new(FIXTURE).join(file_of(t))).unwrap()).unwrap();
        s.end().unwrap();
    }
    let done = s.finish().unwrap();
    let (h, rows) = table("concept.csv");
    assert!(h.contains_key("CONCEPT_NAME"));
    let first = &rows[0];
    let want = format!("{} {}", first[0], first[1]);
    assert!(done.summary.codes.iter().chain(&done.summary.cuis).any(|n| *n == want), "{want} among the names");
    for n in done.summary.codes.iter().chain(&done.summary.cuis) {
        let (id, name) = n.split_once(' ').expect("id and name");
        assert!(id.parse::<i64>().is_ok() && !name.is_empty(), "{n}");
    }
    let cond = &done.report.tables.iter().find(|t| t.table == "condition_occurrence").unwrap();
    assert_eq!((cond.rows, cond.unmapped, cond.tokens), (312, 2, 310));
}

#[test]
fn source_values_are_the_features() {
    let opts = OmopOptions { source_values: true, ..OmopOptions::default() };
    let s = summarize(opts, 1 << 20);
    let (h, rows) = table("condition_occurrence.csv");
    let want: BTreeSet<String> =
        rows.iter().map(|r| r[h["CONDITION_SOURCE_VALUE"]].clone()).filter(|v| !v.is_empty()).collect();
    let mut sorted = s.codes.clone();
    sorted.sort();
    assert_eq!(s.codes, sorted, "byte order");
    assert_eq!(s.codes.iter().cloned().collect::<BTreeSet<_>>(), want);
    assert_eq!(s.stats.n1.iter().sum::<f64>(), rows.len() as f64, "every row has a source value");
}

// ---- the command line: gzip, and bad input ----

fn claime(args: &[&str]) -> (i32, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_claime")).args(args).output().unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// A copy of the fixture in a fresh temporary folder.
fn copy_fixture(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("claime-omop-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(FIXTURE).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    dir
}

fn edit(path: &Path, line: usize, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert!(lines[line - 1].contains(from), "{from} in line {line}");
    lines[line - 1] = lines[line - 1].replacen(from, to, 1);
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

#[test]
fn gzipped_tables_give_the_same_summary() {
    use std::io::Write;
    let dir = copy_fixture("gz");
    let plain = dir.join("plain.json");
    let d = dir.to_str().unwrap();
    assert_eq!(
        claime(&["summarize", "--omop", d, "--codes", "condition", "--cuis", "drug", "--out", plain.to_str().unwrap()])
            .0,
        0
    );
    for name in ["condition_occurrence.csv", "drug_exposure.tsv"] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&bytes).unwrap();
        std::fs::write(dir.join(format!("{}.gz", name.to_ascii_uppercase())), gz.finish().unwrap()).unwrap();
        std::fs::remove_file(dir.join(name)).unwrap();
    }
    let zipped = dir.join("zipped.json");
    let (code, err) = claime(&[
        "summarize",
        "--omop",
        d,
        "--codes",
        "condition",
        "--cuis",
        "drug",
        "--out",
        zipped.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&plain).unwrap(), std::fs::read(&zipped).unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The page's route (the core fed chunks, as the data worker feeds `File.stream()` chunks) writes
/// the bytes the command line writes, for every chunk size.
#[test]
fn chunk_fed_core_writes_the_command_lines_bytes() {
    use Domain::*;
    for (codes, cuis, flags) in [
        (&[Condition][..], &[Drug][..], ("condition", "drug")),
        (&[Condition], &[Drug, NoteNlp], ("condition", "drug,note_nlp")),
    ] {
        let dir = copy_fixture(&format!("cli-{}", cuis.len()));
        let out = dir.join("cli.json");
        let (code, err) = claime(&[
            "summarize",
            "--omop",
            FIXTURE,
            "--codes",
            flags.0,
            "--cuis",
            flags.1,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        let cli = std::fs::read_to_string(&out).unwrap();
        let select = Selection { codes: codes.to_vec(), cuis: cuis.to_vec(), ..Selection::default() };
        let opts = OmopOptions { select, ..OmopOptions::default() };
        for chunk in [1, 7, usize::MAX] {
            assert_eq!(summarize(opts.clone(), chunk).to_json(), cli, "{flags:?}: chunks of {chunk} bytes");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn bad_input_names_file_line_and_column() {
    // (tag, edit of the copy, cuis, extra flags, expected message)
    type Edit = fn(&Path);
    let cases: &[(&str, Edit, &str, &[&str], &str)] = &[
        (
            "table",
            |d| std::fs::remove_file(d.join("drug_exposure.tsv")).unwrap(),
            "drug",
            &[],
            "drug_exposure.csv: missing table; expected the export of drug_exposure",
        ),
        (
            "column",
            |d| edit(&d.join("condition_occurrence.csv"), 1, "PERSON_ID", "PERSONID"),
            "drug",
            &[],
            "condition_occurrence.csv:1: missing column person_id",
        ),
        (
            "person",
            |d| edit(&d.join("condition_occurrence.csv"), 2, "1,1,", "1,P1,"),
            "drug",
            &[],
            "condition_occurrence.csv:2:2: person_id must be an integer, got 'P1'",
        ),
        (
            "concept",
            |d| edit(&d.join("drug_exposure.tsv"), 3, "\t19059056\t", "\tRX19059056\t"),
            "drug",
            &[],
            "drug_exposure.tsv:3:3: drug_concept_id must be an integer, got 'RX19059056'",
        ),
        (
            "date",
            |d| edit(&d.join("condition_occurrence.csv"), 2, ",1981-08-10,", ",1981-13-10,"),
            "drug",
            &["--from", "2000-01-01"],
            "condition_occurrence.csv:2:4: condition_start_date must be a date YYYY-MM-DD, got '1981-13-10'",
        ),
        (
            "two",
            |d| {
                std::fs::copy(d.join("condition_occurrence.csv"), d.join("CONDITION_OCCURRENCE.txt"))
                    .map(|_| ())
                    .unwrap()
            },
            "drug",
            &[],
            "several exports of condition_occurrence (",
        ),
        (
            "note",
            |d| std::fs::remove_file(d.join("note.csv")).unwrap(),
            "drug,note_nlp",
            &[],
            "note.csv: note_nlp without note",
        ),
    ];
    for &(tag, change, cuis, extra, want) in cases {
        let dir = copy_fixture(tag);
        change(&dir);
        let out = dir.join("out.json");
        let mut args = vec!["summarize", "--omop", dir.to_str().unwrap(), "--codes", "condition", "--cuis", cuis];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--out", out.to_str().unwrap()]);
        let (code, err) = claime(&args);
        assert_eq!(code, 2, "{tag}: {err}");
        assert_eq!(err.lines().count(), 1, "{tag}: one line: {err}");
        assert!(err.contains(want), "{tag}: expected {want:?} in {err:?}");
        assert!(!out.exists(), "{tag}: nothing written");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The page's "Your data" offers a role select for every domain the core reads, and no other.
#[test]
fn the_page_offers_every_domain() {
    let html = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/index.html")).unwrap();
    for d in Domain::ALL {
        assert!(html.contains(&format!("data-domain=\"{}\"", d.name())), "a select for {}", d.name());
    }
    assert_eq!(html.matches("data-domain=\"").count(), Domain::ALL.len());
}
