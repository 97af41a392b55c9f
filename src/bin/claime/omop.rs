//! `summarize --omop`, `summarize --from-sql` and `omop-sql`: OMOP CDM exports and databases
//! (docs/formats.md §6). The files are found and opened here (gunzipped when named `.gz`); the
//! reading is the core's `claime::omop`, the same code the page would feed.

use crate::io::{io_error, refuse_overwrite, Output};
use claime::omop::result::{ConceptNames, SqlResult};
use claime::omop::sql::{omop_sql as make_sql, Dialect, SqlOptions};
use claime::omop::table::{is_gzip_name, missing_note, missing_table, several_exports, table_of_file};
use claime::omop::{Date, Domain, OmopOptions, OmopSummarizer, Selection, Table};
use claime::Error;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The flags shared by `summarize --omop` and `omop-sql`.
pub struct OmopFlags<'a> {
    pub codes: Option<&'a str>,
    pub cuis: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub no_within: bool,
}

impl OmopFlags<'_> {
    fn domains(&self) -> Result<(Vec<Domain>, Vec<Domain>), Error> {
        fn need<'b>(flag: &str, v: Option<&'b str>) -> Result<&'b str, Error> {
            v.ok_or_else(|| {
                Error::param(
                    flag,
                    "nothing",
                    "a comma list of domains (condition, drug, procedure, measurement, observation, device, note_nlp)",
                )
            })
        }
        Ok((
            Domain::parse_list("codes", need("codes", self.codes)?)?,
            Domain::parse_list("cuis", need("cuis", self.cuis)?)?,
        ))
    }
    fn dates(&self) -> Result<(Option<Date>, Option<Date>), Error> {
        let date = |flag: &str, v: Option<&str>| {
            v.map(|s| Date::parse(s).ok_or_else(|| Error::param(flag, format!("'{s}'"), "a date YYYY-MM-DD")))
                .transpose()
        };
        Ok((date("from", self.from)?, date("to", self.to)?))
    }

    /// The rows these flags select, as both routes take them.
    fn selection(&self) -> Result<Selection, Error> {
        let ((codes, cuis), (from, to)) = (self.domains()?, self.dates()?);
        Ok(Selection { codes, cuis, within: !self.no_within, from, to })
    }
}

/// The export of `table` in `dir`: `table.csv`, `.tsv` or `.txt`, optionally `.gz`, any letter
/// case; none, or an error when there are several.
fn find_table(dir: &Path, table: &str) -> Result<Option<PathBuf>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| io_error(&dir.display().to_string(), e))?;
    let mut found = Vec::new();
    for entry in entries.flatten() {
        if table_of_file(&entry.file_name().to_string_lossy()).as_deref() == Some(table) {
            found.push(entry.path());
        }
    }
    found.sort();
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        _ => Err(several_exports(
            &dir.join(table).display().to_string(),
            table,
            &found.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        )),
    }
}

/// Streams a file (gunzipped when it ends in .gz) in 1 MiB chunks to `feed`.
fn stream(path: &Path, feed: &mut dyn FnMut(&[u8]) -> Result<(), Error>) -> Result<(), Error> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| io_error(&name, e))?;
    let gz = is_gzip_name(&name);
    let mut reader: Box<dyn Read> = if gz { Box::new(flate2::read::MultiGzDecoder::new(file)) } else { Box::new(file) };
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(k) => feed(&buf[..k])?,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(&name, e)),
        }
    }
}

/// `claime summarize --omop DIR`.
pub fn summarize_omop(dir: &str, flags: &OmopFlags<'_>, source_values: bool, out: &str) -> Result<(), Error> {
    let start = Instant::now();
    let select = flags.selection()?;
    let windowed = select.from.is_some() || select.to.is_some();
    let opts = OmopOptions { select, source_values, ..OmopOptions::default() };
    let mut s = OmopSummarizer::new(opts)?;
    let dir_path = Path::new(dir);
    if !dir_path.is_dir() {
        return Err(Error::Io {
            path: dir.into(),
            message: "not a directory; expected the folder of the OMOP table exports".into(),
        });
    }
    let mut tables = Vec::new();
    for t in s.tables() {
        match find_table(dir_path, t.name())? {
            Some(p) => tables.push((t, p)),
            None if t == Table::Concept => {
                eprintln!("note: no concept table in {dir}: features are named by concept id alone")
            }
            None if t == Table::Note => return Err(missing_note(&dir_path.join("note.csv").display().to_string())),
            None => {
                let at = dir_path.join(format!("{}.csv", t.name())).display().to_string();
                return Err(missing_table(&at, t.name()));
            }
        }
    }
    let inputs: Vec<String> = tables.iter().map(|(_, p)| p.display().to_string()).collect();
    refuse_overwrite(&[("out", out)], &inputs.iter().map(|p| ("table", p.as_str())).collect::<Vec<_>>())?;
    let file = Output::open("out", out)?;
    for (t, p) in &tables {
        s.begin(*t, &p.display().to_string())?;
        stream(p, &mut |chunk| s.feed(chunk))?;
        s.end()?;
    }
    let done = s.finish()?;
    let summarised = start.elapsed().as_secs_f64();
    file.write(&done.summary.to_json())?;
    let r = &done.report;
    for t in &r.tables {
        if t.table != "concept" && t.table != "note" {
            eprintln!(
                "{}: {} rows, {} tokens, {} skipped (concept id 0 or empty){}",
                t.table,
                t.rows,
                t.tokens,
                t.unmapped,
                if windowed { format!(", {} outside the date window", t.outside_window) } else { String::new() }
            );
        }
    }
    eprintln!(
        "wrote {out}: {} patients, {} codes, {} CUIs; summarised in {:.2} s",
        r.patients, r.codes, r.cuis, summarised
    );
    Ok(())
}

/// `claime summarize --from-sql RESULT [--concepts concept.csv]`.
pub fn summarize_from_sql(result: &str, concepts: Option<&str>, out: &str) -> Result<(), Error> {
    let inputs: Vec<(&str, &str)> = [("SQL result", Some(result)), ("concept table", concepts)]
        .into_iter()
        .filter_map(|(role, p)| Some((role, p?)))
        .collect();
    refuse_overwrite(&[("out", out)], &inputs)?;
    let file = Output::open("out", out)?;
    let names = match concepts {
        Some(c) => {
            let mut r = ConceptNames::new(c);
            stream(Path::new(c), &mut |chunk| r.feed(chunk))?;
            r.finish()?
        }
        None => Default::default(),
    };
    let mut r = SqlResult::new(result);
    stream(Path::new(result), &mut |chunk| r.feed(chunk))?;
    let summary = r.finish(&names)?;
    file.write(&summary.to_json())?;
    eprintln!(
        "wrote {out}: {} patients, {} codes, {} CUIs{}",
        summary.stats.patients,
        summary.codes.len(),
        summary.cuis.len(),
        if summary.stats.within.is_some() { "" } else { " (no within-modality counts)" }
    );
    Ok(())
}

/// `claime omop-sql`: prints the query.
pub fn omop_sql(flags: &OmopFlags<'_>, dialect: &str, schema: Option<&str>) -> Result<(), Error> {
    let o = SqlOptions {
        select: flags.selection()?,
        schema: schema.map(str::to_string),
        dialect: Dialect::parse(dialect)?,
    };
    print!("{}", make_sql(&o)?);
    Ok(())
}
