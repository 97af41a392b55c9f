//! Running the `claime` binary of this build from a test file: `#[path = "common/claime.rs"]
//! mod claime_bin;` (a file of its own, so that a test file takes only this from `common/`).

use std::process::Command;

/// Runs `claime` with `args`: (exit code, standard output, standard error).
pub fn claime(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_claime")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}
