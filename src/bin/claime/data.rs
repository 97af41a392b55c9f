//! `summarize`, `merge` and `evaluate`: the user's own data (records, sites' summaries, pairs).

use crate::io::{io_error, printable, printable_lines, read_bytes, refuse_overwrite, same_file, Output};
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
    summary_from(path, read_bytes(path)?)
}

/// A summary from a file's bytes; errors name the file.
fn summary_from(path: &str, bytes: Vec<u8>) -> Result<Summary, Error> {
    let text = String::from_utf8(bytes)
        .map_err(|e| io_error(path, std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
    Summary::from_json(&text).map_err(|e| match e {
        Error::Format { field, message } => Error::Format { field: format!("{path}: {field}"), message },
        other => other,
    })
}

/// The records input: standard input for `-`, else the file. Seekable when it is a regular
/// file (which a second pass may read again from its start); a pipe, `/dev/stdin` or a process
/// substitution is not.
fn open_records(path: &str) -> Result<(Box<dyn Read>, u64, bool), Error> {
    if path == "-" {
        return Ok((Box::new(std::io::stdin().lock()), 0, false));
    }
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let meta = file.metadata().map_err(|e| io_error(path, e))?;
    Ok((Box::new(file), if meta.is_file() { meta.len() } else { 0 }, meta.is_file()))
}

/// Most bytes of a non-seekable input held while it is read grouped by patient, so that it can
/// be read again ungrouped if a patient turns up twice: a quarter of the memory budget (the
/// ungrouped rows themselves take about as much again).
const HOLD_BYTES: u64 = DEFAULT_MEMORY_BUDGET / 4;

/// The outcome of a failed pass: the error, and whether the input turned out not to be grouped
/// (a seekable file is then read again from its start, ungrouped).
struct Failed(Error, bool);

/// One pass over the input. Grouped, a non-seekable input's chunks are held (up to
/// [`HOLD_BYTES`]): if it turns out not to be grouped, the pass goes on ungrouped with the held
/// chunks fed again first, so every row is counted once; a seekable file is reported as not
/// grouped instead and read again.
fn pass(path: &str, opts: RecordsOptions) -> Result<Summarized, Failed> {
    let (mut input, total, seekable) = open_records(path).map_err(|e| Failed(e, false))?;
    let grouped = opts.grouping == Grouping::Grouped;
    let mut held: Option<Vec<Vec<u8>>> = (grouped && !seekable).then(Vec::new);
    let mut held_bytes = 0u64;
    let mut s = Summarizer::new(path, opts.clone());
    let mut buf = vec![0u8; 1 << 20];
    let start = Instant::now();
    let mut last = 0.0;
    // Whether the input read so far ends a line: a last line without its line break gets one, so
    // that it goes through the same checks (a patient reappearing there too) as every other.
    let mut ended = true;
    loop {
        let k = match input.read(&mut buf) {
            Ok(0) if ended => break,
            Ok(0) => {
                buf[0] = b'\n';
                1
            }
            Ok(k) => k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Failed(io_error(path, e), false)),
        };
        ended = buf[k - 1] == b'\n';
        if let Some(h) = held.as_mut() {
            held_bytes += k as u64;
            if held_bytes > HOLD_BYTES {
                held = None;
            } else {
                h.push(buf[..k].to_vec());
            }
        }
        if let Err(e) = s.feed(&buf[..k]) {
            let regroup = s.not_grouped().is_some();
            if !(regroup && grouped && !seekable) {
                return Err(Failed(e, regroup));
            }
            let Some(chunks) = held.take() else {
                return Err(Failed(
                    Error::Records {
                        at: path.into(),
                        message: format!(
                            "{e}; the input is not a file that can be read again and over the {} MiB that can be held \
                             to do so: pass --ungrouped",
                            HOLD_BYTES >> 20
                        ),
                    },
                    false,
                ));
            };
            eprintln!("note: {e}");
            eprintln!(
                "note: going on ungrouped (every row in memory), the {:.1} MiB read so far read again from memory",
                held_bytes as f64 / (1 << 20) as f64
            );
            s = Summarizer::new(path, RecordsOptions { grouping: Grouping::Ungrouped, ..opts.clone() });
            for c in &chunks {
                s.feed(c).map_err(|e| Failed(e, false))?;
            }
            continue;
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
    s.finish().map_err(|e| Failed(e, false))
}

pub fn summarize(path: &str, out: &str, ungrouped: bool, no_within: bool) -> Result<(), Error> {
    refuse_overwrite(&[("out", out)], &[("records file", path)])?;
    let file = Output::open("out", out)?;
    let start = Instant::now();
    let mut grouping = if ungrouped { Grouping::Ungrouped } else { Grouping::Grouped };
    let done = loop {
        let opts = RecordsOptions { within: !no_within, grouping, ..RecordsOptions::default() };
        match pass(path, opts) {
            Ok(s) => break s,
            Err(Failed(e, true)) if grouping == Grouping::Grouped => {
                eprintln!("note: {e}");
                eprintln!("note: reading {path} again with every row in memory (ungrouped mode)");
                grouping = Grouping::Ungrouped;
            }
            Err(Failed(e, _)) => return Err(e),
        }
    };
    let summarised = start.elapsed().as_secs_f64();
    file.write(&done.summary.to_json())?;
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
    let inputs: Vec<(&str, &str)> = paths.iter().map(|p| ("summary", p.as_str())).collect();
    refuse_overwrite(&[("out", out)], &inputs)?;
    let file = Output::open("out", out)?;
    let mut m = Merger::default();
    // (path, length and hash of the content) of the files merged so far.
    let mut seen: Vec<(&str, usize, u64)> = Vec::new();
    for p in paths {
        let bytes = read_bytes(p)?;
        let hash = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            bytes.hash(&mut h);
            h.finish()
        };
        if let Some((q, _, _)) = seen.iter().find(|(_, len, h)| *len == bytes.len() && *h == hash) {
            let how = if same_file(q, p) { "is the same file as" } else { "has the same content as" };
            eprintln!("note: {p} {how} {q}: its counts are added twice (a site merged with itself)");
        }
        seen.push((p, bytes.len(), hash));
        m.add(p, &summary_from(p, bytes)?)?;
    }
    let merged = m.finish()?;
    for n in &merged.notes {
        eprintln!("note: {n}");
    }
    file.write(&merged.summary.to_json())?;
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
    if let Some(o) = out {
        refuse_overwrite(&[("out", o)], &[("summary", summary), ("pairs file", pairs)])?;
    }
    EvalOptions { negatives, seed }.check(0, 0, DEFAULT_MEMORY_BUDGET)?;
    let csv = out.map(|o| Output::open("out", o)).transpose()?;
    let s = read_summary(summary)?;
    let own = OwnFit::new(&s, p, method.map(Method::parse_list).transpose()?);
    if own.claime_only {
        eprintln!("note: {summary} has no within-modality counts: evaluating CLAIME only");
    }
    own.check(&s, DEFAULT_MEMORY_BUDGET)?;
    let bytes = read_bytes(pairs)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        located(pairs, line, 0, "not UTF-8 text")
    })?;
    let index = FeatureIndex::new(&s);
    let pf = parse_pairs(pairs, &text, &|n| index.contains(n))?;
    EvalOptions { negatives, seed }.check(pf.rows.len(), own.methods.len(), DEFAULT_MEMORY_BUDGET)?;
    let fits = own.fit(&s, seed, false)?.fits;
    let refs: Vec<_> = fits.iter().map(|(m, f)| (*m, f)).collect();
    let ev = eval(&s, &pf, &refs, &EvalOptions { negatives, seed })?;
    // Relation names come from the pairs file: their control characters are quoted.
    print!("{}", printable_lines(&ev.to_table()));
    for r in &ev.rows {
        if r.found < r.given && r.relation != "all" {
            eprintln!(
                "note: {}: {} of {} pairs name features not in the summary and were skipped (e.g. {})",
                printable(&r.relation),
                r.given - r.found,
                r.given,
                printable(&r.unknown.join("; "))
            );
        }
    }
    if let (Some(file), Some(o)) = (csv, out) {
        file.write(&ev.to_csv())?;
        eprintln!("wrote {o}");
    }
    Ok(())
}
