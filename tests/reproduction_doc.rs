//! docs/reproduction.md says that every figure is the output of the command written next to it.
//! This checks what can be checked without rerunning hours of experiments: each `claime
//! experiment` and `claime regime` command in its shell blocks names CSV and SVG files that
//! exist, and each CSV was made with that command's settings (experiment, noise, replicates,
//! methods; a regime map's grid and ranges). Every figure the page shows exists.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `claime ...` commands of the document's ```sh blocks, continuation lines joined, the
/// one `for e in ...; do for z in ...; do ... done; done` loop expanded, and a command running
/// several experiments (`--exp all`, its paths holding `{exp}`) split into one per experiment.
fn commands(doc: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_sh = false;
    let mut block = Vec::new();
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            if in_sh {
                out.extend(block_commands(&block.join("\n")));
                block.clear();
            }
            in_sh = !in_sh && line.trim() == "```sh";
            continue;
        }
        if in_sh {
            block.push(line.to_string());
        }
    }
    out
}

fn block_commands(block: &str) -> Vec<String> {
    let joined = block.replace("\\\n", " ");
    let mut loops: Vec<(String, Vec<String>)> = Vec::new();
    let mut out = Vec::new();
    for line in joined.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("for ") {
            // "for e in n d noise; do for z in spike ar1; do"
            for clause in std::iter::once(rest).chain(line.split("do for ").skip(1)) {
                let clause = clause.split(';').next().unwrap();
                let mut words = clause.split_whitespace();
                let var = words.next().unwrap().to_string();
                assert_eq!(words.next(), Some("in"), "loop clause {clause:?}");
                loops.push((var, words.map(String::from).collect()));
            }
            continue;
        }
        if !line.starts_with("claime ") {
            continue;
        }
        // `--exp all` (or a list) is one command per experiment, its paths' {exp} filled in.
        let exps = line.split_whitespace().skip_while(|w| *w != "--exp").nth(1).unwrap_or("");
        if line.contains("{exp}") {
            let list: Vec<&str> = if exps == "all" { vec!["n", "d", "noise"] } else { exps.split(',').collect() };
            for e in list {
                out.push(line.replace(&format!("--exp {exps}"), &format!("--exp {e}")).replace("{exp}", e));
            }
            continue;
        }
        let mut expanded = vec![line.to_string()];
        for (var, values) in &loops {
            expanded =
                expanded.iter().flat_map(|c| values.iter().map(move |v| c.replace(&format!("${var}"), v))).collect();
        }
        out.extend(expanded);
    }
    out
}

/// (subcommand, flag -> value).
fn parse(command: &str) -> (String, BTreeMap<String, String>) {
    let words: Vec<&str> = command.split_whitespace().collect();
    let mut flags = BTreeMap::new();
    let mut i = 2;
    while i < words.len() {
        let flag = words[i].strip_prefix("--").unwrap_or_else(|| panic!("{command}: {:?} is not a flag", words[i]));
        flags.insert(flag.to_string(), words[i + 1].to_string());
        i += 2;
    }
    (words[1].to_string(), flags)
}

fn csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    lines.map(|l| header.iter().map(|h| h.to_string()).zip(l.split(',').map(String::from)).collect()).collect()
}

fn range(spec: &str) -> (f64, f64) {
    let (a, b) = spec.split_once(':').expect("A:B");
    (a.parse().unwrap(), b.parse().unwrap())
}

#[test]
fn every_command_in_the_reproduction_page_matches_its_output_files() {
    let doc = fs::read_to_string(root().join("docs/reproduction.md")).unwrap();
    let commands = commands(&doc);
    let (mut experiments, mut regimes) = (0, 0);
    for command in &commands {
        let (sub, flags) = parse(command);
        let out = root().join(&flags["out"]);
        assert!(root().join(&flags["svg"]).is_file(), "{command}: no {}", flags["svg"]);
        let rows = csv(&out);
        assert!(!rows.is_empty(), "{command}: empty CSV");
        match sub.as_str() {
            "experiment" => {
                experiments += 1;
                let methods = flags.get("methods").map_or("claime,concate,cl", String::as_str);
                let want: BTreeSet<&str> = methods.split(',').collect();
                let got: BTreeSet<&str> = rows.iter().map(|r| r["method"].as_str()).collect();
                assert_eq!(got, want, "{command}: methods");
                for r in &rows {
                    assert_eq!(r["experiment"], flags["exp"], "{command}: experiment");
                    assert_eq!(r["noise"], flags["noise"], "{command}: noise");
                    assert_eq!(r["reps"], flags["reps"], "{command}: replicates");
                }
            }
            "regime" => {
                regimes += 1;
                let grid: usize = flags["grid"].parse().unwrap();
                assert_eq!(rows.len(), grid * grid, "{command}: cells");
                let level = match flags["noise"].as_str() {
                    "spike" => "c",
                    "ar1" => "rho",
                    _ => "tau2",
                };
                for (column, spec) in [("signal", &flags["signal"]), (level, &flags["level"])] {
                    let values: Vec<f64> = rows.iter().map(|r| r[column].parse().unwrap()).collect();
                    let lo = values.iter().cloned().fold(f64::INFINITY, f64::min);
                    let hi = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                    let (a, b) = range(spec);
                    assert!((lo - a).abs() < 1e-9 && (hi - b).abs() < 1e-9, "{command}: {column} spans {lo}..{hi}");
                }
            }
            other => panic!("{command}: unexpected subcommand {other}"),
        }
    }
    // 6 SVD runs (and the same six as two `--exp all` runs), 6 trainer runs, 2 at 200 epochs;
    // 4 regime maps.
    assert_eq!((experiments, regimes), (20, 4), "commands found: {commands:#?}");
    for link in doc.split("](figures/").skip(1) {
        let file = &link[..link.find(')').unwrap()];
        assert!(root().join("docs/figures").join(file).is_file(), "the page shows figures/{file}, which is missing");
    }
}

/// The paper's default point (n = 10^5, d = 1000, c = 0.2 or rho = 0.8) lies on the grid of all
/// three experiments of a noise case, drawn from the same replicates: its rows (every statistic,
/// every method) must be the same in the three CSV files, to the last digit.
#[test]
fn the_default_point_is_the_same_in_all_three_experiments() {
    let figures = root().join("docs/figures");
    for (noise, level) in [("spike", "0.2"), ("ar1", "0.8")] {
        let point = |exp: &str, x: &str| -> Vec<Vec<String>> {
            let rows = csv(&figures.join(format!("exp-{exp}-{noise}.csv")));
            let stats = ["method", "reps", "mean", "median", "p10", "p90", "literal_mean", "literal_median"];
            let found: Vec<Vec<String>> =
                rows.iter().filter(|r| r["x"] == x).map(|r| stats.iter().map(|s| r[*s].clone()).collect()).collect();
            assert_eq!(found.len(), 3, "exp-{exp}-{noise}.csv: rows at {x}");
            found
        };
        let n = point("n", "100000");
        assert_eq!(point("d", "1000"), n, "{noise}: experiment d at d = 1000 against experiment n at n = 10^5");
        assert_eq!(point("noise", level), n, "{noise}: experiment noise at {level} against experiment n at n = 10^5");
    }
}
