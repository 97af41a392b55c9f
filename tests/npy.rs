//! `--format npy`: the embeddings `claime simulate` and `claime fit` write as NumPy's .npy load
//! with numpy itself (python3, installed by scripts/setup.mjs) and equal, to the bit, the same
//! command's TSV (whose numbers are the shortest strings that parse back to the same values).

use std::path::PathBuf;
use std::process::Command;

fn claime(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_claime")).args(args).output().unwrap();
    assert!(out.status.success(), "claime {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn folder() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("claime-npy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// numpy's verdict on a .npy file against a TSV file: shape, dtype and exact equality.
fn numpy_compare(npy: &str, tsv: &str, rows: usize, cols: usize) {
    let script = format!(
        "import numpy as np\n\
         a = np.load({npy:?})\n\
         b = np.loadtxt({tsv:?}, delimiter='\\t', ndmin=2)\n\
         assert a.dtype == np.float64, a.dtype\n\
         assert a.shape == ({rows}, {cols}), a.shape\n\
         assert np.array_equal(a, b), abs(a - b).max()\n\
         print('ok')\n"
    );
    let out = Command::new("python3").args(["-c", &script]).output().expect("python3 runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("No module named 'numpy'"), "numpy is missing: run node scripts/setup.mjs");
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).trim() == "ok", "{err}");
}

#[test]
fn npy_outputs_load_with_numpy_and_equal_the_tsv() {
    let dir = folder();
    let p = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let model = ["--d1", "40", "--d2", "30", "--p", "3", "--n", "3000", "--signal", "3"];
    for (prefix, format) in [("t", "tsv"), ("n", "npy")] {
        let mut args = vec!["simulate", "--out", &*Box::leak(p(prefix).into_boxed_str()), "--format", format];
        args.extend(model);
        claime(&args);
    }
    numpy_compare(&p("n.truth.npy"), &p("t.truth.tsv"), 70, 3);
    assert_eq!(std::fs::read(p("n.summary.json")).unwrap(), std::fs::read(p("t.summary.json")).unwrap());
    for method in ["claime", "concate"] {
        let summary = p("t.summary.json");
        for (prefix, format) in [("ft", "tsv"), ("fn", "npy")] {
            let out = p(&format!("{prefix}-{method}"));
            claime(&["fit", "--summary", &summary, "--p", "3", "--method", method, "--out", &out, "--format", format]);
        }
        numpy_compare(&p(&format!("fn-{method}.vectors.npy")), &p(&format!("ft-{method}.vectors.tsv")), 70, 3);
        assert_eq!(
            std::fs::read(p(&format!("fn-{method}.metadata.tsv"))).unwrap(),
            std::fs::read(p(&format!("ft-{method}.metadata.tsv"))).unwrap(),
            "the names go to metadata.tsv either way"
        );
    }
}
