//! The command line never damages a file: an output that is one of the inputs (under any
//! spelling) or another output is refused before anything is read, with the input left
//! byte-identical; a bad output folder fails before the work, naming its flag; an interrupted
//! run leaves no partial file and an existing output untouched; control characters from the
//! input are quoted in messages.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn claime(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_claime")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

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
