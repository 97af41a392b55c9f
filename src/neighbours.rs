//! The neighbour inspector: for one feature (a code or a CUI, picked by name), the top-k
//! features of both modalities by cosine similarity in one embedding space (the truth or a
//! method's estimate).
//!
//! Codes and CUIs share one space in every method (model.md §4: CLAIME's V1 and V2 are the
//! left and right singular vectors of one PMI matrix; Concate and CL split one eigenvector
//! matrix), so a code's nearest CUIs are meaningful. Rotations do not change cosines, so no
//! alignment to the truth is needed. A feature whose row is zero (no usable counts) has cosine 0
//! with everything, by our convention; it is still listed, after the positive ones.

use crate::error::{Error, Result};
use crate::views::Modality;
use faer::MatRef;
use serde::Serialize;

/// One neighbour of the inspected feature.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Neighbour {
    /// Feature name.
    pub name: String,
    /// "code" or "cui".
    pub modality: Modality,
    /// Cosine similarity with the inspected feature, in [-1, 1].
    pub cosine: f64,
}

/// The neighbours of one feature in one embedding space.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeighbourList {
    /// "truth" or a method's name.
    pub space: String,
    /// Top-k by cosine, largest first (ties in feature order: codes, then CUIs).
    pub neighbours: Vec<Neighbour>,
}

/// Feature names of the two modalities, in row order of V1 and V2.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    /// (d1,) code names.
    pub codes: &'a [String],
    /// (d2,) CUI names.
    pub cuis: &'a [String],
}

impl Names<'_> {
    /// Finds a feature by exact name (codes first); the error names it and says what exists.
    pub fn find(&self, name: &str) -> Result<(Modality, usize)> {
        if let Some(i) = self.codes.iter().position(|c| c == name) {
            return Ok((Modality::Code, i));
        }
        if let Some(i) = self.cuis.iter().position(|c| c == name) {
            return Ok((Modality::Cui, i));
        }
        Err(Error::Unsupported {
            what: format!(
                "feature: no code or CUI is named {name:?} (there are {} codes, e.g. {:?}, and {} CUIs, e.g. {:?})",
                self.codes.len(),
                self.codes.first().map(String::as_str).unwrap_or(""),
                self.cuis.len(),
                self.cuis.first().map(String::as_str).unwrap_or(""),
            ),
        })
    }
}

/// The `k` features closest to `feature` by cosine in the space (V1 (d1, p), V2 (d2, p)),
/// across both modalities, the feature itself left out.
pub fn top_k(
    space: &str,
    v1: MatRef<'_, f64>,
    v2: MatRef<'_, f64>,
    names: Names<'_>,
    feature: (Modality, usize),
    k: usize,
) -> NeighbourList {
    let query: Vec<f64> = match feature.0 {
        Modality::Code => row(v1, feature.1),
        Modality::Cui => row(v2, feature.1),
    };
    let qn = norm(&query);
    // (cosine, modality, index) of every other feature.
    let mut all: Vec<(f64, Modality, usize)> = Vec::with_capacity(v1.nrows() + v2.nrows());
    for (modality, v) in [(Modality::Code, v1), (Modality::Cui, v2)] {
        for i in 0..v.nrows() {
            if (modality, i) == feature {
                continue;
            }
            let r = row(v, i);
            let denom = qn * norm(&r);
            let dot: f64 = query.iter().zip(&r).map(|(a, b)| a * b).sum();
            all.push((if denom > 0.0 { (dot / denom).clamp(-1.0, 1.0) } else { 0.0 }, modality, i));
        }
    }
    // Stable sort: equal cosines keep feature order.
    all.sort_by(|a, b| b.0.total_cmp(&a.0));
    let neighbours = all
        .into_iter()
        .take(k)
        .map(|(cosine, modality, i)| Neighbour {
            name: match modality {
                Modality::Code => names.codes[i].clone(),
                Modality::Cui => names.cuis[i].clone(),
            },
            modality,
            cosine,
        })
        .collect();
    NeighbourList { space: space.to_string(), neighbours }
}

fn row(v: MatRef<'_, f64>, i: usize) -> Vec<f64> {
    (0..v.ncols()).map(|j| v[(i, j)]).collect()
}

fn norm(x: &[f64]) -> f64 {
    x.iter().map(|a| a * a).sum::<f64>().sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use faer::Mat;

    fn names() -> (Vec<String>, Vec<String>) {
        (vec!["a".into(), "b".into(), "c".into()], vec!["x".into(), "y".into()])
    }

    #[test]
    fn ranks_both_modalities_by_cosine_and_leaves_the_feature_out() {
        let v1 = Mat::from_fn(3, 2, |i, j| [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]][i][j]);
        let v2 = Mat::from_fn(2, 2, |i, j| [[2.0, 0.1], [-1.0, 0.0]][i][j]);
        let (codes, cuis) = names();
        let n = Names { codes: &codes, cuis: &cuis };
        let list = top_k("truth", v1.as_ref(), v2.as_ref(), n, n.find("a").unwrap(), 10);
        let got: Vec<(&str, f64)> = list.neighbours.iter().map(|x| (x.name.as_str(), x.cosine)).collect();
        let c_x = 2.0 / (4.0f64 + 0.01).sqrt();
        let want = [("x", c_x), ("c", 1.0 / 2.0f64.sqrt()), ("b", 0.0), ("y", -1.0)];
        assert_eq!(got.len(), want.len());
        for ((gn, gc), (wn, wc)) in got.iter().zip(want) {
            assert_eq!(*gn, wn);
            assert!((gc - wc).abs() < 1e-15, "{gn}: {gc} vs {wc}");
        }
        assert_eq!(list.neighbours[0].modality, Modality::Cui);
        assert_eq!(top_k("t", v1.as_ref(), v2.as_ref(), n, (Modality::Cui, 1), 2).neighbours[0].name, "b");
    }

    #[test]
    fn zero_rows_have_cosine_zero_and_unknown_names_are_named() {
        let v1 = Mat::<f64>::zeros(3, 2);
        let v2 = Mat::from_fn(2, 2, |i, j| (i + j) as f64 + 1.0);
        let (codes, cuis) = names();
        let n = Names { codes: &codes, cuis: &cuis };
        let list = top_k("m", v1.as_ref(), v2.as_ref(), n, (Modality::Code, 0), 2);
        assert!(list.neighbours.iter().all(|x| x.cosine == 0.0));
        let e = n.find("zzz").unwrap_err().to_string();
        assert!(e.contains("\"zzz\"") && e.contains("3 codes"), "{e}");
    }
}
