//! CSV and TSV text shared by the own-data readers and writers: splitting a line into fields
//! (double-quoted CSV fields included), checking its bytes, quoting a field for output, and
//! errors that name the place in the input (`source:line:column: message`).
//!
//! The records summariser ([`super::records`]) and the pairs reader ([`super::pairs`]) read
//! with these; the evaluation table ([`super::evaluate`]) writes with [`csv_field`].

use crate::error::{Error, Result};
use std::borrow::Cow;

/// An error at a place in an input: `source:line:column: message` (column omitted when 0).
pub fn located(source: &str, line: usize, column: usize, message: impl Into<String>) -> Error {
    let path = if column > 0 { format!("{source}:{line}:{column}") } else { format!("{source}:{line}") };
    Error::Records { at: path, message: message.into() }
}

/// A field value for an error message: quoted, cut to 40 characters.
pub(crate) fn quoted(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((cut, _)) => format!("'{}...'", &s[..cut]),
        None => format!("'{s}'"),
    }
}

/// Parsed fields of one line, borrowed unless a CSV field was quoted.
pub(crate) type Fields<'a> = Vec<Cow<'a, str>>;

/// The delimiter of a file of 3- or 4-field rows, from its first line: a tab when splitting on
/// tabs gives 3 or 4 fields, else a comma when splitting on commas does, else a tab if the line
/// has one (its error then counts tab-separated fields). So a comma-separated first row with a
/// tab inside a name is read as CSV, not taken for TSV.
pub(crate) fn guess_delimiter(line: &str) -> u8 {
    let fits = |d: u8| split_fields(line, d).is_ok_and(|f| (3..=4).contains(&f.len()));
    if line.contains('\t') && fits(b'\t') {
        b'\t'
    } else if fits(b',') || !line.contains('\t') {
        b','
    } else {
        b'\t'
    }
}

/// Splits a line on the delimiter. CSV fields may be double-quoted (`"a, b"`, `""` for a quote);
/// a quoted field ends at its closing quote and cannot span lines. Errors give the field number.
pub(crate) fn split_fields(line: &str, delim: u8) -> std::result::Result<Fields<'_>, (usize, String)> {
    let mut out: Fields<'_> = Vec::with_capacity(4);
    if delim == b'\t' || !line.contains('"') {
        out.extend(line.split(delim as char).map(Cow::Borrowed));
        return Ok(out);
    }
    let bytes = line.as_bytes();
    let mut i = 0;
    loop {
        let field_no = out.len() + 1;
        // Leading spaces before an opening quote are allowed.
        let start = i;
        let mut j = i;
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b'"' {
            let mut value = String::new();
            let mut k = j + 1;
            loop {
                match line[k..].find('"') {
                    None => return Err((field_no, "unterminated quoted field (a closing \" is missing)".into())),
                    Some(q) => {
                        value.push_str(&line[k..k + q]);
                        k += q + 1;
                        if bytes.get(k) == Some(&b'"') {
                            value.push('"');
                            k += 1;
                        } else {
                            break;
                        }
                    }
                }
            }
            while k < bytes.len() && bytes[k] == b' ' {
                k += 1;
            }
            out.push(Cow::Owned(value));
            match bytes.get(k) {
                None => return Ok(out),
                Some(&b',') => i = k + 1,
                Some(_) => {
                    return Err((
                        field_no,
                        "unexpected text after a closing quote; expected a comma or the end of the line".into(),
                    ))
                }
            }
        } else {
            match line[start..].find(',') {
                Some(c) => {
                    out.push(Cow::Borrowed(&line[start..start + c]));
                    i = start + c + 1;
                }
                None => {
                    out.push(Cow::Borrowed(&line[start..]));
                    return Ok(out);
                }
            }
        }
    }
}

/// Checks a line's bytes: UTF-8, without the trailing `\r` (and a leading BOM on line 1).
pub(crate) fn line_text<'a>(source: &str, line_no: usize, raw: &'a [u8]) -> Result<&'a str> {
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    let raw = if line_no == 1 { raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw) } else { raw };
    std::str::from_utf8(raw).map_err(|e| {
        located(source, line_no, 0, format!("not UTF-8 text (invalid byte at position {})", e.valid_up_to() + 1))
    })
}

/// Cuts a chunk of bytes (any size) into lines without their `\n`, calling `line` for each:
/// `carry` holds the start of a line that straddles chunks and is completed by the next chunk.
/// Returns false, without going on, when the carried line is over `max` bytes (the caller's
/// error names its place).
pub(crate) fn split_lines(
    carry: &mut Vec<u8>,
    mut chunk: &[u8],
    max: usize,
    line: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<bool> {
    if !carry.is_empty() {
        match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => {
                carry.extend_from_slice(&chunk[..i]);
                if carry.len() > max {
                    return Ok(false);
                }
                let r = line(carry);
                carry.clear();
                r?;
                chunk = &chunk[i + 1..];
            }
            None => {
                carry.extend_from_slice(chunk);
                return Ok(carry.len() <= max);
            }
        }
    }
    while let Some(i) = chunk.iter().position(|&b| b == b'\n') {
        line(&chunk[..i])?;
        chunk = &chunk[i + 1..];
    }
    carry.extend_from_slice(chunk);
    Ok(carry.len() <= max)
}

/// A text field for a CSV file that spreadsheets open: a text starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return gets a leading `'` (OWASP's advice against formula injection: a
/// spreadsheet would otherwise evaluate it), then the field is quoted (with `""` for a quote)
/// when it holds a comma, a quote or a line break. Only for names and labels, never numbers.
pub(crate) fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn formula_like_fields_are_defused_and_quoting_kept() {
        for (input, expected) in [
            ("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("a,b", "\"a,b\""),
            ("plain name", "plain name"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(csv_field(input), expected, "{input:?}");
        }
    }
}
