//! The library's public matrices are `ndarray` arrays of the documented shapes, and faer (the
//! factorization engine) reads them through views of the same memory, not copies.

use claime::data::format::Summary;
use claime::linalg::{array_view, faer_ref};
use claime::stats::row_major;
use claime::{NoiseKind, Params, SummaryStats};

fn simulated(d1: usize, d2: usize, with_within: bool) -> SummaryStats {
    let params = Params { d1, d2, p: 2, n: 300, mean_t: 8.0, noise: NoiseKind::Spike, seed: 5, ..Params::default() };
    claime::simulate::simulate(&params.check().unwrap(), with_within).1
}

#[test]
fn summary_statistics_are_arrays_of_the_documented_shapes() {
    let s = simulated(12, 9, true);
    assert_eq!(s.d12.dim(), (12, 9));
    let w = s.within.as_ref().unwrap();
    assert_eq!(w.c11.dim(), (12, 12));
    assert_eq!(w.c22.dim(), (9, 9));
    assert!(s.d12.is_standard_layout() && w.c11.is_standard_layout() && w.c22.is_standard_layout());
    // The upper triangle only: C11 is symmetric, its lower half stays zero.
    assert!((0..12).all(|i| (0..i).all(|j| w.c11[[i, j]] == 0.0)));
    assert!(s.d12.iter().any(|&x| x > 0.0));
    assert_eq!(s.d12_at(3, 7), s.d12[[3, 7]]);
    // Read back from the file format, the arrays keep their shapes and entries.
    let back = Summary::from_json(&Summary::with_default_names(s.clone()).to_json()).unwrap().stats;
    assert_eq!(back.d12.dim(), (12, 9));
    assert_eq!(back, s);
}

#[test]
fn faer_reads_the_statistics_in_place() {
    let s = simulated(12, 9, false);
    let m = faer_ref(s.d12.view());
    assert_eq!(m.as_ptr(), s.d12.as_ptr(), "the faer view is the array's memory");
    assert_eq!(m.as_ptr(), row_major(&s.d12).as_ptr());
    assert_eq!((m.nrows(), m.ncols()), (12, 9));
    assert!((0..12).all(|i| (0..9).all(|j| m[(i, j)] == s.d12[[i, j]])));
    let back = array_view(m);
    assert_eq!(back.as_ptr(), s.d12.as_ptr());
    assert_eq!(back, s.d12.view());
}

#[test]
fn embeddings_are_column_major_arrays_that_faer_views_in_place() {
    let params =
        Params { d1: 12, d2: 9, p: 2, n: 300, mean_t: 8.0, noise: NoiseKind::Spike, seed: 5, ..Params::default() };
    let (truth, stats) = claime::simulate::simulate(&params.check().unwrap(), true);
    assert_eq!((truth.v1.dim(), truth.v2.dim()), ((12, 2), (9, 2)));
    for m in claime::Method::ALL.map(|(m, _)| m) {
        let fit = m.fit(&stats, 2, 1).unwrap();
        assert_eq!((fit.v1.dim(), fit.v2.dim()), ((12, 2), (9, 2)), "{}", m.name());
        for a in [&fit.v1, &fit.v2, &truth.v1, &truth.v2] {
            // Column-major: faer sees contiguous columns, as in its own matrices.
            assert!(a.t().is_standard_layout());
            let v = claime::linalg::mat(a);
            assert_eq!(v.as_ptr(), a.as_ptr());
            assert_eq!((v.row_stride(), v.col_stride()), (1, a.nrows() as isize));
            assert!((0..a.nrows()).all(|i| (0..2).all(|j| v[(i, j)] == a[[i, j]])));
        }
    }
}

#[test]
fn similarity_heats_are_arrays_serialised_flat_as_before() {
    let params =
        Params { d1: 12, d2: 9, p: 2, n: 300, mean_t: 8.0, noise: NoiseKind::Spike, seed: 5, ..Params::default() };
    let (truth, stats) = claime::simulate::simulate(&params.check().unwrap(), false);
    let fit = claime::Method::Claime.fit(&stats, 2, 1).unwrap();
    let (t, e) = claime::views::similarity_heatmaps(&truth, &fit, 5).unwrap();
    assert_eq!((t.values.dim(), e.values.dim()), ((5, 5), (5, 5)));
    assert_eq!((t.rows(), t.cols()), (5, 5));
    // Entry (a, b): V*_1 V*_2^T at code row_index[a], CUI col_index[b].
    let (i, j) = (t.row_index[3], t.col_index[2]);
    let want: f64 = (0..2).map(|k| truth.v1[[i, k]] * truth.v2[[j, k]]).sum();
    assert_eq!(t.values[[3, 2]], want);
    let json: serde_json::Value = serde_json::to_value(&t).unwrap();
    assert_eq!((json["rows"].as_u64(), json["cols"].as_u64()), (Some(5), Some(5)));
    let flat: Vec<f64> = json["values"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    assert_eq!(flat, t.values.iter().copied().collect::<Vec<_>>());
    assert_eq!(flat[3 * 5 + 2], want, "row-major");
}
