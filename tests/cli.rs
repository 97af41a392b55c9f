//! The `claime` command line end to end: files written, JSON shape, exit codes and one-line
//! errors for bad input.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "common/claime.rs"]
mod claime_bin;
use claime_bin::claime;

fn tmp(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("claime-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name).to_string_lossy().into()
}

const SMALL: [&str; 10] = ["--d1", "40", "--d2", "30", "--p", "2", "--n", "2000", "--signal", "3"];

/// The arguments `head`, then the small model (SMALL).
fn small<'a>(head: &[&'a str]) -> Vec<&'a str> {
    [head, &SMALL[..]].concat()
}

/// Simulates the small model into `tmp(name)` and returns that prefix.
fn simulate_small(name: &str) -> String {
    let prefix = tmp(name);
    let mut args = small(&["simulate"]);
    args.extend(["--out", &prefix]);
    let (code, _, err) = claime(&args);
    assert_eq!(code, 0, "{err}");
    prefix
}

#[test]
fn simulate_then_fit_writes_projector_files() {
    let prefix = simulate_small("sim");
    let truth = std::fs::read_to_string(format!("{prefix}.truth.tsv")).unwrap();
    assert_eq!(truth.lines().count(), 70);
    assert!(truth.lines().all(|l| l.split('\t').count() == 2));
    let summary = format!("{prefix}.summary.json");
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.contains("\"code_code\"") && text.contains("\"cui_cui\""));
    for method in ["claime", "concate", "cl"] {
        let out = tmp(&format!("fit-{method}"));
        let (code, _, err) = claime(&["fit", "--summary", &summary, "--p", "2", "--method", method, "--out", &out]);
        assert_eq!(code, 0, "{method}: {err}");
        let vectors = std::fs::read_to_string(format!("{out}.vectors.tsv")).unwrap();
        let meta = std::fs::read_to_string(format!("{out}.metadata.tsv")).unwrap();
        assert_eq!(vectors.lines().count(), 70);
        assert_eq!(meta.lines().next(), Some("name\tmodality"));
        assert_eq!(meta.lines().count(), 71);
        assert_eq!(meta.lines().filter(|l| l.ends_with("\tcode")).count(), 40);
        assert!(meta.lines().nth(1).unwrap().ends_with("\tcode") && meta.lines().last().unwrap().ends_with("\tcui"));
    }
}

#[test]
fn fit_from_file_equals_fit_in_memory() {
    // The embeddings written by `fit` are those of the library on the simulated statistics.
    let prefix = simulate_small("same");
    let out = tmp("same-fit");
    assert_eq!(claime(&["fit", "--summary", &format!("{prefix}.summary.json"), "--p", "2", "--out", &out]).0, 0);
    let params = claime::Params { d1: 40, d2: 30, p: 2, n: 2000, signal: 3.0, ..Default::default() }.check().unwrap();
    let mut s = claime::Session::new(params, true);
    s.advance(usize::MAX);
    let f = s.fit(claime::Method::Claime).unwrap();
    let expect = claime::data::export::projector_vectors_tsv(claime::linalg::mat(&f.v1), claime::linalg::mat(&f.v2));
    assert_eq!(std::fs::read_to_string(format!("{out}.vectors.tsv")).unwrap(), expect);
}

#[test]
fn run_json_has_every_metric_and_timing() {
    let (code, out, err) = claime(&small(&["run", "--json"]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for m in ["claime", "concate", "cl"] {
        for k in [
            "projection_distance",
            "projection_distance_codes",
            "projection_distance_cuis",
            "literal_error",
            "similarity_correlation",
            "retrieval_at_10",
            "relatedness_auc",
        ] {
            assert!(v["methods"][m][k].is_number(), "{m}.{k}");
        }
        assert!(v["timings_ms"][m].is_number());
    }
    assert!(v["timings_ms"]["simulate"].is_number());
    assert_eq!(v["params"]["d1"], 40);
    assert_eq!(v["params"]["noise"], "spike");
}

#[test]
fn run_table_lists_the_chosen_methods() {
    let (code, out, _) = claime(&small(&["run", "--methods", "claime"]));
    assert_eq!(code, 0);
    assert!(out.contains("claime") && !out.contains("concate"));
    assert!(out.contains("proj.dist"));
}

fn assert_one_line_error(args: &[&str], needle: &str) {
    let (code, out, err) = claime(args);
    assert_eq!(code, 2, "{args:?}: {err}");
    assert!(out.is_empty());
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains(needle), "{args:?}: {err}");
    assert!(!err.contains("panicked") && !err.contains("backtrace"));
}

#[test]
fn bad_flags_give_one_line_and_exit_2() {
    assert_one_line_error(&["run", "--p", "0"], "--p: got 0");
    assert_one_line_error(&["run", "--p", "abc"], "--p");
    assert_one_line_error(&["run", "--noise", "pink"], "spike");
    assert_one_line_error(&["run", "--rho", "1.5"], "--rho: got 1.5");
    assert_one_line_error(&["run", "--mean-t", "1"], "--mean-t: got 1");
    assert_one_line_error(&["run", "--methods", "claime,bogus"], "bogus");
    assert_one_line_error(&["run", "--d1", "20000", "--d2", "20000"], "memory budget");
    assert_one_line_error(&["run", "--frobnicate"], "--frobnicate");
}

#[test]
fn malformed_summary_names_file_and_field() {
    let path = tmp("bad.summary.json");
    std::fs::write(
        &path,
        r#"{"format":"claime-summary","version":1,"codes":["a","b"],"cuis":["x"],"patients":3,
        "code_counts":[1,2],"cui_counts":[1],"code_pair_totals":[1,1],"cui_pair_totals":[0],
        "cross":{"rows":[0,5],"cols":[0,0],"values":[1,1]}}"#,
    )
    .unwrap();
    assert_one_line_error(&["fit", "--summary", &path, "--p", "1", "--out", &tmp("x")], "cross.rows[1]");
    assert_one_line_error(&["fit", "--summary", &tmp("missing.json"), "--p", "1", "--out", &tmp("x")], "missing.json");
}

#[test]
fn concate_without_within_counts_is_a_clear_error() {
    let path = tmp("nowithin.summary.json");
    std::fs::write(
        &path,
        r#"{"format":"claime-summary","version":1,"codes":["a","b"],"cuis":["x","y"],"patients":3,
        "code_counts":[1,2],"cui_counts":[1,1],"code_pair_totals":[1,1],"cui_pair_totals":[1,1],
        "cross":{"rows":[0,1],"cols":[0,1],"values":[1,1]}}"#,
    )
    .unwrap();
    assert_one_line_error(
        &["fit", "--summary", &path, "--p", "1", "--method", "concate", "--out", &tmp("y")],
        "code_code",
    );
}

#[test]
fn help_documents_every_subcommand() {
    let (code, out, _) = claime(&["--help"]);
    assert_eq!(code, 0);
    for s in ["simulate", "fit", "run"] {
        assert!(out.contains(s));
    }
    let (_, out, _) = claime(&["run", "--help"]);
    for f in [
        "--d1",
        "--d2",
        "--p",
        "--n",
        "--mean-t",
        "--noise",
        "--c",
        "--rho",
        "--tau2",
        "--signal",
        "--seed",
        "--methods",
        "--json",
    ] {
        assert!(out.contains(f), "{f}");
    }
}

/// Runs `claime`, failing the test if it has not exited within `limit` (the child is killed).
fn claime_within(args: &[&str], limit: Duration) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_claime"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("claime {args:?} was still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

#[test]
fn a_bad_output_path_fails_before_the_work() {
    // The paper's experiment (500 replicates at n = 2..10 x 10^4) would run for hours, and
    // evaluate fits every method first: a bad --out must be refused at once, naming the flag,
    // with nothing computed (no table on stdout) and no file left behind.
    let missing = tmp("no-such-dir/out.csv");
    let limit = Duration::from_secs(10);
    let prefix = simulate_small("eval");
    let pairs = tmp("eval-pairs.csv");
    std::fs::write(&pairs, "code_01,cui_01,related\ncode_02,cui_02,related\n").unwrap();
    let summary = format!("{prefix}.summary.json");
    for args in [
        vec!["experiment", "--exp", "n", "--out", &missing],
        vec!["experiment", "--exp", "d", "--out", &tmp("never.csv"), "--svg", &missing],
        vec!["evaluate", "--summary", &summary, "--pairs", &pairs, "--out", &missing],
    ] {
        let (code, out, err) = claime_within(&args, limit);
        let flag = if args.contains(&"--svg") { "--svg" } else { "--out" };
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: nothing computed, got {out}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: one line: {err}");
        assert!(err.starts_with(&format!("error: {flag} {missing}: ")), "{args:?}: names the flag: {err}");
    }
    assert!(!std::path::Path::new(&tmp("never.csv")).exists(), "the --out opened before the failing --svg is removed");
}

#[test]
fn several_experiments_write_one_csv_and_figure_each_from_a_path_with_exp() {
    // Without {exp} in --out (or --svg) several experiments would overwrite one file: refused at
    // once, naming the flag.
    for (args, flag) in [
        (vec!["experiment", "--exp", "all", "--out", &tmp("all.csv")], "out"),
        (vec!["experiment", "--exp", "n,d", "--out", &tmp("e-{exp}.csv"), "--svg", &tmp("e.svg")], "svg"),
    ] {
        let (code, out, err) = claime_within(&args, Duration::from_secs(10));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty());
        assert!(err.starts_with(&format!("error: --{flag}: got '")) && err.contains("{exp}"), "{args:?}: {err}");
    }
    assert!(!std::path::Path::new(&tmp("e-n.csv")).exists(), "nothing is left behind");
    let (code, _, err) = claime(&["experiment", "--exp", "n,n", "--out", &tmp("x.csv")]);
    assert_eq!(code, 2);
    assert!(err.starts_with("error: --exp: got 'n,n', expected each of n, d, noise at most once"), "{err}");
    // d and n together at a thousandth of the paper's n: one CSV and one figure each, with that
    // experiment's rows only.
    let (code, _, err) = claime(&[
        "experiment",
        "--exp",
        "d,n",
        "--reps",
        "1",
        "--n-scale",
        "0.001",
        "--methods",
        "claime",
        "--out",
        &tmp("exp-{exp}.csv"),
        "--svg",
        &tmp("exp-{exp}.svg"),
    ]);
    assert_eq!(code, 0, "{err}");
    for (e, x_name) in [("d", "d"), ("n", "n")] {
        let csv = std::fs::read_to_string(tmp(&format!("exp-{e}.csv"))).unwrap();
        assert_eq!(csv.lines().count(), 1 + 5, "{csv}");
        assert!(csv.lines().skip(1).all(|l| l.starts_with(&format!("{e},spike,{x_name},"))), "{csv}");
        let svg = std::fs::read_to_string(tmp(&format!("exp-{e}.svg"))).unwrap();
        assert!(svg.contains(&format!("Experiment {e} (spike noise, 1 replicate)")), "{e}");
    }
}
