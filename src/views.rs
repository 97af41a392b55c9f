//! What the explorer's charts show, computed from the core types as plain serde data (no
//! plotting here): the 2-D embedding alignment, the two similarity heatmaps and the spectrum of
//! PMI_CLAIME (model.md §6, "Alignment").
//!
//! Alignment: with T = [V*_1; V*_2] and E = [V^_1; V^_2] stacked (d, p), d = d1 + d2,
//! s = ||T||_F / ||E||_F, R = argmin over orthogonal R of ||s E R - T||_F (Procrustes), and both
//! T and s E R are projected on the truth's first two principal axes (top right singular
//! vectors of T centred by its column means).

use crate::error::{Error, Result};
use crate::estimators::{claime, Fit};
use crate::linalg::kernels::{frobenius, mul, mul_tn};
use crate::linalg::{dense_svd, procrustes};
use crate::simulate::Truth;
use crate::stats::SummaryStats;
use faer::{Mat, MatRef};
use ndarray::Array2;
use serde::Serialize;

/// Which vocabulary a feature belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    /// A billing code (rows of V_1).
    Code,
    /// A NLP concept (rows of V_2).
    Cui,
}

/// One feature's true and aligned estimated position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlignedPoint {
    /// Code or CUI.
    pub modality: Modality,
    /// Row index within its modality (so the caller can attach names).
    pub index: usize,
    /// (x, y) of the truth on the two principal axes.
    pub truth: (f64, f64),
    /// (x, y) of the aligned estimate on the same axes.
    pub estimate: (f64, f64),
    /// (p,) the true embedding row.
    pub truth_full: Vec<f64>,
    /// (p,) the aligned estimate row, s E R.
    pub estimate_full: Vec<f64>,
}

/// The alignment chart's data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlignmentView {
    /// Embedding dimension.
    pub p: usize,
    /// Number of codes and of CUIs in the model (before subsampling).
    pub d1: usize,
    /// Number of CUIs.
    pub d2: usize,
    /// s = ||T||_F / ||E||_F (0 when the estimate is zero).
    pub scale: f64,
    /// (p, p) row-major orthogonal R of the Procrustes step.
    pub rotation: Vec<f64>,
    /// Fraction of the centred truth's variance on principal axis 1 and axis 2.
    pub explained: (f64, f64),
    /// ||s E R - T||_F / ||T||_F over every feature (0 = perfect up to scale and rotation).
    pub relative_residual: f64,
    /// The shown features, at most `max_points`, evenly spaced over codes then CUIs.
    pub points: Vec<AlignedPoint>,
}

/// A matrix for a heatmap. Serialised as before it was an array: `rows`, `cols` and `values`
/// flat in row-major order.
#[derive(Debug, Clone, PartialEq)]
pub struct Heat {
    /// Chart title.
    pub title: String,
    /// (rows, cols) values: rows are codes, columns CUIs.
    pub values: Array2<f64>,
    /// The colour map spans [-limit, limit]; 0 means max |value|.
    pub limit: f64,
    /// What the rows are (axis label), e.g. "code index".
    pub row_label: String,
    /// What the columns are.
    pub col_label: String,
    /// (rows,) feature index of each row (tick labels).
    pub row_index: Vec<usize>,
    /// (cols,) feature index of each column.
    pub col_index: Vec<usize>,
}

impl Heat {
    /// Number of rows (codes).
    pub fn rows(&self) -> usize {
        self.values.nrows()
    }

    /// Number of columns (CUIs).
    pub fn cols(&self) -> usize {
        self.values.ncols()
    }
}

impl Serialize for Heat {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Heat", 9)?;
        st.serialize_field("title", &self.title)?;
        st.serialize_field("rows", &self.rows())?;
        st.serialize_field("cols", &self.cols())?;
        let flat: Vec<f64> = self.values.iter().copied().collect(); // logical row-major order
        st.serialize_field("values", &flat)?;
        st.serialize_field("limit", &self.limit)?;
        st.serialize_field("row_label", &self.row_label)?;
        st.serialize_field("col_label", &self.col_label)?;
        st.serialize_field("row_index", &self.row_index)?;
        st.serialize_field("col_index", &self.col_index)?;
        st.end()
    }
}

/// min(d, m) indices spread evenly over 0..d: floor(k d / m).
pub fn evenly_spaced(d: usize, m: usize) -> Vec<usize> {
    if d <= m {
        (0..d).collect()
    } else {
        (0..m).map(|k| k * d / m).collect()
    }
}

fn stack(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> Mat<f64> {
    let d1 = a.nrows();
    Mat::from_fn(d1 + b.nrows(), a.ncols(), |i, j| if i < d1 { a[(i, j)] } else { b[(i - d1, j)] })
}

/// Checks that the fit has the truth's shapes and finite entries.
fn check_fit(truth: &Truth, fit: &Fit) -> Result<()> {
    let (t, f) =
        ((truth.v1.nrows(), truth.v2.nrows(), truth.v1.ncols()), (fit.v1.nrows(), fit.v2.nrows(), fit.v1.ncols()));
    if t != f || fit.v2.ncols() != t.2 || truth.v2.ncols() != t.2 {
        return Err(Error::param("fit", format!("(d1, d2, p) = {f:?}"), format!("the truth's {t:?}")));
    }
    if t.0 + t.1 == 0 || t.2 == 0 {
        return Err(Error::param("truth", format!("(d1, d2, p) = {t:?}"), "at least one feature and p >= 1"));
    }
    for (name, m) in [("fit.v1", &fit.v1), ("fit.v2", &fit.v2), ("truth.v1", &truth.v1), ("truth.v2", &truth.v2)] {
        crate::error::check_finite(name, (0..m.ncols()).flat_map(|j| (0..m.nrows()).map(move |i| m[(i, j)])))?;
    }
    Ok(())
}

/// The alignment view: scale match, Procrustes of the estimate onto the truth on the stacked
/// (d, p) matrices, projection on the truth's top-2 principal axes, and at most `max_points`
/// features (evenly spaced indices over the stacked list, so both modalities keep their share).
pub fn alignment_view(truth: &Truth, fit: &Fit, max_points: usize) -> Result<AlignmentView> {
    check_fit(truth, fit)?;
    if max_points == 0 {
        return Err(Error::param("max_points", 0, "at least 1"));
    }
    let (d1, d2, p) = (truth.v1.nrows(), truth.v2.nrows(), truth.v1.ncols());
    let d = d1 + d2;
    let t = stack(crate::linalg::mat(&truth.v1), crate::linalg::mat(&truth.v2));
    let e = stack(crate::linalg::mat(&fit.v1), crate::linalg::mat(&fit.v2));
    let (nt, ne) = (frobenius(t.as_ref()), frobenius(e.as_ref()));
    let scale = if ne > 0.0 { nt / ne } else { 0.0 };
    let es = Mat::from_fn(d, p, |i, j| scale * e[(i, j)]);
    let r = procrustes(es.as_ref(), t.as_ref())?;
    let aligned = mul(es.as_ref(), r.as_ref());
    let residual = frobenius((&aligned - &t).as_ref());
    // Principal axes: eigenvectors of the (p, p) Gram of the centred truth.
    let mean: Vec<f64> = (0..p).map(|j| (0..d).map(|i| t[(i, j)]).sum::<f64>() / d as f64).collect();
    let tc = Mat::from_fn(d, p, |i, j| t[(i, j)] - mean[j]);
    let gram = mul_tn(tc.as_ref(), tc.as_ref());
    let svd = dense_svd(gram.as_ref(), 2)?;
    let total: f64 = (0..p).map(|j| gram[(j, j)]).sum();
    let frac = |k: usize| if total > 0.0 && k < svd.s.len() { svd.s[k] / total } else { 0.0 };
    // Axis k as a (p,) vector, sign fixed so its largest-magnitude entry is positive.
    let axes: Vec<Vec<f64>> = (0..svd.s.len())
        .map(|k| {
            let col: Vec<f64> = (0..p).map(|j| svd.u[(j, k)]).collect();
            let big = col.iter().cloned().fold(0.0, |a: f64, x| if x.abs() > a.abs() { x } else { a });
            col.iter().map(|x| if big < 0.0 { -x } else { *x }).collect()
        })
        .collect();
    let project =
        |row: &[f64], k: usize| -> f64 { axes.get(k).map_or(0.0, |a| (0..p).map(|j| (row[j] - mean[j]) * a[j]).sum()) };
    let points = evenly_spaced(d, max_points)
        .into_iter()
        .map(|i| {
            let tr: Vec<f64> = (0..p).map(|j| t[(i, j)]).collect();
            let es: Vec<f64> = (0..p).map(|j| aligned[(i, j)]).collect();
            let (modality, index) = if i < d1 { (Modality::Code, i) } else { (Modality::Cui, i - d1) };
            AlignedPoint {
                modality,
                index,
                truth: (project(&tr, 0), project(&tr, 1)),
                estimate: (project(&es, 0), project(&es, 1)),
                truth_full: tr,
                estimate_full: es,
            }
        })
        .collect();
    Ok(AlignmentView {
        p,
        d1,
        d2,
        scale,
        rotation: (0..p * p).map(|k| r[(k / p, k % p)]).collect(),
        explained: (frac(0), frac(1)),
        relative_residual: if nt > 0.0 { residual / nt } else { 0.0 },
        points,
    })
}

/// ||A1 A2^T||_F = sqrt(tr((A1^T A1)(A2^T A2))) without forming the (d1, d2) product.
fn product_norm(a1: MatRef<'_, f64>, a2: MatRef<'_, f64>) -> f64 {
    let (g1, g2) = (mul_tn(a1, a1), mul_tn(a2, a2));
    let p = g1.nrows();
    (0..p).flat_map(|i| (0..p).map(move |j| (i, j))).map(|(i, j)| g1[(i, j)] * g2[(j, i)]).sum::<f64>().max(0.0).sqrt()
}

/// The code-by-CUI similarity V*_1 V*_2^T of the truth and V^_1 V^_2^T of the estimate, on the
/// same evenly spaced subset of at most `max_side` codes (rows) and CUIs (columns).
///
/// V^_1 V^_2^T is identifiable only up to scale (the factors can be any V_1 A, V_2 A^{-T}, and
/// the overall size of the estimate is arbitrary), so the estimate's product is multiplied by
/// ||V*_1 V*_2^T||_F / ||V^_1 V^_2^T||_F, computed on the full matrices. Both heats share one
/// symmetric colour limit (the larger max |value|).
pub fn similarity_heatmaps(truth: &Truth, fit: &Fit, max_side: usize) -> Result<(Heat, Heat)> {
    check_fit(truth, fit)?;
    if max_side == 0 {
        return Err(Error::param("max_side", 0, "at least 1"));
    }
    let (rows, cols) = (evenly_spaced(truth.v1.nrows(), max_side), evenly_spaced(truth.v2.nrows(), max_side));
    let p = truth.v1.ncols();
    let nt = product_norm(crate::linalg::mat(&truth.v1), crate::linalg::mat(&truth.v2));
    let ne = product_norm(crate::linalg::mat(&fit.v1), crate::linalg::mat(&fit.v2));
    let factor = if ne > 0.0 { nt / ne } else { 0.0 };
    let product = |a: &ndarray::Array2<f64>, b: &ndarray::Array2<f64>, f: f64| -> Vec<f64> {
        rows.iter()
            .flat_map(|&i| cols.iter().map(move |&j| f * (0..p).map(|k| a[(i, k)] * b[(j, k)]).sum::<f64>()))
            .collect()
    };
    let tv = product(&truth.v1, &truth.v2, 1.0);
    let ev = product(&fit.v1, &fit.v2, factor);
    let limit = tv.iter().chain(ev.iter()).fold(0.0_f64, |a, x| a.max(x.abs()));
    let heat = |title: &str, values: Vec<f64>| Heat {
        title: title.to_string(),
        // Moved into the array, not copied.
        values: Array2::from_shape_vec((rows.len(), cols.len()), values).expect("rows x cols values"),
        limit,
        row_label: "code index".into(),
        col_label: "CUI index".into(),
        row_index: rows.clone(),
        col_index: cols.clone(),
    };
    Ok((heat("True similarity V*1 V*2^T", tv), heat("Estimated V^1 V^2^T (rescaled)", ev)))
}

/// The top-k singular values of PMI_CLAIME (paper Proposition 2.1), non-increasing.
pub fn claime_spectrum(stats: &SummaryStats, k: usize, seed: u64) -> Result<Vec<f64>> {
    if k == 0 {
        return Err(Error::param("k", 0, "at least 1 singular value"));
    }
    Ok(claime::pmi_svd(stats, k, seed)?.s)
}
