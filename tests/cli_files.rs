//! The command line never damages a file: an output that is one of the inputs (under any
//! spelling) or another output is refused before anything is read, with the input left
//! byte-identical; a bad output folder fails before the work, naming its flag; an interrupted
//! run leaves no partial file and an existing output untouched; control characters from the
//! input are quoted in messages.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[path = "common/claime.rs"]
mod claime_bin;
use claime_bin::claime;

/// A fresh folder of this test's own.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("claime-files-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// A small simulated summary at `prefix`.summary.json.
fn simulate(prefix: &str) {
    let (code, _, err) =
        claime(&["simulate", "--d1", "30", "--d2", "20", "--p", "2", "--n", "500", "--signal", "3", "--out", prefix]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn fit_refuses_to_write_over_its_summary() {
    let dir = folder("fit");
    simulate(&s(&dir.join("x")));
    // fit writes PREFIX.vectors.tsv: a summary file of that name is its input.
    let input = dir.join("y.vectors.tsv");
    std::fs::copy(dir.join("x.summary.json"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    // Another spelling of the same path: through "./" and a "sub/.." detour.
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let spelled = s(&dir.join("sub").join("..").join("y"));
    let (code, _, err) = claime(&["fit", "--summary", &s(&input), "--p", "2", "--out", &spelled]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--out") && err.contains("would destroy the input"), "{err}");
    assert_eq!(std::fs::read(&input).unwrap(), before, "the input is unchanged");
    assert!(!dir.join("y.metadata.tsv").exists(), "nothing written");
}

#[test]
fn experiment_refuses_the_same_file_for_two_outputs() {
    let dir = folder("exp");
    let x = s(&dir.join("x"));
    let (code, _, err) =
        claime(&["experiment", "--exp", "n", "--reps", "1", "--n-scale", "0.01", "--out", &x, "--svg", &x]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--svg") && err.contains("a file other than --out"), "{err}");
    assert!(names(&dir).is_empty(), "nothing written: {:?}", names(&dir));
}

#[test]
fn a_bad_output_folder_fails_before_the_work_naming_its_flag() {
    let dir = folder("late");
    let missing = s(&dir.join("no-such-folder").join("x"));
    // simulate at a size that takes a while: the message names the flag, as only the check made
    // before the work does (a write after it names the file alone).
    let (code, _, err) = claime(&["simulate", "--n", "2000000", "--out", &missing]);
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with(&format!("error: --out {missing}")), "{err}");
    simulate(&s(&dir.join("s")));
    let (code, _, err) = claime(&["fit", "--summary", &s(&dir.join("s.summary.json")), "--p", "2", "--out", &missing]);
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with(&format!("error: --out {missing}")), "{err}");
    let (code, _, err) = claime(&["regime", "--grid", "2", "--out", &s(&dir)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--out") && err.contains("is a folder"), "{err}");
}

#[cfg(unix)]
#[test]
fn an_interrupted_experiment_leaves_no_partial_file() {
    let dir = folder("sigint");
    let out = dir.join("kept.csv");
    std::fs::write(&out, "an earlier result\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_claime"))
        .args([
            "experiment",
            "--exp",
            "n",
            "--reps",
            "200",
            "--n-scale",
            "0.05",
            "--threads",
            "1",
            "--out",
            &s(&out),
            "--svg",
        ])
        .arg(dir.join("fig.svg"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the work has started (the progress bar's first bytes), then kill the process.
    // SIGKILL, which no program can catch: nothing of the output exists before the whole text
    // is renamed into place, so no cleanup code is involved, and the same holds for SIGINT
    // (which a shell may leave ignored in background jobs, so a test cannot rely on it).
    use std::io::Read;
    let mut first = [0u8; 1];
    child.stderr.as_mut().unwrap().read_exact(&mut first).unwrap();
    child.kill().unwrap();
    let code = child.wait().unwrap();
    assert!(!code.success(), "the run was interrupted");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "an earlier result\n", "the existing file is untouched");
    assert_eq!(names(&dir), vec!["kept.csv".to_string()], "no partial or temporary file");
}

#[test]
fn control_characters_from_the_input_are_quoted() {
    let name = "\x1b[31mRED\x1b]0;pwned\x07.json";
    let (code, _, err) = claime(&["fit", "--summary", name, "--p", "2", "--out", &s(&folder("esc").join("x"))]);
    assert_eq!(code, 2, "{err}");
    assert!(!err.chars().any(|c| c.is_control() && c != '\n'), "no raw control character: {err:?}");
    assert!(err.contains("\\u{1b}[31mRED"), "{err}");
}

/// A records file of `patients` patients whose rows are interleaved (not grouped by patient):
/// row r belongs to patient r % patients.
fn ungrouped_records(path: &Path, rows: usize, patients: usize) {
    let mut text = String::from("patient_id,modality,feature\n");
    for r in 0..rows {
        let (modality, feature) =
            if r % 3 == 0 { ("cui", format!("C{}", r % 17)) } else { ("code", format!("D{}", r % 23)) };
        text.push_str(&format!("p{},{modality},{feature}\n", r % patients));
    }
    std::fs::write(path, text).unwrap();
}

/// Runs claime with `input` on its standard input.
fn claime_stdin(args: &[&str], input: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_claime"))
        .args(args)
        .stdin(std::fs::File::open(input).unwrap())
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into())
}

/// A folder with a small summary and a pairs file of one known pair: (folder, summary, pairs).
fn summary_and_pairs(name: &str) -> (PathBuf, String, String) {
    let dir = folder(name);
    let records = dir.join("r.csv");
    ungrouped_records(&records, 300, 20);
    let summary = s(&dir.join("s.json"));
    assert_eq!(claime(&["summarize", &s(&records), "--out", &summary]).0, 0);
    let pairs = s(&dir.join("pairs.csv"));
    std::fs::write(&pairs, "D1,D2,rel\n").unwrap();
    (dir, summary, pairs)
}

#[test]
fn piped_ungrouped_records_count_every_row() {
    let dir = folder("pipe");
    let records = dir.join("records.csv");
    ungrouped_records(&records, 40_000, 1_000);
    let reference = s(&dir.join("file.json"));
    let (code, _, err) = claime(&["summarize", &s(&records), "--ungrouped", "--out", &reference]);
    assert_eq!(code, 0, "{err}");
    let expected = std::fs::read_to_string(&reference).unwrap();
    assert!(expected.contains("\"patients\": 1000") || expected.contains("\"patients\":1000"), "{}", &expected[..200]);
    // A pipe read as "-" and as /dev/stdin (a file standard input is redirected from is
    // seekable: through `cat` it is a pipe).
    for name in ["-", "/dev/stdin"] {
        let out = s(&dir.join("piped.json"));
        let child = Command::new("sh")
            .args([
                "-c",
                &format!("cat '{}' | '{}' summarize {name} --out '{out}'", s(&records), env!("CARGO_BIN_EXE_claime")),
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&child.stderr);
        assert!(child.status.success(), "{name}: {err}");
        assert!(err.contains("going on ungrouped"), "{name}: {err}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), expected, "{name}: the same summary as the file's");
    }
    // A patient reappearing on a last line without its line break is caught too.
    let tail = dir.join("tail.csv");
    std::fs::write(&tail, "p1,code,A\np2,code,B\np1,cui,C").unwrap();
    let tail_ref = s(&dir.join("tail-ref.json"));
    assert_eq!(claime(&["summarize", &s(&tail), "--ungrouped", "--out", &tail_ref]).0, 0);
    for via_pipe in [false, true] {
        let out = s(&dir.join("tail.json"));
        let cmd = if via_pipe {
            format!("cat '{}' | '{}' summarize - --out '{out}'", s(&tail), env!("CARGO_BIN_EXE_claime"))
        } else {
            format!("'{}' summarize '{}' --out '{out}'", env!("CARGO_BIN_EXE_claime"), s(&tail))
        };
        let run = Command::new("sh").args(["-c", &cmd]).output().unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), std::fs::read_to_string(&tail_ref).unwrap());
    }
    // Redirected from the file: seekable, read again from its start.
    let out = s(&dir.join("redirected.json"));
    let (code, err) = claime_stdin(&["summarize", "-", "--out", &out], &records);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), expected);
}

#[test]
fn own_data_outputs_never_overwrite_their_inputs() {
    let dir = folder("own");
    let records = dir.join("same.csv");
    ungrouped_records(&records, 300, 20);
    let before = std::fs::read(&records).unwrap();
    let (code, _, err) = claime(&["summarize", &s(&records), "--out", &s(&dir.join(".").join("same.csv"))]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--out") && err.contains("records file"), "{err}");
    assert_eq!(std::fs::read(&records).unwrap(), before);

    let (m1, m2) = (s(&dir.join("m1.json")), s(&dir.join("m2.json")));
    assert_eq!(claime(&["summarize", &s(&records), "--out", &m1]).0, 0);
    assert_eq!(claime(&["summarize", &s(&records), "--out", &m2]).0, 0);
    let m1_before = std::fs::read(&m1).unwrap();
    let (code, _, err) = claime(&["merge", &m1, &m2, "--out", &m1]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--out") && err.contains("summary"), "{err}");
    assert_eq!(std::fs::read(&m1).unwrap(), m1_before);

    let pairs = dir.join("pairs.csv");
    std::fs::write(&pairs, "D1,D2,rel\nD3,C4,rel\n").unwrap();
    let pairs_before = std::fs::read(&pairs).unwrap();
    for target in [m1.clone(), s(&pairs)] {
        let (code, _, err) =
            claime(&["evaluate", "--summary", &m1, "--pairs", &s(&pairs), "--p", "2", "--out", &target]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("--out"), "{err}");
    }
    assert_eq!(std::fs::read(&m1).unwrap(), m1_before);
    assert_eq!(std::fs::read(&pairs).unwrap(), pairs_before);

    // A file merged with itself, or a copy of it, is merged but said.
    let (code, _, err) = claime(&["merge", &m1, &m1, &m2, "--out", &s(&dir.join("twice.json"))]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("{m1} is the same file as {m1}")), "{err}");
    assert!(err.contains(&format!("{m2} has the same content as {m1}")), "{err}");
}

#[cfg(unix)]
#[test]
fn endless_inputs_stop_at_the_memory_budget() {
    let (dir, summary, pairs) = summary_and_pairs("zero");
    let out = s(&dir.join("o"));
    for args in [
        vec!["fit", "--summary", "/dev/zero", "--p", "2", "--out", &out],
        vec!["merge", "/dev/zero", &summary, "--out", &out],
        vec!["evaluate", "--summary", "/dev/zero", "--pairs", &pairs],
        vec!["evaluate", "--summary", &summary, "--pairs", "/dev/zero", "--p", "2"],
    ] {
        let (code, _, err) = claime(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("/dev/zero") && err.contains("memory budget of 2048 MiB"), "{args:?}: {err}");
    }
}

#[test]
fn negatives_are_checked_before_the_work() {
    let (_, summary, pairs) = summary_and_pairs("neg");
    for n in ["0", "10000000", "1000000000"] {
        let (code, out, err) =
            claime(&["evaluate", "--summary", &summary, "--pairs", &pairs, "--p", "2", "--negatives", n]);
        assert_eq!(code, 2, "--negatives {n}: {err}");
        assert!(err.starts_with("error: --negatives: got") && out.is_empty(), "--negatives {n}: {err}");
    }
    std::fs::write(&pairs, "feature_a,feature_b,relation\n").unwrap();
    let (code, _, err) = claime(&["evaluate", "--summary", &summary, "--pairs", &pairs, "--p", "2"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no pairs"), "{err}");
}

#[test]
fn fit_checks_its_memory_before_fitting() {
    // A 5000 x 5000 summary with within-modality counts is small on disk (few counts) but
    // Concate's dense d x d matrices would take about 2.2 GB: refused up front, as evaluate does.
    let dir = folder("fitmem");
    let mut text = String::from("patient_id,modality,feature\n");
    for i in 0..5000 {
        text.push_str(&format!(
            "p{i},code,D{i}\np{i},code,D{}\np{i},cui,C{i}\np{i},cui,C{}\n",
            (i + 1) % 5000,
            (i + 1) % 5000
        ));
    }
    let records = dir.join("wide.csv");
    std::fs::write(&records, text).unwrap();
    let summary = s(&dir.join("wide.json"));
    let (code, _, err) = claime(&["summarize", &s(&records), "--out", &summary]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) =
        claime(&["fit", "--summary", &summary, "--p", "2", "--method", "concate", "--out", &s(&dir.join("f"))]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("fitting concate to 5000 codes and 5000 CUIs") && err.contains("memory budget"), "{err}");
    assert!(!dir.join("f.vectors.tsv").exists());
}

#[test]
fn control_characters_in_relation_names_are_quoted_in_the_table() {
    let (dir, summary, _) = summary_and_pairs("relation");
    let pairs = dir.join("esc-pairs.csv");
    std::fs::write(&pairs, "D1,D2,\x1b[31mRED\x1b]0;pwned\x07\nD1,Dnone,\x1b[2Jclear\n").unwrap();
    let (code, out, err) = claime(&["evaluate", "--summary", &summary, "--pairs", &s(&pairs), "--p", "2"]);
    assert_eq!(code, 0, "{err}");
    for text in [&out, &err] {
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "no raw control character: {text:?}");
    }
    assert!(out.contains("\\u{1b}[31mRED"), "{out}");
    assert!(err.contains("\\u{1b}[2Jclear"), "{err}");
}
