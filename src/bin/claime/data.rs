//! `summarize`, `merge` and `evaluate`: the user's own data (records, sites' summaries, pairs).

use crate::io::{read, write, Output};
use claime::data::csv::located;
use claime::data::evaluate::{evaluate as eval, EvalOptions};
use claime::data::fit::OwnFit;
use claime::data::format::Summary;
use claime::data::merge::Merger;
use claime::data::pairs::{parse_pairs, FeatureIndex};
use claime::data::records::{Grouping, RecordsOptions, Summarized, Summarizer};
use claime::estimators::Method;
use claime::params::DEFAULT_MEMORY_BUDGET;
use claime::Error;
use std::io::Read;
use std::time::Instant;

/// Files above this size get progress lines on stderr.
const PROGRESS_BYTES: u64 = 64 << 20;

/// Reads and validates a summary file; errors name the file.
pub fn read_summary(path: &str) -> Result<Summary, Error> {
    Summary::from_json(&read(path)?).map_err(|e| match e {
        Error::Format { field, message } => Error::Format { field: format!("{path}: {field}"), message },
        other => other,
    })
}

fn io(path: &str, e: std::io::Error) -> Error {
    Error::Io { path: path.into(), message: e.to_string() }
}

/// One pass over the file; the bool says the file turned out not to be grouped.
fn pass(path: &str, opts: RecordsOptions) -> Result<Summarized, (Error, bool)> {
    let mut file = std::fs::File::open(path).map_err(|e| (io(path, e), false))?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut s = Summarizer::new(path, opts);
    let mut buf = vec![0u8; 1 << 20];
    let start = Instant::now();
    let mut last = 0.0;
    loop {
        let k = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(k) => k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err((io(path, e), false)),
        };
        if let Err(e) = s.feed(&buf[..k]) {
            let regroup = s.not_grouped().is_some();
            return Err((e, regroup));
        }
        let t = start.elapsed().as_secs_f64();
        if total > PROGRESS_BYTES && t - last >= 1.0 {
            last = t;
            let p = s.progress();
            eprintln!(
                "summarize: {:.0}% ({} of {} MiB), {} rows, {} patients, {} codes, {} CUIs, {:.1} s",
                100.0 * p.bytes as f64 / total as f64,
                p.bytes >> 20,
                total >> 20,
                p.rows,
                p.patients,
                p.codes,
                p.cuis,
                t
            );
        }
    }
    s.finish().map_err(|e| (e, false))
}

pub fn summarize(path: &str, out: &str, ungrouped: bool, no_within: bool) -> Result<(), Error> {
    let start = Instant::now();
    let mut grouping = if ungrouped { Grouping::Ungrouped } else { Grouping::Grouped };
    let done = loop {
        let opts = RecordsOptions { within: !no_within, grouping, ..RecordsOptions::default() };
        match pass(path, opts) {
            Ok(s) => break s,
            Err((e, true)) if grouping == Grouping::Grouped => {
                eprintln!("note: {e}");
                eprintln!("note: reading {path} again with every row in memory (ungrouped mode)");
                grouping = Grouping::Ungrouped;
            }
            Err((e, _)) => return Err(e),
        }
    };
    let summarised = start.elapsed().as_secs_f64();
    write(out, &done.summary.to_json())?;
    let r = &done.report;
    if r.clamped > 0 {
        eprintln!("note: {} statistics were negative (counts below 1) and were set to 0", r.clamped);
    }
    eprintln!(
        "wrote {out}: {} patients, {} codes, {} CUIs from {} rows ({}-separated{}, {}); summarised in {:.2} s, written in {:.2} s",
        r.progress.patients,
        r.progress.codes,
        r.progress.cuis,
        r.progress.rows,
        r.delimiter,
        if r.header { ", with a header" } else { "" },
        if r.grouping == Grouping::Grouped { "grouped by patient" } else { "ungrouped" },
        summarised,
        start.elapsed().as_secs_f64() - summarised
    );
    Ok(())
}

pub fn merge(paths: &[String], out: &str) -> Result<(), Error> {
    let mut m = Merger::default();
    for p in paths {
        m.add(p, &read_summary(p)?)?;
    }
    let merged = m.finish()?;
    for n in &merged.notes {
        eprintln!("note: {n}");
    }
    write(out, &merged.summary.to_json())?;
    let s = &merged.summary;
    eprintln!(
        "wrote {out}: {} files, {} patients, {} codes, {} CUIs",
        paths.len(),
        s.stats.patients,
        s.codes.len(),
        s.cuis.len()
    );
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn evaluate(
    summary: &str,
    pairs: &str,
    method: Option<&str>,
    p: usize,
    negatives: usize,
    seed: u64,
    out: Option<&str>,
) -> Result<(), Error> {
    let csv = out.map(|o| Output::open("out", o)).transpose()?;
    let s = read_summary(summary)?;
    let own = OwnFit::new(&s, p, method.map(Method::parse_list).transpose()?);
    if own.claime_only {
        eprintln!("note: {summary} has no within-modality counts: evaluating CLAIME only");
    }
    own.check(&s, DEFAULT_MEMORY_BUDGET)?;
    let bytes = std::fs::read(pairs).map_err(|e| io(pairs, e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        located(pairs, line, 0, "not UTF-8 text")
    })?;
    let index = FeatureIndex::new(&s);
    let pf = parse_pairs(pairs, &text, &|n| index.contains(n))?;
    let fits = own.fit(&s, seed, false)?.fits;
    let refs: Vec<_> = fits.iter().map(|(m, f)| (*m, f)).collect();
    let ev = eval(&s, &pf, &refs, &EvalOptions { negatives, seed })?;
    print!("{}", ev.to_table());
    for r in &ev.rows {
        if r.found < r.given && r.relation != "all" {
            eprintln!(
                "note: {}: {} of {} pairs name features not in the summary and were skipped (e.g. {})",
                r.relation,
                r.given - r.found,
                r.given,
                r.unknown.join("; ")
            );
        }
    }
    if let (Some(file), Some(o)) = (csv, out) {
        file.write(&ev.to_csv())?;
        eprintln!("wrote {o}");
    }
    Ok(())
}
