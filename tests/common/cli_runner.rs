//! Running the `claime` binary for the fuzz test (tests/cli_fuzz.rs): the input files its
//! arguments name, made once per test process, and a run with closed stdin, both pipes drained
//! and a time limit, so a hang fails the case instead of the test run.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Longest a case may run before it counts as a hang.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The input files, made once per test process.
pub fn files() -> &'static Files {
    static FILES: OnceLock<Files> = OnceLock::new();
    FILES.get_or_init(Files::create)
}

/// The input files the placeholders name, in a fresh temporary folder.
pub struct Files {
    pub dir: PathBuf,
}

impl Files {
    fn create() -> Files {
        let dir = std::env::temp_dir().join(format!("claime-cli-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let status = Command::new(env!("CARGO_BIN_EXE_claime"))
            .args(["simulate", "--d1", "12", "--d2", "10", "--p", "2", "--n", "300", "--signal", "3"])
            .arg("--out")
            .arg(dir.join("sim"))
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "simulate for the fuzz inputs");
        let records = "patient_id,modality,feature\np1,code,A\np1,cui,U\np1,code,B\np2,code,A\np2,cui,V\np2,cui,U\n";
        std::fs::write(dir.join("records.csv"), records).unwrap();
        std::fs::write(
            dir.join("pairs.csv"),
            "feature_a,feature_b,relation\ncode_1,cui_1,related\ncode_2,code_3,similar\n",
        )
        .unwrap();
        std::fs::write(dir.join("empty.txt"), "").unwrap();
        std::fs::write(dir.join("junk.bin"), [0u8, 159, 146, 150, 255, b'{', b'\n']).unwrap();
        Files { dir }
    }

    /// The argument a value stands for: placeholders become paths, anything else stays.
    pub fn resolve(&self, value: &str) -> String {
        let path = |name: &str| self.dir.join(name).to_string_lossy().into_owned();
        match value {
            "@summary" => path("sim.summary.json"),
            "@records" => path("records.csv"),
            "@pairs" => path("pairs.csv"),
            "@empty" => path("empty.txt"),
            "@junk" => path("junk.bin"),
            "@missing" => path("no-such-file"),
            "@dir" => path(""),
            "@out" => path("out"),
            "@nodir" => path("no-such-dir/out"),
            other => other.to_string(),
        }
    }
}

/// Runs the binary with `args` (stdin closed, in the fuzz folder); returns the exit code (None
/// for a signal), stdout and stderr. Fails the case on a hang (TIMEOUT).
pub fn run(args: &[String], f: &Files) -> (Option<i32>, String, String) {
    run_within(args, f, TIMEOUT)
}

/// As [`run`], failing after `limit`.
pub fn run_within(args: &[String], f: &Files, limit: Duration) -> (Option<i32>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_claime"))
        .args(args)
        .current_dir(&f.dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Both pipes are drained on threads, so a child that fills one cannot block, and a hang is
    // caught by the timeout below.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = pipe.read_to_end(&mut s);
            s
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("claime {args:?} did not finish within {limit:?} (a hang)");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    (status.code(), String::from_utf8_lossy(&stdout).into(), String::from_utf8_lossy(&stderr).into())
}
