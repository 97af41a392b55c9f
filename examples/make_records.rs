//! Writes a synthetic patient-records file (docs/formats.md §4) from the paper's generative
//! model, for timing `claime summarize` and for tests:
//!
//! ```sh
//! cargo run --release --example make_records -- --rows 10000000 --out /tmp/records.csv
//! time target/release/claime summarize /tmp/records.csv --out /tmp/site.summary.json
//! ```
//!
//! Flags (all optional except --out): `--rows N` (10,000,000; the last patient is written whole),
//! `--d1 500 --d2 500 --p 4 --mean-t 50 --signal 1 --seed 1` (the model), `--tokens` (one row a
//! token, no count column, instead of one row per patient and feature with its count),
//! `--interleave K` (1: rows grouped by patient; K > 1: the rows of K patients at a time are
//! written round-robin, so the file is not grouped), `--tsv`, `--no-header`.

use claime::data::format::default_names;
use claime::params::Params;
use claime::simulate::{Bag, PatientSampler, Truth};
use std::io::{BufWriter, Write};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let num = |name: &str, default: f64| get(name).map(|s| s.parse::<f64>().expect(name)).unwrap_or(default);
    let out = get("--out").expect("--out FILE is required");
    let rows = num("--rows", 1e7) as u64;
    let interleave = (num("--interleave", 1.0) as usize).max(1);
    let (tokens, tsv, header) = (flag("--tokens"), flag("--tsv"), !flag("--no-header"));
    let params = Params {
        d1: num("--d1", 500.0) as usize,
        d2: num("--d2", 500.0) as usize,
        p: num("--p", 4.0) as usize,
        mean_t: num("--mean-t", 50.0),
        signal: num("--signal", 1.0),
        seed: num("--seed", 1.0) as u64,
        n: 10_000_000,
        ..Params::default()
    }
    .check()
    .unwrap_or_else(|e| panic!("{e}"));
    let (codes, cuis) = default_names(params.d1, params.d2);
    let truth = Truth::draw(&params);
    let mut sampler = PatientSampler::new(&params);
    let sep = if tsv { '\t' } else { ',' };
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(&out).expect("cannot create --out"));
    if header {
        let cols = if tokens {
            vec!["patient_id", "modality", "feature"]
        } else {
            vec!["patient_id", "modality", "feature", "count"]
        };
        writeln!(w, "{}", cols.join(&sep.to_string())).unwrap();
    }
    let (mut written, mut patients) = (0u64, 0u64);
    let mut bags: [Bag; 2] = [Vec::new(), Vec::new()];
    while written < rows {
        // One block of `interleave` patients, each as a list of lines.
        let mut block: Vec<Vec<String>> = Vec::with_capacity(interleave);
        for _ in 0..interleave {
            if written >= rows {
                break;
            }
            patients += 1;
            sampler.next_patient(&truth, &mut bags);
            let mut lines = Vec::new();
            for (bag, names, modality) in [(&bags[0], &codes, "code"), (&bags[1], &cuis, "cui")] {
                for &(f, c) in bag.iter() {
                    let name = &names[f as usize];
                    if tokens {
                        for _ in 0..c {
                            lines.push(format!("P{patients}{sep}{modality}{sep}{name}"));
                        }
                    } else {
                        lines.push(format!("P{patients}{sep}{modality}{sep}{name}{sep}{c}"));
                    }
                }
            }
            written += lines.len() as u64;
            block.push(lines);
        }
        let longest = block.iter().map(|l| l.len()).max().unwrap_or(0);
        for k in 0..longest {
            for lines in &block {
                if let Some(line) = lines.get(k) {
                    writeln!(w, "{line}").unwrap();
                }
            }
        }
    }
    w.flush().unwrap();
    eprintln!("wrote {out}: {written} rows, {patients} patients");
}
