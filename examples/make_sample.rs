//! Regenerates the sample cohort in `www/sample/`:
//!
//! ```sh
//! cargo run --release --example make_sample            # writes www/sample/sample.*
//! ```
//!
//! The cohort is `claime simulate --d1 60 --d2 40 --p 2 --n 3000 --signal 3 --seed 7` (spike
//! noise, mean T = 50). Features get readable clinical names by a fictional grouping: codes are
//! sorted by the angle of their 2-D true embedding and cut into six groups of ten, one per
//! clinical area (diabetes, rheumatology, cardiology, lungs, mental health, kidney and gut), and
//! likewise the CUIs (groups of six or seven); so features of one area have close true
//! embeddings. Writes:
//!
//! - `sample.summary.json`: the claime-summary file (with code_code and cui_cui);
//! - `sample.pairs.csv`: known pairs whose true embeddings are close (cosine above a cut), four
//!   relations: `mapping` (code-cui, each PheCode's nearest disease CUI of its area), `may treat` (drug
//!   code, disease CUI), `hierarchy` (code-code), `sibling` (cui-cui);
//! - `sample.records.csv`: the records of the first 40 patients of the same cohort (one row per
//!   patient and feature, with its count), to try `claime summarize` or the upload.

use claime::data::format::Summary;
use claime::linalg::mat;
use claime::metrics::unit_rows;
use claime::params::Params;
use claime::simulate::{simulate, Bag, PatientSampler, Truth};
use std::fmt::Write;

/// (area, ten codes, seven CUIs); drugs are the codes starting with `RxNorm:`, diseases the
/// first four CUIs of each area.
const AREAS: [(&str, [&str; 10], [&str; 7]); 6] = [
    (
        "diabetes",
        [
            "PheCode:250.2 Type 2 diabetes",
            "PheCode:250.1 Type 1 diabetes",
            "PheCode:272.1 Hyperlipidemia",
            "PheCode:278.1 Obesity",
            "PheCode:250.4 Diabetic retinopathy",
            "RxNorm:metformin",
            "RxNorm:insulin glargine",
            "RxNorm:empagliflozin",
            "RxNorm:atorvastatin",
            "CCS:Hemoglobin A1c test",
        ],
        [
            "C0011860 Diabetes mellitus type 2",
            "C0011854 Diabetes mellitus type 1",
            "C0020473 Hyperlipidemia",
            "C0028754 Obesity",
            "C0011884 Diabetic retinopathy",
            "C0025598 Metformin",
            "C0021641 Insulin",
        ],
    ),
    (
        "rheumatology",
        [
            "PheCode:714.1 Rheumatoid arthritis",
            "PheCode:714.0 Inflammatory polyarthropathy",
            "PheCode:695.42 Systemic lupus erythematosus",
            "PheCode:274.1 Gout",
            "RxNorm:methotrexate",
            "RxNorm:hydroxychloroquine",
            "RxNorm:adalimumab",
            "RxNorm:prednisone",
            "RxNorm:allopurinol",
            "CCS:Joint aspiration",
        ],
        [
            "C0003873 Rheumatoid arthritis",
            "C0024141 Systemic lupus erythematosus",
            "C0018099 Gout",
            "C0003864 Arthritis",
            "C0025677 Methotrexate",
            "C0020336 Hydroxychloroquine",
            "C0032952 Prednisone",
        ],
    ),
    (
        "cardiology",
        [
            "PheCode:401.1 Essential hypertension",
            "PheCode:411.4 Coronary atherosclerosis",
            "PheCode:427.21 Atrial fibrillation",
            "PheCode:428.1 Congestive heart failure",
            "RxNorm:lisinopril",
            "RxNorm:metoprolol",
            "RxNorm:apixaban",
            "RxNorm:furosemide",
            "RxNorm:amlodipine",
            "CCS:Echocardiogram",
        ],
        [
            "C0020538 Hypertensive disease",
            "C0010054 Coronary arteriosclerosis",
            "C0004238 Atrial fibrillation",
            "C0018802 Congestive heart failure",
            "C0065374 Lisinopril",
            "C0025859 Metoprolol",
            "C0016860 Furosemide",
        ],
    ),
    (
        "lungs",
        [
            "PheCode:495 Asthma",
            "PheCode:496 Chronic airway obstruction",
            "PheCode:480 Pneumonia",
            "PheCode:327.3 Sleep apnea",
            "RxNorm:albuterol",
            "RxNorm:fluticasone",
            "RxNorm:tiotropium",
            "RxNorm:montelukast",
            "RxNorm:azithromycin",
            "CCS:Pulmonary function test",
        ],
        [
            "C0004096 Asthma",
            "C0024117 Chronic obstructive airway disease",
            "C0032285 Pneumonia",
            "C0037315 Sleep apnea syndromes",
            "C0001927 Albuterol",
            "C0082607 Fluticasone",
            "C0052796 Azithromycin",
        ],
    ),
    (
        "mental health",
        [
            "PheCode:296.22 Major depressive disorder",
            "PheCode:300.1 Anxiety disorder",
            "PheCode:296.1 Bipolar disorder",
            "PheCode:317 Alcohol-related disorders",
            "RxNorm:sertraline",
            "RxNorm:escitalopram",
            "RxNorm:lithium",
            "RxNorm:quetiapine",
            "RxNorm:bupropion",
            "CCS:Psychotherapy",
        ],
        [
            "C1269683 Major depressive disorder",
            "C0003467 Anxiety",
            "C0005586 Bipolar disorder",
            "C0001969 Alcoholic intoxication",
            "C0074393 Sertraline",
            "C0023870 Lithium",
            "C0040616 Antidepressants",
        ],
    ),
    (
        "kidney and gut",
        [
            "PheCode:585.3 Chronic renal failure",
            "PheCode:580 Nephritis",
            "PheCode:571.51 Cirrhosis of liver",
            "PheCode:530.11 Gastroesophageal reflux",
            "RxNorm:omeprazole",
            "RxNorm:lactulose",
            "RxNorm:sevelamer",
            "RxNorm:calcitriol",
            "RxNorm:pantoprazole",
            "CCS:Hemodialysis",
        ],
        [
            "C1561643 Chronic kidney disease",
            "C0027697 Nephritis",
            "C0023890 Liver cirrhosis",
            "C0017168 Gastroesophageal reflux disease",
            "C0028978 Omeprazole",
            "C0019004 Hemodialysis",
            "C0022957 Lactulose",
        ],
    ),
];

/// Group (area) of each feature: sorted by angle, cut into six groups of equal size.
fn areas_by_angle(u: &faer::Mat<f64>) -> Vec<usize> {
    let d = u.nrows();
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&a, &b| u[(a, 1)].atan2(u[(a, 0)]).total_cmp(&u[(b, 1)].atan2(u[(b, 0)])));
    let mut area = vec![0; d];
    for (rank, &i) in order.iter().enumerate() {
        area[i] = rank * 6 / d;
    }
    area
}

fn csv(s: &str) -> String {
    if s.contains([',', '"']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The names of features in areas `areas`: the k-th feature of area a gets `name(a, k)`.
fn area_names(areas: &[usize], name: impl Fn(usize, usize) -> &'static str) -> Vec<String> {
    let mut used = [0usize; 6];
    areas
        .iter()
        .map(|&a| {
            used[a] += 1;
            name(a, used[a] - 1).to_string()
        })
        .collect()
}

fn main() {
    let params = Params { d1: 60, d2: 40, p: 2, n: 3000, signal: 3.0, seed: 7, ..Params::default() }.check().unwrap();
    let (truth, stats) = simulate(&params, true);
    let (u1, u2) = (unit_rows(mat(&truth.v1)), unit_rows(mat(&truth.v2)));
    let (a1, a2) = (areas_by_angle(&u1), areas_by_angle(&u2));
    // Names: the k-th code of area a gets AREAS[a].1[k], in feature order.
    let codes = area_names(&a1, |a, k| AREAS[a].1[k]);
    let cuis = area_names(&a2, |a, k| AREAS[a].2[k]);
    let summary = Summary::new(codes.clone(), cuis.clone(), stats).unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/www/sample");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(format!("{dir}/sample.summary.json"), summary.to_json()).unwrap();

    let cos =
        |a: &faer::Mat<f64>, i: usize, b: &faer::Mat<f64>, j: usize| (0..2).map(|k| a[(i, k)] * b[(j, k)]).sum::<f64>();
    let disease = |j: usize| AREAS[a2[j]].2[..4].contains(&cuis[j].as_str());
    let mut pairs = String::from("feature_a,feature_b,relation,kind\n");
    let mut counts = [0usize; 4];
    for i in 0..60 {
        // mapping: a diagnosis code and the nearest disease CUI of its area.
        let best = (0..40)
            .filter(|&j| a2[j] == a1[i] && disease(j))
            .max_by(|&x, &y| cos(&u1, i, &u2, x).total_cmp(&cos(&u1, i, &u2, y)));
        if let Some(j) = best.filter(|&j| cos(&u1, i, &u2, j) > 0.9 && codes[i].starts_with("PheCode:")) {
            let _ = writeln!(pairs, "{},{},mapping,code-cui", csv(&codes[i]), csv(&cuis[j]));
            counts[0] += 1;
        }
        if codes[i].starts_with("RxNorm:") {
            for j in (0..40).filter(|&j| a2[j] == a1[i] && disease(j) && cos(&u1, i, &u2, j) > 0.9) {
                let _ = writeln!(pairs, "{},{},may treat,code-cui", csv(&codes[i]), csv(&cuis[j]));
                counts[1] += 1;
            }
        }
    }
    for i in 0..60 {
        for k in i + 1..60 {
            if a1[i] == a1[k] && cos(&u1, i, &u1, k) > 0.99 {
                let _ = writeln!(pairs, "{},{},hierarchy,code-code", csv(&codes[i]), csv(&codes[k]));
                counts[2] += 1;
            }
        }
    }
    for j in 0..40 {
        for k in j + 1..40 {
            if a2[j] == a2[k] && cos(&u2, j, &u2, k) > 0.98 {
                let _ = writeln!(pairs, "{},{},sibling,cui-cui", csv(&cuis[j]), csv(&cuis[k]));
                counts[3] += 1;
            }
        }
    }
    std::fs::write(format!("{dir}/sample.pairs.csv"), pairs).unwrap();

    // The first 40 patients of the same cohort as records.
    let truth2 = Truth::draw(&params);
    let mut sampler = PatientSampler::new(&params);
    let mut bags: [Bag; 2] = [Vec::new(), Vec::new()];
    let mut records = String::from("patient_id,modality,feature,count\n");
    for i in 1..=40 {
        sampler.next_patient(&truth2, &mut bags);
        for (bag, names, m) in [(&bags[0], &codes, "code"), (&bags[1], &cuis, "cui")] {
            for &(w, c) in bag.iter() {
                let _ = writeln!(records, "P{i:03},{m},{},{c}", csv(&names[w as usize]));
            }
        }
    }
    std::fs::write(format!("{dir}/sample.records.csv"), records).unwrap();
    eprintln!(
        "wrote {dir}/sample.summary.json, sample.pairs.csv (mapping {}, may treat {}, hierarchy {}, sibling {}), sample.records.csv",
        counts[0], counts[1], counts[2], counts[3]
    );
}
