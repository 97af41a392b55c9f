//! The explorer's charts (src/plot/) and their data (src/views.rs): each chart renders an SVG
//! with its title, labels, series names and the expected number of markers; each renderer
//! rejects bad input with an error; the alignment and heatmap views undo a planted scale and
//! rotation (closed form).

use claime::estimators::Fit;
use claime::linalg::{mat, to_array};
use claime::plot::{alignment, error_chart, heatmap, spectrum, Series};
use claime::simulate::{simulate, Truth};
use claime::views::{alignment_view, claime_spectrum, evenly_spaced, similarity_heatmaps, Heat, Modality};
use claime::{NoiseKind, Params};
use faer::Mat;

fn params() -> Params {
    Params { d1: 30, d2: 24, p: 3, n: 3000, signal: 3.0, noise: NoiseKind::None, seed: 7, ..Params::default() }
}

fn truth() -> Truth {
    Truth::draw(&params().check().unwrap())
}

fn fit_of(v1: Mat<f64>, v2: Mat<f64>) -> Fit {
    Fit { v1: to_array(v1.as_ref()), v2: to_array(v2.as_ref()), spectrum: vec![], zero_rows: (0, 0) }
}

/// A faer copy of an embedding.
fn owned(a: &ndarray::Array2<f64>) -> Mat<f64> {
    mat(a).to_owned()
}

/// A rotation in the (0, 1) and (1, 2) planes: orthogonal, not the identity.
fn rotation(p: usize) -> Mat<f64> {
    let (c, s) = (0.6_f64, 0.8_f64);
    let mut a = Mat::<f64>::identity(p, p);
    a[(0, 0)] = c;
    a[(0, 1)] = -s;
    a[(1, 0)] = s;
    a[(1, 1)] = c;
    let mut b = Mat::<f64>::identity(p, p);
    b[(1, 1)] = c;
    b[(1, 2)] = s;
    b[(2, 1)] = -s;
    b[(2, 2)] = c;
    &a * &b
}

fn count(svg: &str, what: &str) -> usize {
    svg.matches(what).count()
}

fn assert_svg(svg: &str, texts: &[&str]) {
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("<text"));
    for t in texts {
        assert!(svg.contains(t), "missing {t:?}");
    }
}

fn curves() -> Vec<Series> {
    let ns: [f64; 5] = [1000.0, 3000.0, 10_000.0, 30_000.0, 100_000.0];
    let line = |name: &str, a: f64| Series {
        name: name.into(),
        points: ns.iter().map(|&n| (n, a * (1000.0 / n).sqrt())).collect(),
    };
    vec![line("claime", 1.5), line("concate", 2.2), line("cl", 1.9)]
}

#[test]
fn error_chart_renders_lines_markers_and_reference() {
    let svg = error_chart::svg(&curves(), 6.0_f64.sqrt(), 720, 420).unwrap();
    assert_svg(
        &svg,
        &[
            "claime",
            "concate",
            "cl",
            error_chart::TITLE,
            error_chart::NO_RECOVERY_LABEL,
            "patients n",
            "projection distance",
        ],
    );
    // Series 0 circles, series 1 triangles (filled polygons), each 5 points + 1 legend glyph.
    assert_eq!(count(&svg, "<circle"), 6);
    assert_eq!(count(&svg, "<polygon"), 6);
    // Three series lines + three legend lines + the dashed reference (many segments) at least.
    assert!(count(&svg, "<polyline") >= 6);
}

#[test]
fn error_chart_rejects_bad_input() {
    let ok = curves();
    assert!(error_chart::svg(&[], 2.0, 720, 420).unwrap_err().to_string().contains("series"));
    let mut nan = ok.clone();
    nan[1].points[2].1 = f64::NAN;
    let e = error_chart::svg(&nan, 2.0, 720, 420).unwrap_err().to_string();
    assert!(e.contains("series[1] (concate)") && e.contains("[2]"), "{e}");
    let mut empty = ok.clone();
    empty[2].points.clear();
    assert!(error_chart::svg(&empty, 2.0, 720, 420).unwrap_err().to_string().contains("series[2] (cl)"));
    let mut inf = ok.clone();
    inf[0].points[0].0 = f64::INFINITY;
    assert!(error_chart::svg(&inf, 2.0, 720, 420).is_err());
    assert!(error_chart::svg(&ok, 0.0, 720, 420).unwrap_err().to_string().contains("no_recovery"));
    assert!(error_chart::svg(&ok, f64::NAN, 720, 420).is_err());
    assert!(error_chart::svg(&ok, 2.0, 10, 420).unwrap_err().to_string().contains("width"));
    assert!(error_chart::svg(&ok, 2.0, 720, 100_000).unwrap_err().to_string().contains("height"));
    // A single point, equal x values: a linear axis, still fine.
    let one = vec![Series { name: "claime".into(), points: vec![(500.0, 1.0)] }];
    assert!(error_chart::svg(&one, 2.0, 720, 420).is_ok());
}

#[test]
fn alignment_of_a_perfect_fit_has_zero_distances() {
    let t = truth();
    let view = alignment_view(&t, &fit_of(owned(&t.v1), owned(&t.v2)), 1000).unwrap();
    assert_eq!(view.points.len(), 54);
    assert!((view.scale - 1.0).abs() < 1e-12);
    assert!(view.relative_residual < 1e-9);
    for q in &view.points {
        let d = ((q.truth.0 - q.estimate.0).powi(2) + (q.truth.1 - q.estimate.1).powi(2)).sqrt();
        assert!(d < 1e-9, "feature {:?} {} moved by {d}", q.modality, q.index);
        assert_eq!(q.truth_full.len(), 3);
    }
    assert!(view.explained.0 >= view.explained.1 && view.explained.0 + view.explained.1 <= 1.0 + 1e-12);
    let json = serde_json::to_string(&view).unwrap();
    assert!(json.contains("\"modality\":\"code\"") && json.contains("\"modality\":\"cui\""));
}

#[test]
fn procrustes_undoes_a_planted_rotation_and_scale() {
    // E = T Q / c: the alignment must find s = c and R = Q^T, so s E R = T exactly.
    let t = truth();
    let (q, c) = (rotation(3), 2.5);
    let fit = fit_of(mat(&t.v1) * &q * (1.0 / c), mat(&t.v2) * &q * (1.0 / c));
    let view = alignment_view(&t, &fit, 1000).unwrap();
    assert!((view.scale - c).abs() < 1e-9, "scale {}", view.scale);
    for i in 0..3 {
        for j in 0..3 {
            assert!((view.rotation[i * 3 + j] - q[(j, i)]).abs() < 1e-9, "R[{i},{j}]");
        }
    }
    assert!(view.relative_residual < 1e-9);
    for q in &view.points {
        for (a, b) in q.truth_full.iter().zip(&q.estimate_full) {
            assert!((a - b).abs() < 1e-9);
        }
        assert!((q.truth.0 - q.estimate.0).abs() < 1e-9 && (q.truth.1 - q.estimate.1).abs() < 1e-9);
    }
}

#[test]
fn alignment_subsamples_evenly_and_keeps_indices() {
    let t = truth();
    let view = alignment_view(&t, &fit_of(owned(&t.v1), owned(&t.v2)), 10).unwrap();
    let stacked: Vec<usize> =
        view.points.iter().map(|q| if q.modality == Modality::Code { q.index } else { 30 + q.index }).collect();
    assert_eq!(stacked, evenly_spaced(54, 10));
    assert_eq!(evenly_spaced(54, 10), vec![0, 5, 10, 16, 21, 27, 32, 37, 43, 48]);
    for q in &view.points {
        let row = if q.modality == Modality::Code { t.v1.row(q.index) } else { t.v2.row(q.index) };
        assert!((0..3).all(|j| (row[j] - q.truth_full[j]).abs() < 1e-12));
    }
    assert!(alignment_view(&t, &fit_of(owned(&t.v1), owned(&t.v2)), 0).is_err());
    let bad = fit_of(Mat::zeros(29, 3), owned(&t.v2));
    assert!(alignment_view(&t, &bad, 10).unwrap_err().to_string().contains("fit"));
    let mut nan = owned(&t.v1);
    nan[(4, 1)] = f64::NAN;
    assert!(alignment_view(&t, &fit_of(nan, owned(&t.v2)), 10).unwrap_err().to_string().contains("fit.v1"));
}

#[test]
fn alignment_chart_renders_codes_and_cuis() {
    let t = truth();
    let q = rotation(3);
    let noisy = fit_of(mat(&t.v1) * &q + Mat::from_fn(30, 3, |i, j| 0.05 * ((i * 7 + j) % 5) as f64), mat(&t.v2) * &q);
    let view = alignment_view(&t, &noisy, 1000).unwrap();
    let svg = alignment::svg(&view, 760, 520).unwrap();
    assert_svg(&svg, &[alignment::TITLE, "code, true", "CUI, estimate", "principal axis 2"]);
    // 30 codes: hollow + filled circles, plus two legend circles; 24 CUIs: filled triangles + 1.
    // Runs of like markers are merged into paths: a circle there is two arcs ("0 1 0") and a
    // closing Z, a triangle three points and a Z.
    let merged_circles = count(&svg, " 0 1 0 ") / 2;
    assert_eq!(count(&svg, "<circle") + merged_circles, 2 * 30 + 2);
    assert_eq!(count(&svg, "<polygon") + count(&svg, " Z") - merged_circles, 24 + 1);
    let mut bad = view.clone();
    bad.points[3].estimate.1 = f64::INFINITY;
    assert!(alignment::svg(&bad, 760, 520).unwrap_err().to_string().contains("view.points.estimate"));
    bad.points.clear();
    assert!(alignment::svg(&bad, 760, 520).is_err());
}

#[test]
fn spectrum_gap_label_clears_every_bar_it_spans() {
    // A small gap (the weak-signal landing case) put the label over bars p + 1 and p + 2; p near
    // k puts it on the left, over the signal bars.
    let small = [3.0, 2.97, 2.95, 2.93, 2.9, 2.8, 2.7, 2.6, 2.5, 2.4, 2.3, 2.2];
    let cases: [(&[f64], usize, bool); 4] = [
        (&small, 4, true),
        (&small, 11, false),
        (&[9.0, 7.5, 6.0, 1.2, 1.1, 1.0, 0.95, 0.9, 0.8], 3, true),
        (&[5.0, 4.9, 0.0], 2, true),
    ];
    for (values, p, right) in cases {
        let text = (150.0, 16.0);
        let g = spectrum::gap_layout(values, p, (560.0, 350.0), text).unwrap();
        assert_eq!(g.right, right, "{values:?} p={p}");
        assert!(g.x_hi - g.x_lo > 0.0);
        let half = 0.35_f64.min(0.5 - 0.5 / (values.len() as f64 + 1.0));
        let mut spanned = 0;
        for (i, v) in values.iter().enumerate() {
            let x = (i + 1) as f64;
            if x + half > g.x_lo && x - half < g.x_hi {
                spanned += 1;
                assert!(
                    *v <= g.y - g.half_height + 1e-12,
                    "bar {} ({v}) under the label at {} ± {}",
                    i + 1,
                    g.y,
                    g.half_height
                );
            }
        }
        assert!(spanned >= 1, "the label spans some bar: {g:?}");
        assert!(g.y + g.half_height <= g.ymax, "the label fits under the top: {g:?}");
        assert!(g.y >= (values[p - 1] + values[p]) / 2.0, "never below the bracket's middle");
    }
    let svg = spectrum::svg(&small, 4, 640, 400).unwrap();
    assert_svg(&svg, &["gap s4 / s5 = 1.01x"]);
}

#[test]
fn spectrum_chart_highlights_p_and_annotates_the_gap() {
    let values = [9.0, 7.5, 6.0, 1.2, 1.1, 1.0, 0.95, 0.9, 0.8];
    let svg = spectrum::svg(&values, 3, 640, 400).unwrap();
    assert_svg(&svg, &[spectrum::TITLE, spectrum::SIGNAL_LABEL, spectrum::NOISE_LABEL, "gap s3 / s4 = 5.00x"]);
    // 3 signal bars + 1 legend swatch in blue, 6 noise bars + 1 swatch in grey.
    assert_eq!(count(&svg, "fill=\"#0072B2\""), 4);
    assert_eq!(count(&svg, "fill=\"#969696\""), 7);
    assert!(spectrum::svg(&values, 9, 640, 400).is_ok()); // no gap to annotate
    assert!(spectrum::svg(&[], 1, 640, 400).unwrap_err().to_string().contains("values"));
    assert!(spectrum::svg(&values, 0, 640, 400).unwrap_err().to_string().contains("p"));
    assert!(spectrum::svg(&values, 10, 640, 400).is_err());
    assert!(spectrum::svg(&[1.0, -0.5], 1, 640, 400).unwrap_err().to_string().contains("values[1]"));
    assert!(spectrum::svg(&[1.0, f64::NAN], 1, 640, 400).unwrap_err().to_string().contains("values[1]"));
}

#[test]
fn claime_spectrum_of_a_strong_signal_has_a_gap_after_p() {
    let (_, stats) = simulate(&params().check().unwrap(), false);
    let s = claime_spectrum(&stats, 9, 7).unwrap();
    assert_eq!(s.len(), 9);
    assert!(s.windows(2).all(|w| w[0] >= w[1] - 1e-12));
    assert!(s[2] > 2.0 * s[3], "{s:?}");
    assert!(claime_spectrum(&stats, 0, 7).is_err());
}

#[test]
fn similarity_heatmaps_undo_the_scale_and_the_a_transform() {
    // V^1 = V*1 A / c, V^2 = V*2 A^{-T}: the product is V*1 V*2^T / c, rescaled back to the truth.
    let t = truth();
    let a = Mat::from_fn(3, 3, |i, j| {
        if i == j {
            2.0
        } else if j == i + 1 {
            0.5
        } else {
            0.0
        }
    });
    let a_inv_t = Mat::from_fn(3, 3, |i, j| [[0.5, 0.0, 0.0], [-0.125, 0.5, 0.0], [0.03125, -0.125, 0.5]][i][j]);
    let fit = fit_of(mat(&t.v1) * &a * (1.0 / 4.0), mat(&t.v2) * &a_inv_t);
    let (truth_heat, est) = similarity_heatmaps(&t, &fit, 10).unwrap();
    assert_eq!((truth_heat.values.dim(), est.values.dim()), ((10, 10), (10, 10)));
    assert_eq!(truth_heat.row_index, evenly_spaced(30, 10));
    for (x, y) in truth_heat.values.iter().zip(&est.values) {
        assert!((x - y).abs() < 1e-9, "{x} vs {y}");
    }
    assert_eq!(truth_heat.limit, est.limit);
    let svg = heatmap::svg(&truth_heat, 520, 460).unwrap();
    assert_svg(&svg, &[&truth_heat.title, "code index", "CUI index"]);
    assert!(count(&svg, "<rect") >= 100 + 64);
}

#[test]
fn heatmap_rejects_bad_input() {
    let heat = Heat {
        title: "m".into(),
        values: ndarray::arr2(&[[1.0, -1.0, 0.0], [0.5, 0.25, -0.25]]),
        limit: 0.0,
        row_label: "rows".into(),
        col_label: "cols".into(),
        row_index: vec![],
        col_index: vec![],
    };
    assert!(heatmap::svg(&heat, 400, 300).is_ok());
    let with = |f: &dyn Fn(&mut Heat)| {
        let mut h = heat.clone();
        f(&mut h);
        heatmap::svg(&h, 400, 300).unwrap_err().to_string()
    };
    // (A values/shape mismatch cannot be built: the shape is the array's.)
    assert!(with(&|h| h.values[[1, 1]] = f64::NAN).contains("heat.values[4]"));
    assert!(with(&|h| h.values = ndarray::Array2::zeros((0, 3))).contains("heat.values"));
    assert!(with(&|h| h.limit = -1.0).contains("heat.limit"));
    assert!(with(&|h| h.row_index = vec![1]).contains("heat.row_index"));
    assert!(with(&|h| h.values = ndarray::Array2::zeros((300, 300))).contains("cells"));
}

/// Writes one SVG of each chart to the temporary directory, for looking at.
#[test]
fn render_examples() {
    let dir = std::env::temp_dir();
    let t = truth();
    let (_, stats) = simulate(&params().check().unwrap(), false);
    let fit = claime::Method::Claime.fit(&stats, 3, 7).unwrap();
    let view = alignment_view(&t, &fit, 400).unwrap();
    let (th, eh) = similarity_heatmaps(&t, &fit, 24).unwrap();
    let spec = claime_spectrum(&stats, 9, 7).unwrap();
    let files = [
        ("claime_error.svg", error_chart::svg(&curves(), 6.0_f64.sqrt(), 720, 420)),
        ("claime_alignment.svg", alignment::svg(&view, 760, 520)),
        ("claime_spectrum.svg", spectrum::svg(&spec, 3, 640, 400)),
        ("claime_heat_truth.svg", heatmap::svg(&th, 480, 440)),
        ("claime_heat_estimate.svg", heatmap::svg(&eh, 480, 440)),
    ];
    for (name, svg) in files {
        std::fs::write(dir.join(name), svg.unwrap()).unwrap();
    }
}

#[test]
fn smallest_size_and_long_names_do_not_panic() {
    let t = truth();
    let view = alignment_view(&t, &fit_of(owned(&t.v1), owned(&t.v2)), 50).unwrap();
    let (th, _) = similarity_heatmaps(&t, &fit_of(owned(&t.v1), owned(&t.v2)), 50).unwrap();
    let mut long = curves();
    long[0].name = "a very long method name <with> & markup".repeat(4);
    for (w, h) in [(200, 200), (4000, 200), (200, 4000)] {
        let svg = error_chart::svg(&long, 2.0, w, h).unwrap();
        assert!(svg.contains("&lt;with&gt; &amp; markup"));
        alignment::svg(&view, w, h).unwrap();
        spectrum::svg(&[3.0, 1.0], 1, w, h).unwrap();
        heatmap::svg(&th, w, h).unwrap();
    }
}

#[test]
fn alignment_svg_merges_markers_and_segments_into_few_paths() {
    // 54 features: 54 segments, 54 hollow and 54 filled markers, which plotters writes as 162
    // elements; merged, a handful of paths, each estimate still drawn where `located` says.
    let t = truth();
    let fit = fit_of(owned(&t.v1), owned(&t.v2));
    let view = alignment_view(&t, &fit, 1000).unwrap();
    let (svg, located) = alignment::svg_located(&view, 640, 480).unwrap();
    let elements = svg.matches('<').count() - svg.matches("</").count();
    assert!(elements < 80, "{elements} elements");
    let subpaths = svg.matches("M ").count();
    assert!(subpaths >= 3 * view.points.len(), "{subpaths} subpaths for {} features", view.points.len());
    for (q, (x, y)) in view.points.iter().zip(&located) {
        let mark = match q.modality {
            Modality::Code => format!("M {} {y} a", x - 3), // circle of radius 3 (over 200 points: 3, else 4)
            Modality::Cui => format!("M {x} "),
        };
        let mark4 = format!("M {} {y} a", x - 4);
        assert!(svg.contains(&mark) || svg.contains(&mark4), "no marker at ({x}, {y}) for {:?}", q.modality);
    }
    assert_eq!(svg, alignment::svg(&view, 640, 480).unwrap());
}

/// Tick labels never read "-0.00": a tick computed as a tiny negative number or -0 is zero.
#[test]
fn tick_labels_have_no_negative_zero() {
    use claime::plot::tick;
    assert_eq!(tick(-0.0, 2), "0.00");
    assert_eq!(tick(-1e-17, 2), "0.00");
    assert_eq!(tick(-0.004, 2), "0.00");
    assert_eq!(tick(-0.005001, 2), "-0.01");
    assert_eq!(tick(-0.1, 1), "-0.1");
    assert_eq!(tick(0.25, 2), "0.25");
    assert_eq!(tick(-2.0, 1), "-2.0");
}

/// The error chart names the methods as the paper does (CLAIME, Concate, CL) and labels its
/// logarithmic axis at 1, 2 and 5 times powers of ten.
#[test]
fn error_chart_legend_and_log_ticks() {
    let line = |name: &str| Series { name: name.into(), points: vec![(5000.0, 1.0), (20000.0, 0.8), (80000.0, 0.5)] };
    let svg = error_chart::svg(&[line("CLAIME"), line("Concate")], 2.83, 640, 400).unwrap();
    let texts = texts(&svg);
    for label in ["CLAIME", "Concate", "5k", "10k", "20k", "50k", "100k"] {
        assert!(texts.iter().any(|t| t == label), "{label} in the chart: {texts:?}");
    }
    for crowded in ["30k", "40k", "60k", "70k", "90k"] {
        assert!(!texts.iter().any(|t| t == crowded), "no tick {crowded}: {texts:?}");
    }
}

/// The trimmed text contents of an SVG's <text> elements.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| t.split_once('>').and_then(|(_, r)| r.split_once('<')).map(|(x, _)| x.trim().to_string()))
        .collect()
}

/// The experiment figure labels whole-number grids (d, n) as counts and noise levels with
/// decimals.
#[test]
fn sweep_figure_ticks_read_as_the_grid() {
    use claime::plot::sweep::{svg, Band};
    let band = |xs: &[f64]| Band { name: "CLAIME".into(), points: xs.iter().map(|&x| (x, 1.0, 0.8, 1.2)).collect() };
    let d = texts(&svg("d", "d", &[band(&[200.0, 400.0, 600.0, 800.0, 1000.0])], 2.83, 640, 400).unwrap());
    assert!(d.iter().any(|t| t == "400") && d.iter().any(|t| t == "1k"), "{d:?}");
    assert!(!d.iter().any(|t| t.ends_with(".00")), "no decimals on a grid of d: {d:?}");
    let c = texts(&svg("c", "c", &[band(&[0.2, 0.4, 0.6, 0.8, 1.0])], 2.83, 640, 400).unwrap());
    assert!(c.iter().any(|t| t == "0.40") && c.iter().any(|t| t == "1.00"), "levels keep their decimals: {c:?}");
}

/// The experiment figure draws each method's 10-90% band when the replicates spread (and says
/// so in the legend), draws none from one replicate (p10 = p90), and labels the dashed
/// no-recovery line with its value.
#[test]
fn sweep_figure_band_and_no_recovery_label() {
    use claime::plot::sweep::{svg, Band, BAND_LABEL, NO_RECOVERY_LABEL};
    let band = |name: &str, spread: f64| Band {
        name: name.into(),
        points: [20e3, 40e3, 60e3].iter().map(|&x| (x, 2.5, 2.5 - spread, 2.5 + spread)).collect(),
    };
    let many = svg("n", "n", &[band("CLAIME", 0.1), band("Concate", 0.05)], 2.83, 720, 440).unwrap();
    let t = texts(&many);
    assert!(t.iter().any(|s| s == BAND_LABEL), "band in the legend: {t:?}");
    assert!(t.iter().any(|s| s == &format!("{NO_RECOVERY_LABEL} = 2.83")), "{t:?}");
    // Each band: one filled polygon at the band's opacity (plotters writes it as `opacity`).
    let fills = many.matches("<polygon").filter(|_| true).count();
    assert!(fills >= 2, "two band polygons: {fills}");
    assert!(many.contains(&format!("opacity=\"{}\"", claime::plot::sweep::BAND_OPACITY)), "band opacity");
    let one = svg("n", "n", &[band("CLAIME", 0.0), band("Concate", 0.0)], 2.83, 720, 440).unwrap();
    assert!(!texts(&one).iter().any(|s| s == BAND_LABEL), "no band from one replicate");
    assert!(!one.contains(&format!("opacity=\"{}\"", claime::plot::sweep::BAND_OPACITY)));
}

/// The regime map has a colour bar with its values (-L, 0, +L, L the largest |difference|) and
/// a legend for the outline of the cells where CLAIME wins.
#[test]
fn regime_map_has_a_colour_bar_and_an_outline_legend() {
    use claime::plot::regime::{svg, RegimeMap, BAR_ENDS, BAR_LABEL, OUTLINE_LABEL};
    let map = RegimeMap {
        signals: vec![1.0, 2.0, 3.0],
        levels: vec![0.2, 0.6],
        level_name: "c".into(),
        values: vec![-0.42, -0.1, 0.05, 0.2, 0.1, 0.03],
        wins: vec![true, true, false, false, false, false],
    };
    let s = svg(&map, 720, 480).unwrap();
    let t = texts(&s);
    for want in [BAR_LABEL, BAR_ENDS[0], BAR_ENDS[1], OUTLINE_LABEL[0], OUTLINE_LABEL[1], "+0.42", "0.00", "-0.42"] {
        assert!(t.iter().any(|x| x == want), "{want:?} in {t:?}");
    }
}
