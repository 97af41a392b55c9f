//! Tab-separated outputs: true embeddings (`truth.tsv`) and the TensorFlow Embedding
//! Projector's pair of files (`vectors.tsv`, `metadata.tsv`). `docs/formats.md` documents them.
//!
//! Every layout is one row per feature, codes first and then CUIs, in file order, so row k of
//! a vectors file and row k + 1 of its metadata file (after the header) describe one feature.
//! Numbers use Rust's `{}` formatting of f64: the shortest string that parses back to the same
//! value.

use faer::MatRef;
use std::fmt::Write;

/// True embeddings V*_1 (d1, p) and V*_2 (d2, p): d1 + d2 rows of p tab-separated values, no
/// header.
pub fn truth_tsv(v1: MatRef<'_, f64>, v2: MatRef<'_, f64>) -> String {
    let mut out = String::new();
    write_rows(&mut out, v1);
    write_rows(&mut out, v2);
    out
}

/// The Embedding Projector's `vectors.tsv` for V1 (d1, p) and V2 (d2, p): the same layout as
/// [`truth_tsv`].
pub fn projector_vectors_tsv(v1: MatRef<'_, f64>, v2: MatRef<'_, f64>) -> String {
    truth_tsv(v1, v2)
}

/// The Embedding Projector's `metadata.tsv`: a header `name\tmodality`, then one row per
/// feature with modality `code` or `cui`. Tabs and line breaks in names become spaces.
pub fn projector_metadata_tsv(codes: &[String], cuis: &[String]) -> String {
    let mut out = String::from("name\tmodality\n");
    for (names, modality) in [(codes, "code"), (cuis, "cui")] {
        for name in names {
            let _ = writeln!(out, "{}\t{modality}", sanitize(name));
        }
    }
    out
}

/// Replaces tabs and line breaks (which would break rows or columns) with spaces.
pub fn sanitize(name: &str) -> String {
    name.chars().map(|c| if matches!(c, '\t' | '\n' | '\r') { ' ' } else { c }).collect()
}

fn write_rows(out: &mut String, v: MatRef<'_, f64>) {
    for i in 0..v.nrows() {
        for j in 0..v.ncols() {
            if j > 0 {
                out.push('\t');
            }
            let _ = write!(out, "{}", v[(i, j)]);
        }
        out.push('\n');
    }
}
