//! The layout the README's map promises: the core's top-level modules form layers (no module
//! reaches, through `crate::` paths, a module that reaches back to it; the command line and the
//! bindings sit on top and are left out), no source file is over 500 lines, and the page's
//! scripts live in feature folders (at most 6 directly in www/).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir` (recursively) whose name ends with one of `endings`.
fn files(dir: &Path, endings: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            out.extend(files(&path, endings));
        } else if endings.iter().any(|x| path.to_string_lossy().ends_with(x)) {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The code of a Rust file without its comments (so a doc link is not an import).
fn code(text: &str) -> String {
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// The top-level modules a piece of code names through `crate::x` or `use crate::{x, ...}`.
fn named_modules(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| {
        s.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit()).collect::<String>()
    };
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            out.extend(group.split(',').map(|s| ident(s.trim())).filter(|s| !s.is_empty()));
        } else {
            out.insert(ident(rest));
        }
    }
    out.remove("");
    out
}

/// The core's top-level modules (a file `x.rs` or a folder `x/` of src/, bin and bindings left
/// out) and the other core modules each one names.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("src");
    let mut graph = BTreeMap::new();
    for e in fs::read_dir(&src).expect("src/ exists").flatten() {
        let name = e.file_name().to_string_lossy().trim_end_matches(".rs").to_string();
        if ["bin", "bindings", "lib", "main"].contains(&name.as_str()) {
            continue;
        }
        let mut deps = BTreeSet::new();
        for f in files(&e.path(), &[".rs"]) {
            deps.extend(named_modules(&code(&fs::read_to_string(&f).unwrap())));
        }
        if e.path().is_file() {
            deps.extend(named_modules(&code(&fs::read_to_string(e.path()).unwrap())));
        }
        deps.remove(&name);
        graph.insert(name, deps);
    }
    let known: BTreeSet<String> = graph.keys().cloned().collect();
    graph.values_mut().for_each(|d| d.retain(|m| known.contains(m)));
    graph
}

/// A cycle of the graph as a path `a -> b -> ... -> a`, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(m.to_string(), 1);
        path.push(m.to_string());
        for d in &graph[m] {
            match state.get(d).copied().unwrap_or(0) {
                1 => {
                    let start = path.iter().position(|x| x == d).unwrap();
                    let mut cycle = path[start..].to_vec();
                    cycle.push(d.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(d, graph, state, path) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(m.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in graph.keys() {
        if state.get(m).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(m, graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn the_core_modules_form_layers() {
    let graph = module_graph();
    assert!(graph.len() >= 10, "found the core's modules: {:?}", graph.keys());
    assert!(graph["simulate"].contains("stats"), "the graph reads imports: {:?}", graph["simulate"]);
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle among src/'s top-level modules: {}", cycle.join(" -> "));
    }
}

#[test]
fn the_cycle_check_finds_a_planted_cycle() {
    let mut graph = BTreeMap::new();
    graph.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    graph.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    graph.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(find_cycle(&graph), Some(vec!["a", "b", "c", "a"].into_iter().map(String::from).collect()));
    graph.get_mut("c").unwrap().clear();
    assert_eq!(find_cycle(&graph), None);
    assert_eq!(
        named_modules("use crate::{error::Error, params};\nlet x = crate::stats::f();"),
        BTreeSet::from(["error", "params", "stats"].map(String::from))
    );
}

#[test]
fn no_source_file_is_over_500_lines() {
    let mut long = Vec::new();
    let mut all = vec![root().join("index.html"), root().join("sw.js")];
    for dir in ["src", "tests", "benches", "examples", "scripts", "www"] {
        all.extend(files(&root().join(dir), &[".rs", ".mjs", ".js", ".py", ".sh", ".css", ".html"]));
    }
    for f in all {
        if f.components().any(|c| ["pkg", "pkg-explorer", "node_modules"].contains(&&*c.as_os_str().to_string_lossy()))
        {
            continue;
        }
        let lines = fs::read_to_string(&f).unwrap().lines().count();
        if lines > 500 {
            long.push(format!("{} ({lines} lines)", f.strip_prefix(root()).unwrap().display()));
        }
    }
    assert!(long.is_empty(), "source files over 500 lines: {long:?}");
}

#[test]
fn the_page_scripts_live_in_feature_folders() {
    let top = files(&root().join("www"), &[".js"])
        .into_iter()
        .filter(|f| f.parent() == Some(root().join("www").as_path()))
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect::<Vec<_>>();
    assert!(!top.is_empty() && top.len() <= 6, "scripts directly in www/: {top:?}");
}
