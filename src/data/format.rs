//! The `claime-summary` version 1 JSON file: named summary statistics (model.md §3) on disk.
//!
//! This is the privacy-preserving interface between a site that holds patient records and
//! anyone who fits embeddings: feature names, N_M, gamma_M, D12 = X_1^T X_2 as a sparse matrix
//! and, optionally, the within-modality C11 and C22 (upper triangles) that only Concate and CL
//! need. `docs/formats.md` documents every field and rule.
//!
//! Reading parses into a [`serde_json::Value`] and validates it by hand, so each error is an
//! [`Error::Format`] naming the offending field as a JSON path (`cross.rows[12]`) and what was
//! expected. Nothing here panics on any input. The pieces ([`parse_names`], [`parse_counts`],
//! [`parse_sparse`]) are public so that other readers (merging several sites' files, say) can
//! reuse them.

use crate::error::{Error, Result};
use crate::params::DEFAULT_MEMORY_BUDGET;
use crate::stats::{row_major, SummaryStats, Within};
use ndarray::Array2;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The value of the `format` key.
pub const FORMAT_NAME: &str = "claime-summary";
/// The only version this crate reads and writes.
pub const FORMAT_VERSION: u64 = 1;

/// Summary statistics together with the names of their features, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// (d1,) code names, unique.
    pub codes: Vec<String>,
    /// (d2,) CUI names, unique.
    pub cuis: Vec<String>,
    /// The statistics; `stats.d1 == codes.len()` and `stats.d2 == cuis.len()`.
    pub stats: SummaryStats,
}

/// Readable simulated names: `code_001`.. and `cui_001`.., 1-based and zero-padded to the
/// number of digits of each count.
pub fn default_names(d1: usize, d2: usize) -> (Vec<String>, Vec<String>) {
    fn names(prefix: &str, d: usize) -> Vec<String> {
        let width = d.to_string().len();
        (1..=d).map(|i| format!("{prefix}_{i:0width$}")).collect()
    }
    (names("code", d1), names("cui", d2))
}

impl Summary {
    /// Pairs statistics with names, checking that the counts agree and names are unique.
    pub fn new(codes: Vec<String>, cuis: Vec<String>, stats: SummaryStats) -> Result<Summary> {
        if codes.len() != stats.d1 {
            return Err(Error::format("codes", format!("{} names for {} codes", codes.len(), stats.d1)));
        }
        if cuis.len() != stats.d2 {
            return Err(Error::format("cuis", format!("{} names for {} CUIs", cuis.len(), stats.d2)));
        }
        check_unique("codes", &codes)?;
        check_unique("cuis", &cuis)?;
        Ok(Summary { codes, cuis, stats })
    }

    /// Statistics with [`default_names`].
    pub fn with_default_names(stats: SummaryStats) -> Summary {
        let (codes, cuis) = default_names(stats.d1, stats.d2);
        Summary { codes, cuis, stats }
    }

    /// Writes the file: one field per line, only the nonzero entries of the sparse matrices
    /// (row-major order; code_code and cui_cui as their upper triangles), integers without a
    /// decimal point and other numbers in their shortest round-trippable form.
    pub fn to_json(&self) -> String {
        let s = &self.stats;
        let mut fields = vec![
            ("format", format!("\"{FORMAT_NAME}\"")),
            ("version", FORMAT_VERSION.to_string()),
            ("codes", json_strings(&self.codes)),
            ("cuis", json_strings(&self.cuis)),
            ("patients", json_number(s.patients)),
            ("code_counts", json_numbers(&s.n1)),
            ("cui_counts", json_numbers(&s.n2)),
            ("code_pair_totals", json_numbers(&s.gamma1)),
            ("cui_pair_totals", json_numbers(&s.gamma2)),
            ("cross", json_sparse(row_major(&s.d12), s.d1, s.d2, false)),
        ];
        if let Some(w) = &s.within {
            fields.push(("code_code", json_sparse(row_major(&w.c11), s.d1, s.d1, true)));
            fields.push(("cui_cui", json_sparse(row_major(&w.c22), s.d2, s.d2, true)));
        }
        let body: Vec<String> = fields.iter().map(|(key, value)| format!("  \"{key}\": {value}")).collect();
        format!("{{\n{}\n}}\n", body.join(",\n"))
    }

    /// Reads and validates a file; see `docs/formats.md` for the rules.
    pub fn from_json(text: &str) -> Result<Summary> {
        Summary::from_json_checked(text, &|_, _, _| Ok(()))
    }

    /// As [`Summary::from_json`], with `check(d1, d2, with_within)` run once the sizes are known,
    /// before the matrices are allocated (the page refuses there a fit over its budget).
    pub fn from_json_checked(text: &str, check: &dyn Fn(usize, usize, bool) -> Result<()>) -> Result<Summary> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            Error::format("$", format!("not valid JSON at line {}, column {}: {e}", e.line(), e.column()))
        })?;
        // serde_json keeps the last of two equal keys: a file that gives a field twice is
        // refused instead (the second pass skips arrays' contents, so it costs little).
        let mut de = serde_json::Deserializer::from_str(text);
        if let Err(e) = serde::Deserialize::deserialize(&mut de).map(|UniqueKeys| ()) {
            return Err(Error::format("$", format!("{e}")));
        }
        Summary::from_value_checked(&value, check)
    }

    /// Validates an already parsed document.
    pub fn from_value(value: &Value) -> Result<Summary> {
        Summary::from_value_checked(value, &|_, _, _| Ok(()))
    }

    /// As [`Summary::from_value`], with the `check` of [`Summary::from_json_checked`].
    fn from_value_checked(value: &Value, check: &dyn Fn(usize, usize, bool) -> Result<()>) -> Result<Summary> {
        let obj = value.as_object().ok_or_else(|| {
            let got = if value.is_array() { "an array: this is not a claime-summary file" } else { "something else" };
            Error::format("$", format!("expected a JSON object (a claime-summary), got {got}"))
        })?;
        match obj.get("format") {
            Some(Value::String(s)) if s == FORMAT_NAME => {}
            Some(v) => return Err(Error::format("format", format!("expected \"{FORMAT_NAME}\", got {}", short(v)))),
            None => return Err(missing("format", &format!("the string \"{FORMAT_NAME}\""))),
        }
        match obj.get("version") {
            Some(v) if v.as_u64() == Some(FORMAT_VERSION) || v.as_f64() == Some(FORMAT_VERSION as f64) => {}
            Some(v) => return Err(Error::format("version", format!("expected {FORMAT_VERSION}, got {}", short(v)))),
            None => return Err(missing("version", &format!("the number {FORMAT_VERSION}"))),
        }
        let codes = parse_names(field(obj, "codes")?, "codes")?;
        let cuis = parse_names(field(obj, "cuis")?, "cuis")?;
        let (d1, d2) = (codes.len(), cuis.len());
        let patients = nonnegative(field(obj, "patients")?, "patients")?;
        let n1 = parse_counts(field(obj, "code_counts")?, "code_counts", d1)?;
        let n2 = parse_counts(field(obj, "cui_counts")?, "cui_counts", d2)?;
        let gamma1 = parse_counts(field(obj, "code_pair_totals")?, "code_pair_totals", d1)?;
        let gamma2 = parse_counts(field(obj, "cui_pair_totals")?, "cui_pair_totals", d2)?;
        let with_within = match (obj.get("code_code"), obj.get("cui_cui")) {
            (Some(_), Some(_)) => true,
            (None, None) => false,
            (Some(_), None) => return Err(missing("cui_cui", "it, since code_code is given (both or neither)")),
            (None, Some(_)) => return Err(missing("code_code", "it, since cui_cui is given (both or neither)")),
        };
        check_budget(d1, d2, with_within)?;
        check(d1, d2, with_within)?;
        let d12 = parse_sparse(field(obj, "cross")?, "cross", d1, d2, false)?;
        let within = match (obj.get("code_code"), obj.get("cui_cui")) {
            (Some(a), Some(b)) if with_within => Some(Within {
                c11: parse_sparse(a, "code_code", d1, d1, true)?,
                c22: parse_sparse(b, "cui_cui", d2, d2, true)?,
            }),
            _ => None,
        };
        let stats = SummaryStats { d1, d2, patients, n1, n2, gamma1, gamma2, d12, within };
        Ok(Summary { codes, cuis, stats })
    }
}

/// Parses a non-empty array of unique strings (`codes` or `cuis`).
pub fn parse_names(value: &Value, field: &str) -> Result<Vec<String>> {
    let arr = value
        .as_array()
        .ok_or_else(|| Error::format(field, format!("expected an array of names, got {}", short(value))))?;
    if arr.is_empty() {
        return Err(Error::format(field, "expected at least one name, got an empty array"));
    }
    let names = arr
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::String(s) => Ok(s.clone()),
            _ => Err(Error::format(format!("{field}[{i}]"), format!("expected a string, got {}", short(v)))),
        })
        .collect::<Result<Vec<String>>>()?;
    check_unique(field, &names)?;
    Ok(names)
}

/// Parses an array of exactly `len` finite non-negative numbers (integers or not).
pub fn parse_counts(value: &Value, field: &str, len: usize) -> Result<Vec<f64>> {
    let arr = value.as_array().ok_or_else(|| {
        Error::format(field, format!("expected an array of {len} non-negative numbers, got {}", short(value)))
    })?;
    if arr.len() != len {
        return Err(Error::format(field, format!("expected {len} numbers (one per feature), got {}", arr.len())));
    }
    arr.iter().enumerate().map(|(i, v)| nonnegative(v, &format!("{field}[{i}]"))).collect()
}

/// Parses one sparse matrix `{"rows": [..], "cols": [..], "values": [..]}` (0-based indices)
/// of shape (nrows, ncols) into a dense (nrows, ncols) array. With `upper`, the matrix is symmetric
/// and stored as its upper triangle: an entry with row > col goes to (col, row), and a pair
/// given in both orientations is a duplicate.
pub fn parse_sparse(value: &Value, field: &str, nrows: usize, ncols: usize, upper: bool) -> Result<Array2<f64>> {
    let obj = value.as_object().ok_or_else(|| {
        Error::format(field, format!("expected an object with rows, cols and values, got {}", short(value)))
    })?;
    let array = |key: &str| -> Result<&Vec<Value>> {
        let path = format!("{field}.{key}");
        match obj.get(key) {
            Some(Value::Array(a)) => Ok(a),
            Some(v) => Err(Error::format(path, format!("expected an array, got {}", short(v)))),
            None => Err(missing(&path, "an array")),
        }
    };
    let (rows, cols, values) = (array("rows")?, array("cols")?, array("values")?);
    if rows.len() != cols.len() || rows.len() != values.len() {
        return Err(Error::format(
            field,
            format!(
                "rows, cols and values must have the same length, got {}, {} and {}",
                rows.len(),
                cols.len(),
                values.len()
            ),
        ));
    }
    let size = nrows.checked_mul(ncols).ok_or_else(|| Error::format(field, "matrix too large"))?;
    let mut dense = vec![0.0; size];
    let mut seen: HashMap<(usize, usize), usize> = HashMap::with_capacity(rows.len());
    for (k, ((r, c), v)) in rows.iter().zip(cols).zip(values).enumerate() {
        let r = index(r, &format!("{field}.rows[{k}]"), nrows)?;
        let c = index(c, &format!("{field}.cols[{k}]"), ncols)?;
        let x = nonnegative(v, &format!("{field}.values[{k}]"))?;
        let key = if upper && r > c { (c, r) } else { (r, c) };
        if let Some(first) = seen.insert(key, k) {
            let how = if upper { " (in either orientation; the matrix is symmetric)" } else { "" };
            return Err(Error::format(
                format!("{field}.rows[{k}]"),
                format!("pair (row {}, col {}) already given at index {first}{how}", r, c),
            ));
        }
        if let Some(slot) = dense.get_mut(key.0 * ncols + key.1) {
            *slot = x;
        }
    }
    Ok(Array2::from_shape_vec((nrows, ncols), dense).expect("nrows * ncols entries"))
}

/// A 0-based index in 0..len (integers written as `3` or `3.0`).
fn index(value: &Value, path: &str, len: usize) -> Result<usize> {
    let i = match value {
        Value::Number(n) => match (n.as_u64(), n.as_f64()) {
            (Some(u), _) => Some(u),
            (None, Some(f)) if f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < u64::MAX as f64 => Some(f as u64),
            _ => None,
        },
        _ => None,
    };
    let i =
        i.ok_or_else(|| Error::format(path, format!("expected a non-negative integer index, got {}", short(value))))?;
    if i >= len as u64 {
        return Err(Error::format(
            path,
            format!("index {i} out of range: expected 0..{} ({len} features)", len.saturating_sub(1)),
        ));
    }
    Ok(i as usize)
}

/// A finite non-negative number.
fn nonnegative(value: &Value, path: &str) -> Result<f64> {
    let x = value
        .as_f64()
        .ok_or_else(|| Error::format(path, format!("expected a non-negative number, got {}", short(value))))?;
    if !x.is_finite() {
        return Err(Error::format(path, format!("expected a finite number, got {x}")));
    }
    if x < 0.0 {
        return Err(Error::format(path, format!("expected a non-negative number, got {x}")));
    }
    Ok(x)
}

fn field<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<&'a Value> {
    obj.get(key).ok_or_else(|| {
        let what = match key {
            "codes" | "cuis" => "a non-empty array of unique names",
            "patients" => "a non-negative number",
            "cross" => "a sparse matrix {\"rows\": [..], \"cols\": [..], \"values\": [..]}",
            _ => "an array of non-negative numbers, one per feature",
        };
        missing(key, what)
    })
}

fn missing(path: &str, expected: &str) -> Error {
    Error::format(path, format!("missing; expected {expected}"))
}

fn check_unique(field: &str, names: &[String]) -> Result<()> {
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        if let Some(first) = seen.insert(name.as_str(), i) {
            return Err(Error::format(
                format!("{field}[{i}]"),
                format!("duplicate name {}, also at {field}[{first}]", short(&Value::String(name.clone()))),
            ));
        }
    }
    Ok(())
}

/// Refuses, before allocating, dense buffers (D12, and C11, C22) over the memory budget.
fn check_budget(d1: usize, d2: usize, with_within: bool) -> Result<()> {
    let (a, b) = (d1 as u64, d2 as u64);
    let mut entries = a.saturating_mul(b);
    if with_within {
        entries = entries.saturating_add(a.saturating_mul(a)).saturating_add(b.saturating_mul(b));
    }
    let needed = entries.saturating_mul(8);
    if needed > DEFAULT_MEMORY_BUDGET {
        return Err(Error::Memory {
            needed_bytes: needed,
            budget_bytes: DEFAULT_MEMORY_BUDGET,
            what: format!("reading a summary of {d1} codes and {d2} CUIs"),
            advice: String::new(),
        });
    }
    Ok(())
}

/// A value for an error message, cut to 40 characters.
fn short(value: &Value) -> String {
    let s = value.to_string();
    match s.char_indices().nth(40) {
        Some((cut, _)) => format!("{}...", &s[..cut]),
        None => s,
    }
}

fn json_number(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.0e15 {
        format!("{}", x as i64)
    } else {
        // serde_json writes the shortest round-trippable form (and null for non-finite). Reading
        // it back is exact only with serde_json's `float_roundtrip` feature; without it about
        // one non-integer in ten comes back one ulp off. Integer counts are always exact.
        serde_json::to_string(&x).unwrap_or_else(|_| "null".to_string())
    }
}

fn json_numbers(xs: &[f64]) -> String {
    let parts: Vec<String> = xs.iter().map(|&x| json_number(x)).collect();
    format!("[{}]", parts.join(", "))
}

fn json_strings(names: &[String]) -> String {
    let parts: Vec<String> = names.iter().map(|s| Value::String(s.clone()).to_string()).collect();
    format!("[{}]", parts.join(", "))
}

/// Nonzero entries of a row-major (nrows, ncols) buffer; with `upper`, only row <= col.
fn json_sparse(buf: &[f64], nrows: usize, ncols: usize, upper: bool) -> String {
    let (mut rows, mut cols, mut values) = (Vec::new(), Vec::new(), Vec::new());
    for (r, row) in buf.chunks(ncols.max(1)).take(nrows).enumerate() {
        for (c, &x) in row.iter().enumerate().skip(if upper { r } else { 0 }) {
            if x != 0.0 {
                rows.push(r.to_string());
                cols.push(c.to_string());
                values.push(json_number(x));
            }
        }
    }
    format!(
        "{{\n    \"rows\": [{}],\n    \"cols\": [{}],\n    \"values\": [{}]\n  }}",
        rows.join(", "),
        cols.join(", "),
        values.join(", ")
    )
}

/// A JSON value whose objects (those not inside arrays) each name a key once: deserialising it
/// fails at the first key given twice, naming it and its place.
struct UniqueKeys;

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<UniqueKeys, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(format!(
                    "key \"{key}\" is given twice in one object; expected each field once (JSON readers disagree on which would count)"
                )));
            }
            map.next_value::<UniqueKeys>()?;
        }
        Ok(UniqueKeys)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<UniqueKeys, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(UniqueKeys)
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_unit<E>(self) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
}
